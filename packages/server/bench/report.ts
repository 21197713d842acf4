import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * Replaces a benchmark's section (from its `## heading` to the next one) in a Markdown report
 * with freshly measured text; whatever follows the section's analysis marker was written by
 * hand and survives the re-run.
 */
export function writeReportSection(
  file: string,
  heading: string,
  section: string,
  analysisMarker: string,
): void {
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Performance\n';
  const start = current.indexOf(heading);
  let updated: string;
  if (start < 0) updated = `${current.trimEnd()}\n\n${section}`;
  else {
    const after = current.indexOf('\n## ', start + 1);
    const end = after < 0 ? current.length : after + 1;
    const marker = current.indexOf(analysisMarker, start);
    const analysis = marker >= 0 && marker < end ? `${current.slice(marker, end).trimEnd()}\n` : '';
    const rest = current.slice(end);
    updated = `${current.slice(0, start)}${section}${analysis}${rest ? `\n${rest}` : ''}`;
  }
  writeFileSync(file, updated);
}
