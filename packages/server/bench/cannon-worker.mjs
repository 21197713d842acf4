// Entry of the load generator's worker thread: worker threads do not inherit the TypeScript
// loader, so this registers it (as bin/fidelis.js does) and runs cannon-load.ts.
import { register } from 'tsx/esm/api';

register();
await import('./cannon-load.ts');
