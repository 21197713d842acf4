import { useRef, useState, type RefObject } from 'react';
import {
  App,
  Breadcrumb,
  Button,
  Card,
  Col,
  Descriptions,
  Dropdown,
  Empty,
  Input,
  Result,
  Row,
  Skeleton,
  Space,
  Switch,
  Tag,
  Typography,
} from 'antd';
import {
  DeleteOutlined,
  DownOutlined,
  EditOutlined,
  MailOutlined,
  MergeCellsOutlined,
  PhoneOutlined,
  PlusOutlined,
} from '@ant-design/icons';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { roleCan } from '@fidelis/contracts';
import { ApiError } from '../../api/api-client.ts';
import { ErrorAlert, useErrorText } from '../../api/error-text.tsx';
import type { Customer, CustomerMember } from '../../api/api-types.ts';

import { formatDate, formatDateTime } from '../../i18n/format.ts';
import { CustomerTimeline } from '../activity/customer-timeline.tsx';
import { CustomerLoyaltyPanel } from '../loyalty/customer-loyalty-panel.tsx';
import { CustomerChangeHistory } from '../platform/audit-log-table.tsx';
import { useCurrentSession } from '../platform/session.ts';
import { attributeLabel } from './attribute-definitions.ts';
import { CustomerEditDrawer } from './customer-edit-drawer.tsx';
import { CustomerEraseModal } from './customer-erase-modal.tsx';
import { CustomerMemberModal } from './customer-member-modal.tsx';
import { CustomerMergeModal } from './customer-merge-modal.tsx';
import './customers.i18n.ts';
import {
  addTag,
  customerKeys,
  getCustomer,
  invalidateMembers,
  listMembers,
  removeMember,
  removeTag,
  setConsent,
  useAttributeDefinitions,
} from './customers.api.ts';
import { clearable, resultIcons, useMessage } from '../../i18n/antd-config.tsx';
import { useDebounced } from '../../lists/debounced.ts';
import { LoadMoreButton } from '../../lists/load-more-table.tsx';
import { SearchInput } from '../../lists/search-input.tsx';

type CustomerContact = Customer['emails'][number];
type CustomerConsent = Customer['consent'][number];

const consentChannels = ['email', 'sms', 'phone', 'wechat', 'post'] as const;

type ContactRow = CustomerContact & { kind: 'email' | 'phone' };

/** Emails, then phones. */
function contactsOf(customer: Customer): ContactRow[] {
  const emails =
    customer.emails ??
    (customer.email ? [{ value: customer.email, label: null, primary: true }] : []);
  const phones =
    customer.phones ??
    (customer.phone ? [{ value: customer.phone, label: null, primary: true }] : []);
  return [
    ...emails.map((c) => ({ ...c, kind: 'email' as const })),
    ...phones.map((c) => ({ ...c, kind: 'phone' as const })),
  ];
}

function consentsOf(customer: Customer): Map<string, CustomerConsent> {
  return new Map(customer.consent.map((c) => [c.channel, c]));
}

/** Where a record came from: known origins in the user's words, another system's as written. */
function sourceText(t: TFunction, source: string): string {
  return t(`customer360.sources.${source}`, { defaultValue: source });
}

function TagsPanel({ customer, canEdit }: { customer: Customer; canEdit: boolean }) {
  const { t } = useTranslation();
  const message = useMessage();
  const errorText = useErrorText();
  const queryClient = useQueryClient();
  const [adding, setAdding] = useState(false);
  const [draft, setDraft] = useState('');
  // The customer (its tags and version) and the lists, which filter by tag; nothing else shows tags.
  const invalidate = () =>
    Promise.all(
      [customerKeys.one(customer.id), customerKeys.lists].map((queryKey) =>
        queryClient.invalidateQueries({ queryKey }),
      ),
    );
  const onError = (error: unknown) => {
    void message.error(errorText(error).line);
  };
  const add = useMutation({
    mutationFn: (tag: string) => addTag(customer.id, tag),
    onSuccess: invalidate,
    onError,
  });
  const remove = useMutation({
    mutationFn: (tag: string) => removeTag(customer.id, tag),
    onSuccess: invalidate,
    onError,
  });

  // "Add tag" takes the focus back when the input closes by Esc, as a dialog gives it back.
  const refocusAdd = useRef(false);
  const focusAddIfAsked = (element: HTMLSpanElement | null) => {
    if (!element || !refocusAdd.current) return;
    refocusAdd.current = false;
    element.focus();
  };

  function save(tag: string) {
    if (tag && !customer.tags.includes(tag)) add.mutate(tag);
  }

  /** Enter adds the tag and leaves the input open, focused, for the next; Enter on nothing closes it. */
  function commitAndContinue() {
    const tag = draft.trim();
    setDraft('');
    if (tag) save(tag);
    else stopAdding();
  }

  /** Leaving the input adds what it holds. */
  function commit() {
    save(draft.trim());
    setAdding(false);
    setDraft('');
  }

  function stopAdding() {
    setAdding(false);
    setDraft('');
    refocusAdd.current = true;
  }

  return (
    <Card title={t('customer360.tags')} size="small" data-testid="tags-panel">
      <Space size={[4, 8]} wrap>
        {!canEdit && customer.tags.length === 0 ? (
          <Typography.Text type="secondary">{t('customerEdit.noTags')}</Typography.Text>
        ) : null}
        {customer.tags.map((tag) => (
          <Tag
            key={tag}
            closable={canEdit}
            onClose={(e) => {
              e.preventDefault();
              remove.mutate(tag);
            }}
            closeIcon={<span aria-label={t('customer360.removeTag', { tag })}>×</span>}
          >
            {tag}
          </Tag>
        ))}
        {!canEdit ? null : adding ? (
          <Input
            size="small"
            autoFocus
            className="tag-input"
            aria-label={t('customer360.newTag')}
            value={draft}
            maxLength={50}
            onChange={(e) => setDraft(e.target.value)}
            onPressEnter={commitAndContinue}
            onBlur={commit}
            onKeyDown={(e) => {
              if (e.key === 'Escape') stopAdding();
            }}
          />
        ) : (
          <Tag
            ref={focusAddIfAsked}
            className="tag-add"
            icon={<PlusOutlined aria-hidden />}
            onClick={() => setAdding(true)}
            role="button"
            tabIndex={0}
            onKeyDown={(e) => {
              if (e.key === 'Enter' || e.key === ' ') setAdding(true);
            }}
          >
            {t('customer360.addTag')}
          </Tag>
        )}
      </Space>
    </Card>
  );
}

function ConsentPanel({
  customer,
  timeZone,
  canEdit,
}: {
  customer: Customer;
  timeZone: string;
  canEdit: boolean;
}) {
  const { t, i18n } = useTranslation();
  const message = useMessage();
  const errorText = useErrorText();
  const queryClient = useQueryClient();
  const consents = consentsOf(customer);
  const channels = [...new Set([...consentChannels, ...consents.keys()])];
  const change = useMutation({
    mutationFn: (input: { channel: string; granted: boolean }) =>
      setConsent(customer.id, input.channel, input.granted ? 'granted' : 'withdrawn'),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: customerKeys.one(customer.id) }),
    onError: (error) => {
      void message.error(errorText(error).line);
    },
  });
  return (
    <Card title={t('customer360.consent')} size="small">
      <ul className="plain-list">
        {channels.map((channel) => {
          const consent = consents.get(channel);
          const granted = consent?.status === 'granted';
          const label = t(`timeline.channels.${channel}`, { defaultValue: channel });
          return (
            <li key={channel} className="plain-list-item">
              <div>
                <div>{label}</div>
                <Typography.Text type="secondary" className="small-text">
                  {consent
                    ? `${t(`customer360.consentStatus.${consent.status}`)} · ${formatDateTime(
                        consent.at,
                        i18n.language,
                        timeZone,
                      )}${consent.source ? ` · ${sourceText(t, consent.source)}` : ''}`
                    : t('customer360.consentUnknown')}
                </Typography.Text>
              </div>
              <Switch
                size="small"
                checked={granted}
                disabled={!canEdit}
                aria-label={t('customer360.consentFor', { channel: label })}
                loading={change.isPending && change.variables.channel === channel}
                onChange={(checked) => change.mutate({ channel, granted: checked })}
              />
            </li>
          );
        })}
      </ul>
    </Card>
  );
}

/**
 * Unlinks a person from an organisation once the user confirms (Enter confirms, Esc keeps the
 * link). The row's button goes with the link: the focus then moves to the button of the row
 * that took its place (or the one before), else to the panel's first button.
 */
function useRemoveMember(panel: RefObject<HTMLDivElement | null>) {
  const { t } = useTranslation();
  const { modal } = App.useApp();
  const message = useMessage();
  const errorText = useErrorText();
  const queryClient = useQueryClient();
  const unnamed = t('customers.unnamed');
  const remove = useMutation({
    mutationFn: (member: CustomerMember) => removeMember(member.organizationId, member.personId),
    onSuccess: async (_, member) => {
      // The organisation's people and the person's organisations.
      await invalidateMembers(queryClient);
      void message.success(t('customerMembers.removed', namesOf(member, unnamed)));
    },
    onError: (error) => {
      void message.error(errorText(error).line);
    },
  });

  function keepFocusNear(index: number) {
    // A refusal leaves the row, and the dialog has given its button the focus back.
    if (!panel.current || panel.current.contains(document.activeElement)) return;
    const buttons = panel.current.querySelectorAll<HTMLElement>('[data-testid="member-remove"]');
    const next =
      buttons[Math.min(index, buttons.length - 1)] ?? panel.current.querySelector('button');
    next?.focus();
  }

  return (member: CustomerMember, index: number) =>
    modal.confirm({
      title: t('customerMembers.removeTitle', namesOf(member, unnamed)),
      content: t('customerMembers.removeText'),
      okText: t('customerMembers.removeOk'),
      okButtonProps: { danger: true },
      cancelText: t('common.cancel'),
      // The dialog stays, its button spinning, until the list shows the link gone.
      onOk: () => remove.mutateAsync(member).catch(() => undefined),
      afterClose: () => keepFocusNear(index),
    });
}

function namesOf(member: CustomerMember, unnamed: string) {
  return { person: member.personName || unnamed, organization: member.organizationName || unnamed };
}

/**
 * An organisation's people, or the organisations a person belongs to, a page at a time in name
 * order: a key account has hundreds of contacts, found by name, phone or role.
 */
function MembersPanel({ customer, canWrite }: { customer: Customer; canWrite: boolean }) {
  const { t } = useTranslation();
  const isOrganization = customer.kind === 'organization';
  const [search, setSearch] = useState('');
  const [adding, setAdding] = useState(false);
  const panel = useRef<HTMLDivElement>(null);
  const confirmRemove = useRemoveMember(panel);
  const q = useDebounced(search.trim());
  const members = useInfiniteQuery({
    queryKey: customerKeys.members(customer.id, q),
    queryFn: ({ pageParam, signal }) => listMembers(customer.id, q, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: (previous) => previous,
  });
  const rows = members.data?.pages.flatMap((page) => page.items) ?? [];
  // A person in one or two organisations needs no search; an organisation always may.
  const searchable = isOrganization || q !== '' || members.hasNextPage;
  return (
    <Card
      title={isOrganization ? t('customer360.members') : t('customer360.organizations')}
      size="small"
      data-testid="members-panel"
      ref={panel}
      extra={
        isOrganization && canWrite ? (
          <Button
            size="small"
            icon={<PlusOutlined aria-hidden />}
            onClick={() => setAdding(true)}
            data-testid="member-add"
          >
            {t('customer360.addMember')}
          </Button>
        ) : null
      }
    >
      {isOrganization && canWrite ? (
        <CustomerMemberModal
          open={adding}
          organization={customer}
          onClose={() => setAdding(false)}
        />
      ) : null}
      {searchable ? (
        <SearchInput
          allowClear={clearable(t)}
          aria-label={
            isOrganization ? t('customer360.searchMembers') : t('customer360.searchOrganizations')
          }
          placeholder={
            isOrganization
              ? t('customer360.searchMembersPlaceholder')
              : t('customer360.searchOrganizations')
          }
          value={search}
          onChange={(event) => setSearch(event.target.value)}
          onSearch={setSearch}
          loading={members.isFetching && !members.isFetchingNextPage}
          className="filters"
          data-testid="members-search"
        />
      ) : null}
      {members.isPending ? (
        <Skeleton active paragraph={{ rows: 2 }} />
      ) : members.isError ? (
        <ErrorAlert error={members.error} onRetry={() => void members.refetch()} />
      ) : rows.length === 0 ? (
        <Empty
          image={Empty.PRESENTED_IMAGE_SIMPLE}
          description={
            q
              ? t('customer360.noMemberMatch')
              : isOrganization
                ? t('customer360.noMembers')
                : t('customer360.noOrganizations')
          }
        />
      ) : (
        <>
          <ul className="plain-list" data-testid="members-list">
            {rows.map((member, index) => {
              const otherId = isOrganization ? member.personId : member.organizationId;
              const otherName = isOrganization ? member.personName : member.organizationName;
              const about = [member.title, member.role].filter(Boolean).join(' · ');
              return (
                <li key={otherId} className="plain-list-item" data-testid="member-item">
                  <div>
                    <Link to={`/customers/${otherId}`}>{otherName || otherId}</Link>
                    {about ? (
                      <div>
                        <Typography.Text type="secondary" className="small-text">
                          {about}
                        </Typography.Text>
                      </div>
                    ) : null}
                  </div>
                  {canWrite ? (
                    <Button
                      type="text"
                      size="small"
                      icon={<DeleteOutlined aria-hidden />}
                      aria-label={t('customerMembers.remove', { name: otherName || otherId })}
                      title={t('customerMembers.remove', { name: otherName || otherId })}
                      onClick={() => confirmRemove(member, index)}
                      data-testid="member-remove"
                    />
                  ) : null}
                </li>
              );
            })}
          </ul>
          {members.hasNextPage ? (
            <div className="load-more">
              <LoadMoreButton query={members} size="small" />
            </div>
          ) : null}
        </>
      )}
    </Card>
  );
}

export function Customer360Page() {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation();
  const session = useCurrentSession();
  const timeZone = session.tenant.timeZone;
  const locale = i18n.language;
  const customer = useQuery({
    queryKey: customerKeys.one(id),
    queryFn: ({ signal }) => getCustomer(id, signal),
    retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
  });
  const definitions = useAttributeDefinitions();
  const [dialog, setDialog] = useState<'edit' | 'merge' | 'erase' | null>(null);
  const canWrite = roleCan(session.user.role, 'customers:write');
  const canErase = roleCan(session.user.role, 'customers:erase');
  const canReadAudit = roleCan(session.user.role, 'audit:read');

  const crumbs = (name: string) => (
    <Breadcrumb
      items={[{ title: <Link to="/customers">{t('customers.title')}</Link> }, { title: name }]}
    />
  );

  if (customer.isPending) {
    return (
      <>
        {crumbs('…')}
        <Skeleton active paragraph={{ rows: 10 }} />
      </>
    );
  }
  if (customer.isError) {
    const error = customer.error;
    if (
      error instanceof ApiError &&
      (error.status === 404 || error.code === 'CUSTOMER_NOT_FOUND')
    ) {
      return (
        <Result
          status="404"
          title={t('customer360.notFound')}
          extra={<Link to="/customers">{t('customer360.backToList')}</Link>}
        />
      );
    }
    if (error instanceof ApiError && error.code === 'CUSTOMER_ERASED') {
      return (
        <Result
          status="info"
          icon={resultIcons.info}
          title={t('customerEdit.erase.erasedTitle')}
          subTitle={t('customerEdit.erase.erasedText')}
          extra={<Link to="/customers">{t('customer360.backToList')}</Link>}
          data-testid="customer-erased"
        />
      );
    }
    return (
      <>
        {crumbs('…')}
        <ErrorAlert error={error} onRetry={() => void customer.refetch()} />
      </>
    );
  }

  const c = customer.data;
  const contacts = contactsOf(c);
  const labels = new Map(
    (definitions.data ?? []).map((definition) => [
      definition.key,
      attributeLabel(definition, locale),
    ]),
  );
  const attributes = Object.entries(c.attributes ?? {});
  const menuItems = [
    ...(canWrite
      ? [
          {
            key: 'merge',
            icon: <MergeCellsOutlined aria-hidden />,
            label: t('customerEdit.merge.action'),
          },
        ]
      : []),
    ...(canWrite && canErase ? [{ type: 'divider' as const }] : []),
    ...(canErase
      ? [
          {
            key: 'erase',
            icon: <DeleteOutlined aria-hidden />,
            danger: true,
            label: t('customerEdit.erase.action'),
          },
        ]
      : []),
  ];
  const profile = [
    { key: 'externalId', label: t('customers.externalId'), value: c.externalId },
    {
      key: 'birthday',
      label: t('customer360.birthday'),
      value: c.birthday ? formatDate(c.birthday, locale) : null,
    },
    {
      key: 'gender',
      label: t('customer360.gender'),
      value: c.gender ? t(`customer360.genders.${c.gender}`, { defaultValue: c.gender }) : null,
    },
    { key: 'occupation', label: t('customer360.occupation'), value: c.occupation },
    {
      key: 'interests',
      label: t('customer360.interests'),
      value: c.interests?.length ? c.interests.join('、') : null,
    },
    {
      key: 'preferredChannel',
      label: t('customer360.preferredChannel'),
      value: c.preferredChannel
        ? t(`timeline.channels.${c.preferredChannel}`, { defaultValue: c.preferredChannel })
        : null,
    },
    { key: 'familyNotes', label: t('customer360.familyNotes'), value: c.familyNotes },
    { key: 'notes', label: t('customer360.notes'), value: c.notes },
    {
      key: 'source',
      label: t('customer360.source'),
      value: sourceText(t, c.source),
    },
    {
      key: 'createdAt',
      label: t('customers.createdAt'),
      value: formatDateTime(c.createdAt, locale, timeZone),
    },
  ].filter((row) => row.value !== null && row.value !== undefined && row.value !== '');

  return (
    <>
      {crumbs(c.name)}
      <div className="page-header">
        <Space align="center" wrap>
          <Typography.Title level={3} data-testid="customer-name">
            {c.name || t('customers.unnamed')}
          </Typography.Title>
          <Tag color={c.kind === 'organization' ? 'purple' : 'blue'}>
            {t(`customers.kinds.${c.kind}`)}
          </Tag>
        </Space>
        {canWrite || canErase ? (
          <Space wrap>
            {canWrite ? (
              <Button
                type="primary"
                icon={<EditOutlined aria-hidden />}
                onClick={() => setDialog('edit')}
              >
                {t('customerEdit.edit')}
              </Button>
            ) : null}
            <Dropdown
              trigger={['click']}
              menu={{
                items: menuItems,
                onClick: ({ key }) => setDialog(key === 'merge' ? 'merge' : 'erase'),
              }}
            >
              <Button icon={<DownOutlined aria-hidden />} iconPlacement="end">
                {t('customerEdit.more')}
              </Button>
            </Dropdown>
          </Space>
        ) : null}
      </div>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={9}>
          <Space orientation="vertical" size={16} className="full-width">
            <Card title={t('customer360.profile')} size="small">
              {profile.length ? (
                <Descriptions
                  column={1}
                  size="small"
                  items={profile.map((row) => ({
                    key: row.key,
                    label: row.label,
                    children: row.value,
                  }))}
                />
              ) : (
                <Typography.Text type="secondary">{t('customer360.noProfile')}</Typography.Text>
              )}
            </Card>
            <Card title={t('customer360.contacts')} size="small">
              {contacts.length ? (
                <ul className="plain-list">
                  {contacts.map((contact) => (
                    <li key={`${contact.kind}:${contact.value}`} className="plain-list-item">
                      <Space>
                        {contact.kind === 'email' ? (
                          <MailOutlined aria-hidden />
                        ) : (
                          <PhoneOutlined aria-hidden />
                        )}
                        <span>{contact.value}</span>
                        {contact.label ? (
                          <Typography.Text type="secondary">{contact.label}</Typography.Text>
                        ) : null}
                        {contact.primary ? <Tag>{t('customer360.primary')}</Tag> : null}
                      </Space>
                    </li>
                  ))}
                </ul>
              ) : (
                <Typography.Text type="secondary">{t('customer360.noContacts')}</Typography.Text>
              )}
            </Card>
            <TagsPanel customer={c} canEdit={canWrite} />
            <ConsentPanel customer={c} timeZone={timeZone} canEdit={canWrite} />
            <MembersPanel customer={c} canWrite={canWrite} />
            <Card title={t('customer360.attributes')} size="small">
              {attributes.length ? (
                <Descriptions
                  column={1}
                  size="small"
                  items={attributes.map(([key, value]) => ({
                    key,
                    label: labels.get(key) ?? key,
                    children:
                      typeof value === 'boolean'
                        ? t(value ? 'customerEdit.yes' : 'customerEdit.no')
                        : String(value),
                  }))}
                />
              ) : (
                <Typography.Text type="secondary">{t('customer360.noAttributes')}</Typography.Text>
              )}
            </Card>
          </Space>
        </Col>
        <Col xs={24} lg={15}>
          <Space orientation="vertical" size={16} className="full-width">
            <CustomerLoyaltyPanel customerId={c.id} timeZone={timeZone} />
            <Card title={t('customer360.timeline')}>
              <CustomerTimeline customerId={c.id} timeZone={timeZone} />
            </Card>
            {canReadAudit ? (
              <Card title={t('audit.history')} data-testid="change-history">
                <CustomerChangeHistory customerId={c.id} version={c.version} timeZone={timeZone} />
              </Card>
            ) : null}
          </Space>
        </Col>
      </Row>
      {canWrite ? (
        <>
          <CustomerEditDrawer
            open={dialog === 'edit'}
            customer={c}
            onClose={() => setDialog(null)}
          />
          <CustomerMergeModal
            open={dialog === 'merge'}
            customer={c}
            timeZone={timeZone}
            onClose={() => setDialog(null)}
          />
        </>
      ) : null}
      {canErase ? (
        <CustomerEraseModal
          open={dialog === 'erase'}
          customer={c}
          onClose={() => setDialog(null)}
        />
      ) : null}
    </>
  );
}
