import { describe, expect, it } from 'vitest';
import { TEST_DRIVERS, describeEachDriver, openTestDb } from '../testing/db.ts';
import { copyText } from './copy.ts';
import { loadMigrations, migrate } from './migrate.ts';

describeEachDriver('data layer', (use, driver) => {
  it('reports its driver and has pgvector', async () => {
    expect(use().driver).toBe(driver);
    const { rows } = await use().query<{ d: number }>(`SELECT '[1,2,3]'::vector <-> '[1,2,5]'::vector AS d`);
    expect(rows[0]!.d).toBeCloseTo(2, 10);
  });

  it('returns int8 and numeric as numbers and dates as strings on both drivers', async () => {
    const { rows } = await use().query<{ n: number; m: number; d: string }>(
      `SELECT 9007199254740991::int8 AS n, 12.5::numeric AS m, DATE '2011-12-09' AS d`,
    );
    expect(rows[0]).toEqual({ n: 9007199254740991, m: 12.5, d: '2011-12-09' });
  });

  it('binds parameters instead of interpolating them', async () => {
    const hostile = `x'); DROP TABLE customers; --`;
    await use().query('INSERT INTO customers (name) VALUES ($1)', [hostile]);
    const { rows } = await use().query<{ name: string }>('SELECT name FROM customers WHERE name = $1', [hostile]);
    expect(rows).toEqual([{ name: hostile }]);
  });

  it('loads rows with COPY, escaping tabs, newlines, backslashes and NULLs', async () => {
    const awkward = 'tab\there\nnew line \\ back';
    await use().copyFrom('tags', ['name', 'description'], copyText([[awkward, null], ['plain', 'ok']]));
    const { rows } = await use().query<{ name: string; description: string | null }>(
      `SELECT name, description FROM tags WHERE name IN ($1, 'plain') ORDER BY name`,
      [awkward],
    );
    expect(rows).toEqual([
      { name: 'plain', description: 'ok' },
      { name: awkward, description: null },
    ]);
  });

  it('rolls back a failed transaction completely', async () => {
    await expect(
      use().transaction(async (tx) => {
        await tx.query(`INSERT INTO tags (name) VALUES ('rolled-back')`);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const { rows } = await use().query(`SELECT 1 FROM tags WHERE name = 'rolled-back'`);
    expect(rows).toHaveLength(0);
  });

  it('refuses writes in a read-only transaction', async () => {
    await expect(
      use().transaction((tx) => tx.query(`INSERT INTO tags (name) VALUES ('ro')`), { readOnly: true }),
    ).rejects.toThrow(/read-only/);
  });

  it('serializes concurrent transactions so none sees another half-done', async () => {
    await use().exec('CREATE TABLE counter (n integer NOT NULL); INSERT INTO counter VALUES (0)');
    // Each transaction reads, yields to the event loop, then writes n + 1. Without isolation/serialization
    // on a single connection, increments interleave and get lost (or statements land in another's transaction).
    const bump = () =>
      use().transaction(async (tx) => {
        const { rows } = await tx.query<{ n: number }>('SELECT n FROM counter FOR UPDATE');
        await new Promise((r) => setTimeout(r, 1));
        await tx.query('UPDATE counter SET n = $1', [rows[0]!.n + 1]);
      });
    const reads = Array.from({ length: 20 }, () => use().query('SELECT n FROM counter'));
    await Promise.all([...Array.from({ length: 30 }, bump), ...reads]);
    const { rows } = await use().query<{ n: number }>('SELECT n FROM counter');
    expect(rows[0]!.n).toBe(30);
  });
});

describe('migrations', () => {
  for (const driver of TEST_DRIVERS) {
    it(`apply once, then are a no-op the second time [${driver}]`, async () => {
      const db = await openTestDb(driver, { migrated: false });
      try {
        const all = loadMigrations().map((m) => m.version);
        expect(await migrate(db)).toEqual(all);
        expect(await migrate(db)).toEqual([]);
        const { rows } = await db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY 1');
        expect(rows.map((r) => r.version)).toEqual(all);
      } finally {
        await db.close();
      }
    });

    it(`a failing migration leaves no trace [${driver}]`, async () => {
      const db = await openTestDb(driver, { migrated: false });
      try {
        const broken = [{ version: 1, name: 'broken', checksum: 'x', sql: 'CREATE TABLE t1 (a int); SELECT nope;' }];
        await expect(migrate(db, broken)).rejects.toThrow();
        const { rows } = await db.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 't1'`);
        expect(rows).toHaveLength(0);
        expect((await db.query('SELECT * FROM schema_migrations')).rows).toHaveLength(0);
      } finally {
        await db.close();
      }
    });
  }
});
