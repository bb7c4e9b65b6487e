import type { Db, Queryable } from '../../server/db/index.ts';

/** Tools only read: every query runs in a read-only transaction that a runaway statement cannot hold for long. */
export const TOOL_STATEMENT_TIMEOUT_MS = 15_000;
/** Upper bound on rows any tool returns in a list. */
export const MAX_ROWS = 1_000;

export function readOnly<T>(db: Db, fn: (q: Queryable) => Promise<T>): Promise<T> {
  return db.transaction(fn, { readOnly: true, statementTimeoutMs: TOOL_STATEMENT_TIMEOUT_MS });
}
