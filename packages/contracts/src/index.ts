/**
 * @fidelis/contracts — the shapes of the Fidelis API as zod schemas, shared by the server
 * (validation, OpenAPI), the web UI and the CLI.
 */
export * from './errors.ts';
export * from './common.ts';
export * from './platform.ts';
export * from './customers.ts';
export * from './events.ts';
export * from './scores.ts';
export * from './loyalty.ts';
