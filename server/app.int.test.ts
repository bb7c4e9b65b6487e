import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app.ts';
import type { Db } from './db/index.ts';
import { describeEachDriver } from './testing/db.ts';

const config = { LOG_LEVEL: 'silent' as const };

describeEachDriver('server', (use) => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildApp({ db: use(), config, logger: false });
    await use().exec(`INSERT INTO customers (id, name) VALUES (1, 'Ann');
      INSERT INTO orders (source, external_id, customer_id, ordered_at, revenue) VALUES
        ('t', 'o1', 1, '2024-01-05', 10.5), ('t', 'o2', 1, '2024-02-05', 4.5);
      INSERT INTO orders (source, external_id, customer_id, kind, ordered_at, revenue) VALUES ('t', 'r1', 1, 'return', '2024-02-06', 0);`);
  });
  afterAll(() => app.close());

  it('GET /healthz and /readyz answer 200', async () => {
    expect((await app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await app.inject('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', database: use().driver });
  });

  it('summarizes what is loaded, excluding returns from orders and revenue', async () => {
    const res = await app.inject('/api/data/summary');
    expect(res.json()).toMatchObject({ customers: 1, orders: 2, returns: 1, revenue: 15, firstOrderAt: '2024-01-05T00:00:00Z' });
  });

  it('answers unknown routes and bad query strings with a machine-readable error', async () => {
    const missing = await app.inject('/nope');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ error: { code: 'not_found', message: 'no route GET /nope' } });
    const bad = await app.inject('/api/import-runs?limit=0');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('invalid_argument');
  });

  it('serves many parallel requests while a write transaction is open', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const writer = use().transaction(async (tx) => {
      await tx.query(`INSERT INTO orders (source, external_id, customer_id, ordered_at, revenue) VALUES ('t', 'o3', 1, '2024-03-01', 100)`);
      await gate;
      await tx.query(`DELETE FROM orders WHERE external_id = 'o3'`);
    });
    const requests = Array.from({ length: 40 }, (_, i) => app.inject(i % 2 ? '/readyz' : '/api/data/summary'));
    setTimeout(release, 20);
    const responses = await Promise.all(requests);
    await writer;
    for (const res of responses) expect(res.statusCode).toBe(200);
    // No request may see the half-done transaction (the inserted-then-deleted order of 100).
    for (const res of responses.filter((r) => r.json().revenue !== undefined)) expect(res.json().revenue).toBe(15);
  });
});

describe('readiness without a database', () => {
  it('GET /readyz is 503 db_unavailable when the database does not answer', async () => {
    const broken = { driver: 'postgres', query: async () => Promise.reject(new Error('connection refused')) } as unknown as Db;
    const app = await buildApp({ db: broken, config, logger: false });
    const res = await app.inject('/readyz');
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ error: { code: 'db_unavailable', message: 'database not reachable: connection refused' } });
    await app.close();
  });
});
