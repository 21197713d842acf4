/**
 * @fidelis/analytics — customer-base analytics with no I/O: no database, no HTTP, no clock.
 * Time is always a parameter. Models live in `models/` (buy-till-you-die CLV), measures in
 * `measures/` (RFM, cohorts, satisfaction science, segments).
 */
export * from './models/index.ts';
export * from './measures/index.ts';
