/**
 * `seedDemo`: writes the deterministic demo shop (see docs/demo-data.md) with COPY, in one transaction.
 * Refuses a database that already has customers unless `force` is given; `force` first deletes earlier demo rows
 * (source 'demo' orders, events and feedback, and customers with a 'demo' external id) and keeps everything else.
 * Also refreshes customer_summary for the demo customers. Rule tags (tools/lib/tags.ts) are left to the caller.
 * Errors are AppErrors: 'conflict' (database not empty, or demo customers still referenced) or 'invalid_argument'.
 */
import { copyText, copyValue } from '../db/copy.ts';
import { refreshCustomerSummary } from '../db/summary.ts';
import { AppError } from '../errors.ts';
import type { Db, Queryable } from '../db/types.ts';
import { generateDemo, type DemoData } from './generate.ts';
import { DEMO, END, cents } from './model.ts';

export { DEMO } from './model.ts';
export { generateDemo, type DemoData } from './generate.ts';

export interface SeedDemoOptions {
  /** Number of customers (default 5000); orders, events and feedback scale with it. */
  customers?: number;
  /** PRNG seed (default 42): the same seed gives the same data, byte for byte. */
  seed?: number;
  /** Replace earlier demo rows instead of refusing a database that already has customers. */
  force?: boolean;
}

export type SeedCounts = Record<
  'customers' | 'customer_identities' | 'orders' | 'order_lines' | 'events' | 'feedback' | 'customer_summary',
  number
>;

const SOURCE = DEMO.source;
const CHUNK = 50_000;
/** Rows are stamped with the demo's "today" rather than the wall clock, so reseeding gives identical rows. */
const STAMP = new Date(END).toISOString();
const iso = (t: number) => new Date(t).toISOString();

export async function seedDemo(db: Db, options: SeedDemoOptions = {}): Promise<SeedCounts> {
  const customers = options.customers ?? DEMO.defaults.customers;
  const seed = options.seed ?? DEMO.defaults.seed;
  if (!Number.isInteger(customers) || customers < 1 || customers > 100_000) {
    throw new AppError('invalid_argument', `seedDemo: customers must be an integer from 1 to 100000, got ${customers}`);
  }
  if (!Number.isInteger(seed)) throw new AppError('invalid_argument', `seedDemo: seed must be an integer, got ${seed}`);

  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM customers');
    if ((rows[0]?.n ?? 0) > 0) {
      if (!options.force) {
        throw new AppError(
          'conflict',
          `seedDemo: the database already has ${rows[0]!.n} customers; demo data is only seeded into an empty ` +
            'database (use force to replace earlier demo rows)',
        );
      }
      await deleteDemoRows(tx);
    }
    return writeDemo(tx, generateDemo({ customers, seed }));
  });
}

/** Removes what an earlier seedDemo wrote. Fails (and rolls back) if other data still points at demo customers. */
export async function deleteDemoRows(tx: Queryable): Promise<void> {
  await tx.query('DELETE FROM feedback WHERE source = $1', [SOURCE]);
  await tx.query('DELETE FROM events WHERE source = $1', [SOURCE]);
  // order_lines has no foreign key to orders (migration 0004), so its rows go first, explicitly.
  await tx.query('DELETE FROM order_lines l USING orders o WHERE o.id = l.order_id AND o.source = $1', [SOURCE]);
  await tx.query('DELETE FROM orders WHERE source = $1', [SOURCE]);
  try {
    await tx.query(
      `DELETE FROM customers c WHERE EXISTS (SELECT 1 FROM customer_identities i
        WHERE i.customer_id = c.id AND i.kind = 'external_id' AND i.source = $1)`,
      [SOURCE],
    );
  } catch (err) {
    const reason = (err as Error).message;
    throw new AppError('conflict', `seedDemo: cannot delete the earlier demo customers, other data refers to them: ${reason}`);
  }
}

async function reserveIds(tx: Queryable, table: 'customers' | 'orders', count: number): Promise<number[]> {
  if (count === 0) return [];
  const { rows } = await tx.query<{ id: number }>(
    `SELECT nextval(pg_get_serial_sequence('${table}', 'id')) AS id FROM generate_series(1, $1::int)`,
    [count],
  );
  return rows.map((r) => Number(r.id)).sort((a, b) => a - b);
}

async function copyChunks(tx: Queryable, table: string, columns: readonly string[], rows: readonly unknown[][]) {
  for (let i = 0; i < rows.length; i += CHUNK) await tx.copyFrom(table, columns, copyText(rows.slice(i, i + CHUNK)));
}

async function writeDemo(tx: Queryable, data: DemoData): Promise<SeedCounts> {
  const customerIds = await reserveIds(tx, 'customers', data.customers.length);
  const orderIds = await reserveIds(tx, 'orders', data.orders.length);
  const idOf = (index: number) => customerIds[index]!;

  await copyChunks(
    tx,
    'customers',
    ['id', 'name', 'email', 'phone', 'country', 'city', 'signup_channel', 'signed_up_at', 'attributes', 'created_at', 'updated_at'],
    data.customers.map((c) => [
      idOf(c.index), c.name, c.email, c.phone, c.country.name, c.city, c.signupChannel, iso(c.signedUpAt), c.attributes,
      STAMP, STAMP,
    ]),
  );

  const identities: unknown[][] = [];
  for (const c of data.customers) {
    identities.push([idOf(c.index), 'external_id', SOURCE, c.externalId, c.externalId, STAMP]);
    if (c.email) identities.push([idOf(c.index), 'email', '', c.email, c.email, STAMP]);
    if (c.phone) identities.push([idOf(c.index), 'phone', '', c.phone, c.phone, STAMP]);
  }
  await copyChunks(tx, 'customer_identities', ['customer_id', 'kind', 'source', 'value', 'raw_value', 'created_at'], identities);

  const orderRows: unknown[][] = [];
  const lineRows: unknown[][] = [];
  data.orders.forEach((o, i) => {
    const id = orderIds[i]!;
    orderRows.push([
      id, SOURCE, o.externalId, idOf(o.customer.index), o.kind, iso(o.at), o.channel, DEMO.currency,
      o.customer.country.name, cents(o.revenueCents), o.lines.length,
    ]);
    for (const l of o.lines) {
      lineRows.push([
        id, l.lineNo, l.product.code, l.product.name, l.product.category, l.quantity, cents(l.unitCents), cents(l.amountCents),
      ]);
    }
  });
  await copyChunks(
    tx,
    'orders',
    ['id', 'source', 'external_id', 'customer_id', 'kind', 'ordered_at', 'channel', 'currency', 'country', 'revenue', 'line_count'],
    orderRows,
  );
  await copyChunks(
    tx,
    'order_lines',
    ['order_id', 'line_no', 'product_code', 'product_name', 'category', 'quantity', 'unit_price', 'amount'],
    lineRows,
  );

  // Events are most of the rows: their COPY text is built directly (keys, ids and types need no escaping).
  const eventColumns = ['source', 'dedupe_key', 'customer_id', 'session_id', 'type', 'occurred_at', 'properties'];
  for (let i = 0; i < data.events.length; i += CHUNK) {
    let text = '';
    for (const e of data.events.slice(i, i + CHUNK)) {
      text += `${SOURCE}\t${e.dedupeKey}\t${idOf(e.session.customer.index)}\t${e.session.id}\t${e.type}\t${iso(e.at)}\t${copyValue(e.properties)}\n`;
    }
    await tx.copyFrom('events', eventColumns, text);
  }

  await copyChunks(
    tx,
    'feedback',
    ['source', 'external_id', 'customer_id', 'channel', 'rating', 'text', 'language', 'label', 'created_at'],
    data.feedback.map((f) => [SOURCE, f.externalId, idOf(f.customer.index), f.channel, f.rating, f.text, f.language, f.label, iso(f.at)]),
  );

  // Derived per-customer summary the tools read (as an import would refresh it).
  const summaries = await refreshCustomerSummary(tx, customerIds);

  return {
    customers: data.customers.length,
    customer_identities: identities.length,
    orders: orderRows.length,
    order_lines: lineRows.length,
    events: data.events.length,
    feedback: data.feedback.length,
    customer_summary: summaries,
  };
}
