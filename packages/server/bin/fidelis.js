#!/usr/bin/env -S node --max-semi-space-size=64
// A 64 MB young generation (V8's default is 16): a server that parses and answers thousands of
// events a second allocates fast, and short-lived garbage then dies young instead of being
// promoted and marked — about a tenth less CPU per event batch (docs/performance.md). V8 reads
// the flag only at start-up, hence the shebang.
// The `fidelis` command. Runs the TypeScript sources through tsx, so `npx fidelis …` works
// straight after `npm install` with no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
