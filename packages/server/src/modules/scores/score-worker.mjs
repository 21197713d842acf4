// Worker-thread bootstrap: plain JavaScript so it loads under node, tsx and vitest alike;
// it registers tsx in this thread, then runs the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./score-worker.ts');
