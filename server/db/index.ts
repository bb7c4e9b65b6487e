import { AppError } from '../errors.ts';
import { openPglite } from './pglite.ts';
import { openPostgres } from './postgres.ts';
import type { Db } from './types.ts';

export type { Db, Queryable, QueryResult, Row, TransactionOptions } from './types.ts';

/** Open the database a `DATABASE_URL` names: `pglite://<dir>` (embedded) or `postgres://…` (server). */
export async function openDb(url: string): Promise<Db> {
  if (url.startsWith('pglite://')) return openPglite(url.slice('pglite://'.length));
  if (/^postgres(ql)?:\/\//.test(url)) return openPostgres(url);
  throw new AppError('invalid_config', `DATABASE_URL must be pglite://<dir> or postgres://…, got "${url}"`);
}
