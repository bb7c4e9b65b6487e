import type { Queryable } from '../../server/db/index.ts';
import { AppError } from '../../server/errors.ts';
import { groupConditions, Params, STEP, TRUNC, UTC } from './kpi_common.ts';
import { monthsCover } from './kpi_months.ts';
import { rawDimensionFilters, rawGroup, type Agg, type AggParts, type KpiScope } from './kpi_sql.ts';

/**
 * kpi_trend's lost_customers: customers with an order in the period before and none in this one — the period-over-
 * period "lost" (lapsed) count of non-contractual retail, where nobody cancels and a customer is lost to a period by
 * not coming back in it. Per period of the series the period before is the calendar period before it (so the first
 * period compares with the one before the window); for the window total it is the previous window of equal length,
 * and for the previous window's total the window before that one (`Calendar.before`).
 * Filters and groupBy restrict the orders that count as activity: lost from Germany = ordered in Germany in the
 * period before and not in this one. Whole months without dimensions read customer_months (one row per customer and
 * month with orders) instead of the orders.
 */

type Window = { from: string; to: string };

/**
 * Rows (grp, customer_id, at, orders) of the qualifying activity in [range.from, range.to]: orders of identified
 * customers matching the filters (at = order time, UTC; one row per order and group), or customer_months rows (at =
 * the month's first instant, orders = that month's). Tag and RFM tier filters are customer conditions (groupConditions).
 */
function activitySql(s: KpiScope, range: Window, months: boolean, p: Params): string {
  if (months) {
    const where = [`cm.month >= ${p.add(range.from)}::date`, `cm.month <= ${p.add(range.to)}::date`, 'cm.orders > 0',
      ...groupConditions(s, range, false, p, { customer: 'cm.customer_id', at: 'cm.month::timestamp' })];
    return `SELECT ''::text AS grp, cm.customer_id, cm.month::timestamp AS at, cm.orders FROM customer_months cm WHERE ${where.join(' AND ')}`;
  }
  const where = [`o.kind = 'order'`, 'o.customer_id IS NOT NULL', `o.ordered_at >= ${UTC(p.add(range.from))}`, `o.ordered_at < ${UTC(p.add(range.to), 1)}`];
  const { byLine, withCustomer } = rawDimensionFilters(s, p, where);
  where.push(...groupConditions(s, range, false, p, { customer: 'o.customer_id', at: `o.ordered_at AT TIME ZONE 'UTC'` }));
  // An order counts once per group (several lines of one category are one order of it); without lines it is one row.
  return `SELECT ${byLine ? 'DISTINCT' : ''} ${rawGroup(s)} AS grp, o.customer_id, o.ordered_at AT TIME ZONE 'UTC' AS at, ${byLine ? 'o.id, ' : ''}1 AS orders
      FROM orders o
      ${withCustomer ? 'LEFT JOIN customers c ON c.id = o.customer_id' : ''}
      ${byLine ? 'JOIN order_lines l ON l.order_id = o.id' : ''}
     WHERE ${where.join(' AND ')}`;
}

/** Lost customers of `cur` against the adjacent window `before` (one row per group), with cur's orders and customers. */
function totalSql(s: KpiScope, cur: Window, before: Window, months: boolean): { sql: string; params: unknown[] } {
  const p = new Params();
  const activity = activitySql(s, { from: before.from, to: cur.to }, months, p);
  const start = `${p.add(cur.from)}::timestamp`;
  const sql = `
    WITH per_customer AS (
      SELECT grp, customer_id, sum(orders) FILTER (WHERE at >= ${start}) AS orders_now, bool_or(at < ${start}) AS before
        FROM (${activity}) a GROUP BY grp, customer_id
    )
    SELECT grp, NULL::date AS bucket, 0 AS revenue, coalesce(sum(orders_now), 0) AS orders, count(orders_now) AS customers,
           count(*) FILTER (WHERE before AND orders_now IS NULL) AS lost, 0 AS new_customers, 0 AS repeaters, 0 AS identified_revenue
      FROM per_customer GROUP BY grp`;
  return { sql, params: p.values };
}

/**
 * Lost customers per period of `w`, each period against the calendar period before it (`cal.prior` = its first day).
 * Activity before w.from in w's first period is left out (that period covers only the window's days; the period
 * before it is whole).
 */
function periodSql(s: KpiScope, w: Window, cal: Calendar, months: boolean): { sql: string; params: unknown[] } {
  if (months) return monthsPeriodSql(s, w, cal);
  const p = new Params();
  const step = `interval '${STEP[s.grain]}'`;
  const activity = activitySql(s, { from: cal.prior, to: w.to }, months, p);
  const first = `${p.add(cal.first)}::date`;
  // A customer active in period B is lost in B + 1 step unless their next active period is B + 1 step (lead).
  const sql = `
    WITH act AS (
      SELECT grp, customer_id, date_trunc('${TRUNC[s.grain]}', at)::date AS bucket, sum(orders) AS orders
        FROM (${activity}) a WHERE at < ${first}::timestamp OR at >= ${p.add(w.from)}::timestamp
       GROUP BY grp, customer_id, 3
    ), seq AS (
      SELECT grp, bucket, orders, (bucket + ${step})::date AS following,
             lead(bucket) OVER (PARTITION BY customer_id, grp COLLATE "C" ORDER BY bucket) AS next_bucket
        FROM act
    )
    SELECT grp, following AS bucket, 0 AS revenue, 0 AS orders, 0 AS customers, count(*) AS lost,
           0 AS new_customers, 0 AS repeaters, 0 AS identified_revenue
      FROM seq WHERE following <= ${p.add(w.to)}::date AND (next_bucket IS NULL OR next_bucket > following)
     GROUP BY 1, 2
    UNION ALL
    SELECT grp, bucket, 0, sum(orders), count(*), 0, 0, 0, 0 FROM seq WHERE bucket >= ${first} GROUP BY 1, 2`;
  return { sql, params: p.values };
}

/**
 * periodSql from customer_months (whole months, no dimensions): each customer's rows in primary-key order (customer,
 * month) give the next active period by lead() without sorting; the last row of a customer's period is lost in the
 * following period unless the next active period is that one. (Grouping ~300k customer-months a year by customer
 * and period first, then sorting them for the window, took ~1.5 s on the bench shop.)
 */
function monthsPeriodSql(s: KpiScope, w: Window, cal: Calendar): { sql: string; params: unknown[] } {
  const p = new Params();
  const step = `interval '${STEP[s.grain]}'`;
  // customer_months.month is a month's first day: by month it is the period itself (date_trunc on ~300k rows cost ~0.1 s)
  const period = (month: string) => (s.grain === 'month' ? month : `date_trunc('${TRUNC[s.grain]}', (${month})::timestamp)::date`);
  const where = [`cm.month >= ${p.add(cal.prior)}::date`, `cm.month <= ${p.add(w.to)}::date`, 'cm.orders > 0',
    ...groupConditions(s, { from: cal.prior, to: w.to }, false, p, { customer: 'cm.customer_id', at: 'cm.month::timestamp' })];
  // One pass grouped by period: its orders, its customers (their last row in it) and those of them not back in the
  // next period, who are that next period's lost customers.
  const sql = `
    WITH seq AS (
      SELECT ${period('cm.month')} AS bucket, cm.orders, ${period('lead(cm.month) OVER (PARTITION BY cm.customer_id ORDER BY cm.month)')} AS next_bucket
        FROM customer_months cm WHERE ${where.join(' AND ')}
    ), per_period AS (
      SELECT bucket, sum(orders) AS orders, count(*) FILTER (WHERE next_bucket IS DISTINCT FROM bucket) AS customers,
             count(*) FILTER (WHERE next_bucket IS DISTINCT FROM bucket AND (next_bucket IS NULL OR next_bucket > (bucket + ${step})::date)) AS leaving
        FROM seq GROUP BY bucket
    )
    SELECT ''::text AS grp, (bucket + ${step})::date AS bucket, 0 AS revenue, 0 AS orders, 0 AS customers, leaving AS lost,
           0 AS new_customers, 0 AS repeaters, 0 AS identified_revenue
      FROM per_period WHERE (bucket + ${step})::date <= ${p.add(w.to)}::date
    UNION ALL
    SELECT '', bucket, 0, orders, customers, 0, 0, 0, 0 FROM per_period WHERE bucket >= ${p.add(cal.first)}::date`;
  return { sql, params: p.values };
}

/**
 * Where the periods of lost_customers start: `first` = the first period of the window (its calendar start), `prior`
 * = the start of the period before it; `before` = the window before the previous window, of equal length.
 */
export interface Calendar { first: string; prior: string; before: Window }

/** Periods (byPeriod, window total, previous window's total) of lost_customers. */
export async function lostAggregate(q: Queryable, s: KpiScope, cal: Calendar, rollupsFresh: boolean): Promise<AggParts> {
  if (s.filters.customerType !== undefined) {
    throw new AppError('invalid_argument', 'invalid arguments for kpi_trend: filters.customerType does not apply to lost_customers (a lost customer has no order in the period)');
  }
  // customer_months includes every order only while the rollups are fresh
  // (and only when the window starts with its first period: the orders path leaves out the days before it)
  const months = rollupsFresh && cal.first === s.window.from && monthsCover(s, [s.window, s.prev, cal.before, { from: cal.prior, to: s.window.to }]);
  // ~300k (customer, period) rows a year on the bench shop: with the default 4 MB their grouping and sort spilled to disk
  await q.exec(`SET LOCAL work_mem = '64MB'`);
  const run = async ({ sql, params }: { sql: string; params: unknown[] }) => (await q.query<Agg>(sql, params)).rows;
  // Each period has two rows (its lost customers, and its own orders and customers): merged into one per group.
  const merged = new Map<string, Agg>();
  for (const r of await run(periodSql(s, s.window, cal, months))) {
    const key = `${r.grp}|${r.bucket}`;
    const m = merged.get(key);
    merged.set(key, m ? { ...m, lost: (m.lost ?? 0) + (r.lost ?? 0), orders: m.orders + r.orders, customers: m.customers + r.customers } : r);
  }
  const byKey = (a: Agg, b: Agg) => `${a.grp}|${a.bucket}`.localeCompare(`${b.grp}|${b.bucket}`);
  return { byPeriod: [...merged.values()].sort(byKey), total: await run(totalSql(s, s.window, s.prev, months)), prev: await run(totalSql(s, s.prev, cal.before, months)) };
}
