import { readFileSync } from 'node:fs';
import type { Db } from '../server/db/index.ts';
import type { Queryable } from '../server/db/types.ts';
import { copyText } from '../server/db/copy.ts';
import { refreshRollups } from '../server/db/rollups.ts';
import { refreshCustomerSummary } from '../server/db/summary.ts';
import { fixedClock } from '../tools/lib/clock.ts';
import { recomputeTags } from '../tools/lib/tags.ts';
import type { GeneratedShop } from './generate.ts';
import { geometric, int, lognormal, rng } from './random.ts';
import { BENCH_END, BENCH_TODAY, CATEGORIES, CHANNELS, DAY_MS, ms, round2, SOURCE, TABLE_ORDER, TABLES, type Table } from './shop.ts';

export interface LoadTimings {
  /** COPY time per table, ms. */
  copy: Record<Table, number>;
  summary: number;
  /** Full build of the rollup tables (server/db/rollups.ts), ms. */
  rollups: number;
  /** The rule tags (as every import ends with them: server/import/afterImport.ts), ms. */
  tags: number;
  analyze: number;
  total: number;
}

const SEQUENCES: Partial<Record<Table, string>> = { customers: 'customers_id_seq', orders: 'orders_id_seq', events: 'events_id_seq' };

/** COPY every chunk file into a freshly migrated database, then build customer_summary, the rollups and the rule tags, and ANALYZE. */
export async function loadShop(db: Db, shop: GeneratedShop, log: (line: string) => void = () => {}): Promise<LoadTimings> {
  const t0 = performance.now();
  const copy = {} as Record<Table, number>;
  for (const table of TABLE_ORDER) {
    const started = performance.now();
    for (const file of shop.files[table]) await db.copyFrom(table, TABLES[table], readFileSync(file, 'utf8'));
    // Ids were written explicitly: move the sequences past them so later inserts do not collide.
    const seq = SEQUENCES[table];
    if (seq) await db.query(`SELECT setval('${seq}', (SELECT coalesce(max(id), 0) + 1 FROM ${table}), false)`);
    copy[table] = performance.now() - started;
    log(`  ${table}: ${shop.counts[table]} rows in ${(copy[table] / 1000).toFixed(1)} s`);
  }
  let started = performance.now();
  await refreshCustomerSummary(db, 'all');
  const summary = performance.now() - started;
  log(`  customer_summary: ${(summary / 1000).toFixed(1)} s`);
  started = performance.now();
  await refreshRollups(db, 'all');
  const rollups = performance.now() - started;
  log(`  rollups: ${(rollups / 1000).toFixed(1)} s`);
  started = performance.now();
  await recomputeTags(db, fixedClock(BENCH_TODAY));
  const tags = performance.now() - started;
  log(`  tags: ${(tags / 1000).toFixed(1)} s`);
  started = performance.now();
  await db.exec('ANALYZE');
  const analyze = performance.now() - started;
  return { copy, summary, rollups, tags, analyze, total: performance.now() - t0 };
}

export interface RefreshPeer {
  orders: number;
  customers: number;
  copyMs: number;
  /** Summary + rollups, incremental: what afterImport refreshes before tags and ANALYZE. */
  refreshMs: number;
  /** The rollups' share of refreshMs. */
  rollupMs: number;
}

/** `n` new orders (COPY rows of orders and order_lines) for random existing customers, dated in the last week of the data. */
export async function newOrderRows(db: Queryable, n: number, seed = 7) {
  const r = rng(seed);
  const { rows } = await db.query<{ max_order: number; max_customer: number }>(
    `SELECT (SELECT max(id) FROM orders) AS max_order, (SELECT max(customer_id) FROM customer_summary) AS max_customer`,
  );
  const firstId = Number(rows[0]?.max_order ?? 0) + 1;
  const maxCustomer = Number(rows[0]?.max_customer ?? 0);
  if (maxCustomer === 0) throw new Error('importNewOrders needs customers with orders');
  const orders: unknown[][] = [];
  const lines: unknown[][] = [];
  const touched = new Set<number>();
  const weekStart = ms(BENCH_END) - 6 * DAY_MS;
  for (let k = 0; k < n; k++) {
    const id = firstId + k;
    const customer = int(r, 1, maxCustomer);
    touched.add(customer);
    const count = 1 + geometric(r, 0.4);
    let revenue = 0;
    for (let l = 1; l <= count; l++) {
      const [cat, , mu] = CATEGORIES[int(r, 0, CATEGORIES.length - 1)]!;
      const price = round2(lognormal(r, mu, 0.5));
      revenue += price;
      lines.push([id, l, `${cat}-new`, `${cat} item`, cat, 1, price, price]);
    }
    const at = new Date(weekStart + r() * 7 * DAY_MS);
    orders.push([id, SOURCE, `new${id}`, customer, 'order', at, CHANNELS[int(r, 0, CHANNELS.length - 1)]![0], 'USD', null, round2(revenue), count]);
  }
  return { firstId, orders, lines, ids: [...touched] };
}

/** What afterImport refreshes before tags and ANALYZE, timed: the summary (+ RFM scores), then the rollups. */
export async function timedRefresh(tx: Queryable, ids: readonly number[]): Promise<{ summaryMs: number; rollupMs: number }> {
  const started = performance.now();
  await refreshCustomerSummary(tx, ids);
  const summaryDone = performance.now();
  await refreshRollups(tx, 'incremental');
  return { summaryMs: summaryDone - started, rollupMs: performance.now() - summaryDone };
}

/** COPY the rows of newOrderRows into orders and order_lines. */
export async function copyNewOrders(q: Queryable, rows: { orders: unknown[][]; lines: unknown[][] }): Promise<void> {
  await q.copyFrom('orders', TABLES.orders, copyText(rows.orders));
  await q.copyFrom('order_lines', TABLES.order_lines, copyText(rows.lines));
}

/**
 * The incremental path imports take: COPY `n` new orders (with lines) for existing customers, dated in the last week
 * of the data, then refresh the summary for exactly the customers touched and the rollups incrementally, as
 * afterImport does in one transaction. Timed separately.
 */
export async function importNewOrders(db: Db, n: number, seed = 7): Promise<RefreshPeer> {
  const rows = await newOrderRows(db, n, seed);
  const started = performance.now();
  await copyNewOrders(db, rows);
  await db.query(`SELECT setval('orders_id_seq', $1::bigint, false)`, [rows.firstId + n]);
  const copyMs = performance.now() - started;
  const t1 = performance.now();
  const { rollupMs } = await db.transaction((tx) => timedRefresh(tx, rows.ids));
  return { orders: n, customers: rows.ids.length, copyMs, refreshMs: performance.now() - t1, rollupMs };
}
