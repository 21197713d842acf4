import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('configuration from the environment', () => {
  it('has defaults for everything', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      databaseUrl: undefined,
      preparedStatements: true,
      rateLimitPerMinute: 6000,
      loyaltyJobsEveryMinutes: 10,
      secureCookies: false,
    });
  });

  it('turns prepared statements off, and names a bad value', () => {
    expect(loadConfig({ DATABASE_PREPARED_STATEMENTS: 'false' }).preparedStatements).toBe(false);
    expect(() => loadConfig({ DATABASE_PREPARED_STATEMENTS: 'no' })).toThrow(
      'DATABASE_PREPARED_STATEMENTS must be true or false, not no',
    );
  });

  it('refuses a port, a sweep interval or a public address it cannot use', () => {
    expect(() => loadConfig({ PORT: '70000' })).toThrow('PORT must be a port number');
    expect(() => loadConfig({ LOYALTY_JOBS_EVERY_MINUTES: '-1' })).toThrow(
      'LOYALTY_JOBS_EVERY_MINUTES',
    );
    expect(() => loadConfig({ PUBLIC_URL: 'loyalty.example.com' })).toThrow('PUBLIC_URL');
  });

  it('refuses a DATABASE_URL that is not a postgres:// address, without repeating it', () => {
    expect(loadConfig({ DATABASE_URL: 'postgresql://u@h/db' }).databaseUrl).toBe(
      'postgresql://u@h/db',
    );
    for (const url of ['host:5432/fidelis', 'mysql://u:secret@h/db', 'u:secret@h']) {
      expect(() => loadConfig({ DATABASE_URL: url })).toThrow(ConfigError);
      expect(() => loadConfig({ DATABASE_URL: url })).not.toThrow('secret');
    }
  });
});
