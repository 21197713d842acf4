import { describe, expect, it } from 'vitest';
import type { TFunction } from 'i18next';
import { scoreRunWarning } from './score-run-warning.ts';

const t = ((key: string) => `«${key}»`) as unknown as TFunction;

describe('a scoring run’s warning', () => {
  it.each([
    [
      'BG/NBD not fitted: too few repeat customers',
      '«analytics.warnings.bgnbdNotFitted»',
      'too few repeat customers',
    ],
    ['BG/NBD fit did not converge', '«analytics.warnings.bgnbdNotConverged»', ''],
    ['Gamma-Gamma not fitted: no spend', '«analytics.warnings.gammaGammaNotFitted»', 'no spend'],
    ['Customers not scored: NaN', '«analytics.warnings.notScored»', 'NaN'],
    ['No tracking curve: empty', '«analytics.warnings.noTracking»', 'empty'],
    ['No concentration: no revenue', '«analytics.warnings.noConcentration»', 'no revenue'],
    // A kind this UI does not know yet: as the server wrote it rather than nothing.
    ['Something new happened', 'Something new happened', ''],
  ])('%s', (warning, title, detail) => {
    expect(scoreRunWarning(warning, t)).toEqual({ title, detail });
  });
});
