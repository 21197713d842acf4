// Crash test: kill -9 the server in the middle of a batch import, restart it on the same data,
// resend everything, and the loyalty totals are exact — nothing lost, nothing earned twice.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/connect.ts';
import { migrateToLatest } from '../../db/migrate.ts';
import { createTenant } from '../platform/index.ts';

const serverRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const dataDir = mkdtempSync(path.join(tmpdir(), 'fidelis-loyalty-crash-'));
let child: ChildProcess | null = null;

afterAll(() => {
  child?.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

async function startServer(port: number): Promise<ChildProcess> {
  const started = spawn(process.execPath, ['bin/fidelis.js', 'serve'], {
    cwd: serverRoot,
    // Always the embedded database in its own directory: the crash is what is under test.
    env: {
      ...process.env,
      DATABASE_URL: '',
      FIDELIS_DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      // The totals under test are exact only without a sweep expiring or releasing points.
      LOYALTY_JOBS_EVERY_MINUTES: '0',
    },
    stdio: 'ignore',
  });
  // The previous process's lock goes stale after 15 s: keep trying until the server answers.
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (started.exitCode !== null) {
      // Exited (the data directory was still locked): start again.
      return startServer(port);
    }
    try {
      const res = await fetch(`http://127.0.0.1:${port}/ready`);
      if (res.ok) return started;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  started.kill('SIGKILL');
  throw new Error('the server did not start');
}

describe('crash during a batch import', () => {
  it(
    'kill -9, restart, resend everything: loyalty totals are exact',
    { timeout: 240_000 },
    async () => {
      const database = await openDatabase({ dataDir });
      await migrateToLatest(database.db);
      const tenant = await createTenant(database.db, { name: 'Crash test' });
      await database.close();
      const auth = { authorization: `Bearer ${tenant.apiKey}`, 'content-type': 'application/json' };

      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      child = await startServer(port);
      const program = await fetch(`${base}/v1/loyalty/programs`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({
          name: 'Crash points',
          currency: 'CNY',
          earnRules: [{ kind: 'spend', points: 1, per: 100 }],
          pendingDays: 0,
        }),
      });
      expect(program.status).toBe(201);
      const programId = ((await program.json()) as { id: string }).id;

      const batches = Array.from({ length: 12 }, (_, b) =>
        Array.from({ length: 250 }, (_, i) => {
          const n = b * 250 + i;
          return {
            id: `crash-${n}`,
            type: 'purchase',
            customerExternalId: `crash-customer-${n % 97}`,
            occurredAt: new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString(),
            currency: 'CNY',
            amount: 100 + ((n * 7919) % 50_000),
          };
        }),
      );
      const expectedPoints = batches
        .flat()
        .reduce((acc, event) => acc + Math.floor(event.amount / 100), 0);
      const send = (events: unknown[]) =>
        fetch(`${base}/v1/events:batch`, {
          method: 'POST',
          headers: auth,
          body: JSON.stringify({ events }),
        });

      // Send batches until half are through, then kill -9 with the next one in flight.
      for (const batch of batches.slice(0, 6)) expect((await send(batch)).status).toBe(200);
      const inFlight = send(batches[6] ?? []).catch(() => null);
      await new Promise((resolve) => setTimeout(resolve, 30));
      child.kill('SIGKILL');
      await inFlight;
      // The child may already have exited while the in-flight request failed: only wait if not.
      const killed = child;
      if (killed.exitCode === null && killed.signalCode === null) {
        await new Promise((resolve) => killed.once('exit', resolve));
      }

      child = await startServer(port);
      for (const batch of batches) {
        const res = await send(batch);
        expect(res.status).toBe(200);
        const { results } = (await res.json()) as { results: { status: string }[] };
        expect(results.every((r) => r.status === 'created' || r.status === 'duplicate')).toBe(true);
      }
      const liability = (await (
        await fetch(`${base}/v1/loyalty/programs/${programId}/liability`, { headers: auth })
      ).json()) as { outstandingPoints: number; issuedPoints: number; members: number };
      expect(liability.issuedPoints).toBe(expectedPoints);
      expect(liability.outstandingPoints).toBe(expectedPoints);
      expect(liability.members).toBe(97);
      const check = (await (
        await fetch(`${base}/v1/loyalty/programs/${programId}/ledger-check`, {
          method: 'POST',
          headers: { authorization: auth.authorization },
        })
      ).json()) as { mismatches: unknown[]; accountsSum: number };
      expect(check).toMatchObject({
        mismatches: [],
        accountsSum: 0,
        orphans: { lots: 0, entries: 0, redemptions: 0 },
      });
      child.kill('SIGKILL');
    },
  );
});
