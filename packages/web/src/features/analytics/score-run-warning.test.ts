import { describe, expect, it } from 'vitest';
import type { TFunction } from 'i18next';
import { scoreRunWarning } from './score-run-warning.ts';

const t = ((key: string) => `«${key}»`) as unknown as TFunction;

describe('a scoring run’s warning', () => {
  it.each([
    ['bgnbd_not_fitted', 'too few repeat customers', 'bgnbdNotFitted'],
    ['bgnbd_not_converged', undefined, 'bgnbdNotConverged'],
    ['gamma_gamma_not_fitted', 'no spend', 'gammaGammaNotFitted'],
    ['customers_not_scored', 'NaN', 'notScored'],
    ['no_tracking_curve', 'empty', 'noTracking'],
    ['no_concentration', 'no revenue', 'noConcentration'],
  ])('%s: translated title, the server’s reason as the detail', (code, detail, key) => {
    const warning = { code, message: 'An English sentence', ...(detail ? { detail } : {}) };
    expect(scoreRunWarning(warning, t)).toEqual({
      title: `«analytics.warnings.${key}»`,
      detail: detail ?? '',
    });
  });

  // A code this UI does not know yet (a newer server's, or an old run's `unrecognised`): the
  // server's sentence rather than nothing; nor is a key of Object.prototype taken for a code.
  it.each(['something_new', 'unrecognised', 'toString'])('%s: the server’s sentence', (code) => {
    const warning = { code, message: 'Something new happened: why', detail: 'why' };
    expect(scoreRunWarning(warning, t)).toEqual({
      title: 'Something new happened: why',
      detail: '',
    });
  });
});
