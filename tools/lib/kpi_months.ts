import { groupConditions, hasGroupFilter, needsSummary, nextDay, Params, TRUNC } from './kpi_common.ts';
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
  const dimensions = s.groupBy !== undefined || s.filters.country !== undefined || s.filters.channel !== undefined || s.filters.category !== undefined;
  return !dimensions && ['month', 'quarter', 'year'].includes(s.grain) && windows.every(wholeMonths);
}

/** Whether customer_months answers `s` exactly (the rollups must also be fresh: kpiSource). */
export function monthsAnswer(s: KpiScope): boolean {
  return hasGroupFilter(s) && METRICS.has(s.metric) && monthsCover(s, [s.window, s.prev]);
}

/** rawSql's columns (kpi_sql.ts) from customer_months for the whole months of `w`, per period or as one total. */
export function monthsSql(s: KpiScope, w: { from: string; to: string }, byPeriod: boolean): { sql: string; params: unknown[] } {
  const p = new Params();
  const where = [`cm.month >= ${p.add(w.from)}::date`, `cm.month <= ${p.add(w.to)}::date`,
    ...groupConditions(s, w, byPeriod, p, { customer: 'cm.customer_id', at: 'cm.month::timestamp' })];
  const bucket = byPeriod ? `date_trunc('${TRUNC[s.grain]}', cm.month::timestamp)::date` : 'NULL::date';
  // new = the customer's first order is in this row's month (so in its period, or in the window for a total)
  const first = s.metric === 'new_customers' ? `date_trunc('month', fs.first_order_at AT TIME ZONE 'UTC')::date = cm.month` : 'false';
  const sql = `
    WITH per_customer AS (
      SELECT ''::text AS grp, ${bucket} AS bucket, cm.customer_id, sum(cm.revenue) AS revenue, sum(cm.orders) AS orders, bool_or(${first}) AS first
        FROM customer_months cm
        ${needsSummary(s) ? 'LEFT JOIN customer_summary fs ON fs.customer_id = cm.customer_id' : ''}
       WHERE ${where.join(' AND ')}
       GROUP BY 1, 2, cm.customer_id
    )
    SELECT grp, bucket, sum(revenue) AS revenue, sum(orders) AS orders, count(customer_id) AS customers,
           count(customer_id) FILTER (WHERE first) AS new_customers,
           count(customer_id) FILTER (WHERE orders >= 2) AS repeaters,
           coalesce(sum(revenue), 0) AS identified_revenue
      FROM per_customer GROUP BY grp, bucket`;
  return { sql, params: p.values };
}
