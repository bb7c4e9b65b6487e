import { ADDITIVE, groupConditions, hasDimensionFilter, hasGroupFilter, needsSummary, nextDay, NO_CUSTOMERS, Params, periodStart, TRUNC } from './kpi_common.ts';
import type { KpiMetric, KpiScope } from './kpi_sql.ts';

/**
 * kpi_trend over customer_months (migration 0005: orders and revenue per customer and UTC month) for questions about
 * a group of customers (tag, RFM tier, new or returning) by month, quarter or year over whole months: ~140k narrow
 * rows a year instead of every order of the group (a 1-year window for the Champions tier of the bench shop read
 * 250k orders through 11k index lookups, ~0.6 s per statement). Guest orders are not in it, and the group filters
 * drop them anyway. The same numbers as rawSql (tested in kpi_trend.int.test.ts).
 */

const METRICS: ReadonlySet<KpiMetric> = new Set(['revenue', 'orders', 'aov', 'customers', 'new_customers', 'repeat_rate', 'revenue_per_customer']);
const firstOfMonth = (day: string) => day.endsWith('-01');
const lastOfMonth = (day: string) => nextDay(day).endsWith('-01');
const wholeMonths = (w: { from: string; to: string }) => firstOfMonth(w.from) && lastOfMonth(w.to);

/**
 * Whether customer_months holds what `s` reads over `windows`: whole months, a grain of a month or coarser, and no
 * dimension filter or split (it has no country, channel or category).
 */
export function monthsCover(s: KpiScope, windows: readonly { from: string; to: string }[]): boolean {
  const dimensions = s.groupBy !== undefined || hasDimensionFilter(s);
  return !dimensions && ['month', 'quarter', 'year'].includes(s.grain) && windows.every(wholeMonths);
}

/**
 * Which level of customer_dim_months (migration 0018: customer months by country or by channel) holds what `s` reads
 * over `windows` — 1 country, 2 channel — or null: whole months, a grain of a month or coarser, a country or a channel
 * filter or split but not both, and no category or product (the table has neither).
 */
export function dimMonthsLevel(s: KpiScope, windows: readonly { from: string; to: string }[]): 1 | 2 | null {
  const uses = (d: 'country' | 'channel') => s.filters[d] !== undefined || s.groupBy === d;
  const level = uses('country') === uses('channel') ? null : uses('country') ? 1 : 2;
  const byLines = s.filters.category !== undefined || s.groupBy === 'category' || s.groupBy === 'product';
  return level !== null && !byLines && ['month', 'quarter', 'year'].includes(s.grain) && windows.every(wholeMonths) ? level : null;
}

/** Whether customer_months answers `s` exactly (the rollups must also be fresh: kpiSource). */
export function monthsAnswer(s: KpiScope): boolean {
  return hasGroupFilter(s) && METRICS.has(s.metric) && monthsCover(s, [s.window, s.prev]);
}

/**
 * rawSql's columns (kpi_sql.ts) from customer_months for the whole months of `w`, per period or as one total.
 * Additive metrics (revenue, orders, aov) are sums of the rows: no grouping by customer, no customer counts (0).
 */
export function monthsSql(s: KpiScope, w: { from: string; to: string }, byPeriod: boolean): { sql: string; params: unknown[] } {
  const p = new Params();
  const where = [`cm.month >= ${p.add(w.from)}::date`, `cm.month <= ${p.add(w.to)}::date`,
    ...groupConditions(s, w, byPeriod, p, { customer: 'cm.customer_id', at: 'cm.month::timestamp' })];
  const bucket = byPeriod ? `date_trunc('${TRUNC[s.grain]}', cm.month::timestamp)::date` : 'NULL::date';
  return { sql: countsSql(s, `''::text AS grp, ${bucket} AS bucket`, where, (c) => `GROUP BY 1, 2${c}`, 'grp, bucket'), params: p.values };
}

/**
 * monthsSql's periods ('p'), window total ('t') and previous window's total ('v') in ONE statement: one scan of
 * [prev.from, window.to] (the previous window ends the day before the window starts), grouped by (window?, period)
 * and (window?). Why: a tier filter scores every customer (~0.1 s on the bench shop) in each statement, and the
 * customer_summary join of new / returning customers cost ~0.15 s per statement. For a customer type (additive
 * metrics only: `monthsOnce`), whose condition differs by part, each part sums only its own rows (FILTER).
 */
export function monthsGroupSql(s: KpiScope): { sql: string; params: unknown[] } {
  const p = new Params();
  const cols = { customer: 'cm.customer_id', at: 'cm.month::timestamp' };
  const cur = `cm.month >= ${p.add(s.window.from)}::date`;
  const both = { from: s.prev.from, to: s.window.to };
  const { customerType, ...shared } = s.filters;
  const where = [`cm.month >= ${p.add(both.from)}::date`, `cm.month <= ${p.add(both.to)}::date`,
    ...groupConditions({ ...s, filters: shared }, both, false, p, cols)];
  const bucket = `date_trunc('${TRUNC[s.grain]}', cm.month::timestamp)::date`;
  const byPeriod = `GROUPING(${bucket}) = 0`;
  const keys = `CASE WHEN ${byPeriod} THEN 'p' WHEN ${cur} THEN 't' ELSE 'v' END AS part, ''::text AS grp, CASE WHEN ${byPeriod} THEN ${bucket} END AS bucket, ${cur} AS cur`;
  const grouping = (c: string) => `GROUP BY GROUPING SETS ((${cur}, ${bucket}${c}), (${cur}${c}))`;
  // A period's rows of the previous window are not asked for: the periods of the window hold only its months (a
  // quarter it starts inside of counts from its first month, as the orders path does).
  const keep = `part <> 'p' OR cur`;
  if (customerType === undefined) return { sql: countsSql(s, keys, where, grouping, 'part, grp, bucket', keep), params: p.values };
  const typed = { ...s, filters: { customerType } };
  const all = (conditions: string[]) => conditions.join(' AND ');
  // Every part's new customers had their first order within the two windows or the window's first period (a year
  // the window starts inside of): a bound the scan can use.
  if (customerType === 'new') {
    const first = periodStart(s.window.from, s.grain);
    where.push(...groupConditions(typed, { from: first < both.from ? first : both.from, to: both.to }, false, p, cols));
  }
  const inPeriod = all(groupConditions(typed, s.window, true, p, cols));
  const inTotal = `CASE WHEN ${cur} THEN ${all(groupConditions(typed, s.window, false, p, cols))} ELSE ${all(groupConditions(typed, s.prev, false, p, cols))} END`;
  const sum = (col: string) => `CASE WHEN ${byPeriod} THEN sum(${col}) FILTER (WHERE ${inPeriod}) ELSE sum(${col}) FILTER (WHERE ${inTotal}) END`;
  const sql = `
    SELECT part, grp, bucket, ${AGG_COLUMNS} FROM (SELECT ${keys}, ${sum('cm.revenue')} AS revenue, ${sum('cm.orders')} AS orders, ${NO_CUSTOMERS}
      FROM customer_months cm LEFT JOIN customer_summary fs ON fs.customer_id = cm.customer_id
     WHERE ${where.join(' AND ')} ${grouping('')}) g
     WHERE orders IS NOT NULL AND (${keep})`;
  return { sql, params: p.values };
}

/** Agg's counted columns, in its order. */
const AGG_COLUMNS = 'revenue, orders, customers, new_customers, repeaters, identified_revenue';

/** Whether monthsGroupSql answers `s` (a customer type only for additive metrics: see there). */
export const monthsOnce = (s: KpiScope): boolean => s.filters.customerType === undefined || ADDITIVE.has(s.metric);

/**
 * The statement of monthsSql / monthsGroupSql: rows of customer_months matching `where`, grouped into `keys` by
 * `grouping` — per customer within them first (`grouping(', cm.customer_id')`) unless the metric is additive — then
 * counted per `outer` key; only rows matching `keep` are returned.
 */
function countsSql(s: KpiScope, keys: string, where: string[], grouping: (extra: string) => string, outer: string, keep = 'true'): string {
  const from = `FROM customer_months cm
        ${needsSummary(s) ? 'LEFT JOIN customer_summary fs ON fs.customer_id = cm.customer_id' : ''}
       WHERE ${where.join(' AND ')}`;
  if (ADDITIVE.has(s.metric)) {
    return `SELECT ${outer}, ${AGG_COLUMNS} FROM (SELECT ${keys}, sum(cm.revenue) AS revenue, sum(cm.orders) AS orders, ${NO_CUSTOMERS}
      ${from} ${grouping('')}) g WHERE ${keep}`;
  }
  // new = the customer's first order is in this row's month (so in its period, or in the window for a total)
  const first = s.metric === 'new_customers' ? `date_trunc('month', fs.first_order_at AT TIME ZONE 'UTC')::date = cm.month` : 'false';
  return `
    WITH per_customer AS (
      SELECT ${keys}, cm.customer_id, sum(cm.revenue) AS revenue, sum(cm.orders) AS orders, bool_or(${first}) AS first
        ${from} ${grouping(', cm.customer_id')}
    )
    SELECT ${outer}, sum(revenue) AS revenue, sum(orders) AS orders, count(customer_id) AS customers,
           count(customer_id) FILTER (WHERE first) AS new_customers,
           count(customer_id) FILTER (WHERE orders >= 2) AS repeaters,
           coalesce(sum(revenue), 0) AS identified_revenue
      FROM per_customer WHERE ${keep} GROUP BY ${outer}`;
}
