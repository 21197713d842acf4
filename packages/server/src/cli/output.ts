import { SingleBar, Presets } from 'cli-progress';

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
      format: `${label} [{bar}] {percentage}% | {value}/{total} | {eta_formatted} left`,
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

/** Exits with a clear message for errors a user can act on. */
export function fail(message: string, code = 1): never {
  process.stderr.write(`fidelis: ${message}\n`);
  process.exit(code);
}
