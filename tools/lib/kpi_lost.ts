import type { Queryable } from '../../server/db/index.ts';
import { AppError } from '../../server/errors.ts';
import { adjacentWindow, groupConditions, isWhole, Params, periodStart, previousDays, shiftPeriods, STEP, TRUNC, UTC } from './kpi_common.ts';
import { dimMonthsLevel, monthsCover } from './kpi_months.ts';
import { rawDimensionFilters, rawGroup, type Agg, type AggParts, type KpiGrain, type KpiScope } from './kpi_sql.ts';

/**
 * kpi_trend's lost_customers: customers with an order in the period before and none in this one — the period-over-
 * period "lost" (lapsed) count of non-contractual retail, where nobody cancels and a customer is lost to a period by
 * not coming back in it. Per period of the series the period before is the calendar period before it (so the first
 * period compares with the one before the window); for the window total it is the previous window of equal length,
 * and for the previous window's total the window before that one (`Calendar.before`).
 * Filters and groupBy restrict the orders that count as activity: lost from Germany = ordered in Germany in the
 * period before and not in this one. Whole months read customer_months (one row per customer and month with orders)
 * or, by country or channel, customer_dim_months instead of the orders.
 */

type Window = { from: string; to: string };

/**
 * Where lost_customers reads activity: customer_months (whole months, no dimensions), customer_dim_months at a level
 * (whole months by country or channel: `dims`), or the orders.
 */
export type Source = { kind: 'months' } | { kind: 'dims'; level: 1 | 2 } | { kind: 'orders' };

/**
 * A rollup of customer months as `cm` (customer_id, month, orders; country and channel in customer_dim_months) with
 * the conditions of `s` over [range.from, range.to] appended to `where`, and the groupBy value of its rows.
 */
function monthRows(s: KpiScope, source: Exclude<Source, { kind: 'orders' }>, range: Window, p: Params, where: string[]): { table: string; grp: string } {
  where.push(`cm.month >= ${p.add(range.from)}::date`, `cm.month <= ${p.add(range.to)}::date`, 'cm.orders > 0');
  if (source.kind === 'dims') {
    where.push(`cm.dims = ${source.level}`);
    if (s.filters.country !== undefined) where.push(`cm.country = ${p.add(s.filters.country)}`);
    if (s.filters.channel !== undefined) where.push(`cm.channel = ${p.add(s.filters.channel)}`);
  }
  where.push(...groupConditions(s, range, false, p, { customer: 'cm.customer_id', at: 'cm.month::timestamp' }));
  const grp = source.kind === 'dims' && s.groupBy ? `coalesce(cm.${s.groupBy}, '(none)')` : `''::text`;
  return { table: source.kind === 'dims' ? 'customer_dim_months' : 'customer_months', grp };
}

/**
 * Rows (grp, customer_id, at, orders) of the orders of identified customers matching the filters in [range.from,
 * range.to] (at = order time, UTC; one row per order and group). Tag and RFM tier filters are customer conditions
 * (groupConditions).
 */
function activitySql(s: KpiScope, range: Window, p: Params): string {
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

/** One group's totals (totalsSql): the window's and the previous window's orders, customers and lost customers. */
interface Totals {
  grp: string; orders_now: number; customers_now: number; lost_now: number; orders_prev: number; customers_prev: number; lost_prev: number;
  /** Whether the group has activity in [prev.from, window.to] (a window total), in [before.from, prev.to] (a previous one). */
  in_now: boolean; in_prev: boolean;
}

/**
 * Lost customers of the window against the previous window, and of the previous window against the one before it
 * (`cal.before`; the three are adjacent), per group from ONE scan of the three: per customer and group its orders in
 * the window and in the previous one and whether it was active before those (two statements read the previous
 * window twice: ~0.65 s of 1.6 s for a year by country on the bench shop).
 */
function totalsSql(s: KpiScope, cal: Calendar): { sql: string; params: unknown[] } {
  const p = new Params();
  const activity = activitySql(s, { from: cal.before.from, to: s.window.to }, p);
  const now = `${p.add(s.window.from)}::timestamp`;
  const prev = `${p.add(s.prev.from)}::timestamp`;
  const sql = `
    SELECT grp, coalesce(sum(orders_now), 0) AS orders_now, count(orders_now) AS customers_now,
           count(*) FILTER (WHERE orders_prev IS NOT NULL AND orders_now IS NULL) AS lost_now,
           coalesce(sum(orders_prev), 0) AS orders_prev, count(orders_prev) AS customers_prev,
           count(*) FILTER (WHERE before AND orders_prev IS NULL) AS lost_prev,
           bool_or(orders_now IS NOT NULL OR orders_prev IS NOT NULL) AS in_now, bool_or(before OR orders_prev IS NOT NULL) AS in_prev
      FROM (SELECT grp, customer_id, sum(orders) FILTER (WHERE at >= ${now}) AS orders_now,
                   sum(orders) FILTER (WHERE at >= ${prev} AND at < ${now}) AS orders_prev, bool_or(at < ${prev}) AS before
              FROM (${activity}) a GROUP BY grp, customer_id) per_customer
     GROUP BY grp`;
  return { sql, params: p.values };
}

/** A total row of kpi_sql's shape. */
const totalRow = (grp: string, orders: number, customers: number, lost: number): Agg =>
  ({ grp, bucket: null, revenue: 0, orders, customers, lost, new_customers: 0, repeaters: 0, identified_revenue: 0 });

/**
 * Lost customers per period of `w`, each period against the calendar period before it (`cal.prior` = its first day).
 * Activity before w.from in w's first period is left out (that period covers only the window's days; the period
 * before it is whole). The orders and customers of every period, `cal.prior`'s too (the first period's churn base).
 */
function periodSql(s: KpiScope, w: Window, cal: Calendar): { sql: string; params: unknown[] } {
  const p = new Params();
  const step = `interval '${STEP[s.grain]}'`;
  const activity = activitySql(s, { from: cal.prior, to: w.to }, p);
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
    SELECT grp, bucket, 0, sum(orders), count(*), 0, 0, 0, 0 FROM seq WHERE bucket >= ${p.add(cal.prior)}::date GROUP BY 1, 2`;
  return { sql, params: p.values };
}

/** One row of rollupSql: a group's orders, customers and customers back from the segment before, per segment. */
interface SegmentRow { grp: string; kind: 'period' | 'window'; start: string; orders: number; customers: number; retained: number }

/**
 * Lost customers from customer_months or customer_dim_months without grouping by customer: each row knows the
 * previous active month of its customer (and group: prev_month, migration 0019), so a customer is active in a segment
 * (a period, or a window) once, on its first row there (prev_month before the segment's start), and was active in the
 * segment just before iff that row's prev_month falls in it. Lost in a segment = active in the one before − back from
 * it (fromSegments). Per group, two aggregates of one scan each (parallel, on Postgres): the periods from `cal.prior`
 * on, and the windows (the one before the previous one, the previous one, the window). (Grouping ~700k customer
 * months by customer, or sorting them for lead(), took ~1 s for a year by country on the bench shop.)
 */
function rollupSql(s: KpiScope, cal: Calendar, source: Exclude<Source, { kind: 'orders' }>): { sql: string; params: unknown[] } {
  const p = new Params();
  const segments = (kind: SegmentRow['kind'], range: Window, start: string, before: string) => {
    const where: string[] = [];
    const { table, grp } = monthRows(s, source, range, p, where);
    return `SELECT ${grp} AS grp, '${kind}' AS kind, start, sum(orders) AS orders,
                   count(*) FILTER (WHERE prev_month IS NULL OR prev_month < start) AS customers,
                   count(*) FILTER (WHERE prev_month >= before AND prev_month < start) AS retained
              FROM (SELECT cm.*, ${start} AS start, ${before} AS before FROM ${table} cm WHERE ${where.join(' AND ')}) cm
             GROUP BY 1, 3`;
  };
  const step = `interval '${STEP[s.grain]}'`;
  // customer_months.month is a month's first day: by month it is the period itself (date_trunc on ~300k rows cost ~0.1 s)
  const period = s.grain === 'month' ? 'cm.month' : `date_trunc('${TRUNC[s.grain]}', cm.month::timestamp)::date`;
  const [now, prev, before] = [s.window.from, s.prev.from, cal.before.from].map((d) => `${p.add(d)}::date`) as [string, string, string];
  const periods = segments('period', { from: cal.prior, to: s.window.to }, period, `(${period} - ${step})::date`);
  const windows = segments(
    'window', { from: cal.before.from, to: s.window.to },
    `CASE WHEN cm.month >= ${now} THEN ${now} WHEN cm.month >= ${prev} THEN ${prev} ELSE ${before} END`,
    `CASE WHEN cm.month >= ${now} THEN ${prev} WHEN cm.month >= ${prev} THEN ${before} END`,
  );
  return { sql: `${periods} UNION ALL ${windows}`, params: p.values };
}

/**
 * byPeriod and totals from rollupSql's rows. Per group and segment: its orders and customers, and lost = the group's
 * customers of the segment before − those of them back (retained). Periods from the window's first (`cal.first`),
 * and `cal.prior`'s orders and customers (no lost count: its own period before is not read);
 * the window's total and the previous window's (when the group has activity in them or in the one before).
 */
function fromSegments(rows: readonly SegmentRow[], s: KpiScope, cal: Calendar): AggParts {
  const periods = [cal.prior];
  while (shiftPeriods(periods.at(-1)!, s.grain, 1) <= s.window.to) periods.push(shiftPeriods(periods.at(-1)!, s.grain, 1));
  const windows = [cal.before.from, s.prev.from, s.window.from];
  const cells = new Map<string, Map<string, SegmentRow>>();
  for (const r of rows) {
    const key = `${r.grp}|${r.kind}`;
    if (!cells.has(key)) cells.set(key, new Map());
    cells.get(key)!.set(r.start, r);
  }
  const series = (grp: string, kind: SegmentRow['kind'], starts: readonly string[]): (Agg | undefined)[] => {
    const cell = cells.get(`${grp}|${kind}`);
    return starts.slice(1).map((start, i) => {
      const here = cell?.get(start);
      const lost = (cell?.get(starts[i]!)?.customers ?? 0) - (here?.retained ?? 0);
      return here || lost ? totalRow(grp, here?.orders ?? 0, here?.customers ?? 0, lost) : undefined;
    });
  };
  const parts: AggParts = { byPeriod: [], total: [], prev: [] };
  for (const grp of [...new Set(rows.map((r) => r.grp))].sort((a, b) => a.localeCompare(b))) {
    // the period before the window: its customers are the first period's churn base
    const prior = cells.get(`${grp}|period`)?.get(cal.prior);
    if (prior) parts.byPeriod.push({ ...totalRow(grp, prior.orders, prior.customers, 0), bucket: cal.prior });
    series(grp, 'period', periods).forEach((a, i) => a && parts.byPeriod.push({ ...a, bucket: periods[i + 1]! }));
    const [prev, now] = series(grp, 'window', windows);
    if (prev) parts.prev.push(prev);
    if (now) parts.total.push(now);
  }
  return parts;
}

/**
 * Where the periods of lost_customers start: `first` = the first period of the window (its calendar start), `prior`
 * = the start of the period before it; `before` = the window before the previous window, of equal length.
 */
export interface Calendar { first: string; prior: string; before: Window }

/**
 * Where lost_customers of `s` reads its activity. The rollups include every order only while they are fresh, and are
 * used only when the window starts with its first period (the orders path leaves out the days before it).
 */
export function lostSource(s: KpiScope, cal: Calendar, rollupsFresh: boolean): Source {
  const windows = [s.window, s.prev, cal.before, { from: cal.prior, to: s.window.to }];
  if (!rollupsFresh || cal.first !== s.window.from) return { kind: 'orders' };
  if (monthsCover(s, windows)) return { kind: 'months' };
  const level = dimMonthsLevel(s, windows);
  return level ? { kind: 'dims', level } : { kind: 'orders' };
}

/**
 * lost_customers' periods: the window's first calendar period and the one before it, and the window
 * before the previous one, taken as the previous one was (whole periods, or the same number of days).
 */
export function lostCalendar(window: { from: string; to: string }, prev: { from: string; to: string }, grain: KpiGrain, periods: number): Calendar {
  const first = periodStart(window.from, grain);
  const before = isWhole(window, grain) ? adjacentWindow(prev, grain, periods) : previousDays(prev);
  return { first, prior: shiftPeriods(first, grain, -1), before };
}

/** Periods (byPeriod, window total, previous window's total) of lost_customers. */
export async function lostAggregate(q: Queryable, s: KpiScope, cal: Calendar, rollupsFresh: boolean): Promise<AggParts> {
  if (s.filters.customerType !== undefined) {
    throw new AppError('invalid_argument', 'invalid arguments for kpi_trend: filters.customerType does not apply to lost_customers (a lost customer has no order in the period)');
  }
  const source = lostSource(s, cal, rollupsFresh);
  if (source.kind !== 'orders') {
    const { sql, params } = rollupSql(s, cal, source);
    return fromSegments((await q.query<SegmentRow>(sql, params)).rows, s, cal);
  }
  // ~300k (customer, period) rows a year on the bench shop: with the default 4 MB their grouping and sort spilled to disk
  await q.exec(`SET LOCAL work_mem = '64MB'`);
  const run = async ({ sql, params }: { sql: string; params: unknown[] }) => (await q.query<Agg>(sql, params)).rows;
  // Each period has two rows (its lost customers, and its own orders and customers): merged into one per group.
  const merged = new Map<string, Agg>();
  for (const r of await run(periodSql(s, s.window, cal))) {
    const key = `${r.grp}|${r.bucket}`;
    const m = merged.get(key);
    merged.set(key, m ? { ...m, lost: (m.lost ?? 0) + (r.lost ?? 0), orders: m.orders + r.orders, customers: m.customers + r.customers } : r);
  }
  const byKey = (a: Agg, b: Agg) => `${a.grp}|${a.bucket}`.localeCompare(`${b.grp}|${b.bucket}`);
  const totals = totalsSql(s, cal);
  const rows = (await q.query<Totals>(totals.sql, totals.params)).rows;
  return {
    byPeriod: [...merged.values()].sort(byKey),
    total: rows.filter((r) => r.in_now).map((r) => totalRow(r.grp, r.orders_now, r.customers_now, r.lost_now)),
    prev: rows.filter((r) => r.in_prev).map((r) => totalRow(r.grp, r.orders_prev, r.customers_prev, r.lost_prev)),
  };
}
