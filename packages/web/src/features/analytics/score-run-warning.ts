import type { TFunction } from 'i18next';

// A scoring run's warnings arrive as the server's English sentences ("BG/NBD not fitted: …"):
// each kind the server writes, by how its sentence begins (server: score-population.ts).
const kinds: [RegExp, string][] = [
  [/^BG\/NBD not fitted:?\s*/, 'bgnbdNotFitted'],
  [/^BG\/NBD fit did not converge\b\s*/, 'bgnbdNotConverged'],
  [/^Gamma-Gamma not fitted:?\s*/, 'gammaGammaNotFitted'],
  [/^Customers not scored:?\s*/, 'notScored'],
  [/^No tracking curve:?\s*/, 'noTracking'],
  [/^No concentration:?\s*/, 'noConcentration'],
];

/**
 * A scoring run's warning in the user's language, with the model's own (English) reason as
 * the detail; a warning of a kind not known here is shown as the server wrote it.
 */
export function scoreRunWarning(warning: string, t: TFunction): { title: string; detail: string } {
  for (const [start, key] of kinds) {
    const match = start.exec(warning);
    if (match) {
      return {
        title: t(`analytics.warnings.${key}`),
        detail: warning.slice(match[0].length).trim(),
      };
    }
  }
  return { title: warning, detail: '' };
}
