import { useState } from 'react';
import { Button, Card, Form, Input, Modal, Select, Table, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { roles, type Role } from '@fidelis/contracts';
import { api } from '../../api/api-client.ts';
import { ErrorAlert } from '../../api/error-text.tsx';
import { formatDateTime } from '../../i18n/format.ts';
import type { AppLocale } from '../../i18n/i18n.ts';
import { useCurrentSession } from './session.ts';

interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  locale: AppLocale;
  createdAt: string;
  disabledAt: string | null;
}
interface UserInput {
  email: string;
  name: string;
  role: Role;
  password: string;
  locale: AppLocale;
}

const usersQuery = ['users'] as const;

export function UsersPage() {
  const { t, i18n } = useTranslation();
  const session = useCurrentSession();
  const queryClient = useQueryClient();
  const [creating, setCreating] = useState(false);
  const [form] = Form.useForm<UserInput>();
  const users = useQuery({
    queryKey: usersQuery,
    queryFn: ({ signal }) => api.get<{ items: User[] }>('/v1/users', undefined, signal),
  });
  const create = useMutation({
    mutationFn: (input: UserInput) => api.post<User>('/v1/users', input),
    onSuccess: () => {
      setCreating(false);
      form.resetFields();
      void queryClient.invalidateQueries({ queryKey: usersQuery });
    },
  });

  return (
    <>
      <div className="page-header">
        <Typography.Title level={3}>{t('users.title')}</Typography.Title>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
          {t('users.create')}
        </Button>
      </div>
      <Card>
        {users.isError ? (
          <ErrorAlert error={users.error} onRetry={() => void users.refetch()} />
        ) : (
          <Table<User>
            rowKey="id"
            size="middle"
            loading={users.isPending}
            dataSource={users.data?.items ?? []}
            pagination={false}
            scroll={{ x: 640 }}
            columns={[
              { title: t('users.name'), dataIndex: 'name' },
              { title: t('users.email'), dataIndex: 'email' },
              {
                title: t('users.role'),
                dataIndex: 'role',
                render: (role: Role) => t(`roles.${role}`),
              },
              {
                title: t('users.language'),
                dataIndex: 'locale',
                render: (locale: AppLocale) => (locale === 'en' ? 'English' : '中文'),
              },
              {
                title: t('users.createdAt'),
                dataIndex: 'createdAt',
                render: (iso: string) =>
                  formatDateTime(iso, i18n.language, session.tenant.timeZone),
              },
              {
                title: t('users.status'),
                key: 'status',
                render: (_, row) =>
                  row.disabledAt ? (
                    <Tag color="red">{t('users.disabled')}</Tag>
                  ) : (
                    <Tag color="green">{t('users.active')}</Tag>
                  ),
              },
            ]}
          />
        )}
      </Card>
      <Modal
        open={creating}
        title={t('users.create')}
        okText={t('users.create')}
        cancelText={t('common.cancel')}
        confirmLoading={create.isPending}
        onOk={() => form.submit()}
        onCancel={() => {
          setCreating(false);
          create.reset();
        }}
        destroyOnHidden
      >
        <Form<UserInput>
          form={form}
          layout="vertical"
          initialValues={{ role: 'agent', locale: 'zh-CN' }}
          onFinish={(values) => create.mutate(values)}
        >
          <Form.Item
            name="name"
            label={t('users.name')}
            rules={[{ required: true, whitespace: true, message: t('users.nameRequired') }]}
          >
            <Input autoFocus maxLength={200} />
          </Form.Item>
          <Form.Item
            name="email"
            label={t('users.email')}
            rules={[{ required: true, type: 'email', message: t('login.emailInvalid') }]}
          >
            <Input type="email" autoComplete="off" />
          </Form.Item>
          <Form.Item
            name="password"
            label={t('users.password')}
            rules={[{ required: true, min: 10, message: t('users.passwordRule') }]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Form.Item name="role" label={t('users.role')}>
            <Select options={roles.map((role) => ({ value: role, label: t(`roles.${role}`) }))} />
          </Form.Item>
          <Form.Item name="locale" label={t('users.language')}>
            <Select
              options={[
                { value: 'zh-CN', label: '中文' },
                { value: 'en', label: 'English' },
              ]}
            />
          </Form.Item>
          {create.isError ? <ErrorAlert error={create.error} /> : null}
          {/* Enter in any field submits, as in any form; the visible button is the modal's. */}
          <button type="submit" className="visually-hidden" tabIndex={-1} aria-hidden="true" />
        </Form>
      </Modal>
    </>
  );
}
