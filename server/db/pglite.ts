import { mkdirSync } from 'node:fs';
import { PGlite, types } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { assertIdentifier } from './copy.ts';
import { Mutex } from './mutex.ts';
import type { Db, Queryable, QueryResult, TransactionOptions } from './types.ts';

// Same JS types as the pg driver (see postgres.ts): int8/numeric as numbers, dates as 'YYYY-MM-DD' strings.
const parsers = {
  [types.INT8]: (v: string) => Number(v),
  [types.NUMERIC]: (v: string) => Number(v),
  [types.DATE]: (v: string) => v,
};

function wrap(pg: Pick<PGlite, 'query' | 'exec'>): Queryable {
  return {
    driver: 'pglite',
    async query<T>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<T>> {
      const res = await pg.query<T>(sql, params as unknown[]);
      return { rows: res.rows, rowCount: res.affectedRows ?? res.rows.length };
    },
    async exec(sql: string) {
      await pg.exec(sql);
    },
    async copyFrom(table, columns, text) {
      const cols = columns.map(assertIdentifier).join(', ');
      await pg.query(`COPY ${assertIdentifier(table)} (${cols}) FROM '/dev/blob'`, [], { blob: new Blob([text]) });
    },
  };
}

/** Embedded Postgres (WASM) with pgvector; `dir` = 'memory' keeps it in memory. */
export async function openPglite(dir: string): Promise<Db> {
  const dataDir = dir === 'memory' ? 'memory://' : dir;
  if (dir !== 'memory') mkdirSync(dir, { recursive: true });
  const pg = await PGlite.create({ dataDir, extensions: { vector }, parsers });
  await pg.exec(`SET TIME ZONE 'UTC'`);
  const mutex = new Mutex();
  const conn = wrap(pg);

  return {
    driver: 'pglite',
    query: (sql, params) => mutex.run(() => conn.query(sql, params)),
    exec: (sql) => mutex.run(() => conn.exec(sql)),
    copyFrom: (table, columns, text) => mutex.run(() => conn.copyFrom(table, columns, text)),
    transaction: <T>(fn: (tx: Queryable) => Promise<T>, options: TransactionOptions = {}) =>
      mutex.run(async () => {
        await pg.exec(options.readOnly ? 'BEGIN READ ONLY' : 'BEGIN');
        try {
          if (options.statementTimeoutMs) {
            await pg.exec(`SET LOCAL statement_timeout = ${Math.trunc(options.statementTimeoutMs)}`);
          }
          const result = await fn(conn);
          await pg.exec('COMMIT');
          return result;
        } catch (err) {
          await pg.exec('ROLLBACK');
          throw err;
        }
      }),
    close: () => mutex.run(() => pg.close()),
  };
}
