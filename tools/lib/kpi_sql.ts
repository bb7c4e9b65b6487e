import type { Queryable } from '../../server/db/index.ts';
import { PRODUCT_OF_LINE } from '../../server/db/rollups.ts';
import { ADDITIVE, groupConditions, NO_CUSTOMERS, hasDimensionFilter, hasGroupFilter, needsSummary, nextDay, Params, TRUNC, UTC } from './kpi_common.ts';
import { monthsAnswer, monthsGroupSql, monthsOnce, monthsSql } from './kpi_months.ts';

/**
 * kpi_trend's aggregates: one row per (part, group, bucket) with the base counts every metric derives from, for the
 * window's periods, the window total and the previous window's total. From the rollups all three come from ONE
 * statement over [previous.from, window.to] (the previous window ends the day before the window starts).
 *
 * Three sources, picked by `aggregateKpi` (each exact, tested against each other in kpi_trend.int.test.ts):
 *  - rollups: additive metrics (revenue, orders, returns, aov) from sales_daily / sales_daily_category /
 *    sales_daily_product (by product without dimension filters), ~40k rows a
 *    year instead of 330k orders / 800k lines;
 *  - summary: new_customers without filters or groups, from customer_summary.first_order_at (index range), orders
 *    from sales_daily;
 *  - weeks: distinct-customer metrics (customers, repeat_rate, revenue_per_customer) by week without filters or
 *    groups, over whole ISO weeks: customer_weeks (one row per customer and week, with the customer's previous and
 *    next week), orders and revenue from sales_daily;
 *  - customer months: a group of customers (tag, RFM tier, new / returning) by month or coarser (kpi_months.ts);
 *  - raw orders: other distinct-customer questions, other group filters, and whenever the rollups are stale.
 */

export type KpiMetric = 'revenue' | 'orders' | 'customers' | 'new_customers' | 'lost_customers' | 'aov' | 'repeat_rate' | 'revenue_per_customer' | 'returns' | 'return_rate';
export type KpiGrain = 'day' | 'week' | 'month' | 'quarter' | 'year';
export type KpiDimension = 'country' | 'channel' | 'category' | 'product';
export interface KpiFilters {
  country?: string; channel?: string; category?: string; tag?: string; rfmTier?: string[];
  /** new = customers whose first order ever falls in the window; returning = first order before it. */
  customerType?: 'new' | 'returning';
}

export interface Agg {
  grp: string; bucket: string | null; revenue: number; orders: number; customers: number; new_customers: number;
  repeaters: number; identified_revenue: number;
  /** lost_customers only (kpi_lost.ts). */
  lost?: number;
  /** return_rate only: returns (units of kind = return) beside `orders`. */
  returns?: number;
}
export interface AggParts { byPeriod: Agg[]; total: Agg[]; prev: Agg[] }
export interface KpiScope {
  metric: KpiMetric; grain: KpiGrain; filters: KpiFilters; groupBy?: KpiDimension;
  window: { from: string; to: string }; prev: { from: string; to: string };
  /** With an RFM tier filter: where the tiers come from (segments/compile.ts chooseSources) and the day they are scored as of (today). */
  rfm?: { source: 'stored' | 'summary' | 'orders'; asOf: string };
}
export type KpiSource = 'rollups' | 'summary' | 'weeks' | 'months' | 'orders';

const PER_CUSTOMER: ReadonlySet<KpiMetric> = new Set(['customers', 'repeat_rate', 'revenue_per_customer']);
/** A Monday (ISO week start), 'YYYY-MM-DD'. */
const isMonday = (day: string) => new Date(`${day}T00:00:00Z`).getUTCDay() === 1;
/** Both windows are whole ISO weeks (the previous one ends the day before the window starts). */
const wholeWeeks = (s: KpiScope) => isMonday(s.window.from) && isMonday(s.prev.from) && isMonday(nextDay(s.window.to));
/** Order country, else the customer's country (guest orders only have the former). */
/** A product as the rollups key it (PRODUCT_OF_LINE: its name, else its code). */
const RAW_DIMENSION: Record<KpiDimension, string> = {
  country: 'coalesce(o.country, c.country)', channel: 'o.channel', category: 'l.category', product: PRODUCT_OF_LINE,
};

/** The groupBy value of an order row (orders `o`, customers `c`, order lines `l`); '' without groupBy. */
export const rawGroup = (s: KpiScope): string => (s.groupBy ? `coalesce(${RAW_DIMENSION[s.groupBy]}, '(none)')` : `''`);

/**
 * The dimension filters of a statement over orders `o` (with customers `c` joined when `withCustomer`, order lines
 * `l` when `byLine`), appended to `where` in this order: country, channel, category.
 */
export function rawDimensionFilters(s: KpiScope, p: Params, where: string[]): { byLine: boolean; withCustomer: boolean } {
  if (s.filters.country !== undefined) where.push(`${RAW_DIMENSION.country} = ${p.add(s.filters.country)}`);
  if (s.filters.channel !== undefined) where.push(`o.channel = ${p.add(s.filters.channel)}`);
  if (s.filters.category !== undefined) where.push(`l.category = ${p.add(s.filters.category)}`);
  return { byLine: s.filters.category !== undefined || s.groupBy === 'category' || s.groupBy === 'product', withCustomer: s.filters.country !== undefined || s.groupBy === 'country' };
}

/** Which source answers `s` exactly; `fresh` = the rollups include every order (rollupsFresh). */
export function kpiSource(s: KpiScope, fresh: boolean): KpiSource {
  if (!fresh) return 'orders';
  if (hasGroupFilter(s)) return monthsAnswer(s) ? 'months' : 'orders';
  // products by day (sales_daily_product) have no country, channel or category: with those filters, the order lines
  if (ADDITIVE.has(s.metric) && !(s.groupBy === 'product' && hasDimensionFilter(s))) return 'rollups';
  const plain = !s.groupBy && !hasDimensionFilter(s);
  if (s.metric === 'new_customers' && plain) return 'summary';
  return PER_CUSTOMER.has(s.metric) && plain && s.grain === 'week' && wholeWeeks(s) ? 'weeks' : 'orders';
}


function split(rows: (Agg & { part: 'p' | 't' | 'v' })[]): AggParts {
  const strip = ({ part: _part, ...a }: Agg & { part: string }): Agg => a;
  return {
    byPeriod: rows.filter((r) => r.part === 'p').map(strip),
    total: rows.filter((r) => r.part === 't').map(strip),
    prev: rows.filter((r) => r.part === 'v').map(strip),
  };
}

/**
 * The kinds of order rows a metric reads: returns count returns, return_rate both (returns beside orders, each of its
 * statements sums them apart), every other metric orders.
 */
const kindCondition = (s: KpiScope, col: string, p: Params): string =>
  s.metric === 'return_rate' ? `${col} IN ('order', 'return')` : `${col} = ${p.add(s.metric === 'returns' ? 'return' : 'order')}`;

/** Additive metrics from the daily rollups; customer counts are not needed (and not computed) on this path. */
export function rollupSql(s: KpiScope): { sql: string; params: unknown[] } {
  const p = new Params();
  const byCategory = s.filters.category !== undefined || s.groupBy === 'category';
  const byProduct = s.groupBy === 'product'; // kpiSource: then no country, channel or category filter
  // The least detailed level that has every column the question filters or groups by (migration 0005).
  const uses = (d: 'country' | 'channel') => s.filters[d] !== undefined || s.groupBy === d;
  const dims = (uses('country') ? 1 : 0) + (uses('channel') ? 2 : 0);
  const where = [
    ...(byProduct ? [] : [`dims = ${dims}`]), kindCondition(s, 'kind', p),
    `day >= ${p.add(s.prev.from)}::date`, `day <= ${p.add(s.window.to)}::date`,
  ];
  if (s.filters.country !== undefined) where.push(`country = ${p.add(s.filters.country)}`);
  if (s.filters.channel !== undefined) where.push(`channel = ${p.add(s.filters.channel)}`);
  if (s.filters.category !== undefined) where.push(`category = ${p.add(s.filters.category)}`);
  const from = p.add(s.window.from);
  const grp = s.groupBy ? `coalesce(${s.groupBy}, '(none)')` : `''`;
  const rate = s.metric === 'return_rate';
  const ordersOnly = (col: string) => (rate ? `coalesce(sum(${col}) FILTER (WHERE kind = 'order'), 0)` : `sum(${col})`);
  const sums = `${ordersOnly('revenue')} AS revenue, ${ordersOnly('orders')} AS orders, ${NO_CUSTOMERS}${rate ? `, coalesce(sum(orders) FILTER (WHERE kind = 'return'), 0) AS returns` : ''}`;
  const sql = `
    WITH r AS (
      SELECT day, kind, ${grp} AS grp, orders, revenue FROM ${byProduct ? 'sales_daily_product' : byCategory ? 'sales_daily_category' : 'sales_daily'} WHERE ${where.join(' AND ')}
    )
    SELECT 'p' AS part, grp, date_trunc('${TRUNC[s.grain]}', day::timestamp)::date AS bucket, ${sums}
      FROM r WHERE day >= ${from}::date GROUP BY grp, bucket
    UNION ALL
    SELECT CASE WHEN day >= ${from}::date THEN 't' ELSE 'v' END AS part, grp, NULL::date AS bucket, ${sums}
      FROM r GROUP BY 1, grp`;
  return { sql, params: p.values };
}

/**
 * Straight from orders (and order lines when a category or product is involved), for one window: per period (`byPeriod`) or
 * the window total. Units are orders, or (order, category) pairs with revenue = Σ qualifying line amounts of that
 * category. Customers are counted per bucket first, so "repeat" means two orders within the same bucket. New = the
 * unit is the customer's first order ever (customer_summary.first_order_at; equal timestamps broken by the lower id,
 * so each customer has exactly one) instead of a correlated NOT EXISTS over all earlier orders.
 * One statement per window and part was measured faster than one statement over both windows (~2.5 s vs ~5.5 s under
 * load for 13 + 13 weeks): the combined grouping was materialized and re-sorted for the totals.
 */
export function rawSql(s: KpiScope, w: { from: string; to: string }, byPeriod: boolean): { sql: string; params: unknown[] } {
  const p = new Params();
  const fresh = s.metric === 'new_customers';
  const firstOrders = needsSummary(s);
  const where = [
    kindCondition(s, 'o.kind', p),
    `o.ordered_at >= ${UTC(p.add(w.from))}`,
    `o.ordered_at < ${UTC(p.add(w.to), 1)}`,
  ];
  const { byLine, withCustomer } = rawDimensionFilters(s, p, where);
  where.push(...groupConditions(s, w, byPeriod, p, { customer: 'o.customer_id', at: `o.ordered_at AT TIME ZONE 'UTC'` }));
  const grp = rawGroup(s);
  const bucket = byPeriod ? `date_trunc('${TRUNC[s.grain]}', o.ordered_at AT TIME ZONE 'UTC')::date` : 'NULL::date';
  const first = fresh
    ? `coalesce(o.ordered_at = fs.first_order_at AND NOT EXISTS (SELECT 1 FROM orders e WHERE e.customer_id = o.customer_id
         AND e.kind = 'order' AND e.ordered_at = o.ordered_at AND e.id < o.id), false)`
    : 'false';
  const revenue = byLine ? 'coalesce(sum(l.amount) FILTER (WHERE l.quantity > 0 AND l.unit_price > 0), 0)' : 'o.revenue';
  // return_rate: its returns are counted apart from the orders (every other metric reads one kind: is_return false)
  const isReturn = s.metric === 'return_rate' ? `o.kind = 'return'` : 'false';
  const sql = `
    WITH units AS (
      SELECT o.id, o.customer_id, ${bucket} AS bucket, ${grp} AS grp, ${revenue} AS revenue, ${first} AS first, ${isReturn} AS is_return
        FROM orders o
        ${withCustomer ? 'LEFT JOIN customers c ON c.id = o.customer_id' : ''}
        ${firstOrders ? 'LEFT JOIN customer_summary fs ON fs.customer_id = o.customer_id' : ''}
        ${byLine ? 'JOIN order_lines l ON l.order_id = o.id' : ''}
       WHERE ${where.join(' AND ')}
       ${byLine ? `GROUP BY o.id, 4${withCustomer ? ', c.country' : ''}${firstOrders ? ', fs.first_order_at' : ''}` : ''}
    ), per_customer AS (
      SELECT grp, bucket, customer_id, sum(revenue) FILTER (WHERE NOT is_return) AS revenue, count(*) FILTER (WHERE NOT is_return) AS orders,
             count(*) FILTER (WHERE is_return) AS returns, bool_or(first) AS first
        FROM units GROUP BY grp, bucket, customer_id
    )
    SELECT grp, bucket, coalesce(sum(revenue), 0) AS revenue, sum(orders) AS orders, count(customer_id) AS customers,
           count(customer_id) FILTER (WHERE first) AS new_customers,
           count(customer_id) FILTER (WHERE orders >= 2) AS repeaters,
           coalesce(sum(revenue) FILTER (WHERE customer_id IS NOT NULL), 0) AS identified_revenue${s.metric === 'return_rate' ? ', sum(returns) AS returns' : ''}
      FROM per_customer GROUP BY grp, bucket`;
  return { sql, params: p.values };
}

type PartRow = Agg & { part: 'p' | 't' | 'v' };

/** sales_daily's order counts and revenue per part and bucket, with customer fields from `extra` set on top. */
async function withOrders(q: Queryable, s: KpiScope, extra: (Partial<Agg> & { part: 'p' | 't' | 'v'; bucket: string | null })[]): Promise<AggParts> {
  const ordersSql = rollupSql({ ...s, metric: 'orders' });
  const orders = split((await q.query<PartRow>(ordersSql.sql, ordersSql.params)).rows);
  const key = (part: string, bucket: string | null) => `${part}|${bucket}`;
  const merged = new Map<string, PartRow>();
  const blank = (part: 'p' | 't' | 'v', bucket: string | null): PartRow =>
    ({ part, grp: '', bucket, revenue: 0, orders: 0, customers: 0, new_customers: 0, repeaters: 0, identified_revenue: 0 });
  for (const [part, list] of [['p', orders.byPeriod], ['t', orders.total], ['v', orders.prev]] as const) {
    for (const a of list) merged.set(key(part, a.bucket), { ...a, part });
  }
  for (const r of extra) {
    const row = merged.get(key(r.part, r.bucket)) ?? blank(r.part, r.bucket);
    merged.set(key(r.part, r.bucket), { ...row, ...r });
  }
  return split([...merged.values()]);
}

/** new_customers of all customers: first orders from customer_summary, order counts (for the receipt) from sales_daily. */
async function summaryAggregate(q: Queryable, s: KpiScope): Promise<AggParts> {
  const { rows } = await q.query<{ part: 'p' | 't' | 'v'; bucket: string | null; n: number }>(
    `WITH f AS (
       SELECT first_order_at >= ${UTC('$1')} AS cur,
              date_trunc('${TRUNC[s.grain]}', first_order_at AT TIME ZONE 'UTC')::date AS bucket
         FROM customer_summary WHERE first_order_at >= ${UTC('$2')} AND first_order_at < ${UTC('$3', 1)}
     )
     SELECT 'p' AS part, bucket, count(*) AS n FROM f WHERE cur GROUP BY bucket
     UNION ALL SELECT CASE WHEN cur THEN 't' ELSE 'v' END, NULL::date, count(*) FROM f GROUP BY cur`,
    [s.window.from, s.prev.from, s.window.to],
  );
  return withOrders(q, s, rows.map((r) => ({ part: r.part, bucket: r.bucket, new_customers: r.n })));
}

/**
 * Distinct customers per week and per window from customer_weeks in one scan, without grouping by customer: a customer
 * is counted in a window [A, B] on its first row there (prev_week < A), and has two orders there iff that row has two
 * or its next week is in the window too (next_week <= B). Per week every row is one customer. Orders and revenue
 * (guests included, as the raw path counts them) come from sales_daily.
 */
async function weeksAggregate(q: Queryable, s: KpiScope): Promise<AggParts> {
  const { rows } = await q.query<{ cur: boolean; week: string | null; n_all: number; n_first: number; rep_week: number; rep_window: number; revenue: number }>(
    `WITH w AS (
       SELECT week, orders, revenue, week >= $1::date AS cur,
              prev_week IS NULL OR prev_week < CASE WHEN week >= $1::date THEN $1::date ELSE $3::date END AS first,
              next_week <= CASE WHEN week >= $1::date THEN $2::date ELSE $4::date END AS again
         FROM customer_weeks WHERE week >= $3::date AND week <= $2::date
     )
     SELECT cur, week, count(*) AS n_all, count(*) FILTER (WHERE first) AS n_first, count(*) FILTER (WHERE orders >= 2) AS rep_week,
            count(*) FILTER (WHERE first AND (orders >= 2 OR again)) AS rep_window, sum(revenue) AS revenue
       FROM w GROUP BY GROUPING SETS ((cur, week), (cur))`,
    [s.window.from, s.window.to, s.prev.from, s.prev.to],
  );
  return withOrders(q, s, rows.filter((r) => r.week === null || r.cur).map((r) => r.week === null
    ? { part: r.cur ? 't' : 'v', bucket: null, customers: r.n_first, repeaters: r.rep_window, identified_revenue: r.revenue }
    : { part: 'p', bucket: r.week, customers: r.n_all, repeaters: r.rep_week, identified_revenue: r.revenue }));
}

export async function aggregateKpi(q: Queryable, s: KpiScope, source: KpiSource): Promise<AggParts> {
  if (source === 'summary') return summaryAggregate(q, s);
  if (source === 'weeks') return weeksAggregate(q, s);
  if (source === 'rollups') {
    const { sql, params } = rollupSql(s);
    return split((await q.query<Agg & { part: 'p' | 't' | 'v' }>(sql, params)).rows);
  }
  // ~150k customer-months a year for a group: with the default 4 MB work_mem their grouping by customer spilled to disk
  if (source === 'months' && monthsOnce(s)) {
    await q.exec(`SET LOCAL work_mem = '64MB'`);
    const { sql, params } = monthsGroupSql(s);
    return split((await q.query<PartRow>(sql, params)).rows);
  }
  // Raw orders (or customer months of new / returning customers): periods, window total and previous window as
  // three statements (see rawSql).
  const run = async (w: { from: string; to: string }, byPeriod: boolean) => {
    const { sql, params } = source === 'months' ? monthsSql(s, w, byPeriod) : rawSql(s, w, byPeriod);
    return (await q.query<Agg>(sql, params)).rows;
  };
  return { byPeriod: await run(s.window, true), total: await run(s.window, false), prev: await run(s.prev, false) };
}
