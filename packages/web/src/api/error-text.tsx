import { useCallback, useEffect, useState } from 'react';
import { Alert, Button, type FormInstance } from 'antd';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { ApiError } from './api-client.ts';
import { fieldErrorText, problemDetail } from './field-error-text.ts';

type FieldError = ApiError['fieldErrors'][number];
type NamePath = (string | number)[];

/**
 * A title for the error in the user's language (by `code`) and the server's `detail` where it
 * says what nothing in the user's language does (`problemDetail`).
 */
export function useErrorText() {
  const { t, i18n } = useTranslation();
  return (error: unknown): { title: string; detail: string | undefined } => {
    if (error instanceof ApiError) {
      return {
        title: t(`errors.${error.code}`, { defaultValue: t('errors.INTERNAL') }),
        detail: problemDetail(i18n.language, error),
      };
    }
    return {
      title: t('errors.INTERNAL'),
      detail: error instanceof Error ? error.message : undefined,
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
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      title={text.title}
      description={
        fields.length > 0 ? (
          <>
            {text.detail}
            <ul className="problem-fields">
              {fields.map((field, index) => (
                <li key={index}>
                  <code>{field.field}</code>: {fieldErrorText(t, field)}
                </li>
              ))}
            </ul>
          </>
        ) : (
          text.detail
        )
      }
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
