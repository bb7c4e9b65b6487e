import type { Queryable } from '../../db/index.ts';
import type { Config } from '../../config.ts';
import { resolveCustomers, type CustomerAttributes, type IdentityKey } from '../identity.ts';
import { blankToNull, normalizeEmail, normalizeId, normalizePhone } from '../normalize.ts';

/** Reads one field of the current row (after mapping, preset derivations and defaults). */
export type FieldGetter = (field: string) => unknown;

export interface ImportContext {
  source: string;
  runId: number;
  startedAt: Date;
}

/** What the writer (this thread) knows beside the context the parse worker gets: the parsed configuration. */
export interface WriteContext extends ImportContext {
  config: Config;
}

export interface BatchCounts {
  inserted: number;
  updated: number;
  unchanged: number;
  /** Entity-specific counts (orders created, customers merged, …) summed over batches. */
  details: Record<string, number>;
}

/**
 * One entity's import: `createState`, `parse`, `collect` and `groupKey` run in the parse worker, `write` in the
 * thread that owns the database. A batch crosses between the two as its collector made it: it should be cheap to
 * copy, and a collector that keeps less than every row object also keeps the worker's garbage collector cheap.
 */
export interface EntityImporter<Row, State = unknown, Batch = Row[]> {
  createState(): State;
  /** Typed row from a source row; throws FieldError with the reason when the row can't be imported. */
  parse(get: FieldGetter, state: State, ctx: ImportContext): Row;
  /** Collects a batch's rows, as they are parsed, into the form it is posted to the writer in. */
  collect(ctx: ImportContext): BatchCollector<Row, Batch>;
  write(tx: Queryable, batch: Batch, ctx: WriteContext): Promise<BatchCounts>;
  /** Rows with the same key are kept in one batch (an order's lines), so a batch sees whole groups. */
  groupKey?(row: Row): string;
}

export interface BatchCollector<Row, Batch> {
  add(row: Row): void;
  finish(): Batch;
}

/** The collector of entities whose batches are just their rows. */
export function collectRows<Row>(): BatchCollector<Row, Row[]> {
  const rows: Row[] = [];
  return { add: (row) => void rows.push(row), finish: () => rows };
}

export interface CustomerRef {
  keys: IdentityKey[];
  attrs: CustomerAttributes;
}

/** The customer a non-customer row points at (external id in this source, email, phone), or null for a guest. */
export function customerRefOf(get: FieldGetter, source: string, attrs: CustomerAttributes = {}): CustomerRef | null {
  const keys: IdentityKey[] = [];
  const externalId = normalizeId(get('customer_id'));
  const email = normalizeEmail(get('customer_email'));
  const phone = normalizePhone(get('customer_phone'), blankToNull(attrs.country));
  if (externalId) keys.push({ kind: 'external_id', source, value: externalId });
  if (email) keys.push({ kind: 'email', source: '', value: email });
  if (phone) keys.push({ kind: 'phone', source: '', value: phone });
  if (keys.length === 0) return null;
  return { keys, attrs: { ...attrs, email, phone } };
}

/** Resolve the distinct customers referenced by a batch; returns the customer id per ref (null for guests). */
export async function resolveRefs(
  tx: Queryable,
  refs: readonly (CustomerRef | null)[],
  runId: number,
): Promise<{ ids: (number | null)[]; created: number; merged: number; updated: number }> {
  // Many rows share one ref object (an order's lines); compute each object's key once.
  const keyOfRef = new Map<CustomerRef, string>();
  const distinct = new Map<string, CustomerRef>();
  for (const ref of refs) {
    if (!ref || keyOfRef.has(ref)) continue;
    const key = ref.keys.map((k) => `${k.kind}:${k.source}:${k.value}`).join('|');
    keyOfRef.set(ref, key);
    distinct.set(key, ref);
  }
  const records = [...distinct.values()];
  const result = await resolveCustomers(tx, records, runId);
  const idByKey = new Map(records.map((r, i) => [keyOfRef.get(r)!, result.customerIds[i]!]));
  return {
    ids: refs.map((ref) => (ref ? idByKey.get(keyOfRef.get(ref)!)! : null)),
    created: result.created,
    merged: result.merged,
    updated: result.updated,
  };
}

/** Counts of an upsert: `ins` is true for inserted rows (xmax = 0), false for updated ones. */
export async function countUpserts(tx: Queryable, upsertSql: string, params: unknown[]) {
  const { rows } = await tx.query<{ inserted: number; updated: number }>(
    `WITH up AS (${upsertSql} RETURNING (xmax = 0) AS ins)
     SELECT count(*) FILTER (WHERE ins) AS inserted, count(*) FILTER (WHERE NOT ins) AS updated FROM up`,
    params,
  );
  return { inserted: Number(rows[0]!.inserted), updated: Number(rows[0]!.updated) };
}

/** Occurrence numbering for rows without an id: the n-th identical row in a file gets key#n, stable across runs. */
export function occurrenceKey(counter: Map<string, number>, base: string): string {
  const n = (counter.get(base) ?? 0) + 1;
  counter.set(base, n);
  return `${base}#${n}`;
}
