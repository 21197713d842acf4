import { useState } from 'react';
import { Button, Card, Form, Input, Modal, Popconfirm, Select, Space, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient, type InfiniteData } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { roleCan, roles, userStatuses, type Role } from '@fidelis/contracts';
import { api, ApiError } from '../../api/api-client.ts';
import { useErrorText, useFormProblem } from '../../api/error-text.tsx';
import { formatDateTime } from '../../i18n/format.ts';
import { appLocales, type AppLocale } from '../../i18n/i18n.ts';
import { labelled } from '../../forms/form-fields.tsx';
import type { Page, User, UserCreate, UserPatch } from '../../api/api-types.ts';
import { useCurrentSession } from './session.ts';
import { useMessage } from '../../i18n/antd-config.tsx';
import { AccessListTable, useAccessList } from './access-list.tsx';

/** Every list of users, whatever its filters: invalidated, every loaded page reloads. */
const usersQuery = ['users'] as const;

export function UsersPage() {
  const { t, i18n } = useTranslation();
  const message = useMessage();
  const errorText = useErrorText();
  const session = useCurrentSession();
  // Only owners manage users; nobody changes their own role or disables themself (the server
  // refuses both too), so one's own row stays read-only.
  const canManage = (row: User) =>
    roleCan(session.user.role, 'platform:admin') && row.id !== session.user.id;
  const queryClient = useQueryClient();
  const [creating, setCreating] = useState(false);
  const [form] = Form.useForm<UserCreate>();
  // The server's refusals (an email already used, a password too short) on their fields.
  const problem = useFormProblem(form);
  const list = useAccessList<User, (typeof userStatuses)[number]>({
    path: '/v1/users',
    queryKey: usersQuery,
    statuses: userStatuses,
  });
  const create = useMutation({
    mutationFn: (input: UserCreate) => api.post<User>('/v1/users', input),
    onError: problem.report,
    onSuccess: () => {
      setCreating(false);
      problem.clear();
      form.resetFields();
      void queryClient.invalidateQueries({ queryKey: usersQuery });
    },
  });
  const update = useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: UserPatch }) =>
      api.patch<User>(`/v1/users/${id}`, patch),
    onSuccess: (user, { patch }) => {
      // The row changes at once; the reload then drops it from a list it no longer matches
      // (a disabled user under "enabled") and puts a renamed one in its place.
      queryClient.setQueriesData<InfiniteData<Page<User>>>(
        { queryKey: [...usersQuery, 'list'] },
        (data) =>
          data
            ? {
                ...data,
                pages: data.pages.map((page) => ({
                  ...page,
                  items: page.items.map((item) => (item.id === user.id ? user : item)),
                })),
              }
            : data,
      );
      void queryClient.invalidateQueries({ queryKey: usersQuery });
      void message.success(
        'role' in patch
          ? t('users.roleChanged', { name: user.name, role: t(`roles.${user.role}`) })
          : t(user.disabled ? 'users.disabledDone' : 'users.enabledDone', { name: user.name }),
      );
    },
    onError: (error) => {
      // The tenant would lose its last enabled owner: said in full, not as "role: …".
      const lastOwner =
        error instanceof ApiError &&
        error.fieldErrors.some((fieldError) => fieldError.reason === 'last_owner');
      if (lastOwner) {
        void message.error(t('users.lastOwner'));
        return;
      }
      void message.error(errorText(error).line);
    },
  });
  const updating = (row: User) => update.isPending && update.variables.id === row.id;

  const columns: TableColumnsType<User> = [
    { title: t('users.name'), dataIndex: 'name' },
    { title: t('users.email'), dataIndex: 'email' },
    {
      title: t('users.role'),
      dataIndex: 'role',
      render: (role: Role, row) =>
        canManage(row) ? (
          <Select<Role>
            size="small"
            value={role}
            aria-label={t('users.roleOf', { name: row.name })}
            style={{ minWidth: 110 }}
            loading={updating(row)}
            disabled={updating(row)}
            options={roles.map((value) => ({ value, label: t(`roles.${value}`) }))}
            onChange={(value) => update.mutate({ id: row.id, patch: { role: value } })}
          />
        ) : (
          t(`roles.${role}`)
        ),
    },
    {
      title: t('users.language'),
      dataIndex: 'locale',
      responsive: ['md'],
      render: (locale: AppLocale) => t(`users.locales.${locale}`),
    },
    {
      title: t('users.createdAt'),
      dataIndex: 'createdAt',
      responsive: ['lg'],
      render: (iso: string) => formatDateTime(iso, i18n.language, session.tenant.timeZone),
    },
    {
      title: t('users.status'),
      key: 'status',
      render: (_, row) => (
        <Space size={4} wrap>
          {row.disabled ? (
            <Tag color="red">{t('users.disabled')}</Tag>
          ) : (
            <Tag color="green">{t('users.active')}</Tag>
          )}
          {row.id === session.user.id ? <Tag>{t('users.you')}</Tag> : null}
        </Space>
      ),
    },
    {
      title: t('users.actions'),
      key: 'actions',
      render: (_, row) =>
        canManage(row) ? (
          <Popconfirm
            title={t(row.disabled ? 'users.enableConfirm' : 'users.disableConfirm', {
              name: row.name,
            })}
            okText={t(row.disabled ? 'users.enable' : 'users.disable')}
            cancelText={t('common.cancel')}
            okButtonProps={{ danger: !row.disabled }}
            onConfirm={() =>
              update
                .mutateAsync({ id: row.id, patch: { disabled: !row.disabled } })
                .catch(() => undefined)
            }
          >
            <Button size="small" danger={!row.disabled} loading={updating(row)}>
              {t(row.disabled ? 'users.enable' : 'users.disable')}
            </Button>
          </Popconfirm>
        ) : null,
    },
  ];

  const createButton = (
    <Button type="primary" icon={<PlusOutlined aria-hidden />} onClick={() => setCreating(true)}>
      {t('users.create')}
    </Button>
  );

  return (
    <>
      <div className="page-header">
        <Typography.Title level={3}>{t('users.title')}</Typography.Title>
        {createButton}
      </div>
      <Card>
        <AccessListTable
          list={list}
          columns={columns}
          strings="users"
          statuses={[
            { value: 'enabled', label: t('users.active') },
            { value: 'disabled', label: t('users.disabled') },
          ]}
          create={createButton}
          testId="users"
        />
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
          problem.clear();
        }}
        destroyOnHidden
      >
        <Form<UserCreate>
          form={form}
          layout="vertical"
          initialValues={{ role: 'agent', locale: 'zh-CN' }}
          onFinish={(values) => {
            problem.clear();
            create.mutate(values);
          }}
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
            <Select options={labelled(appLocales, t, 'users.locales')} />
          </Form.Item>
          {problem.alert}
          {/* Enter in any field submits, as in any form; the visible button is the modal's. */}
          <button type="submit" className="visually-hidden" tabIndex={-1} aria-hidden="true" />
        </Form>
      </Modal>
    </>
  );
}
