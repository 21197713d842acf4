import type { TFunction } from 'i18next';
import { fieldErrorText } from '../../api/field-error-text.ts';
import type { CustomerImportReport, ImportLineError } from '../../api/api-types.ts';

/** How many rows have a problem (a row can have several): the report counts problems. */
export function invalidRows(report: Pick<CustomerImportReport, 'mode' | 'skipped' | 'errors'>) {
  return report.mode === 'skip-invalid'
    ? report.skipped
    : new Set(report.errors.map((error) => error.line)).size;
}

export type SummaryKey = 'rows' | 'created' | 'updated' | 'unchanged' | 'invalidRows' | 'problems';

/**
 * The figures of an import's report, as rows (never problems mixed with rows): what a dry run
 * would do with the valid rows (also of an all-or-nothing file with bad ones), or what the
 * import did.
 */
export function summaryCounts(report: CustomerImportReport): [SummaryKey, number][] {
  const counts: [SummaryKey, number][] = [
    ['rows', report.rows],
    ['created', report.created],
    ['updated', report.updated],
    ['unchanged', report.unchanged],
  ];
  if (report.errorCount > 0)
    counts.push(['invalidRows', invalidRows(report)], ['problems', report.errorCount]);
  return counts;
}

/** The field of a line's problem: a field's name, or the whole line or file. */
export function importFieldLabel(field: string, t: TFunction): string {
  if (field === '(row)') return t('import.wholeLine');
  if (field === '(file)' || field === '(body)') return t('import.wholeFile');
  if (field === 'encoding') return t('import.encoding');
  return t(`import.fields.${field}`, { defaultValue: field });
}

/** What is wrong with a line, in the UI's language: a line that is no CSV says what to look for. */
export function importProblemText(error: ImportLineError, t: TFunction): string {
  if (error.reason === 'malformed' && error.field === '(row)') return t('import.malformedLine');
  return fieldErrorText(t, error);
}

/** The refusal's explanation: the server's English `detail` only in English, else from the lines. */
export function refusalText(
  errors: ImportLineError[],
  detail: string | undefined,
  t: TFunction,
  language: string,
): string | undefined {
  const malformed = errors.find((e) => e.reason === 'malformed' && e.field === '(row)');
  if (malformed) return t('import.malformedHelp', { line: malformed.line });
  return language.startsWith('en') ? detail : undefined;
}
