import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestApp, type TestApp } from '../../test/test-app.ts';

// The web UI's files as the server sends them: compressed by the build, cached by hash.
describe('web files', () => {
  let dist: string;
  let t: TestApp;
  const script = 'console.log("fidelis");'.repeat(100);

  beforeAll(async () => {
    dist = await mkdtemp(path.join(os.tmpdir(), 'fidelis-web-files-'));
    await mkdir(path.join(dist, 'assets'));
    await writeFile(path.join(dist, 'index.html'), '<!doctype html><title>Fidelis</title>');
    await writeFile(path.join(dist, 'assets/app-1a2b3c.js'), script);
    await writeFile(path.join(dist, 'assets/app-1a2b3c.js.br'), brotliCompressSync(script));
    await writeFile(path.join(dist, 'assets/app-1a2b3c.js.gz'), gzipSync(script));
    t = await openTestApp({ webDist: dist });
  });
  afterAll(async () => {
    await t.close();
    await rm(dist, { recursive: true, force: true });
  });

  it('sends an asset compressed as the browser accepts, cached for a year', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/assets/app-1a2b3c.js',
      headers: { 'accept-encoding': 'gzip, deflate, br' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(brotliDecompressSync(res.rawPayload).toString()).toBe(script);

    const plain = await t.app.inject({ method: 'GET', url: '/assets/app-1a2b3c.js' });
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(script);
  });

  it('has the browser check index.html on every load, at / and at every page of the app', async () => {
    for (const url of ['/', '/index.html', '/customers/123']) {
      const res = await t.app.inject({ method: 'GET', url, headers: { accept: 'text/html' } });
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).toContain('<title>Fidelis</title>');
      expect(res.headers['cache-control'], url).toBe('no-cache');
    }
  });

  it('serves files a rebuild wrote after the server started', async () => {
    await writeFile(path.join(dist, 'assets/app-4d5e6f.js'), 'rebuilt');
    const res = await t.app.inject({ method: 'GET', url: '/assets/app-4d5e6f.js' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('rebuilt');
  });

  it('answers a missing file or API route with a problem, not the page', async () => {
    const asset = await t.app.inject({ method: 'GET', url: '/assets/gone-000000.js' });
    expect(asset.statusCode).toBe(404);
    expect(asset.headers['content-type']).toContain('application/problem+json');
    const api = await t.app.inject({
      method: 'GET',
      url: '/v1/nothing-here',
      headers: { accept: 'text/html' },
    });
    expect(api.statusCode).toBe(404);
    expect(api.json()).toMatchObject({ code: 'ROUTE_NOT_FOUND' });
  });

  it('refuses paths that leave the web folder', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/assets/..%2f..%2fetc%2fpasswd' });
    expect([403, 404]).toContain(res.statusCode);
    expect(res.body).not.toContain('root:');
  });
});
