import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { describeEachDriver } from '../testing/db.ts';
import { fixtureFile } from '../testing/files.ts';
import { runImport } from '../import/run.ts';
import type { Db } from './index.ts';
import { refreshRollups, rollupsFresh } from './rollups.ts';

/**
 * The rollup tables must equal plain GROUP BY aggregates over the raw rows, written here independently of
 * rollups.ts (no grouping sets, one query per level), after a first import and after an incremental import that
 * adds orders to days already rolled up, a new day, a return, a guest order and new events.
 */
const HEADER = 'order_id,customer_id,kind,ordered_at,channel,currency,country,product_code,category,quantity,unit_price';
const FIRST = [
  HEADER,
  'A1,C1,order,2024-03-01 10:00:00Z,web,USD,Spain,P1,Home,2,5.50',
  'A1,C1,order,2024-03-01 10:00:00Z,web,USD,Spain,P2,Toys,1,3',
  'A1,C1,order,2024-03-01 10:00:00Z,web,USD,Spain,P3,Toys,1,0', // free line: a line, no revenue
  'A2,C2,order,2024-03-01 23:30:00Z,app,EUR,,P1,Home,1,5.50', // no order country: the customer has none either
  'A3,,order,2024-03-02 08:00:00Z,store,USD,France,P4,,1,9', // guest order, line without category
  'A4,C1,order,2024-04-02 12:00:00Z,web,USD,Spain,P2,Toys,3,3',
].join('\n');
const SECOND = [
  HEADER,
  'B1,C2,order,2024-03-01 15:00:00Z,web,EUR,Germany,P2,Toys,1,3', // existing day, existing customer
  'B2,C3,order,2024-03-01 16:00:00Z,app,USD,Spain,P1,Home,4,5.50', // existing day, new customer
  'B3,C1,return,2024-03-02 09:00:00Z,web,USD,Spain,P1,Home,1,5.50',
  'B4,,order,2024-04-02 13:00:00Z,store,USD,,P4,,2,9', // guest without any country
  'B5,C3,order,2024-05-10 10:00:00Z,web,USD,Spain,P2,Toys,1,3', // a new day and month
].join('\n');
const events = (rows: [string, string, string][]) =>
  rows.map(([id, type, at]) => JSON.stringify({ event_id: id, customer_id: 'C1', type, occurred_at: at })).join('\n');

const DAY = `(o.ordered_at AT TIME ZONE 'UTC')::date`;
const COUNTRY = 'coalesce(o.country, c.country)';
const LEVELS: Record<number, string[]> = { 0: [], 1: [COUNTRY], 2: ['o.channel'], 3: [COUNTRY, 'o.channel'] };

async function rows(db: Db, sql: string, params: unknown[] = []): Promise<string[]> {
  return (await db.query<Record<string, unknown>>(sql, params)).rows.map((r) => JSON.stringify(Object.values(r))).sort();
}

async function expectRollupsMatchRawData(db: Db): Promise<void> {
  expect(await rollupsFresh(db)).toBe(true);
  for (const [dims, cols] of Object.entries(LEVELS)) {
    const keys = ['o.kind', ...cols].map((c, i) => `${c} AS k${i}`).join(', ');
    const raw = await rows(
      db,
      `SELECT ${DAY} AS day, ${keys}, count(*)::int AS orders, count(*) FILTER (WHERE o.customer_id IS NULL)::int AS guests,
              sum(o.revenue)::float8 AS revenue
         FROM orders o LEFT JOIN customers c ON c.id = o.customer_id GROUP BY ${[DAY, 'o.kind', ...cols].join(', ')}`,
    );
    const kept = [...(Number(dims) & 1 ? ['country'] : []), ...(Number(dims) & 2 ? ['channel'] : [])].map((c) => `${c}, `).join('');
    const rolled = await rows(
      db, `SELECT day, kind, ${kept}orders, guest_orders, revenue::float8 FROM sales_daily WHERE dims = $1`, [Number(dims)],
    );
    expect(rolled, `sales_daily dims ${dims}`).toEqual(raw);
    expect(raw.length).toBeGreaterThan(0);
    // Category level: orders with a line in the category, lines, revenue of positive lines.
    const rawCat = await rows(
      db,
      `SELECT day, ${cols.map((_, i) => `k${i}, `).join('')}kind, category, count(DISTINCT id)::int AS orders, sum(n)::int AS lines, sum(rev)::float8 AS revenue
         FROM (SELECT ${DAY} AS day, o.id, o.kind, ${cols.map((c, i) => `${c} AS k${i}, `).join('')}l.category, 1 AS n,
                      CASE WHEN l.quantity > 0 AND l.unit_price > 0 THEN l.amount ELSE 0 END AS rev
                 FROM orders o LEFT JOIN customers c ON c.id = o.customer_id JOIN order_lines l ON l.order_id = o.id) x
        GROUP BY day, ${cols.map((_, i) => `k${i}, `).join('')}kind, category`,
    );
    const rolledCat = await rows(
      db,
      `SELECT day, ${kept}kind, category, orders, lines, revenue::float8 FROM sales_daily_category WHERE dims = $1`,
      [Number(dims)],
    );
    expect(rolledCat, `sales_daily_category dims ${dims}`).toEqual(rawCat);
  }
  // Product level (no dimensions): orders with a line of the product (its name, else code), lines, revenue of positive lines.
  const rawProduct = await rows(
    db,
    `SELECT day, kind, product, count(DISTINCT id)::int AS orders, sum(n)::int AS lines, sum(rev)::float8 AS revenue
       FROM (SELECT ${DAY} AS day, o.id, o.kind, coalesce(l.product_name, l.product_code) AS product, 1 AS n,
                    CASE WHEN l.quantity > 0 AND l.unit_price > 0 THEN l.amount ELSE 0 END AS rev
               FROM orders o JOIN order_lines l ON l.order_id = o.id) x
      GROUP BY day, kind, product`,
  );
  expect(await rows(db, `SELECT day, kind, product, orders, lines, revenue::float8 FROM sales_daily_product`), 'sales_daily_product').toEqual(rawProduct);
  expect(rawProduct.length).toBeGreaterThan(0);
  expect(await rows(db, `SELECT day, currency, sum(orders)::int FROM sales_daily WHERE dims = 4 GROUP BY 1, 2`)).toEqual(
    await rows(db, `SELECT ${DAY}, o.currency, count(*)::int FROM orders o GROUP BY 1, 2`),
  );
  // Months with each customer's previous month by a correlated subquery.
  expect(await rows(db, `SELECT customer_id, month, orders, revenue::float8, extract(epoch FROM last_order_at), prev_month FROM customer_months`)).toEqual(
    await rows(
      db,
      `WITH m AS (
         SELECT o.customer_id, to_char(o.ordered_at AT TIME ZONE 'UTC', 'YYYY-MM-01')::date AS month, count(*)::int AS n,
                sum(o.revenue)::float8 AS r, extract(epoch FROM max(o.ordered_at)) AS last
           FROM orders o WHERE o.kind = 'order' AND o.customer_id IS NOT NULL GROUP BY 1, 2)
       SELECT a.customer_id, a.month, a.n, a.r, a.last,
              (SELECT max(b.month) FROM m b WHERE b.customer_id = a.customer_id AND b.month < a.month)
         FROM m a`,
    ),
  );
  // Customer months by country and channel, each level by its own GROUP BY.
  for (const [dims, cols] of Object.entries(LEVELS).filter(([d]) => d === '1' || d === '2')) {
    const keep = [COUNTRY, 'o.channel'].map((c) => (cols.includes(c) ? c : 'NULL'));
    // (append-only: an import adds rows beside existing ones, so the rows are summed per key and month; exactly one
    // of them, the first, links to the key's previous month, the others to their own month)
    expect(await rows(
      db,
      `SELECT customer_id, country, channel, month, sum(orders)::int, count(*) FILTER (WHERE prev_month IS NULL OR prev_month < month)::int AS firsts,
              max(prev_month) FILTER (WHERE prev_month < month) AS prev, bool_and(prev_month IS NULL OR prev_month <= month) AS ordered
         FROM customer_dim_months WHERE dims = $1 GROUP BY 1, 2, 3, 4`,
      [Number(dims)],
    ), `customer_dim_months dims ${dims}`).toEqual(
      await rows(
        db,
        `WITH k AS (
           SELECT o.customer_id, ${keep[0]} AS country, ${keep[1]} AS channel, to_char(o.ordered_at AT TIME ZONE 'UTC', 'YYYY-MM-01')::date AS month, count(*)::int AS n
             FROM orders o LEFT JOIN customers c ON c.id = o.customer_id
            WHERE o.kind = 'order' AND o.customer_id IS NOT NULL GROUP BY 1, 2, 3, 4)
         SELECT a.customer_id, a.country, a.channel, a.month, a.n, 1 AS firsts,
                (SELECT max(b.month) FROM k b WHERE b.customer_id = a.customer_id AND b.country IS NOT DISTINCT FROM a.country
                    AND b.channel IS NOT DISTINCT FROM a.channel AND b.month < a.month) AS prev, true AS ordered
           FROM k a`,
      ),
    );
  }
  expect(await rows(db, `SELECT DISTINCT dims FROM customer_dim_months`)).toEqual(['[1]', '[2]']);
  // Cohort cells: each customer's orders counted under the cohort month and main channel of their summary row and
  // their customers.country, month by calendar month (distinct customers, Σ revenue).
  const cells = await rows(db, `SELECT cohort, month, country, channel, customers, revenue::float8 FROM cohort_cells`);
  expect(cells).toEqual(
    await rows(
      db,
      `SELECT to_char(s.first_order_at AT TIME ZONE 'UTC', 'YYYY-MM-01')::date AS cohort,
              to_char(o.ordered_at AT TIME ZONE 'UTC', 'YYYY-MM-01')::date AS month,
              c.country, s.main_channel, count(DISTINCT o.customer_id)::int, sum(o.revenue)::float8
         FROM orders o JOIN customer_summary s ON s.customer_id = o.customer_id JOIN customers c ON c.id = o.customer_id
        WHERE o.kind = 'order' GROUP BY 1, 2, 3, 4`, // column aliases: rows() keys by name
    ),
  );
  expect(cells.length).toBeGreaterThan(0);
  // Weeks: Monday = day − (ISO weekday − 1); each customer's previous/next week by correlated subqueries.
  expect(await rows(db, `SELECT customer_id, week, orders, revenue::float8, prev_week, next_week FROM customer_weeks`)).toEqual(
    await rows(
      db,
      `WITH w AS (
         SELECT customer_id, d - (extract(isodow FROM d)::int - 1) AS week, count(*)::int AS n, sum(revenue)::float8 AS r
           FROM (SELECT customer_id, (ordered_at AT TIME ZONE 'UTC')::date AS d, revenue FROM orders
                  WHERE kind = 'order' AND customer_id IS NOT NULL) o GROUP BY 1, 2)
       SELECT a.customer_id, a.week, a.n, a.r,
              (SELECT max(b.week) FROM w b WHERE b.customer_id = a.customer_id AND b.week < a.week),
              (SELECT min(b.week) FROM w b WHERE b.customer_id = a.customer_id AND b.week > a.week)
         FROM w a`,
    ),
  );
  expect(await rows(db, `SELECT day, type, events FROM events_daily`)).toEqual(
    await rows(db, `SELECT (occurred_at AT TIME ZONE 'UTC')::date, type, count(*)::int FROM events GROUP BY 1, 2`),
  );
}

/** Each test runs real imports (parser worker, afterImport with tags and ANALYZE): slow on a busy machine. */
const IMPORTS_TIMEOUT = 240_000;

describeEachDriver('rollups', (use) => {
  it('equal raw aggregates after a first import', async () => {
    await runImport(use(), { entity: 'orders', file: fixtureFile('r1.csv', FIRST), source: 'shop' });
    await runImport(use(), {
      entity: 'events', source: 'shop',
      file: fixtureFile('e1.jsonl', events([['e1', 'visit', '2024-03-01T10:00:00Z'], ['e2', 'view', '2024-03-01T10:01:00Z']])),
    });
    await expectRollupsMatchRawData(use());
    // Hand-checked: 2024-03-01 has A1 (5.50×2 + 3 = 14) and A2 (5.50): 2 orders, 19.5.
    const { rows: [day] } = await use().query<{ orders: number; revenue: number }>(
      `SELECT orders, revenue FROM sales_daily WHERE dims = 0 AND day = '2024-03-01' AND kind = 'order'`,
    );
    expect(day).toEqual({ orders: 2, revenue: 19.5 });
  }, IMPORTS_TIMEOUT);

  it('stay equal after an incremental import that adds orders to existing days, recomputing only those days', async () => {
    const before = (await use().query<{ at: string }>(`SELECT refreshed_at::text AS at FROM rollup_state`)).rows[0]!.at;
    const untouched = await rows(use(), `SELECT * FROM sales_daily WHERE day = '2024-03-02' AND kind = 'order'`);
    await runImport(use(), { entity: 'orders', file: fixtureFile('r2.csv', SECOND), source: 'shop' });
    await runImport(use(), {
      entity: 'events', source: 'shop',
      file: fixtureFile('e2.jsonl', events([['e3', 'visit', '2024-03-01T11:00:00Z'], ['e4', 'purchase', '2024-03-03T10:00:00Z']])),
    });
    expect((await use().query<{ at: string }>(`SELECT refreshed_at::text AS at FROM rollup_state`)).rows[0]!.at).not.toBe(before);
    await expectRollupsMatchRawData(use());
    expect(await rows(use(), `SELECT * FROM sales_daily WHERE day = '2024-03-02' AND kind = 'order'`)).toEqual(untouched);
    // 2024-03-01 now: A1 14 + A2 5.5 + B1 3 + B2 22 = 44.5 over 4 orders.
    const { rows: [day] } = await use().query<{ orders: number; revenue: number }>(
      `SELECT orders, revenue FROM sales_daily WHERE dims = 0 AND day = '2024-03-01' AND kind = 'order'`,
    );
    expect(day).toEqual({ orders: 4, revenue: 44.5 });
  }, IMPORTS_TIMEOUT);

  it('a full rebuild gives the same rows, and rows newer than the last refresh make the rollups stale', async () => {
    const snapshot = async () => [
      await rows(use(), `SELECT * FROM sales_daily`), await rows(use(), `SELECT * FROM sales_daily_category`), await rows(use(), `SELECT * FROM sales_daily_product`),
      await rows(use(), `SELECT * FROM customer_months`), await rows(use(), `SELECT * FROM customer_weeks`),
      await rows(use(), `SELECT * FROM events_daily`), await rows(use(), `SELECT * FROM cohort_cells`),
      await rows(use(), `SELECT * FROM customer_cohorts`),
    ];
    const incremental = await snapshot();
    await refreshRollups(use(), 'all');
    expect(await snapshot()).toEqual(incremental);
    const products = await rows(use(), `SELECT * FROM sales_daily_product`);
    await use().exec(`INSERT INTO orders (source, external_id, ordered_at, revenue) VALUES ('t', 'late', '2024-06-01Z', 1);
      INSERT INTO order_lines (order_id, line_no, product_code, quantity, unit_price, amount) SELECT id, 1, 'P9', 1, 1, 1 FROM orders WHERE external_id = 'late'`);
    expect(await rollupsFresh(use())).toBe(false);
    // migration 0020's backfill (a database that had orders before the product rows existed) writes the full build's
    // rows for the orders up to the rollups' mark; the late order is left to the refresh below, which adds it once
    const backfill = readFileSync(new URL('./migrations/0020_sales_daily_product.sql', import.meta.url), 'utf8').split(/^INSERT INTO/m)[1]!;
    await use().exec(`DELETE FROM sales_daily_product; INSERT INTO${backfill}`);
    expect(await rows(use(), `SELECT * FROM sales_daily_product`)).toEqual(products);
    expect((await refreshRollups(use(), 'incremental')).days).toBe(1); // 2024-06-01, the late order's day
    await expectRollupsMatchRawData(use());
  });

  it('follow a customer whose country changes without new orders (sales and cohort cells of all their days)', async () => {
    // A customer with orders on several days, none of them new in this refresh: their orders without a country of
    // their own must move to the new country everywhere, on days no import touched too.
    const { rows: [c] } = await use().query<{ id: number }>(
      `SELECT o.customer_id AS id FROM orders o WHERE o.customer_id IS NOT NULL AND o.country IS NULL
        GROUP BY 1 ORDER BY count(DISTINCT (o.ordered_at AT TIME ZONE 'UTC')::date) DESC, 1 LIMIT 1`,
    );
    await refreshRollups(use(), 'incremental');
    await use().query(`UPDATE customers SET country = 'Atlantis' WHERE id = $1`, [c!.id]);
    await use().query(`UPDATE customers SET name = name WHERE id = $1`, [c!.id]); // no country change: nothing recorded
    expect((await use().query(`SELECT customer_id FROM customer_country_changes`)).rows).toHaveLength(1);
    await refreshRollups(use(), 'incremental');
    await expectRollupsMatchRawData(use());
    const { rows: [atlantis] } = await use().query<{ n: number }>(`SELECT count(*)::int AS n FROM sales_daily WHERE country = 'Atlantis'`);
    expect(atlantis!.n).toBeGreaterThan(0);
    expect((await use().query(`SELECT customer_id FROM customer_country_changes`)).rows).toHaveLength(0);
  });

  it('link new weeks among kept ones: before, between (two in one gap), after, and on a kept week', async () => {
    // A customer with orders in the weeks of 2024-06-03 and 2024-07-01 only; then, in one import: 2024-05-20 (before
    // both), 2024-06-12 and 2024-06-19 (two new weeks in the gap), 2024-07-03 (a kept week) and 2024-07-15 (after).
    const { rows: [customer] } = await use().query<{ id: number }>(`INSERT INTO customers (name) VALUES ('Weekly') RETURNING id`);
    const id = customer!.id;
    const order = (ext: string, at: string) =>
      use().query(`INSERT INTO orders (source, external_id, customer_id, ordered_at, revenue) VALUES ('t', $1, $2, $3, 1)`, [ext, id, at]);
    await order('w1', '2024-06-04Z');
    await order('w2', '2024-07-02Z');
    await refreshRollups(use(), 'incremental');
    for (const [ext, at] of [['w3', '2024-05-21Z'], ['w4', '2024-06-12Z'], ['w5', '2024-06-19Z'], ['w6', '2024-07-03Z'], ['w7', '2024-07-15Z']]) {
      await order(ext!, at!);
    }
    await refreshRollups(use(), 'incremental');
    // Hand-linked: 05-20 → 06-03 → 06-10 → 06-17 → 07-01 → 07-15.
    const { rows: weeks } = await use().query<{ week: string; prev: string | null; next: string | null; orders: number }>(
      `SELECT week::text, prev_week::text AS prev, next_week::text AS next, orders FROM customer_weeks WHERE customer_id = $1 ORDER BY week`, [id]);
    expect(weeks).toEqual([
      { week: '2024-05-20', prev: null, next: '2024-06-03', orders: 1 },
      { week: '2024-06-03', prev: '2024-05-20', next: '2024-06-10', orders: 1 },
      { week: '2024-06-10', prev: '2024-06-03', next: '2024-06-17', orders: 1 },
      { week: '2024-06-17', prev: '2024-06-10', next: '2024-07-01', orders: 1 },
      { week: '2024-07-01', prev: '2024-06-17', next: '2024-07-15', orders: 2 },
      { week: '2024-07-15', prev: '2024-07-01', next: null, orders: 1 },
    ]);
    await expectRollupsMatchRawData(use());
  });

  it('stay equal after a customer merge moves orders (survivor recomputed whole, its weeks relinked)', async () => {
    const { rows: [ids] } = await use().query<{ c1: number; c3: number }>(
      `SELECT (SELECT customer_id FROM orders WHERE external_id = 'A1') AS c1, (SELECT customer_id FROM orders WHERE external_id = 'B2') AS c3`);
    await use().query(`UPDATE orders SET customer_id = $1 WHERE customer_id = $2`, [ids!.c1, ids!.c3]);
    await use().query(`INSERT INTO customer_merges (merged_id, survivor_id, reason) VALUES ($1, $2, 'test')`, [ids!.c3, ids!.c1]);
    // A new order of the survivor in a new week, in the same refresh.
    await use().query(`INSERT INTO orders (source, external_id, customer_id, ordered_at, revenue) VALUES ('t', 'm1', $1, '2024-03-20Z', 4)`, [ids!.c1]);
    await refreshRollups(use(), 'incremental');
    await expectRollupsMatchRawData(use());
  });

  it('stay equal after a corrected re-import that only adds a line to a stored order or changes a stored header', async () => {
    const CORRECTED = [
      HEADER,
      'A2,C2,order,2024-03-01 23:30:00Z,app,EUR,,P1,Home,1,5.50', // unchanged line 1
      'A2,C2,order,2024-03-01 23:30:00Z,app,EUR,,P2,Toys,2,3', // a line 2 that was not there
      'A4,C1,order,2024-04-03 12:00:00Z,app,USD,Spain,P2,Toys,3,3', // same line, the header moved a day and to the app
    ].join('\n');
    const s = await runImport(use(), { entity: 'orders', file: fixtureFile('r3.csv', CORRECTED), source: 'shop' });
    expect(s).toMatchObject({ inserted: 1, updated: 0, unchanged: 2 });
    await expectRollupsMatchRawData(use());
    const day = async (d: string) => (await use().query<{ orders: number; revenue: number }>(
      `SELECT orders, revenue FROM sales_daily WHERE dims = 0 AND day = $1 AND kind = 'order'`, [d])).rows[0];
    // 2024-03-01: 44.5 before, + A2's new line 2 × 3 = 50.5, still 4 orders; A4 (9) left 2024-04-02 (B4 18 remains).
    expect(await day('2024-03-01')).toEqual({ orders: 4, revenue: 50.5 });
    expect(await day('2024-04-02')).toEqual({ orders: 1, revenue: 18 });
    expect(await day('2024-04-03')).toEqual({ orders: 1, revenue: 9 });
    // C2's summary: A2 5.5 + 6 and B1 3.
    const { rows: [c2] } = await use().query<{ revenue: number; orders: number }>(
      `SELECT s.revenue::float8 AS revenue, s.orders FROM customer_summary s JOIN orders o ON o.customer_id = s.customer_id WHERE o.external_id = 'A2'`);
    expect(c2).toEqual({ revenue: 14.5, orders: 2 });
  }, IMPORTS_TIMEOUT);
});
