#!/usr/bin/env node
// The `fidelis` command. Runs the TypeScript sources through tsx, so `npx fidelis …` works
// straight after `npm install` with no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
