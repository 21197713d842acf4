import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTenant, openTestApp, type TestApp } from '../../test/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(async () => t.close());

const login = (email: string, headers: Record<string, string>, remoteAddress = '192.0.2.1') =>
  t.app.inject({
    method: 'POST',
    url: '/v1/auth/login',
    headers,
    remoteAddress,
    payload: { email, password: 'guess' },
  });

describe('the log-in rate limit', () => {
  it('counts by address: a made-up bearer token or session cookie on each attempt does not escape it', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) {
      const headers =
        i % 2 === 0
          ? { authorization: `Bearer fake${i}` }
          : { cookie: `fidelis_session=fake${i}.x` };
      statuses.push((await login(`nobody${i}@example.com`, headers, '192.0.2.10')).statusCode);
    }
    expect(statuses.slice(0, 20), JSON.stringify(statuses)).toEqual(Array(20).fill(401));
    expect(statuses.slice(20)).toEqual([429, 429, 429, 429, 429]);
    // Another address has its own allowance.
    expect((await login('nobody@example.com', {}, '192.0.2.11')).statusCode).toBe(401);
  });

  it('counts attempts on one email whatever address they come from', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++)
      statuses.push((await login('Target@Example.com', {}, `198.51.100.${i}`)).statusCode);
    expect(statuses.slice(0, 20), JSON.stringify(statuses)).toEqual(Array(20).fill(401));
    const refused = await login('target@example.com', {}, '198.51.100.200');
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ code: 'RATE_LIMITED' });
    expect(refused.headers['retry-after']).toBeDefined();
    expect((await login('someone-else@example.com', {}, '198.51.100.200')).statusCode).toBe(401);
  });
});

describe('the general rate limit', () => {
  let small: TestApp;
  beforeAll(async () => {
    small = await openTestApp({ rateLimitPerMinute: 3 });
  });
  afterAll(async () => small.close());

  it('gives each valid API key its own bucket and everyone else their address’s', async () => {
    const one = await newTenant(small);
    const two = await newTenant(small);
    const get = (headers: Record<string, string>) =>
      small.app.inject({
        method: 'GET',
        url: '/v1/customers',
        headers,
        remoteAddress: '203.0.113.5',
      });
    expect([(await get(one.auth)).statusCode, (await get(one.auth)).statusCode]).toEqual([
      200, 200,
    ]);
    expect((await get(one.auth)).statusCode).toBe(200);
    expect((await get(one.auth)).statusCode).toBe(429);
    // Same address, another key: its own allowance.
    expect((await get(two.auth)).statusCode).toBe(200);
    // A public route from that address counts by address, whatever bearer token it carries.
    const health = (authorization: string) =>
      small.app.inject({
        method: 'GET',
        url: '/health',
        headers: { authorization },
        remoteAddress: '203.0.113.6',
      });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await health(`Bearer made-up-${i}`)).statusCode);
    expect(statuses.slice(3)).toEqual([429, 429]);
  });
});
