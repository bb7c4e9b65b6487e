export type Row = Record<string, unknown>;

export interface QueryResult<T> {
  rows: T[];
  /** Rows affected by INSERT/UPDATE/DELETE (or returned by SELECT). */
  rowCount: number;
}

/** Anything that runs parameterized SQL: the database itself or an open transaction. */
export interface Queryable {
  /** Which engine runs the SQL (a few bulk reads take a different shape on each: see bulkRows.ts). */
  readonly driver: DriverName;
  query<T = Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>>;
  /** Several statements without parameters (migrations, DDL). */
  exec(sql: string): Promise<void>;
  /** Bulk-load rows through COPY; `rows` are already in COPY text format (see copy.ts). */
  copyFrom(table: string, columns: readonly string[], text: string): Promise<void>;
}

export interface TransactionOptions {
  readOnly?: boolean;
  /** `statement_timeout` for every statement in the transaction. */
  statementTimeoutMs?: number;
}

export type DriverName = 'pglite' | 'postgres';

export interface Db extends Queryable {
  /** Runs `fn` in one transaction: COMMIT when it resolves, ROLLBACK when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>, options?: TransactionOptions): Promise<T>;
  close(): Promise<void>;
}
