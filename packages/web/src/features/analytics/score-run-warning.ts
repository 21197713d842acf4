import type { TFunction } from 'i18next';
import type { ScoreRunWarning, ScoreRunWarningCode } from '@fidelis/contracts';

// Each code the server writes, to its title under analytics.warnings (analytics.i18n.ts).
// Typed by the contract's list: a new code fails the type-check until it has a title.
const titleKeys: Record<ScoreRunWarningCode, string> = {
  bgnbd_not_fitted: 'bgnbdNotFitted',
  bgnbd_not_converged: 'bgnbdNotConverged',
  gamma_gamma_not_fitted: 'gammaGammaNotFitted',
  customers_not_scored: 'notScored',
  no_tracking_curve: 'noTracking',
  no_concentration: 'noConcentration',
};

/**
 * A scoring run's warning in the user's language by its code, with the model's own (English)
 * reason as the detail; a code not known here (a newer server's) is shown as the server's
 * English sentence.
 */
export function scoreRunWarning(
  warning: ScoreRunWarning,
  t: TFunction,
): { title: string; detail: string } {
  const key = Object.hasOwn(titleKeys, warning.code)
    ? titleKeys[warning.code as ScoreRunWarningCode]
    : undefined;
  if (key === undefined) return { title: warning.message, detail: '' };
  return { title: t(`analytics.warnings.${key}`), detail: warning.detail ?? '' };
}
