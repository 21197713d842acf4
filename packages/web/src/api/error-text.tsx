import { useCallback, useEffect, useState } from 'react';
import { Alert, Button, type FormInstance } from 'antd';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { ApiError } from './api-client.ts';
import { fieldErrorText, problemText, type ProblemText } from './field-error-text.ts';

type FieldError = ApiError['fieldErrors'][number];
type NamePath = (string | number)[];

/** What to say of an error in the user's language (`problemText`); any error, not only the API's. */
export function useErrorText() {
  const { t, i18n } = useTranslation();
  return (error: unknown): ProblemText => {
    if (error instanceof ApiError) return problemText(t, i18n.language, error);
    const title = t('errors.INTERNAL');
    const detail = error instanceof Error ? error.message : undefined;
    return {
      title,
      detail,
      fields: [],
      serverDetail: undefined,
      line: detail ? `${title}: ${detail}` : title,
    };
  };
}

/** The standard error state of a page or panel, with a retry when one makes sense. */
export function ErrorAlert({
  error,
  onRetry,
  fields: unshown,
}: {
  error: unknown;
  onRetry?: () => void;
  /** Field errors no form field shows, listed under the detail (default: all of them). */
  fields?: readonly FieldError[];
}) {
  const { t } = useTranslation();
  const text = useErrorText()(error);
  const fields = unshown ?? (error instanceof ApiError ? error.fieldErrors : []);
  const description =
    text.detail || fields.length > 0 || text.serverDetail ? (
      <>
        {text.detail}
        {fields.length > 0 ? (
          <ul className="problem-fields">
            {fields.map((field, index) => (
              <li key={index}>
                <code>{field.field}</code>: {fieldErrorText(t, field)}
              </li>
            ))}
          </ul>
        ) : null}
        {text.serverDetail ? (
          <details className="problem-server-detail">
            <summary>{t('errors.serverDetail')}</summary>
            {text.serverDetail}
          </details>
        ) : null}
      </>
    ) : undefined;
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      title={text.title}
      description={description}
      action={
        onRetry ? (
          <Button size="small" onClick={onRetry}>
            {t('common.retry')}
          </Button>
        ) : undefined
      }
    />
  );
}

/** `earnRules[0].cap.perDay` (a problem's `field`) → `['earnRules', 0, 'cap', 'perDay']`. */
export function fieldPath(field: string): NamePath {
  return (field.match(/[^.[\]]+/g) ?? []).map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/**
 * Puts a problem's field errors next to the form's fields, in the user's language: each on the
 * field of its path, or of the nearest enclosing path the form has (`appliesTo[1]` → the
 * `appliesTo` select). Returns the errors no field of the form shows.
 */
export function showFieldErrors(
  form: FormInstance,
  error: unknown,
  t: TFunction,
  /** Only on fields that still show an error (the others were edited since). */
  { stillShown = false }: { stillShown?: boolean } = {},
): FieldError[] {
  if (!(error instanceof ApiError)) return [];
  const registered = new Set(form.getFieldsError().map((field) => JSON.stringify(field.name)));
  const placed = new Map<string, { name: NamePath; errors: string[] }>();
  const unplaced: FieldError[] = [];
  for (const fieldError of error.fieldErrors) {
    const path = fieldPath(fieldError.field);
    let name: NamePath | null = null;
    for (let length = path.length; length > 0 && !name; length--) {
      const candidate = path.slice(0, length);
      if (registered.has(JSON.stringify(candidate))) name = candidate;
    }
    if (!name) {
      unplaced.push(fieldError);
      continue;
    }
    const key = JSON.stringify(name);
    const entry = placed.get(key) ?? { name, errors: [] };
    entry.errors.push(fieldErrorText(t, fieldError));
    placed.set(key, entry);
  }
  form.setFields(
    [...placed.values()].filter(
      (field) => !stillShown || form.getFieldError(field.name).length > 0,
    ),
  );
  return unplaced;
}

/** A form's last failed submit: its errors shown on the fields, the rest in an alert. */
export function useFormProblem(form: FormInstance) {
  const { t } = useTranslation();
  const [problem, setProblem] = useState<{ error: unknown; unplaced: FieldError[] } | null>(null);
  const report = useCallback(
    (error: unknown) => setProblem({ error, unplaced: showFieldErrors(form, error, t) }),
    [form, t],
  );
  const clear = useCallback(() => setProblem(null), []);
  // The errors on the fields were worded in the language of the moment: after a switch, word
  // again those still shown (the alert words itself as it renders).
  useEffect(() => {
    if (problem) showFieldErrors(form, problem.error, t, { stillShown: true });
  }, [form, problem, t]);
  const alert = problem ? <ErrorAlert error={problem.error} fields={problem.unplaced} /> : null;
  return { problem, report, clear, alert };
}
