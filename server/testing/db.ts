import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import { openDb, type Db } from '../db/index.ts';
import { migrate } from '../db/migrate.ts';
import type { DriverName } from '../db/types.ts';

const testUrl = process.env.TEST_DATABASE_URL;
if (!testUrl && process.env.CI === 'true') throw new Error('TEST_DATABASE_URL must be set under CI=true');

/** PGlite always; real Postgres when TEST_DATABASE_URL is set (always under CI). */
export const TEST_DRIVERS: DriverName[] = testUrl ? ['pglite', 'postgres'] : ['pglite'];
if (!testUrl) console.warn('skipping Postgres variants: TEST_DATABASE_URL is not set');

/** A fresh, empty database: in-memory PGlite, or a new throw-away database on the test server. */
export async function openTestDb(driver: DriverName, { migrated = true } = {}): Promise<Db> {
  let db: Db;
  if (driver === 'pglite') {
    db = await openDb('pglite://memory');
  } else {
    const name = `sightline_t_${Date.now()}_${randomBytes(4).toString('hex')}`;
    await adminQuery(`CREATE DATABASE ${name}`);
    const url = new URL(testUrl!);
    url.pathname = `/${name}`;
    const inner = await openDb(url.toString());
    db = { ...inner, close: async () => {
      await inner.close();
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } };
  }
  if (migrated) await migrate(db);
  return db;
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: testUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * Runs a block of tests once per driver, each against its own fresh migrated database.
 * `use()` returns the database inside tests.
 */
export function describeEachDriver(name: string, body: (use: () => Db, driver: DriverName) => void): void {
  for (const driver of TEST_DRIVERS) {
    describe(`${name} [${driver}]`, () => {
      let db: Db | undefined;
      beforeAll(async () => {
        db = await openTestDb(driver);
      });
      afterAll(async () => {
        await db?.close();
      });
      body(() => {
        if (!db) throw new Error('test database not open yet');
        return db;
      }, driver);
    });
  }
}
