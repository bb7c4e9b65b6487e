import { addCohortCustomers, applyMonthDelta, buildCohortCells, subtractCohortCustomers } from './cohortCells.ts';
import { buildCustomerDimMonths, refreshCustomerDimMonths } from './customerDimMonths.ts';
import { refreshCustomerPeriods, UTC_MONTH, UTC_WEEK } from './customerPeriods.ts';
import type { Queryable } from './types.ts';

/**
 * Rollup tables (migrations 0005, 0010, 0013, 0018, 0020): sales by day × kind × country × channel (× category), by day × kind × product, orders per
 * customer-month (with the month's last order; and by country and channel) and customer-week, events per day × type, and cohort retention cells
 * (server/db/cohortCells.ts: they read customer_summary, so the summary must be refreshed first, as afterImport does). One function builds them: in full (bench load, imports that
 * updated rows) or incrementally after an import, recomputing only what new rows touched:
 *  - sales of the orders with id above the high-water mark (ids come from a sequence, so new rows are above it),
 *  - (customer, month) and (customer, week) pairs of those orders: their counts and revenue added; likewise the
 *    customer's months by country and channel (customerDimMonths.ts),
 *  - everything of the survivors of customer merges since the last refresh (their orders changed customer, which can
 *    change the country of orders without one), and nothing of the merged-away customers,
 *  - of customers whose country changed (customer_country_changes, migration 0017), the days of their orders without
 *    a country of their own, their cohort-cell contributions and their months by country,
 *  - events above their high-water mark, added to the day × type counts (events are never updated: imports skip
 *    duplicates).
 * New orders are added to the sales rows (sums and counts are additive) and the days above are rebuilt from all
 * their orders, so the rollups stay exact sums of the raw rows. Updated orders
 * (a corrected re-import) are not visible to the high-water mark: imports that update rows refresh with 'all'.
 */

export type RollupScope = 'all' | 'incremental';

export interface RollupRefresh {
  /** UTC days whose sales rows were rebuilt or added to. */
  days: number;
  customerMonths: number;
  events: number;
}

const UTC_DAY = (col: string) => `(${col} AT TIME ZONE 'UTC')::date`;
/** An order line's product as sales_daily_product keys it (and kpi_trend groups the lines): its name, else its code. */
export const PRODUCT_OF_LINE = 'coalesce(l.product_name, l.product_code)';
/** Orders of the days in $1 (date[]): one index range scan on orders.ordered_at per day. */
const DAYS_JOIN = `JOIN unnest($1::date[]) d(day)
  ON o.ordered_at >= d.day::timestamp AT TIME ZONE 'UTC' AND o.ordered_at < (d.day + 1)::timestamp AT TIME ZONE 'UTC'`;

/** `dims` of a grouping-sets row: bit set = column kept (migration 0005). */
const DIMS = (cols: Record<string, number>) =>
  Object.entries(cols).map(([col, bit]) => `(1 - GROUPING(${col})) * ${bit}`).join(' + ');

/**
 * Sales rows of every order ('all': hash joins over whole tables), of the orders on the days in $1 ('days'), or of
 * the new orders, ids in ($1, $2], on days not in $3 ('new', returning the days of the sales_daily rows written),
 * ADDED to the rows already there (upsert on the
 * NULLS NOT DISTINCT keys of migration 0017: counts and sums are additive, so only the new orders are read; rebuilding
 * their whole days read every order of those days again — 17k orders for the bench's 10k new ones over a week).
 * For days and new orders, each order's customer and lines are fetched by primary key in LATERAL subqueries
 * (OFFSET 0 keeps them from being flattened into joins): as joins, the planner merge-joined the whole 2.4M-line
 * primary key and hashed all customers for a week of orders (EXPLAIN ANALYZE: 11 s of an incremental refresh on the
 * bench shop).
 */
function salesSql(scope: 'all' | 'days' | 'new'): { daily: string; category: string; product: string } {
  const full = scope === 'all';
  const from = {
    all: 'orders o LEFT JOIN customers c ON c.id = o.customer_id',
    days: `orders o ${DAYS_JOIN}`,
    new: `orders o`,
  }[scope];
  const where = scope === 'new' ? `WHERE o.id > $1::int8 AND o.id <= $2::int8 AND ${UTC_DAY('o.ordered_at')} <> ALL($3::date[])` : '';
  const country = full ? 'coalesce(o.country, c.country)' : 'coalesce(o.country, (SELECT c.country FROM customers c WHERE c.id = o.customer_id))';
  const LINE_REVENUE = 'coalesce(sum(l.amount) FILTER (WHERE l.quantity > 0 AND l.unit_price > 0), 0)';
  // One row per order and line key (its category, its product): lines and revenue of that order's lines with the key,
  // and the order's place (country, channel) when the table keeps it.
  const perLine = (key: string, name: string, place: boolean) => {
    const placeCols = place ? `${country} AS country, o.channel, ` : '';
    return full
      ? `SELECT ${UTC_DAY('o.ordered_at')} AS day, o.kind, ${placeCols}${key} AS ${name}, count(*) AS lines, ${LINE_REVENUE} AS revenue
           FROM ${place ? from : 'orders o'} JOIN order_lines l ON l.order_id = o.id
          GROUP BY o.id, ${key}${place ? ', c.country' : ''}`
      : `SELECT ${UTC_DAY('o.ordered_at')} AS day, o.kind, ${placeCols}l.${name}, l.lines, l.revenue
           FROM ${from}
           CROSS JOIN LATERAL (SELECT ${key} AS ${name}, count(*) AS lines, ${LINE_REVENUE} AS revenue
                                 FROM order_lines l WHERE l.order_id = o.id GROUP BY 1 OFFSET 0) l ${where}`;
  };
  const add = (key: string, sums: string[]) =>
    scope === 'new' ? `ON CONFLICT (${key}) DO UPDATE SET ${sums.map((c) => `${c} = t.${c} + excluded.${c}`).join(', ')}` : '';
  return {
    daily: `INSERT INTO sales_daily AS t (dims, day, kind, country, channel, currency, orders, guest_orders, revenue)
     SELECT ${DIMS({ country: 1, channel: 2, currency: 4 })}, day, kind, country, channel, currency,
            count(*), count(*) FILTER (WHERE guest), sum(revenue)
       FROM (SELECT ${UTC_DAY('o.ordered_at')} AS day, o.kind, ${country} AS country, o.channel, o.currency,
                    o.customer_id IS NULL AS guest, o.revenue
               FROM ${from} ${where}) u
      GROUP BY day, kind, GROUPING SETS ((), (country), (channel), (country, channel), (currency))
     ${add('dims, day, kind, country, channel, currency', ['orders', 'guest_orders', 'revenue'])}
     ${scope === 'new' ? 'RETURNING day::text' : ''}`,
    // Per (order, category) first, so `orders` counts each order once per category it has lines in; products alike.
    category: `INSERT INTO sales_daily_category AS t (dims, day, kind, country, channel, category, orders, lines, revenue)
     SELECT ${DIMS({ country: 1, channel: 2 })}, day, kind, country, channel, category, count(*), sum(lines), sum(revenue)
       FROM (${perLine('l.category', 'category', true)}) u
      GROUP BY day, kind, category, GROUPING SETS ((), (country), (channel), (country, channel))
     ${add('dims, day, kind, country, channel, category', ['orders', 'lines', 'revenue'])}`,
    product: `INSERT INTO sales_daily_product AS t (day, kind, product, orders, lines, revenue)
     SELECT day, kind, product, count(*), sum(lines), sum(revenue) FROM (${perLine(PRODUCT_OF_LINE, 'product', false)}) u GROUP BY day, kind, product
     ${add('day, kind, product', ['orders', 'lines', 'revenue'])}`,
  };
}

async function fullBuild(q: Queryable, ordersThrough: number, eventsThrough: number): Promise<RollupRefresh> {
  await q.exec(
    'DELETE FROM sales_daily; DELETE FROM sales_daily_category; DELETE FROM sales_daily_product; DELETE FROM customer_months; DELETE FROM customer_dim_months; DELETE FROM customer_weeks; ' +
      'DELETE FROM events_daily; DELETE FROM customer_country_changes',
  );
  for (const sql of Object.values(salesSql('all'))) await q.query(sql);
  const months = await q.query(
    `INSERT INTO customer_months (customer_id, month, orders, revenue, last_order_at, prev_month)
     SELECT customer_id, month, orders, revenue, last_order_at, lag(month) OVER w
       FROM (SELECT customer_id, ${UTC_MONTH('ordered_at')} AS month, count(*) AS orders, sum(revenue) AS revenue, max(ordered_at) AS last_order_at
               FROM orders WHERE kind = 'order' AND customer_id IS NOT NULL GROUP BY 1, 2) t
     WINDOW w AS (PARTITION BY customer_id ORDER BY month)`,
  );
  await buildCohortCells(q);
  await buildCustomerDimMonths(q);
  // Week order on disk: kpi_trend reads a range of weeks (customer_weeks_week_idx) and finds it on neighbouring pages.
  await q.query(
    `INSERT INTO customer_weeks (customer_id, week, orders, revenue, prev_week, next_week)
     SELECT customer_id, week, orders, revenue, lag(week) OVER w, lead(week) OVER w
       FROM (SELECT customer_id, ${UTC_WEEK('ordered_at')} AS week, count(*) AS orders, sum(revenue) AS revenue
               FROM orders WHERE kind = 'order' AND customer_id IS NOT NULL GROUP BY 1, 2) t
     WINDOW w AS (PARTITION BY customer_id ORDER BY week)
      ORDER BY week, customer_id`,
  );
  const events = await q.query(
    `INSERT INTO events_daily (day, type, events) SELECT ${UTC_DAY('occurred_at')}, type, count(*) FROM events GROUP BY 1, 2`,
  );
  const { rows } = await q.query<{ n: number }>(`SELECT count(DISTINCT day)::int AS n FROM sales_daily`);
  await saveState(q, ordersThrough, eventsThrough);
  return { days: rows[0]?.n ?? 0, customerMonths: months.rowCount, events: events.rowCount };
}

async function saveState(q: Queryable, ordersThrough: number, eventsThrough: number): Promise<void> {
  await q.query(
    `INSERT INTO rollup_state (id, orders_through, events_through, refreshed_at, summary_writes)
     VALUES (1, $1, $2, now(), (SELECT count(*) FROM customer_summary_writes))
     ON CONFLICT (id) DO UPDATE SET orders_through = excluded.orders_through, events_through = excluded.events_through,
                                    refreshed_at = excluded.refreshed_at, summary_writes = excluded.summary_writes`,
    [ordersThrough, eventsThrough],
  );
}

interface State { orders_through: number; events_through: number; refreshed_at: string }

/** Build ('all') or bring up to date ('incremental') every rollup table; run inside the import's transaction. */
export async function refreshRollups(q: Queryable, scope: RollupScope): Promise<RollupRefresh> {
  const { rows: [marks] } = await q.query<{ orders: number; events: number }>(
    `SELECT coalesce((SELECT max(id) FROM orders), 0) AS orders, coalesce((SELECT max(id) FROM events), 0) AS events`,
  );
  const { rows: [state] } = await q.query<State>(`SELECT orders_through, events_through, refreshed_at FROM rollup_state`);
  // Grouping sets sort their input once per sort order: keep those sorts in memory (4 MB default spilled to disk).
  // JIT off: per-day index scans are estimated at ~100k rows each, so the incremental inserts cost in the millions
  // and Postgres compiled them with full optimization (EXPLAIN ANALYZE: 2.7–3.4 s of JIT per statement, more than
  // the work). SET LOCAL lasts until the end of the caller's transaction (afterImport's refresh).
  await q.exec(`SET LOCAL work_mem = '64MB'; SET LOCAL jit = off`);
  if (scope === 'all' || !state) return fullBuild(q, marks!.orders, marks!.events);

  // Merges since the last refresh (a day's margin: recomputing a survivor twice is harmless, missing one is not).
  const { rows: merges } = await q.query<{ merged_id: number; survivor_id: number }>(
    `SELECT merged_id, survivor_id FROM customer_merges WHERE merged_at >= $1::timestamptz - interval '1 day'`,
    [state.refreshed_at],
  );
  const survivors = [...new Set(merges.map((m) => m.survivor_id))];
  const merged = merges.map((m) => m.merged_id);
  // Customers whose country changed (migration 0017): their orders without a country of their own move.
  const { rows: changedRows } = await q.query<{ customer_id: number }>(`DELETE FROM customer_country_changes RETURNING customer_id`);
  // (Merged-away customers among them own no orders any more, and the cohort step below skips them.)
  const recountry = changedRows.map((r) => Number(r.customer_id));
  // Days of merge survivors' orders, and of country-changed customers' orders without a country, are rebuilt from all
  // their orders; new orders on other days are added to the rows there.
  const { rows: dayRows } = await q.query<{ day: string }>(
    `SELECT DISTINCT ${UTC_DAY('o.ordered_at')} AS day FROM orders o WHERE o.customer_id = ANY($1::int8[])
     UNION SELECT DISTINCT ${UTC_DAY('o.ordered_at')} FROM orders o WHERE o.customer_id = ANY($2::int8[]) AND o.country IS NULL`,
    [survivors, recountry],
  );
  const days = dayRows.map((r) => r.day);
  if (days.length) {
    await q.query(`DELETE FROM sales_daily WHERE day = ANY($1::date[])`, [days]);
    await q.query(`DELETE FROM sales_daily_category WHERE day = ANY($1::date[])`, [days]);
    // (products: a merge or a country change moves no product's sales, so their rows stay)
    const rebuild = salesSql('days');
    for (const sql of [rebuild.daily, rebuild.category]) await q.query(sql, [days]);
  }
  // Every new order has a sales_daily row on its day, so the rows written say which days the new orders touched.
  const added = salesSql('new');
  const newDays = await q.query<{ day: string }>(added.daily, [state.orders_through, marks!.orders, days]);
  await q.query(added.category, [state.orders_through, marks!.orders, days]);
  // products of the new orders on every day, the rebuilt ones too (their product rows were not rebuilt)
  await q.query(added.product, [state.orders_through, marks!.orders, []]);
  const touchedDays = new Set([...days, ...newDays.rows.map((r) => r.day)]).size;
  // Cohort cells: merged customers' old contributions leave before customer_months changes and come back after it;
  // everyone else's follow from the customer_months delta (server/db/cohortCells.ts).
  const mergedIds = [...new Set([...survivors, ...merged])];
  await subtractCohortCustomers(q, mergedIds);
  const months = await refreshCustomerPeriods(q, 'month', state.orders_through, marks!.orders, survivors, merged);
  await applyMonthDelta(q, months.delta);
  await addCohortCustomers(q, mergedIds);
  // A changed country without new orders: move the customer's cohort contributions (with new orders, the month
  // delta above already moved them).
  const withNewOrders = new Set(months.delta.map((d) => Number(d.customer_id)));
  const moved = recountry.filter((id) => !withNewOrders.has(id) && !mergedIds.includes(id));
  await subtractCohortCustomers(q, moved);
  await addCohortCustomers(q, moved);
  await refreshCustomerPeriods(q, 'week', state.orders_through, marks!.orders, survivors, merged);
  await refreshCustomerDimMonths(q, state.orders_through, marks!.orders, [...new Set([...survivors, ...recountry])], merged);
  const events = await q.query(
    `INSERT INTO events_daily (day, type, events)
     SELECT ${UTC_DAY('occurred_at')}, type, count(*) FROM events WHERE id > $1::int8 AND id <= $2::int8 GROUP BY 1, 2
     ON CONFLICT (day, type) DO UPDATE SET events = events_daily.events + excluded.events`,
    [state.events_through, marks!.events],
  );
  await saveState(q, marks!.orders, marks!.events);
  return { days: touchedDays, customerMonths: months.written, events: events.rowCount };
}

/**
 * True when the rollups include every order and event (their high-water marks equal the largest ids: two primary-key
 * lookups). Tools read the raw tables otherwise, e.g. in a test that inserted rows without refreshing.
 */
export async function rollupsFresh(q: Queryable): Promise<boolean> {
  const { rows } = await q.query<{ fresh: boolean | null }>(
    `SELECT s.orders_through = coalesce((SELECT max(id) FROM orders), 0)
            AND s.events_through = coalesce((SELECT max(id) FROM events), 0) AS fresh
       FROM rollup_state s`,
  );
  return rows[0]?.fresh === true;
}
