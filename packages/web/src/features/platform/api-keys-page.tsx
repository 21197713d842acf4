import { useState } from 'react';
import {
  Button,
  Card,
  Form,
  Input,
  Modal,
  Popconfirm,
  Select,
  Space,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import type { TableColumnsType } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { apiKeyStatuses, roles, type Role } from '@fidelis/contracts';
import { api } from '../../api/api-client.ts';
import { ErrorAlert, useErrorText } from '../../api/error-text.tsx';
import type { ApiKey } from '../../api/api-types.ts';
import { formatDateTime } from '../../i18n/format.ts';
import { SecretShownOnce } from './secret-shown-once.tsx';
import { useCurrentSession } from './session.ts';
import { useMessage } from '../../i18n/antd-config.tsx';
import { AccessListTable, useAccessList } from './access-list.tsx';

type ApiKeyCreated = ApiKey & { key: string };

/** Every list of keys, whatever its filters: invalidated, every loaded page reloads. */
const keysQuery = ['api-keys'] as const;

export function ApiKeysPage() {
  const { t, i18n } = useTranslation();
  const message = useMessage();
  const errorText = useErrorText();
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<ApiKeyCreated | null>(null);
  const [form] = Form.useForm<{ name: string; role: Role }>();
  const list = useAccessList<ApiKey, (typeof apiKeyStatuses)[number]>({
    path: '/v1/api-keys',
    queryKey: keysQuery,
    statuses: apiKeyStatuses,
  });
  const create = useMutation({
    mutationFn: (input: { name: string; role: Role }) =>
      api.post<ApiKeyCreated>('/v1/api-keys', input),
    onSuccess: (key) => {
      setCreating(false);
      form.resetFields();
      setCreated(key);
      void queryClient.invalidateQueries({ queryKey: keysQuery });
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => api.delete<ApiKey>(`/v1/api-keys/${id}`),
    // Refused too (revoked elsewhere meanwhile): the list shows the key as it is now.
    onSettled: () => queryClient.invalidateQueries({ queryKey: keysQuery }),
    onError: (error) => {
      void message.error(errorText(error).line);
    },
  });
  const when = (iso: string | null) =>
    iso ? formatDateTime(iso, i18n.language, session.tenant.timeZone) : '—';

  const columns: TableColumnsType<ApiKey> = [
    { title: t('apiKeys.name'), dataIndex: 'name' },
    {
      title: t('apiKeys.prefix'),
      dataIndex: 'prefix',
      // Keys made before 2026-12-07 kept their first characters, without the "…".
      render: (prefix: string) => (
        <Typography.Text code>{prefix.includes('…') ? prefix : `${prefix}…`}</Typography.Text>
      ),
    },
    {
      title: t('apiKeys.role'),
      dataIndex: 'role',
      // A partner's key acts only through the partner routes, whatever its role says.
      render: (role: Role, row) =>
        row.partnerId ? (
          <Tooltip title={t('apiKeys.partnerHint')}>
            <Tag color="purple" tabIndex={0}>
              {t('apiKeys.partner')}
            </Tag>
          </Tooltip>
        ) : (
          t(`roles.${role}`)
        ),
    },
    { title: t('apiKeys.createdAt'), dataIndex: 'createdAt', responsive: ['md'], render: when },
    { title: t('apiKeys.lastUsedAt'), dataIndex: 'lastUsedAt', responsive: ['lg'], render: when },
    {
      title: t('apiKeys.status'),
      key: 'status',
      render: (_, row) =>
        row.revokedAt ? (
          <Tag color="red">{t('apiKeys.revoked')}</Tag>
        ) : (
          <Space size="small">
            <Tag color="green">{t('apiKeys.active')}</Tag>
            <Popconfirm
              title={t('apiKeys.revokeConfirm', { name: row.name })}
              okText={t('apiKeys.revoke')}
              cancelText={t('common.cancel')}
              okButtonProps={{ danger: true }}
              // The confirm waits for the revocation; a refusal is told by `onError`
              // (a toast), so the promise it is given must not reject unhandled.
              onConfirm={() => revoke.mutateAsync(row.id).catch(() => undefined)}
            >
              <Button size="small" danger>
                {t('apiKeys.revoke')}
              </Button>
            </Popconfirm>
          </Space>
        ),
    },
  ];

  const createButton = (
    <Button type="primary" icon={<PlusOutlined aria-hidden />} onClick={() => setCreating(true)}>
      {t('apiKeys.create')}
    </Button>
  );

  return (
    <>
      <div className="page-header">
        <Typography.Title level={3}>{t('apiKeys.title')}</Typography.Title>
        {createButton}
      </div>
      <Card>
        <Typography.Paragraph type="secondary">{t('apiKeys.intro')}</Typography.Paragraph>
        <AccessListTable
          list={list}
          columns={columns}
          strings="apiKeys"
          statuses={[
            { value: 'active', label: t('apiKeys.active') },
            { value: 'revoked', label: t('apiKeys.revoked') },
          ]}
          create={createButton}
          testId="api-keys"
        />
      </Card>

      <Modal
        open={creating}
        title={t('apiKeys.create')}
        okText={t('apiKeys.create')}
        cancelText={t('common.cancel')}
        confirmLoading={create.isPending}
        onOk={() => form.submit()}
        onCancel={() => {
          setCreating(false);
          create.reset();
        }}
        destroyOnHidden
      >
        <Form
          form={form}
          layout="vertical"
          initialValues={{ role: 'agent' }}
          onFinish={(values) => create.mutate(values)}
        >
          <Form.Item
            name="name"
            label={t('apiKeys.name')}
            rules={[{ required: true, whitespace: true, message: t('apiKeys.nameRequired') }]}
          >
            <Input autoFocus maxLength={100} placeholder={t('apiKeys.namePlaceholder')} />
          </Form.Item>
          <Form.Item name="role" label={t('apiKeys.role')}>
            <Select options={roles.map((role) => ({ value: role, label: t(`roles.${role}`) }))} />
          </Form.Item>
          {create.isError ? <ErrorAlert error={create.error} /> : null}
          {/* Enter in any field submits, as in any form; the visible button is the modal's. */}
          <button type="submit" className="visually-hidden" tabIndex={-1} aria-hidden="true" />
        </Form>
      </Modal>

      <SecretShownOnce
        secret={created?.key ?? null}
        title={t('apiKeys.createdTitle')}
        warning={t('apiKeys.shownOnce')}
        testId="api-key-secret"
        onClose={() => setCreated(null)}
      />
    </>
  );
}
