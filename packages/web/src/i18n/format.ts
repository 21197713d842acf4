/** Money and time for display: minor units with their currency, instants in the tenant's zone. */

const fractionDigitsCache = new Map<string, number>();

/** Decimal places of a currency (CNY 2, JPY 0), from the platform's own Intl data. */
export function currencyDigits(currency: string): number {
  let digits = fractionDigitsCache.get(currency);
  if (digits === undefined) {
    try {
      digits =
        new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
          .maximumFractionDigits ?? 2;
    } catch {
      digits = 2;
    }
    fractionDigitsCache.set(currency, digits);
  }
  return digits;
}

export function minorToMajor(minor: number, currency: string): number {
  return minor / 10 ** currencyDigits(currency);
}

/** What a person typed in major units (12.5 yuan) as integer minor units (1250 fen). */
export function majorToMinor(major: number, currency: string): number {
  return Math.round(major * 10 ** currencyDigits(currency));
}

export function formatMoney(minor: number, currency: string, locale: string): string {
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(
      minorToMajor(minor, currency),
    );
  } catch {
    return `${minorToMajor(minor, currency).toFixed(2)} ${currency}`;
  }
}

export function formatNumber(value: number, locale: string, maximumFractionDigits = 0): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits }).format(value);
}

function safeTimeZone(timeZone: string | undefined): string | undefined {
  if (!timeZone) return undefined;
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return timeZone;
  } catch {
    return undefined;
  }
}

export function formatDateTime(iso: string, locale: string, timeZone?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const zone = safeTimeZone(timeZone);
  return new Intl.DateTimeFormat(locale, {
    dateStyle: 'medium',
    timeStyle: 'short',
    ...(zone ? { timeZone: zone } : {}),
  }).format(date);
}

export function formatDate(iso: string, locale: string, timeZone?: string): string {
  // A plain date (birthday) has no zone: show it as written.
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) {
    const [y, m, d] = iso.split('-').map(Number);
    return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(
      new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1)),
    );
  }
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const zone = safeTimeZone(timeZone);
  return new Intl.DateTimeFormat(locale, {
    dateStyle: 'medium',
    ...(zone ? { timeZone: zone } : {}),
  }).format(date);
}

/**
 * The last day of a period given by its end, the first instant after it (a calendar year's
 * 2027-01-01T00:00 → "Dec 31, 2026" in that zone): what "until" and "through" mean to people.
 */
export function formatLastDay(exclusiveEnd: string, locale: string, timeZone?: string): string {
  const end = Date.parse(exclusiveEnd);
  if (Number.isNaN(end)) return exclusiveEnd;
  return formatDate(new Date(end - 1).toISOString(), locale, timeZone);
}

/** "2026-03" → "Mar 2026" / "2026年3月". */
export function formatMonth(month: string, locale: string): string {
  const [y, m] = month.split('-').map(Number);
  if (!y || !m) return month;
  return new Intl.DateTimeFormat(locale, {
    year: 'numeric',
    month: 'short',
    timeZone: 'UTC',
  }).format(new Date(Date.UTC(y, m - 1, 1)));
}
