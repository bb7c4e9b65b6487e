import { beforeAll, expect, it } from 'vitest';
import { mulberry32 } from '../../tools/lib/random.ts';
import { describeEachDriver } from '../testing/db.ts';
import type { Db, Queryable } from './types.ts';
import { refreshCustomerSummary } from './summary.ts';

/**
 * The incremental summary (kept per-customer sums + new orders, or a recompute where triggers dropped the sums;
 * summaryRefresh.ts) against the full build (summary.ts FULL_SQL: every order grouped by day, every line), and the
 * stored category sums against a plain aggregate of the lines, after rounds of imports that also change old orders
 * behind the sums' back: back-dated orders, returns, guest orders, an order turned into a return, a line added to an
 * old order, a line's category edited in place, a merge moving orders to another customer, a deleted order, an order
 * with a low id.
 */
const CATEGORIES = ['Home', 'Toys', 'Books', null];
const CHANNELS = ['web', 'app', 'store', null];

/** `negative`: the order's first line has amount −40 (a credit line), so a category's sum can shrink. */
interface Spec { customer: number | null; kind?: 'order' | 'return'; id?: number; negative?: boolean }

let nextId = 1000;
async function addOrders(q: Queryable, rand: () => number, specs: Spec[]) {
  const orders: unknown[][] = [];
  const lines: unknown[][] = [];
  for (const s of specs) {
    const id = s.id ?? nextId++;
    const kind = s.kind ?? 'order';
    const count = 1 + Math.floor(rand() * 3);
    let revenue = 0;
    for (let l = 1; l <= count; l++) {
      // Steps of 5: equal category sums, ties broken by name.
      const amount = s.negative && l === 1 ? -40 : 5 * (1 + Math.floor(rand() * 4));
      if (kind === 'order') revenue += amount;
      lines.push([id, l, CATEGORIES[Math.floor(rand() * CATEGORIES.length)], amount]);
    }
    const day = 1 + Math.floor(rand() * 28);
    const at = `2024-0${1 + Math.floor(rand() * 9)}-${String(day).padStart(2, '0')} ${Math.floor(rand() * 24)}:00Z`;
    orders.push([id, s.customer, kind, at, CHANNELS[Math.floor(rand() * CHANNELS.length)], revenue, count]);
  }
  const col = (rows: unknown[][], i: number) => rows.map((r) => r[i]);
  await q.query(
    `INSERT INTO orders (id, source, external_id, customer_id, kind, ordered_at, channel, revenue, line_count)
     SELECT id, 't', 'e' || id, c, k, at::timestamptz, ch, v, n
       FROM unnest($1::int8[], $2::int8[], $3::text[], $4::text[], $5::text[], $6::numeric[], $7::int[]) u(id, c, k, at, ch, v, n)`,
    [0, 1, 2, 3, 4, 5, 6].map((i) => col(orders, i)),
  );
  await q.query(
    `INSERT INTO order_lines (order_id, line_no, category, quantity, unit_price, amount)
     SELECT o, n, c, 1, a, a FROM unnest($1::int8[], $2::int[], $3::text[], $4::numeric[]) u(o, n, c, a)`,
    [0, 1, 2, 3].map((i) => col(lines, i)),
  );
}

const SUMMARY = `SELECT customer_id, first_order_at::text AS first, last_order_at::text AS last, orders, order_days,
                        revenue::text, first_day_revenue::text, round(avg_gap_days::numeric, 9)::text AS gap, returns,
                        main_channel, main_category
                   FROM customer_summary ORDER BY customer_id`;

/** The summary as a full build computes it now (in a transaction that is rolled back). */
async function fullBuild(db: Db) {
  let rows: unknown[] = [];
  await db.transaction(async (tx) => {
    await refreshCustomerSummary(tx, 'all');
    rows = (await tx.query(SUMMARY)).rows;
    throw new Error('rollback');
  }).catch((e: Error) => { if (e.message !== 'rollback') throw e; });
  return rows;
}

const STORED_SUMS = `SELECT s.customer_id, e.key AS category, e.value::numeric::text AS amount
                       FROM customer_order_sums s CROSS JOIN LATERAL jsonb_each_text(s.sums) e ORDER BY 1, 2`;
const LINE_SUMS = `SELECT o.customer_id, l.category, sum(l.amount)::text AS amount
                     FROM orders o JOIN order_lines l ON l.order_id = o.id
                    WHERE o.kind = 'order' AND o.customer_id IS NOT NULL AND l.category IS NOT NULL
                    GROUP BY 1, 2 ORDER BY 1, 2`;

describeEachDriver('customer_order_sums', (use) => {
  const rand = mulberry32(5);
  const pick = (n: number) => 1 + Math.floor(rand() * n);
  beforeAll(async () => {
    nextId = 1000;
    await use().query(`INSERT INTO customers (id, name) SELECT g, 'c' || g FROM generate_series(1, 40) g`);
    await addOrders(use(), rand, Array.from({ length: 150 }, () => ({ customer: pick(30) })));
    await addOrders(use(), rand, Array.from({ length: 10 }, () => ({ customer: pick(30), kind: 'return' as const })));
    await addOrders(use(), rand, [{ customer: null }, { customer: null }]);
    await refreshCustomerSummary(use(), 'all');
  });

  it('full build: sums equal the line aggregate', async () => {
    const sums = (await use().query(STORED_SUMS)).rows;
    expect(sums.length).toBeGreaterThan(50);
    expect(sums).toEqual((await use().query(LINE_SUMS)).rows);
  });

  it('incremental rounds equal the full build, old orders changed behind the sums included', async () => {
    const changes: ((q: Queryable) => Promise<number[]>)[] = [
      async (q) => { // an old order becomes a return
        const { rows: [o] } = await q.query<{ id: number; c: number }>(
          `SELECT id, customer_id AS c FROM orders WHERE kind = 'order' AND customer_id IS NOT NULL AND id < 1100 ORDER BY id LIMIT 1`);
        await q.query(`UPDATE orders SET kind = 'return', revenue = 0 WHERE id = $1`, [o!.id]);
        return [o!.c];
      },
      async (q) => { // a line added to an old order (totals updated as the import does)
        const { rows: [o] } = await q.query<{ id: number; c: number }>(
          `SELECT id, customer_id AS c FROM orders WHERE kind = 'order' AND customer_id IS NOT NULL AND id < 1100 ORDER BY id DESC LIMIT 1`);
        await q.query(`INSERT INTO order_lines (order_id, line_no, category, quantity, unit_price, amount) VALUES ($1, 9, 'Books', 1, 500, 500)`, [o!.id]);
        await q.query(`UPDATE orders SET revenue = revenue + 500, line_count = line_count + 1 WHERE id = $1`, [o!.id]);
        // and a line's category renamed in place (order count, lines and revenue unchanged)
        const { rows: [l] } = await q.query<{ id: number; c: number }>(
          `SELECT o.id, o.customer_id AS c FROM orders o JOIN order_lines l ON l.order_id = o.id
            WHERE o.kind = 'order' AND o.customer_id IS NOT NULL AND l.category = 'Toys' AND o.id < 1100 ORDER BY o.id LIMIT 1`);
        await q.query(`UPDATE order_lines SET category = 'Games' WHERE order_id = $1 AND category = 'Toys'`, [l!.id]);
        return [o!.c, l!.c];
      },
      async (q) => { // customer 7 merged into 8: orders move, the merged customer goes (cascade)
        await q.query(`UPDATE orders SET customer_id = 8 WHERE customer_id = 7`);
        await q.query(`DELETE FROM customers WHERE id = 7`);
        return [8];
      },
      async (q) => { // an old order deleted, and an order with an id below every kept mark
        const { rows: [o] } = await q.query<{ id: number; c: number }>(
          `SELECT id, customer_id AS c FROM orders WHERE kind = 'order' AND customer_id = 9 ORDER BY id LIMIT 1`);
        await q.query(`DELETE FROM orders WHERE id = $1`, [o!.id]);
        await addOrders(q, rand, [{ customer: 10, id: 5 }]);
        return [o!.c, 10];
      },
    ];
    for (let round = 0; round < changes.length; round++) {
      // New orders (dated anywhere in the data: back-dated too), returns, guests, first orders of customers 31–40.
      const specs: Spec[] = [
        ...Array.from({ length: 12 }, () => ({ customer: pick(40) })),
        ...Array.from({ length: 3 }, () => ({ customer: pick(40), kind: 'return' as const })),
        ...Array.from({ length: 3 }, () => ({ customer: pick(40), negative: true })),
        { customer: null },
      ].filter((s) => s.customer !== 7);
      await addOrders(use(), rand, specs);
      const touched = [...specs.flatMap((s) => (s.customer ? [s.customer] : [])), ...(await changes[round]!(use()))];
      const { rows: [kept] } = await use().query<{ n: number }>(
        `SELECT count(*)::int AS n FROM customer_order_sums WHERE customer_id = ANY($1::int8[])`, [touched]);
      expect(kept!.n, 'touched customers with kept sums: the delta path runs').toBeGreaterThan(3);
      await use().transaction((tx) => refreshCustomerSummary(tx, touched));
      expect((await use().query(SUMMARY)).rows, `round ${round}`).toEqual(await fullBuild(use()));
      expect((await use().query(STORED_SUMS)).rows, `round ${round}`).toEqual((await use().query(LINE_SUMS)).rows);
    }
  });

  it('a credit line that shrinks the main category below another moves it (delta path)', async () => {
    const order = async (lines: [string, number][]) => {
      const id = nextId++;
      const revenue = lines.reduce((t, [, a]) => t + a, 0);
      await use().query(`INSERT INTO orders (id, source, external_id, customer_id, ordered_at, channel, revenue, line_count)
                         VALUES ($1::int8, 't', 'e' || $1::int8, 41, '2024-05-01Z', 'web', $2, $3)`, [id, revenue, lines.length]);
      for (const [i, [category, amount]] of lines.entries()) {
        await use().query(`INSERT INTO order_lines (order_id, line_no, category, quantity, unit_price, amount) VALUES ($1, $2, $3, 1, $4, $4)`,
          [id, i + 1, category, amount]);
      }
    };
    await use().query(`INSERT INTO customers (id, name) VALUES (41, 'c41')`);
    await order([['Home', 30], ['Toys', 20]]);
    await use().transaction((tx) => refreshCustomerSummary(tx, [41]));
    const top = async () => (await use().query<{ main_category: string }>(`SELECT main_category FROM customer_summary WHERE customer_id = 41`)).rows[0];
    expect(await top()).toEqual({ main_category: 'Home' }); // 30 > 20
    const { rows: kept } = await use().query(`SELECT 1 FROM customer_order_sums WHERE customer_id = 41`);
    expect(kept).toHaveLength(1); // the next refresh adds to these sums
    await order([['Home', -40], ['Books', 5]]); // Home 30 − 40 = −10 < Toys 20 > Books 5
    await use().transaction((tx) => refreshCustomerSummary(tx, [41]));
    expect(await top()).toEqual({ main_category: 'Toys' });
    expect((await use().query(SUMMARY)).rows).toEqual(await fullBuild(use()));
  });

  it('drops the sums of a customer left without orders', async () => {
    const { rows: [c] } = await use().query<{ id: number }>(
      `SELECT min(customer_id) AS id FROM customer_order_sums WHERE sums <> '{}'`);
    await use().query(`DELETE FROM orders WHERE customer_id = $1`, [c!.id]);
    await refreshCustomerSummary(use(), [c!.id]);
    const { rows } = await use().query(`SELECT 1 FROM customer_order_sums WHERE customer_id = $1`, [c!.id]);
    expect(rows).toEqual([]);
    expect((await use().query(SUMMARY)).rows).toEqual(await fullBuild(use()));
  });
});
