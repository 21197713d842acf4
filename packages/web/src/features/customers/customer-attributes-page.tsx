import { useState } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  Empty,
  Form,
  Input,
  Modal,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/api-client.ts';
import { ErrorAlert, useFormProblem } from '../../api/error-text.tsx';
import type { AttributeDefinition } from '../../api/api-types.ts';
import { formatDateTime } from '../../i18n/format.ts';
import { useCurrentSession } from '../platform/session.ts';
import {
  attributeKeyPattern,
  attributeLabel,
  attributeTypes,
  createInputOf,
  matchesSearch,
  optionLimits,
  typeHasOptions,
  withDefinition,
  type AttributeDefinitionCreate,
  type AttributeFormValues,
  type AttributeType,
} from './attribute-definitions.ts';
import { canDefineAttributes } from './customer-roles.ts';
import {
  createAttributeDefinition,
  customerKeys,
  useAttributeDefinitions,
} from './customers.api.ts';

/** How many options a row shows before "+N". */
const OPTIONS_SHOWN = 8;
const PAGE_SIZE = 50;

/** Settings → customer attributes: the tenant's definitions, and (owners) a new one. */
export function CustomerAttributesPage() {
  const { t, i18n } = useTranslation();
  const session = useCurrentSession();
  const canDefine = canDefineAttributes(session.user.role);
  const definitions = useAttributeDefinitions();
  const [search, setSearch] = useState('');
  const [creating, setCreating] = useState(false);
  const all = definitions.data ?? [];
  const rows = all.filter((definition) => matchesSearch(definition, search));
  const typeLabel = (type: AttributeType) => t(`attributes.types.${type}`);
  const newButton = (
    <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
      {t('attributes.create')}
    </Button>
  );

  return (
    <>
      <div className="page-header">
        <Typography.Title level={3}>{t('attributes.title')}</Typography.Title>
        {canDefine && all.length > 0 ? newButton : null}
      </div>
      <Card>
        <Typography.Paragraph type="secondary">{t('attributes.intro')}</Typography.Paragraph>
        {definitions.isError ? (
          <ErrorAlert error={definitions.error} onRetry={() => void definitions.refetch()} />
        ) : (
          <>
            {all.length > 0 ? (
              <Space wrap className="filters">
                <Input.Search
                  allowClear
                  aria-label={t('attributes.search')}
                  placeholder={t('attributes.searchPlaceholder')}
                  value={search}
                  onChange={(e) => setSearch(e.target.value)}
                  className="filter-search"
                />
              </Space>
            ) : null}
            <Table<AttributeDefinition>
              rowKey="key"
              size="middle"
              loading={definitions.isPending}
              dataSource={rows}
              pagination={
                rows.length > PAGE_SIZE ? { pageSize: PAGE_SIZE, showSizeChanger: false } : false
              }
              scroll={{ x: 820 }}
              data-testid="attribute-table"
              locale={{
                emptyText: definitions.isPending ? (
                  ' '
                ) : all.length > 0 ? (
                  <Empty
                    image={Empty.PRESENTED_IMAGE_SIMPLE}
                    description={t('attributes.noMatch', { search: search.trim() })}
                  />
                ) : (
                  <Empty
                    description={
                      <>
                        <Typography.Paragraph className="empty-text">
                          {t('attributes.empty')}
                        </Typography.Paragraph>
                        {canDefine ? null : t('attributes.ownersOnly')}
                      </>
                    }
                    data-testid="attributes-empty"
                  >
                    {canDefine ? newButton : null}
                  </Empty>
                ),
              }}
              columns={[
                {
                  title: t('attributes.key'),
                  dataIndex: 'key',
                  sorter: (a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
                  render: (key: string) => <Typography.Text code>{key}</Typography.Text>,
                },
                {
                  title: t('attributes.label'),
                  key: 'label',
                  render: (_, row) => {
                    const label = attributeLabel(row, i18n.language);
                    const other = i18n.language.startsWith('zh') ? row.labelEn : row.labelZh;
                    return (
                      <>
                        <div>{label}</div>
                        {other !== label ? (
                          <Typography.Text type="secondary">{other}</Typography.Text>
                        ) : null}
                      </>
                    );
                  },
                },
                {
                  title: t('attributes.type'),
                  dataIndex: 'type',
                  filters: attributeTypes.map((type) => ({ text: typeLabel(type), value: type })),
                  onFilter: (value, row) => row.type === value,
                  render: (type: AttributeType) => <Tag>{typeLabel(type)}</Tag>,
                },
                {
                  title: t('attributes.options'),
                  dataIndex: 'options',
                  render: (options: string[]) =>
                    options.length === 0 ? (
                      '—'
                    ) : (
                      <Space size={[0, 4]} wrap>
                        {options.slice(0, OPTIONS_SHOWN).map((option) => (
                          <Tag key={option}>{option}</Tag>
                        ))}
                        {options.length > OPTIONS_SHOWN ? (
                          <Typography.Text type="secondary">
                            {t('attributes.moreOptions', {
                              count: options.length - OPTIONS_SHOWN,
                            })}
                          </Typography.Text>
                        ) : null}
                      </Space>
                    ),
                },
                {
                  title: t('attributes.createdAt'),
                  dataIndex: 'createdAt',
                  sorter: (a, b) => a.createdAt.localeCompare(b.createdAt),
                  render: (iso: string) =>
                    formatDateTime(iso, i18n.language, session.tenant.timeZone),
                },
              ]}
            />
          </>
        )}
      </Card>
      {canDefine ? <NewAttributeModal open={creating} onClose={() => setCreating(false)} /> : null}
    </>
  );
}

/** Defines an attribute: key, labels, type and, for a choice, its options. */
function NewAttributeModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<AttributeFormValues>();
  const problem = useFormProblem(form);
  const type = Form.useWatch('type', form);
  // The label in the UI's language is asked for; the other one defaults to it.
  const [first, second] =
    i18n.language === 'en' ? (['labelEn', 'labelZh'] as const) : (['labelZh', 'labelEn'] as const);
  const create = useMutation({
    mutationFn: (input: AttributeDefinitionCreate) => createAttributeDefinition(input),
    onSuccess: (definition) => {
      // Shown at once here and in every customer's edit drawer.
      queryClient.setQueryData<AttributeDefinition[]>(customerKeys.attributes, (current) =>
        current ? withDefinition(current, definition) : current,
      );
      void message.success(
        t('attributes.created', { label: attributeLabel(definition, i18n.language) }),
      );
      close();
    },
    onError: (error, input) => {
      // The key is taken: say so on the key, in the UI's language.
      if (error instanceof ApiError && error.code === 'CONFLICT') {
        problem.clear();
        form.setFields([{ name: 'key', errors: [t('attributes.keyTaken', { key: input.key })] }]);
        return;
      }
      problem.report(error);
    },
  });

  function close() {
    problem.clear();
    create.reset();
    form.resetFields();
    onClose();
  }

  const labelItem = (name: 'labelZh' | 'labelEn', required: boolean) => (
    <Form.Item
      key={name}
      name={name}
      label={t(`attributes.${name}`)}
      {...(required
        ? {
            rules: [{ required: true, whitespace: true, message: t('attributes.labelRequired') }],
          }
        : { extra: t(`attributes.${name}Optional`) })}
    >
      <Input maxLength={100} />
    </Form.Item>
  );

  return (
    <Modal
      open={open}
      title={t('attributes.create')}
      okText={t('attributes.createOk')}
      cancelText={t('common.cancel')}
      confirmLoading={create.isPending}
      onOk={() => form.submit()}
      onCancel={close}
      destroyOnHidden
      width={560}
    >
      <Form<AttributeFormValues>
        form={form}
        name="attribute"
        layout="vertical"
        initialValues={{ type: 'string', options: [] }}
        onFinish={(values) => {
          problem.clear();
          create.mutate(createInputOf(values));
        }}
        data-testid="attribute-form"
      >
        <Alert type="info" showIcon title={t('attributes.permanent')} className="form-intro" />
        <Form.Item
          name="key"
          label={t('attributes.key')}
          extra={t('attributes.keyHelp')}
          validateTrigger={['onBlur', 'onChange']}
          rules={[
            { required: true, message: t('attributes.keyRequired') },
            {
              pattern: attributeKeyPattern,
              message: t('attributes.keyInvalid'),
              validateTrigger: 'onBlur',
            },
          ]}
        >
          <Input
            autoFocus
            maxLength={50}
            autoComplete="off"
            spellCheck={false}
            placeholder="member_level"
          />
        </Form.Item>
        {labelItem(first, true)}
        {labelItem(second, false)}
        <Form.Item
          name="type"
          label={t('attributes.type')}
          extra={type ? t(`attributes.typeHelp.${type}`) : undefined}
        >
          <Select<AttributeType>
            options={attributeTypes.map((value) => ({
              value,
              label: t(`attributes.types.${value}`),
            }))}
          />
        </Form.Item>
        {typeHasOptions(type) ? (
          <Form.Item
            name="options"
            label={t('attributes.options')}
            required
            extra={t('attributes.optionsHelp')}
            rules={[
              {
                validator: (_rule, value: string[] | undefined) => {
                  const options = (value ?? []).map((option) => option.trim()).filter(Boolean);
                  if (options.length === 0)
                    return Promise.reject(new Error(t('attributes.optionsRequired')));
                  if (options.length > optionLimits.count)
                    return Promise.reject(
                      new Error(t('attributes.optionsTooMany', { count: optionLimits.count })),
                    );
                  if (options.some((option) => option.length > optionLimits.length))
                    return Promise.reject(
                      new Error(t('attributes.optionTooLong', { count: optionLimits.length })),
                    );
                  return Promise.resolve();
                },
              },
            ]}
          >
            <Select<string[]>
              mode="tags"
              open={false}
              suffixIcon={null}
              tokenSeparators={[',', '，', '、', '\n']}
              aria-label={t('attributes.options')}
              placeholder={t('attributes.optionsPlaceholder')}
            />
          </Form.Item>
        ) : null}
        {problem.alert}
        {/* Enter in any field submits, as in any form; the visible button is the modal's. */}
        <button type="submit" className="visually-hidden" tabIndex={-1} aria-hidden="true" />
      </Form>
    </Modal>
  );
}
