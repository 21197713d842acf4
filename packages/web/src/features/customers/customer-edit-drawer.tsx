import { useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import {
  Alert,
  App,
  Button,
  Col,
  DatePicker,
  Divider,
  Drawer,
  Form,
  Input,
  Radio,
  Row,
  Select,
  Skeleton,
  Space,
  type FormInstance,
} from 'antd';
import { NumberInput } from '../../forms/number-input.tsx';
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { ApiError } from '../../api/api-client.ts';
import { ErrorAlert, useFormProblem } from '../../api/error-text.tsx';
import type { AttributeDefinition, Customer } from '../../api/api-types.ts';
import { newIdempotencyKey } from '../../api/idempotency-key.ts';
import {
  channels,
  createInputOf,
  emptyFormValues,
  formValuesOf,
  genders,
  isEmailAddress,
  isPhoneNumber,
  patchOf,
  rebaseFormValues,
  type ContactValues,
  type CustomerFormValues,
} from './customer-form-values.ts';
import { LikelyDuplicatesAlert, useLikelyDuplicates } from './customer-duplicate-warning.tsx';
import { attributeLabel } from './attribute-definitions.ts';
import {
  createCustomer,
  customerKeys,
  getCustomer,
  updateCustomer,
  useAttributeDefinitions,
} from './customers.api.ts';
import { DateField, dateStringItem, labelled } from '../../forms/form-fields.tsx';
import { clearable, searchIcon, useMessage } from '../../i18n/antd-config.tsx';

/** A cleared select holds null (clears the field), not undefined (which would look untouched). */
const nullWhenCleared = (value: unknown) => value ?? null;

/**
 * Emails or phones: several, each with a label, one of them primary. `onLeave` runs when a
 * value's field loses focus.
 */
function ContactList({ kind, onLeave }: { kind: 'email' | 'phone'; onLeave: () => void }) {
  const { t } = useTranslation();
  const form = Form.useFormInstance<CustomerFormValues>();
  const list = kind === 'email' ? 'emails' : 'phones';
  const isValid = kind === 'email' ? isEmailAddress : isPhoneNumber;
  // The row just added (its index): its input takes the focus as it mounts.
  const [added, setAdded] = useState<number | null>(null);
  return (
    <Form.List name={list}>
      {(fields, { add, remove }) => (
        <Form.Item label={t(`customerEdit.${list}`)} required={false}>
          {fields.map((field, index) => (
            <Row key={field.key} gutter={8} align="top" wrap={false}>
              <Col flex="auto">
                <Form.Item
                  name={[field.name, 'value']}
                  validateTrigger={['onBlur', 'onChange']}
                  rules={[
                    {
                      required: true,
                      whitespace: true,
                      message: t(`customerEdit.${kind}Required`),
                    },
                    {
                      validator: (_rule, value: string | undefined) =>
                        !value?.trim() || isValid(value)
                          ? Promise.resolve()
                          : Promise.reject(new Error(t(`customerEdit.${kind}Invalid`))),
                      validateTrigger: 'onBlur',
                    },
                  ]}
                >
                  <Input
                    aria-label={t(`customerEdit.${kind}N`, { n: index + 1 })}
                    inputMode={kind === 'email' ? 'email' : 'tel'}
                    maxLength={kind === 'email' ? 320 : 50}
                    autoComplete="off"
                    autoFocus={field.name === added}
                    onBlur={onLeave}
                  />
                </Form.Item>
              </Col>
              <Col flex="110px">
                <Form.Item name={[field.name, 'label']}>
                  <Input
                    aria-label={t(`customerEdit.${kind}LabelN`, { n: index + 1 })}
                    placeholder={t('customerEdit.contactLabel')}
                    maxLength={50}
                  />
                </Form.Item>
              </Col>
              <Col flex="none">
                <Form.Item name={[field.name, 'primary']} valuePropName="checked">
                  <Radio aria-label={t(`customerEdit.${kind}PrimaryN`, { n: index + 1 })}>
                    {t('customer360.primary')}
                  </Radio>
                </Form.Item>
              </Col>
              <Col flex="none">
                <Button
                  type="text"
                  icon={<MinusCircleOutlined aria-hidden />}
                  aria-label={t(`customerEdit.${kind}RemoveN`, { n: index + 1 })}
                  onClick={() => {
                    const rows = (form.getFieldValue(list) ?? []) as ContactValues[];
                    const wasPrimary = rows[field.name]?.primary === true;
                    remove(field.name);
                    // Removing the primary one makes the first left the primary, as the server would.
                    if (wasPrimary && rows.length > 1)
                      form.setFieldValue([list, 0, 'primary'], true);
                  }}
                />
              </Col>
            </Row>
          ))}
          <Button
            type="dashed"
            icon={<PlusOutlined aria-hidden />}
            onClick={() => {
              add({ value: '', label: '', primary: fields.length === 0 });
              setAdded(fields.length);
            }}
          >
            {t(`customerEdit.add${kind === 'email' ? 'Email' : 'Phone'}`)}
          </Button>
        </Form.Item>
      )}
    </Form.List>
  );
}

/** The input that fits an attribute's type; every one can be emptied (no value). */
function AttributeInput({ definition }: { definition: AttributeDefinition }) {
  const { t, i18n } = useTranslation();
  const label = attributeLabel(definition, i18n.language);
  const name = ['attributes', definition.key];
  switch (definition.type) {
    case 'number':
      return (
        <Form.Item name={name} label={label}>
          <NumberInput className="full-width" />
        </Form.Item>
      );
    case 'boolean':
      // Yes, no, or not set: a select, since a switch cannot say "not set".
      return (
        <Form.Item
          name={name}
          label={label}
          getValueProps={(value: unknown) => ({
            value: typeof value === 'boolean' ? String(value) : undefined,
          })}
          normalize={(value: string | undefined) =>
            value === 'true' ? true : value === 'false' ? false : null
          }
        >
          <Select
            allowClear={clearable(t)}
            placeholder={t('customerEdit.notSet')}
            options={[
              { value: 'true', label: t('customerEdit.yes') },
              { value: 'false', label: t('customerEdit.no') },
            ]}
          />
        </Form.Item>
      );
    case 'date':
      return <DateField name={name} label={label} />;
    case 'enum':
      return (
        <Form.Item name={name} label={label} normalize={nullWhenCleared}>
          <Select
            allowClear={clearable(t)}
            showSearch={{ searchIcon }}
            placeholder={t('customerEdit.notSet')}
            options={definition.options.map((option) => ({ value: option, label: option }))}
          />
        </Form.Item>
      );
    case 'string':
      return (
        <Form.Item name={name} label={label}>
          <Input maxLength={2000} />
        </Form.Item>
      );
  }
}

/** A radio marked primary unmarks the others of its list. */
function keepOnePrimary(
  form: FormInstance<CustomerFormValues>,
  changed: Partial<CustomerFormValues>,
) {
  for (const list of ['emails', 'phones'] as const) {
    const rows = changed[list];
    if (!Array.isArray(rows)) continue;
    const index = rows.findIndex((row: ContactValues | undefined) => row?.primary === true);
    if (index === -1) continue;
    const current = form.getFieldValue(list) as ContactValues[] | undefined;
    form.setFieldValue(
      list,
      (current ?? []).map((row, i) => ({ ...row, primary: i === index })),
    );
  }
}

/**
 * What one opening of the form starts from: the values changes are measured against, the
 * customer's version they were read at (sent as If-Match), and the key that makes a new
 * customer's create idempotent however often it is sent.
 */
interface FormBase {
  initial: CustomerFormValues;
  version: number | null;
  idempotencyKey: string;
}

type SubmitForm = (values: CustomerFormValues, base: FormBase) => void;

function isVersionMismatch(error: unknown): boolean {
  return error instanceof ApiError && error.code === 'CUSTOMER_VERSION_MISMATCH';
}

/**
 * Someone else saved the customer since the form was opened: reloading reads it again and puts
 * the user's edits on top, so the next save is measured from (and conditional on) the new version.
 */
function ConflictAlert({
  customerId,
  form,
  base,
  definitions,
  onReloaded,
}: {
  customerId: string;
  form: FormInstance<CustomerFormValues>;
  base: FormBase;
  definitions: readonly AttributeDefinition[];
  onReloaded: (base: FormBase) => void;
}) {
  const { t } = useTranslation();
  const message = useMessage();
  const queryClient = useQueryClient();
  // The alert sits below the form, near the Save button: bring it into view when it appears.
  const shown = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // A block: newer browsers return a promise here, which React would take for a clean-up.
    void shown.current?.scrollIntoView({ block: 'nearest' });
  }, []);
  const reload = useMutation({
    // Always read again (staleTime 0); the 360 page shows the fresh customer too.
    mutationFn: () =>
      queryClient.fetchQuery({
        queryKey: customerKeys.one(customerId),
        queryFn: ({ signal }) => getCustomer(customerId, signal),
        staleTime: 0,
      }),
    onSuccess: (latest) => {
      const values = { ...base.initial, ...form.getFieldsValue() };
      const initial = formValuesOf(latest);
      form.setFieldsValue(rebaseFormValues(base.initial, values, initial, definitions));
      onReloaded({ ...base, initial, version: latest.version });
      void message.info(t('customerEdit.reloaded'));
    },
  });
  return (
    <div ref={shown}>
      {reload.isError ? (
        <ErrorAlert error={reload.error} onRetry={() => reload.mutate()} />
      ) : (
        <Alert
          type="warning"
          showIcon
          role="alert"
          data-testid="customer-edit-conflict"
          title={t('customerEdit.conflictTitle')}
          description={t('customerEdit.conflictText')}
          action={
            <Button size="small" loading={reload.isPending} onClick={() => reload.mutate()}>
              {t('customerEdit.reload')}
            </Button>
          }
        />
      )}
    </div>
  );
}

function CustomerForm({
  form,
  customer,
  definitions,
  onSubmit,
  saving,
  alert,
  conflict,
  onReloaded,
  onOpenCustomer,
}: {
  form: FormInstance<CustomerFormValues>;
  customer: Customer | null;
  definitions: ReturnType<typeof useAttributeDefinitions>;
  onSubmit: SubmitForm;
  saving: boolean;
  alert: ReactNode;
  /** The last save was refused because someone else changed the customer. */
  conflict: boolean;
  onReloaded: () => void;
  /** Leaves the form for another customer's 360 page. */
  onOpenCustomer: (id: string) => void;
}) {
  const { t } = useTranslation();
  // Mounted each time the drawer opens, so each opening has a base of its own.
  const [base, setBase] = useState<FormBase>(() => ({
    initial: customer ? formValuesOf(customer) : emptyFormValues('person'),
    version: customer?.version ?? null,
    idempotencyKey: newIdempotencyKey(),
  }));
  const initial = base.initial;
  const kind = Form.useWatch('kind', form) ?? initial.kind;
  const isOrganization = kind === 'organization';
  const likely = useLikelyDuplicates(form, initial, kind, customer?.id ?? null);

  return (
    <Form<CustomerFormValues>
      form={form}
      name="customer"
      layout="vertical"
      initialValues={initial}
      onFinish={(values) => onSubmit(values, base)}
      onValuesChange={(changed) => keepOnePrimary(form, changed)}
      disabled={saving}
      data-testid="customer-form"
    >
      {customer ? null : (
        <Form.Item name="kind" label={t('customers.kind')}>
          <Radio.Group
            optionType="button"
            options={[
              { value: 'person', label: t('customers.kinds.person') },
              { value: 'organization', label: t('customers.kinds.organization') },
            ]}
          />
        </Form.Item>
      )}
      <Row gutter={12}>
        <Col xs={24} sm={14}>
          <Form.Item
            name="name"
            label={isOrganization ? t('customerEdit.organizationName') : t('customers.name')}
            rules={[{ required: true, whitespace: true, message: t('customerEdit.nameRequired') }]}
          >
            <Input autoFocus maxLength={200} />
          </Form.Item>
        </Col>
        <Col xs={24} sm={10}>
          <Form.Item
            name="externalId"
            label={t('customers.externalId')}
            tooltip={t('customerEdit.externalIdHelp')}
          >
            <Input maxLength={200} autoComplete="off" />
          </Form.Item>
        </Col>
      </Row>
      <ContactList kind="phone" onLeave={likely.settle} />
      <ContactList kind="email" onLeave={likely.settle} />
      <LikelyDuplicatesAlert
        duplicates={likely.duplicates}
        kind={kind}
        editing={customer !== null}
        onOpen={onOpenCustomer}
      />
      <Row gutter={12}>
        {isOrganization ? null : (
          <>
            <Col
              xs={12}
              sm={8}
              // Enter in the date field confirms the date; it does not submit the whole form.
              onKeyDown={(event) => {
                if (event.key === 'Enter') event.preventDefault();
              }}
            >
              <Form.Item name="birthday" label={t('customer360.birthday')} {...dateStringItem}>
                <DatePicker
                  className="full-width"
                  disabledDate={(day) => day.isAfter(dayjs(), 'day')}
                />
              </Form.Item>
            </Col>
            <Col xs={12} sm={8}>
              <Form.Item name="gender" label={t('customer360.gender')} normalize={nullWhenCleared}>
                <Select
                  allowClear={clearable(t)}
                  placeholder={t('customerEdit.notSet')}
                  options={labelled(genders, t, 'customer360.genders')}
                />
              </Form.Item>
            </Col>
          </>
        )}
        <Col xs={24} sm={8}>
          <Form.Item
            name="preferredChannel"
            label={t('customer360.preferredChannel')}
            normalize={nullWhenCleared}
          >
            <Select
              allowClear={clearable(t)}
              placeholder={t('customerEdit.notSet')}
              options={labelled(channels, t, 'timeline.channels')}
            />
          </Form.Item>
        </Col>
      </Row>
      {isOrganization ? null : (
        <Form.Item name="occupation" label={t('customer360.occupation')}>
          <Input maxLength={200} />
        </Form.Item>
      )}
      <Form.Item
        name="interests"
        label={t('customer360.interests')}
        extra={t('customerEdit.listHelp')}
      >
        <Select
          mode="tags"
          open={false}
          suffixIcon={null}
          tokenSeparators={[',', '，', '、']}
          aria-label={t('customer360.interests')}
        />
      </Form.Item>
      {customer ? null : (
        <Form.Item name="tags" label={t('customers.tags')} extra={t('customerEdit.listHelp')}>
          <Select
            mode="tags"
            open={false}
            suffixIcon={null}
            tokenSeparators={[',', '，', '、']}
            aria-label={t('customers.tags')}
          />
        </Form.Item>
      )}
      {isOrganization ? null : (
        <Form.Item name="familyNotes" label={t('customer360.familyNotes')}>
          <Input.TextArea maxLength={5000} autoSize={{ minRows: 1, maxRows: 4 }} />
        </Form.Item>
      )}
      <Form.Item name="notes" label={t('customer360.notes')}>
        <Input.TextArea maxLength={10000} autoSize={{ minRows: 2, maxRows: 6 }} />
      </Form.Item>
      {definitions.isPending ? (
        <Skeleton active paragraph={{ rows: 2 }} />
      ) : definitions.isError ? (
        <ErrorAlert error={definitions.error} onRetry={() => void definitions.refetch()} />
      ) : definitions.data.length > 0 ? (
        <>
          <Divider titlePlacement="start">{t('customer360.attributes')}</Divider>
          <Row gutter={12}>
            {definitions.data.map((definition) => (
              <Col xs={24} sm={12} key={definition.key}>
                <AttributeInput definition={definition} />
              </Col>
            ))}
          </Row>
        </>
      ) : null}
      {conflict && customer ? (
        <ConflictAlert
          customerId={customer.id}
          form={form}
          base={base}
          definitions={definitions.data ?? []}
          onReloaded={(rebased) => {
            setBase(rebased);
            onReloaded();
          }}
        />
      ) : (
        alert
      )}
      {/* Enter in a field submits the form. */}
      <button type="submit" className="visually-hidden" tabIndex={-1} aria-hidden="true" />
    </Form>
  );
}

/**
 * Edits a customer's profile (only what changed is sent), or creates a customer when
 * `customer` is null. Enter saves, Esc closes (asking first when something was changed).
 */
export function CustomerEditDrawer({
  open,
  customer,
  onClose,
  onCreated,
}: {
  open: boolean;
  customer: Customer | null;
  onClose: () => void;
  onCreated?: (created: Customer) => void;
}) {
  const { t } = useTranslation();
  const { modal } = App.useApp();
  const message = useMessage();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [form] = Form.useForm<CustomerFormValues>();
  const problem = useFormProblem(form);
  const definitions = useAttributeDefinitions(open);
  const save = useMutation({
    mutationFn: ({ values, base }: { values: CustomerFormValues; base: FormBase }) => {
      const defined = definitions.data ?? [];
      return customer
        ? updateCustomer(
            customer.id,
            patchOf(base.initial, values, defined),
            base.version ?? undefined,
          )
        : createCustomer(createInputOf(values, defined), base.idempotencyKey);
    },
    onSuccess: (saved) => {
      // What shows the customer: its page, the lists, organisations' members, merge searches.
      // (The attribute definitions did not change.)
      for (const queryKey of [
        customerKeys.one(saved.id),
        customerKeys.lists,
        customerKeys.allMembers,
        customerKeys.allSearches,
      ])
        void queryClient.invalidateQueries({ queryKey });
      // The duplicate lookups are only marked stale: run again while the drawer closes, they
      // would find the customer just created and warn about it.
      void queryClient.invalidateQueries({
        queryKey: customerKeys.allWithContact,
        refetchType: 'none',
      });
      void message.success(
        t(`customerEdit.${customer ? 'saved' : 'created'}`, { name: saved.name }),
      );
      finish();
      if (!customer) onCreated?.(saved);
    },
    onError: (error) => {
      // A version mismatch shows the conflict alert (see `conflict`) instead.
      if (!isVersionMismatch(error)) problem.report(error);
    },
  });
  /** The last save was refused because someone else changed the customer. */
  const conflict = save.isError && isVersionMismatch(save.error);

  const submit: SubmitForm = (shown, base) => {
    problem.clear();
    save.reset();
    // The form hides what does not apply (an organisation's birthday): that stays as it was.
    const values = { ...base.initial, ...shown };
    if (
      customer &&
      Object.keys(patchOf(base.initial, values, definitions.data ?? [])).length === 0
    ) {
      void message.info(t('customerEdit.noChanges'));
      finish();
      return;
    }
    save.mutate({ values, base });
  };

  function finish() {
    problem.clear();
    // Not while a save succeeds: the next opening starts without the last conflict.
    if (save.isError) save.reset();
    onClose();
  }

  /** Closes the form, then does `then`; asks first when something was changed. */
  function leave(then?: () => void) {
    if (save.isPending) return;
    const go = () => {
      finish();
      then?.();
    };
    if (!form.isFieldsTouched()) {
      go();
      return;
    }
    modal.confirm({
      title: t('customerEdit.discardTitle'),
      content: t('customerEdit.discardText'),
      okText: t('customerEdit.discard'),
      okButtonProps: { danger: true },
      cancelText: t('customerEdit.keepEditing'),
      onOk: go,
    });
  }

  const close = () => leave();

  // antd gives the focus back to the opener only once the drawer has slid away, the page's body
  // holding it meanwhile: give it back as the drawer starts to close. The opener is taken before
  // the drawer's effects move the focus in, and given back after they let it go (children's
  // effects run first).
  const opener = useRef<HTMLElement | null>(null);
  useLayoutEffect(() => {
    if (open && document.activeElement instanceof HTMLElement)
      opener.current = document.activeElement;
  }, [open]);
  useEffect(() => {
    if (open) return;
    const element = opener.current;
    opener.current = null;
    if (element?.isConnected) element.focus({ preventScroll: true });
  }, [open]);

  return (
    <Drawer
      open={open}
      onClose={close}
      size={Math.min(640, window.innerWidth)}
      destroyOnHidden
      title={
        customer
          ? t('customerEdit.editTitle', { name: customer.name || t('customers.unnamed') })
          : t('customerEdit.createTitle')
      }
      footer={
        <Space>
          <Button onClick={close}>{t('common.cancel')}</Button>
          <Button
            type="primary"
            loading={save.isPending}
            onClick={() => form.submit()}
            data-testid="customer-form-save"
          >
            {customer ? t('customerEdit.save') : t('customerEdit.create')}
          </Button>
        </Space>
      }
    >
      <CustomerForm
        form={form}
        customer={customer}
        definitions={definitions}
        onSubmit={submit}
        saving={save.isPending}
        alert={problem.alert}
        conflict={conflict}
        onReloaded={() => save.reset()}
        // In this tab: staff who find the customer already exists continue on their page.
        onOpenCustomer={(id) => leave(() => void navigate(`/customers/${id}`))}
      />
    </Drawer>
  );
}
