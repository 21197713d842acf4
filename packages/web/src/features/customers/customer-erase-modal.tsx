import { useState } from 'react';
import { Alert, Input, Modal, Space, Typography } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { ErrorAlert } from '../../api/error-text.tsx';
import type { Customer } from '../../api/api-types.ts';
import { customerKeys, eraseCustomer } from './customers.api.ts';
import { useMessage } from '../../i18n/antd-config.tsx';

/**
 * Erasure at the customer's request (PIPL / GDPR). The user types the customer's name (or a
 * confirm word when there is none) before the button works; afterwards the customer is gone
 * from the list and the search, and their page answers "erased".
 */
export function CustomerEraseModal({
  open,
  customer,
  onClose,
}: {
  open: boolean;
  customer: Customer;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const message = useMessage();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [typed, setTyped] = useState('');
  const expected = customer.name.trim() || t('customerEdit.erase.confirmWord');
  const matches = typed.trim() === expected;

  const erase = useMutation({
    mutationFn: () => eraseCustomer(customer.id),
    onSuccess: async () => {
      // Its page would now answer 410: leave it before anything refetches it.
      void navigate('/customers', { replace: true });
      queryClient.removeQueries({ queryKey: customerKeys.one(customer.id) });
      queryClient.removeQueries({ queryKey: ['timeline', customer.id] });
      await Promise.all(
        [
          customerKeys.lists,
          customerKeys.allMembers,
          customerKeys.allWithContact,
          customerKeys.allSearches,
        ].map((queryKey) => queryClient.invalidateQueries({ queryKey })),
      );
      void message.success(
        t('customerEdit.erase.done', { name: customer.name || t('customers.unnamed') }),
      );
    },
  });

  function close() {
    setTyped('');
    erase.reset();
    onClose();
  }

  return (
    <Modal
      open={open}
      title={t('customerEdit.erase.title', { name: customer.name || t('customers.unnamed') })}
      okText={t('customerEdit.erase.confirm')}
      okButtonProps={{ danger: true, disabled: !matches }}
      cancelText={t('common.cancel')}
      confirmLoading={erase.isPending}
      onOk={() => erase.mutate()}
      onCancel={close}
      destroyOnHidden
    >
      <Space orientation="vertical" size={12} className="full-width">
        <Alert
          type="error"
          showIcon
          title={t('customerEdit.erase.irreversible')}
          description={
            <>
              <div>{t('customerEdit.erase.erased')}</div>
              <div>{t('customerEdit.erase.kept')}</div>
              {customer.mergedIds.length > 0 ? (
                <div>{t('customerEdit.erase.merged', { count: customer.mergedIds.length })}</div>
              ) : null}
            </>
          }
        />
        <Typography.Text>
          {t('customerEdit.erase.typeToConfirm')} <Typography.Text code>{expected}</Typography.Text>
        </Typography.Text>
        <Input
          autoFocus
          aria-label={t('customerEdit.erase.typeLabel')}
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
          onPressEnter={() => {
            if (matches && !erase.isPending) erase.mutate();
          }}
          autoComplete="off"
          data-testid="erase-confirm-input"
        />
        {erase.isError ? <ErrorAlert error={erase.error} /> : null}
      </Space>
    </Modal>
  );
}
