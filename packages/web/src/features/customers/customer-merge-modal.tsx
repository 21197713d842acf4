import { useState } from 'react';
import { Alert, Card, Col, Descriptions, Modal, Radio, Row, Space, Typography } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { ErrorAlert } from '../../api/error-text.tsx';
import type { Customer } from '../../api/api-types.ts';
import { formatDateTime } from '../../i18n/format.ts';
import { CustomerSearchSelect } from './customer-search-select.tsx';
import { customerKeys, mergeCustomers } from './customers.api.ts';
import { useMessage } from '../../i18n/antd-config.tsx';

function CustomerCard({
  customer,
  title,
  timeZone,
  testId,
}: {
  customer: Customer;
  title: string;
  timeZone: string;
  testId: string;
}) {
  const { t, i18n } = useTranslation();
  const contacts = [...customer.phones, ...customer.emails].map((c) => c.value);
  return (
    <Card size="small" title={title} data-testid={testId}>
      <Descriptions
        column={1}
        size="small"
        items={[
          {
            key: 'name',
            label: t('customers.name'),
            children: customer.name || t('customers.unnamed'),
          },
          {
            key: 'externalId',
            label: t('customers.externalId'),
            children: customer.externalId ?? '—',
          },
          {
            key: 'contacts',
            label: t('customer360.contacts'),
            children: contacts.length ? contacts.join('\n') : '—',
          },
          {
            key: 'tags',
            label: t('customers.tags'),
            children: customer.tags.length ? customer.tags.join('、') : '—',
          },
          {
            key: 'createdAt',
            label: t('customers.createdAt'),
            children: formatDateTime(customer.createdAt, i18n.language, timeZone),
          },
        ]}
      />
    </Card>
  );
}

/**
 * Finds a duplicate of `customer` and merges the two: the one kept gains the other's history,
 * contacts, tags and points; the other's record is removed and its id opens the one kept.
 */
export function CustomerMergeModal({
  open,
  customer,
  timeZone,
  onClose,
}: {
  open: boolean;
  customer: Customer;
  timeZone: string;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const message = useMessage();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [other, setOther] = useState<Customer | null>(null);
  const [keep, setKeep] = useState<'this' | 'other'>('this');
  const unnamed = t('customers.unnamed');

  const merge = useMutation({
    mutationFn: ({ survivor, duplicate }: { survivor: Customer; duplicate: Customer }) =>
      mergeCustomers(survivor.id, duplicate.id),
    onSuccess: async (survivor, { duplicate }) => {
      // Both records, their timelines and their points changed.
      queryClient.removeQueries({ queryKey: customerKeys.one(duplicate.id) });
      await Promise.all([
        ...[
          customerKeys.one(survivor.id),
          customerKeys.lists,
          customerKeys.allMembers,
          customerKeys.allWithContact,
          customerKeys.allSearches,
        ].map((queryKey) => queryClient.invalidateQueries({ queryKey })),
        queryClient.invalidateQueries({ queryKey: ['timeline'] }),
        queryClient.invalidateQueries({ queryKey: ['loyalty'] }),
      ]);
      void message.success(
        t('customerEdit.merge.done', {
          duplicate: duplicate.name || unnamed,
          survivor: survivor.name || unnamed,
        }),
      );
      close();
      void navigate(`/customers/${survivor.id}`);
    },
  });

  function close() {
    setOther(null);
    setKeep('this');
    merge.reset();
    onClose();
  }

  const survivor = keep === 'this' ? customer : other;
  const duplicate = keep === 'this' ? other : customer;
  const names = {
    survivor: survivor ? survivor.name || unnamed : '',
    duplicate: duplicate ? duplicate.name || unnamed : '',
  };

  return (
    <Modal
      open={open}
      title={t('customerEdit.merge.title', { name: customer.name || unnamed })}
      width={760}
      okText={t('customerEdit.merge.confirm')}
      okButtonProps={{ danger: true, disabled: !other }}
      cancelText={t('common.cancel')}
      confirmLoading={merge.isPending}
      onOk={() => {
        if (survivor && duplicate) merge.mutate({ survivor, duplicate });
      }}
      onCancel={close}
      destroyOnHidden
    >
      <Space orientation="vertical" size={16} className="full-width">
        <Typography.Paragraph type="secondary">
          {t('customerEdit.merge.intro')}
        </Typography.Paragraph>
        {/* Only customers of the same kind can be merged. */}
        <CustomerSearchSelect
          kind={customer.kind}
          excludeId={customer.id}
          enabled={open}
          autoFocus
          aria-label={t('customerEdit.merge.search')}
          placeholder={t('customerEdit.merge.searchPlaceholder')}
          noMatch={t('customerEdit.merge.noMatch')}
          value={other?.id ?? null}
          onChange={(_, chosen) => {
            setOther(chosen);
            merge.reset();
          }}
          data-testid="merge-search"
        />
        {other && survivor && duplicate ? (
          <>
            <Radio.Group
              aria-label={t('customerEdit.merge.keep')}
              value={keep}
              onChange={(e) => setKeep(e.target.value as 'this' | 'other')}
              options={[
                {
                  value: 'this',
                  label: t('customerEdit.merge.keepThis', { name: customer.name || unnamed }),
                },
                {
                  value: 'other',
                  label: t('customerEdit.merge.keepOther', { name: other.name || unnamed }),
                },
              ]}
            />
            <Row gutter={12}>
              <Col xs={24} md={12}>
                <CustomerCard
                  customer={survivor}
                  title={t('customerEdit.merge.kept')}
                  timeZone={timeZone}
                  testId="merge-survivor"
                />
              </Col>
              <Col xs={24} md={12}>
                <CustomerCard
                  customer={duplicate}
                  title={t('customerEdit.merge.removed')}
                  timeZone={timeZone}
                  testId="merge-duplicate"
                />
              </Col>
            </Row>
            <Alert
              type="warning"
              showIcon
              title={t('customerEdit.merge.whatHappens')}
              description={
                <ul className="problem-fields">
                  <li>{t('customerEdit.merge.history', names)}</li>
                  <li>{t('customerEdit.merge.profile', names)}</li>
                  <li>{t('customerEdit.merge.removedRecord', names)}</li>
                  <li>{t('customerEdit.merge.irreversible')}</li>
                </ul>
              }
            />
          </>
        ) : null}
        {merge.isError ? <ErrorAlert error={merge.error} /> : null}
      </Space>
    </Modal>
  );
}
