import { SingleBar, Presets } from 'cli-progress';
import { t } from './i18n/translate.ts';

/** A mistake in what the operator gave (a file, a flag): one line on stderr, exit code 1. */
export class CliInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliInputError';
  }
}

/** Prints a result: JSON for scripts with --json, else readable lines. */
export function printResult(json: boolean, value: unknown, human: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
}

/**
 * A progress bar on stderr for long work (silent when stderr is not a terminal or with
 * --json, so pipes and scripts get clean output).
 */
export function progressBar(label: string, enabled: boolean) {
  if (!enabled || !process.stderr.isTTY) {
    return { start(_total: number) {}, update(_done: number) {}, stop() {} };
  }
  const bar = new SingleBar(
    {
      format: t('progress.format', { label }),
      stream: process.stderr,
      hideCursor: true,
    },
    Presets.shades_classic,
  );
  return {
    start(total: number) {
      bar.start(total, 0);
    },
    update(done: number) {
      bar.update(done);
    },
    stop() {
      bar.stop();
    },
  };
}

/** Columns a text takes in a terminal: a Chinese character (or other wide one) takes two. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) width += char >= '\u2e80' ? 2 : 1;
  return width;
}

/** `text` padded with spaces to `width` columns, at the end (or the start, for numbers). */
export function padTo(text: string, width: number, atStart = false): string {
  const padding = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return atStart ? padding + text : text + padding;
}

/** Exits with a clear message for errors a user can act on. */
export function fail(message: string, code = 1): never {
  process.stderr.write(`fidelis: ${message}\n`);
  process.exit(code);
}
