import { Form, Input, Modal } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useFormProblem } from '../../api/error-text.tsx';
import type { Customer } from '../../api/api-types.ts';
import { useMessage } from '../../i18n/antd-config.tsx';
import { CustomerSearchSelect } from './customer-search-select.tsx';
import { addMember, invalidateMembers } from './customers.api.ts';
import './customers.i18n.ts';

interface MemberFormValues {
  personId: string | null;
  role?: string;
  title?: string;
}

/** The role and job title typed, trimmed; an empty one is not sent. */
function memberInput(values: MemberFormValues & { personId: string }) {
  const role = values.role?.trim();
  const title = values.title?.trim();
  return { personId: values.personId, ...(role ? { role } : {}), ...(title ? { title } : {}) };
}

/**
 * Links a person to an organisation with a role and a job title: the person found as in the
 * customer search.
 * Enter submits, Esc closes; the server's refusals show on their field, or above the button.
 */
export function CustomerMemberModal({
  open,
  organization,
  onClose,
}: {
  open: boolean;
  organization: Customer;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const message = useMessage();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<MemberFormValues>();
  const problem = useFormProblem(form);
  const unnamed = t('customers.unnamed');
  const add = useMutation({
    mutationFn: (input: ReturnType<typeof memberInput>) => addMember(organization.id, input),
    onSuccess: async (member) => {
      // The organisation's people and the person's organisations.
      await invalidateMembers(queryClient);
      void message.success(t('customer360.memberAdded', { name: member.personName || unnamed }));
      close();
    },
    onError: (error) => problem.report(error),
  });

  function close() {
    problem.clear();
    add.reset();
    form.resetFields();
    onClose();
  }

  return (
    <Modal
      open={open}
      title={t('customer360.addMemberTitle', { name: organization.name || unnamed })}
      okText={t('customer360.addMember')}
      cancelText={t('common.cancel')}
      confirmLoading={add.isPending}
      onOk={() => form.submit()}
      onCancel={close}
      destroyOnHidden
    >
      <Form<MemberFormValues>
        form={form}
        name="member"
        layout="vertical"
        initialValues={{ personId: null, role: '', title: '' }}
        onFinish={(values) => {
          problem.clear();
          const { personId } = values;
          if (personId) add.mutate(memberInput({ ...values, personId }));
        }}
        data-testid="member-form"
        // Esc closes also after a refused submit, when the dialog's own handler no longer hears it.
        onKeyDown={(event) => {
          if (event.key === 'Escape' && !event.defaultPrevented) close();
        }}
      >
        <Form.Item
          name="personId"
          label={t('customer360.memberPerson')}
          rules={[{ required: true, message: t('customer360.memberPersonRequired') }]}
        >
          <CustomerSearchSelect
            kind="person"
            excludeId={organization.id}
            autoFocus
            enabled={open}
            placeholder={t('customer360.memberPersonPlaceholder')}
            noMatch={t('customer360.noPersonMatch')}
            aria-label={t('customer360.memberPerson')}
          />
        </Form.Item>
        <Form.Item name="role" label={t('customer360.memberRole')}>
          <Input maxLength={100} placeholder={t('customer360.memberRolePlaceholder')} />
        </Form.Item>
        <Form.Item name="title" label={t('customerMembers.jobTitle')}>
          <Input maxLength={100} placeholder={t('customerMembers.jobTitlePlaceholder')} />
        </Form.Item>
        {problem.alert}
        {/* Enter in a field submits; the visible button is the modal's. */}
        <button type="submit" className="visually-hidden" tabIndex={-1} aria-hidden="true" />
      </Form>
    </Modal>
  );
}
