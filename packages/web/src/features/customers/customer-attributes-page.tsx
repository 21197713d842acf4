import { useState } from 'react';
import {
  Alert,
  Button,
  Card,
  Checkbox,
  Empty,
  Form,
  Input,
  Modal,
  Select,
  Skeleton,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { DeleteOutlined, EditOutlined, FilterFilled, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { roleCan } from '@fidelis/contracts';
import { ApiError } from '../../api/api-client.ts';
import { ErrorAlert, useFormProblem } from '../../api/error-text.tsx';
import type {
  AttributeDefinition,
  AttributeDefinitionPatch,
  AttributeUsage,
} from '../../api/api-types.ts';
import { formatDateTime } from '../../i18n/format.ts';
import { useCurrentSession } from '../platform/session.ts';
import {
  attributeKeyPattern,
  attributeLabel,
  attributeTypes,
  createInputOf,
  heldOptionsLeftOut,
  matchesSearch,
  optionLimits,
  patchInputOf,
  typeHasOptions,
  withDefinition,
  type AttributeDefinitionCreate,
  type AttributeFormValues,
  type AttributeType,
} from './attribute-definitions.ts';
import {
  createAttributeDefinition,
  customerKeys,
  deleteAttributeDefinition,
  getAttributeUsage,
  updateAttributeDefinition,
  useAttributeDefinitions,
} from './customers.api.ts';
import { clearable, pageArrows, useMessage } from '../../i18n/antd-config.tsx';
import { SearchInput } from '../../lists/search-input.tsx';

const isConflict = (error: unknown) => error instanceof ApiError && error.code === 'CONFLICT';

/** How many options a row shows before "+N". */
const OPTIONS_SHOWN = 8;
const PAGE_SIZE = 50;

/** A modal's subject, kept while it animates closed. */
interface Opened {
  definition: AttributeDefinition;
  open: boolean;
}

/** What the edit and delete modals of one attribute take. */
interface AttributeModalProps extends Opened {
  onClose: () => void;
  afterClose: () => void;
}

/** Settings → customer attributes: the tenant's definitions; owners define, edit and delete them. */
export function CustomerAttributesPage() {
  const { t, i18n } = useTranslation();
  const session = useCurrentSession();
  const canDefine = roleCan(session.user.role, 'platform:admin');
  const definitions = useAttributeDefinitions();
  const [search, setSearch] = useState('');
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Opened | null>(null);
  const [deleting, setDeleting] = useState<Opened | null>(null);
  const all = definitions.data ?? [];
  const rows = all.filter((definition) => matchesSearch(definition, search));
  const typeLabel = (type: AttributeType) => t(`attributes.types.${type}`);
  const newButton = (
    <Button type="primary" icon={<PlusOutlined aria-hidden />} onClick={() => setCreating(true)}>
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
                <SearchInput
                  allowClear={clearable(t)}
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
                rows.length > PAGE_SIZE
                  ? { pageSize: PAGE_SIZE, showSizeChanger: false, ...pageArrows }
                  : false
              }
              scroll={{ x: canDefine ? 1020 : 820 }}
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
                  // antd's own icon would name the filter button "filter", in English.
                  filterIcon: <FilterFilled aria-label={t('attributes.filterByType')} />,
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
                ...(canDefine
                  ? [
                      {
                        title: t('attributes.actions'),
                        key: 'actions',
                        render: (_: unknown, row: AttributeDefinition) => {
                          const label = attributeLabel(row, i18n.language);
                          return (
                            <Space size={4}>
                              <Button
                                size="small"
                                icon={<EditOutlined aria-hidden />}
                                aria-label={t('attributes.editOf', { label })}
                                onClick={() => setEditing({ definition: row, open: true })}
                              >
                                {t('attributes.edit')}
                              </Button>
                              <Button
                                size="small"
                                danger
                                icon={<DeleteOutlined aria-hidden />}
                                aria-label={t('attributes.deleteOf', { label })}
                                onClick={() => setDeleting({ definition: row, open: true })}
                              >
                                {t('attributes.delete')}
                              </Button>
                            </Space>
                          );
                        },
                      },
                    ]
                  : []),
              ]}
            />
          </>
        )}
      </Card>
      {canDefine ? <NewAttributeModal open={creating} onClose={() => setCreating(false)} /> : null}
      {canDefine && editing ? (
        <EditAttributeModal
          key={editing.definition.key}
          definition={editing.definition}
          open={editing.open}
          onClose={() => setEditing({ ...editing, open: false })}
          afterClose={() => setEditing(null)}
        />
      ) : null}
      {canDefine && deleting ? (
        <DeleteAttributeModal
          key={deleting.definition.key}
          definition={deleting.definition}
          open={deleting.open}
          onClose={() => setDeleting({ ...deleting, open: false })}
          afterClose={() => setDeleting(null)}
        />
      ) : null}
    </>
  );
}

/** The labels in the order the form asks for them: the UI's language first, required. */
function useLabelOrder() {
  const { i18n } = useTranslation();
  return i18n.language === 'en'
    ? (['labelEn', 'labelZh'] as const)
    : (['labelZh', 'labelEn'] as const);
}

/** "金卡 is held by 3 customers …", for each option an edit may not leave out. */
function useHeldText() {
  const { t } = useTranslation();
  return (held: readonly { option: string; customers: number }[]) =>
    held
      .map(({ option, customers }) => t('attributes.optionHeld', { option, count: customers }))
      .join(' ');
}

/**
 * The fields of an attribute's form: key, labels, type and, for a choice, its options. When
 * editing, the key and the type show but cannot change, and options customers hold (`usage`)
 * cannot be removed.
 */
function AttributeFields({
  editing = false,
  usage,
}: {
  editing?: boolean;
  usage?: AttributeUsage | undefined;
}) {
  const { t } = useTranslation();
  const form = Form.useFormInstance<AttributeFormValues>();
  const type = Form.useWatch('type', form);
  const [first, second] = useLabelOrder();
  const heldText = useHeldText();

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
      <Input maxLength={100} autoFocus={editing && name === first} />
    </Form.Item>
  );

  return (
    <>
      <Form.Item
        name="key"
        label={t('attributes.key')}
        extra={editing ? undefined : t('attributes.keyHelp')}
        validateTrigger={['onBlur', 'onChange']}
        rules={
          editing
            ? []
            : [
                { required: true, message: t('attributes.keyRequired') },
                {
                  pattern: attributeKeyPattern,
                  message: t('attributes.keyInvalid'),
                  validateTrigger: 'onBlur',
                },
              ]
        }
      >
        <Input
          autoFocus={!editing}
          disabled={editing}
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
          disabled={editing}
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
          extra={t(editing ? 'attributes.optionsEditHelp' : 'attributes.optionsHelp')}
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
                const held = heldOptionsLeftOut(usage, options);
                if (held.length > 0) return Promise.reject(new Error(heldText(held)));
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
    </>
  );
}

/** Defines an attribute: key, labels, type and, for a choice, its options. */
function NewAttributeModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const message = useMessage();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<AttributeFormValues>();
  const problem = useFormProblem(form);
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
      if (isConflict(error)) {
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
        <AttributeFields />
        {problem.alert}
        {/* Enter in any field submits, as in any form; the visible button is the modal's. */}
        <button type="submit" className="visually-hidden" tabIndex={-1} aria-hidden="true" />
      </Form>
    </Modal>
  );
}

/** How many customers hold a value of the attribute: read afresh each time a modal opens. */
function useAttributeUsage(key: string, enabled: boolean) {
  return useQuery({
    queryKey: customerKeys.attributeUsage(key),
    queryFn: ({ signal }) => getAttributeUsage(key, signal),
    staleTime: 0,
    enabled,
  });
}

/** Changes an attribute's labels and adds options to a choice; the key and the type stay. */
function EditAttributeModal({ definition, open, onClose, afterClose }: AttributeModalProps) {
  const { t, i18n } = useTranslation();
  const message = useMessage();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<AttributeFormValues>();
  const problem = useFormProblem(form);
  const heldText = useHeldText();
  const isChoice = typeHasOptions(definition.type);
  // Which options customers hold: the form refuses to remove those before the server does.
  const usage = useAttributeUsage(definition.key, open && isChoice);
  const update = useMutation({
    mutationFn: (patch: AttributeDefinitionPatch) =>
      updateAttributeDefinition(definition.key, patch),
    onSuccess: (updated) => {
      // The reply is the definition as it is now: the list and the edit drawers show it at once.
      queryClient.setQueryData<AttributeDefinition[]>(customerKeys.attributes, (current) =>
        current ? withDefinition(current, updated) : current,
      );
      void message.success(
        t('attributes.updated', { label: attributeLabel(updated, i18n.language) }),
      );
      onClose();
    },
    onError: async (error) => {
      // A customer was given an option this edit removes after the count was read: count
      // again and say which, on the options.
      if (isConflict(error) && isChoice) {
        const fresh = await usage.refetch();
        const held = heldOptionsLeftOut(fresh.data, form.getFieldValue('options') as string[]);
        if (held.length > 0) {
          problem.clear();
          form.setFields([{ name: 'options', errors: [heldText(held)] }]);
          return;
        }
      }
      problem.report(error);
    },
  });

  return (
    <Modal
      open={open}
      title={t('attributes.editTitle', { label: attributeLabel(definition, i18n.language) })}
      okText={t('attributes.editOk')}
      cancelText={t('common.cancel')}
      confirmLoading={update.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      afterClose={afterClose}
      destroyOnHidden
      width={560}
    >
      <Form<AttributeFormValues>
        form={form}
        name="attributeEdit"
        layout="vertical"
        initialValues={{
          key: definition.key,
          labelZh: definition.labelZh,
          labelEn: definition.labelEn,
          type: definition.type,
          options: definition.options,
        }}
        onFinish={(values) => {
          problem.clear();
          const patch = patchInputOf(definition, values);
          if (Object.keys(patch).length === 0) onClose();
          else update.mutate(patch);
        }}
        data-testid="attribute-edit-form"
      >
        <Alert
          type="info"
          showIcon
          title={t(isChoice ? 'attributes.editIntroChoice' : 'attributes.editIntro')}
          className="form-intro"
        />
        <AttributeFields editing usage={usage.data} />
        {problem.alert}
        <button type="submit" className="visually-hidden" tabIndex={-1} aria-hidden="true" />
      </Form>
    </Modal>
  );
}

/**
 * Deletes an attribute. It first counts the customers holding a value of it: none, and the
 * attribute goes; some, and it goes only with their values, which the user must tick.
 */
function DeleteAttributeModal({ definition, open, onClose, afterClose }: AttributeModalProps) {
  const { t, i18n } = useTranslation();
  const message = useMessage();
  const queryClient = useQueryClient();
  const [withValues, setWithValues] = useState(false);
  const label = attributeLabel(definition, i18n.language);
  // Counted while open only: once deleted the modal closes, and the count of a key that is gone
  // would answer 404.
  const usage = useAttributeUsage(definition.key, open);
  const held = usage.data?.customers ?? 0;
  const ready = usage.isSuccess && !usage.isFetching;
  const remove = useMutation({
    mutationFn: (force: boolean) => deleteAttributeDefinition(definition.key, force),
    onSuccess: async (_reply, force) => {
      onClose();
      void message.success(
        force
          ? t('attributes.deletedWithValues', { label, count: held })
          : t('attributes.deleted', { label }),
      );
      queryClient.removeQueries({ queryKey: customerKeys.attributeUsage(definition.key) });
      await queryClient.invalidateQueries({ queryKey: customerKeys.attributes });
      // Customers that held a value lost it.
      if (force) {
        await Promise.all(
          [customerKeys.lists, customerKeys.allOne].map((queryKey) =>
            queryClient.invalidateQueries({ queryKey }),
          ),
        );
      }
    },
    onError: (error) => {
      // A customer was given a value since the count: count again, and ask again.
      if (isConflict(error)) {
        setWithValues(false);
        void usage.refetch();
      }
    },
  });

  return (
    <Modal
      open={open}
      title={t('attributes.deleteTitle', { label })}
      okText={t('attributes.deleteOk')}
      okButtonProps={{ danger: true, disabled: !ready || (held > 0 && !withValues) }}
      cancelText={t('common.cancel')}
      confirmLoading={remove.isPending}
      onOk={() => remove.mutate(held > 0)}
      onCancel={onClose}
      afterClose={afterClose}
      destroyOnHidden
    >
      <div data-testid="attribute-delete">
        {usage.isError ? (
          <ErrorAlert error={usage.error} onRetry={() => void usage.refetch()} />
        ) : !ready ? (
          <Skeleton active paragraph={{ rows: 2 }} title={false} />
        ) : held === 0 ? (
          <Typography.Paragraph>{t('attributes.deleteUnused')}</Typography.Paragraph>
        ) : (
          <Space orientation="vertical" size={12} className="full-width">
            <Alert
              type="warning"
              showIcon
              title={t('attributes.deleteHeld', { count: held })}
              description={t('attributes.deleteHeldHelp')}
            />
            <Checkbox checked={withValues} onChange={(e) => setWithValues(e.target.checked)}>
              {t('attributes.deleteWithValues', { count: held })}
            </Checkbox>
          </Space>
        )}
        {!remove.isError ? null : isConflict(remove.error) ? (
          <Alert type="error" showIcon title={t('attributes.deleteRecounted')} />
        ) : (
          <ErrorAlert error={remove.error} />
        )}
      </div>
    </Modal>
  );
}
