import { useEffect, useMemo, useState } from 'react';
import { Alert, Form, type FormInstance } from 'antd';
import { useQueries } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { CustomerKind } from '../../api/api-types.ts';
import type { CustomerFormValues } from './customer-form-values.ts';
import {
  checkId,
  contactKey,
  contactsToCheck,
  customerDetails,
  hasContact,
  likelyDuplicatesOf,
  sameChecks,
  type ContactCheck,
  type LikelyDuplicate,
} from './customer-duplicates.ts';
import { customerKeys, searchCustomers } from './customers.api.ts';

/**
 * A pause in typing this long looks a contact up; leaving its field looks it up at once. A pause
 * in a phone number shorter than a mobile number's 11 digits may be only half of one: it waits
 * for the field to be left.
 */
const SETTLE_MS = 800;
const PAUSE_PHONE_DIGITS = 11;

const settlesOnPause = (check: ContactCheck) =>
  check.kind === 'email' || check.value.replace(/\D/g, '').length >= PAUSE_PHONE_DIGITS;
/** The longest search the API takes. */
const SEARCH_MAX = 200;
/** The alert names this many customers at most. */
const SHOWN = 5;

/** An equal list keeps the state as it was: no new render, no new queries. */
const settleOn = (next: readonly ContactCheck[]) => (current: readonly ContactCheck[]) =>
  sameChecks(current, next) ? current : next;

/**
 * The other customers who have a phone or email typed into the form (one the customer did not
 * already have). Each distinct contact is searched once and cached; a search for one no longer
 * in the form is aborted. `settle` looks up what the form holds now, for a field just left.
 */
export function useLikelyDuplicates(
  form: FormInstance<CustomerFormValues>,
  saved: CustomerFormValues,
  kind: CustomerKind,
  selfId: string | null,
) {
  const emails = Form.useWatch('emails', form);
  const phones = Form.useWatch('phones', form);
  const typed = useMemo(() => contactsToCheck({ emails, phones }, saved), [emails, phones, saved]);
  const [settled, setSettled] = useState<readonly ContactCheck[]>([]);
  useEffect(() => {
    const timer = window.setTimeout(
      () =>
        setSettled((current) => {
          // What was looked up when its field was left stays looked up.
          const before = new Set(current.map(checkId));
          return settleOn(
            typed.filter((check) => settlesOnPause(check) || before.has(checkId(check))),
          )(current);
        }),
      SETTLE_MS,
    );
    return () => window.clearTimeout(timer);
  }, [typed]);

  function settle() {
    const now = contactsToCheck(
      {
        emails: form.getFieldValue('emails') as CustomerFormValues['emails'],
        phones: form.getFieldValue('phones') as CustomerFormValues['phones'],
      },
      saved,
    );
    setSettled(settleOn(now));
  }

  // A contact changed or removed stops counting at once, without waiting for the pause. The
  // search takes 200 characters at most (an email may have up to 320).
  const typedIds = new Set(typed.map(checkId));
  const checks = settled.filter(
    (check) => typedIds.has(checkId(check)) && contactKey(check).length <= SEARCH_MAX,
  );
  const results = useQueries({
    queries: checks.map((check) => ({
      queryKey: customerKeys.withContact(check.kind, contactKey(check)),
      queryFn: async ({ signal }: { signal: AbortSignal }) =>
        (await searchCustomers(contactKey(check), signal)).filter((found) =>
          hasContact(found, check),
        ),
      staleTime: 60_000,
    })),
  });
  const duplicates = likelyDuplicatesOf(
    checks.map((check, index) => ({ check, customers: results[index]?.data ?? [] })),
    { kind, selfId },
  );
  return { duplicates, settle };
}

/**
 * "Possibly the same person: 王伟 (external ID C001 · 13800138000) — Open". Only a warning:
 * families share phones, so saving stays possible.
 */
export function LikelyDuplicatesAlert({
  duplicates,
  kind,
  editing,
  onOpen,
}: {
  duplicates: readonly LikelyDuplicate[];
  kind: CustomerKind;
  /** An existing customer is being edited: point to the 360 page's merge. */
  editing: boolean;
  /** Opens a customer's 360 page (after asking, when the form has changes). */
  onOpen: (id: string) => void;
}) {
  const { t } = useTranslation();
  if (duplicates.length === 0) return null;
  const more = duplicates.length - SHOWN;
  return (
    <Alert
      type="warning"
      showIcon
      // A hint, not an error: read out politely.
      role="status"
      className="form-notice"
      data-testid="customer-duplicates"
      title={t(`customerEdit.duplicates.${kind}`)}
      description={
        <>
          <ul className="duplicate-list">
            {duplicates.slice(0, SHOWN).map(({ customer }) => {
              const name = customer.name || t('customers.unnamed');
              const details = customerDetails(customer, {
                externalId: (id) => t('customerEdit.duplicates.externalId', { id }),
              });
              return (
                <li key={customer.id}>
                  {details ? t('customerEdit.duplicates.who', { name, details }) : name}
                  {' — '}
                  <Link
                    to={`/customers/${customer.id}`}
                    aria-label={t('customerEdit.duplicates.openLabel', { name })}
                    onClick={(event) => {
                      // A plain click goes through onOpen, which asks before the form's changes
                      // are dropped; with a modifier key the browser opens a new tab and the form
                      // stays as it is.
                      if (
                        event.button !== 0 ||
                        event.metaKey ||
                        event.ctrlKey ||
                        event.shiftKey ||
                        event.altKey
                      )
                        return;
                      event.preventDefault();
                      onOpen(customer.id);
                    }}
                  >
                    {t('customerEdit.duplicates.open')}
                  </Link>
                </li>
              );
            })}
          </ul>
          {more > 0 ? <div>{t('customerEdit.duplicates.more', { count: more })}</div> : null}
          <div>
            {editing
              ? t('customerEdit.duplicates.mergeHint', {
                  more: t('customerEdit.more'),
                  action: t('customerEdit.merge.action'),
                })
              : t('customerEdit.duplicates.createHint')}
          </div>
        </>
      }
    />
  );
}
