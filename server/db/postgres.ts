import pg from 'pg';
import { from as copyFromStdin } from 'pg-copy-streams';
import { assertIdentifier } from './copy.ts';
import type { Db, Queryable, QueryResult, TransactionOptions } from './types.ts';

const { Pool, types } = pg;

// int8 and numeric come back as JS numbers (counts and money fit a double), dates as 'YYYY-MM-DD' strings.
const typeParsers: Record<number, (v: string) => unknown> = {
  [types.builtins.INT8]: Number,
  [types.builtins.NUMERIC]: Number,
  [types.builtins.DATE]: (v) => v,
};
const getTypeParser = ((oid: number, format?: 'text' | 'binary') =>
  typeParsers[oid] ?? types.getTypeParser(oid, format)) as typeof types.getTypeParser;

const CHUNK = 1 << 20;

function wrap(client: pg.PoolClient | pg.Pool): Queryable {
  return {
    driver: 'postgres',
    async query<T>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<T>> {
      const res = await client.query(sql, params as unknown[]);
      return { rows: res.rows as T[], rowCount: res.rowCount ?? res.rows.length };
    },
    async exec(sql: string) {
      await client.query(sql);
    },
    async copyFrom(table, columns, text) {
      const cols = columns.map(assertIdentifier).join(', ');
      const sql = `COPY ${assertIdentifier(table)} (${cols}) FROM STDIN`;
      const run = async (c: pg.PoolClient) => {
        const stream = c.query(copyFromStdin(sql));
        const done = new Promise<void>((resolve, reject) => {
          stream.on('finish', resolve);
          stream.on('error', reject);
        });
        for (let i = 0; i < text.length; i += CHUNK) {
          if (!stream.write(text.slice(i, i + CHUNK))) await new Promise((r) => stream.once('drain', r));
        }
        stream.end();
        await done;
      };
      if (client instanceof Pool) {
        const c = await client.connect();
        try {
          await run(c);
        } finally {
          c.release();
        }
      } else {
        await run(client as pg.PoolClient);
      }
    },
  };
}

/** PostgreSQL server through a pg pool; every session runs in UTC. */
export async function openPostgres(url: string): Promise<Db> {
  const pool = new Pool({ connectionString: url, max: 10, options: '-c timezone=UTC', types: { getTypeParser } });
  pool.on('error', () => {
    // An idle client lost its connection; the pool replaces it. Queries still report their own errors.
  });
  const conn = wrap(pool);
  return {
    driver: 'postgres',
    query: conn.query,
    exec: conn.exec,
    copyFrom: conn.copyFrom,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>, options: TransactionOptions = {}) {
      const client = await pool.connect();
      try {
        await client.query(options.readOnly ? 'BEGIN READ ONLY' : 'BEGIN');
        if (options.statementTimeoutMs) {
          await client.query(`SET LOCAL statement_timeout = ${Math.trunc(options.statementTimeoutMs)}`);
        }
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
