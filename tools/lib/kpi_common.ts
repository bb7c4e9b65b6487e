import type { KpiGrain, KpiMetric, KpiScope } from './kpi_sql.ts';
import { addDays, daysBetween } from './clock.ts';
import { rfmTierMembersSql } from './rfmCuts.ts';

/** Pieces the kpi_trend statements share (kpi_sql.ts for orders and rollups, kpi_months.ts for customer_months). */

/** Metrics that are sums over orders (aov = revenue ÷ orders): no customer counts needed. */
export const ADDITIVE: ReadonlySet<KpiMetric> = new Set(['revenue', 'orders', 'returns', 'aov', 'return_rate']);

export const TRUNC: Record<KpiGrain, string> = { day: 'day', week: 'week', month: 'month', quarter: 'quarter', year: 'year' };
/** One period as an SQL interval. */
export const STEP: Record<KpiGrain, string> = { day: '1 day', week: '7 days', month: '1 month', quarter: '3 months', year: '1 year' };
/** Calendar months per period (0: days and weeks are counted in days). */
export const MONTHS: Record<KpiGrain, number> = { day: 0, week: 0, month: 1, quarter: 3, year: 12 };

/** The first day of the period of `date` ('YYYY-MM-DD', UTC); weeks start on Monday (ISO 8601, as date_trunc). */
export function periodStart(date: string, grain: KpiGrain): string {
  const d = new Date(`${date}T00:00:00Z`);
  if (grain === 'day') return date;
  if (grain === 'week') return addDays(date, -((d.getUTCDay() + 6) % 7));
  const month = d.getUTCMonth() - (d.getUTCMonth() % MONTHS[grain]);
  return new Date(Date.UTC(d.getUTCFullYear(), month, 1)).toISOString().slice(0, 10);
}

/** The start of the period `k` periods after (k < 0: before) the period starting on `start`. */
export function shiftPeriods(start: string, grain: KpiGrain, k: number): string {
  if (grain === 'day' || grain === 'week') return addDays(start, k * (grain === 'week' ? 7 : 1));
  const d = new Date(`${start}T00:00:00Z`);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + k * MONTHS[grain], 1)).toISOString().slice(0, 10);
}

/** Whether the window starts and ends on period boundaries. */
export function isWhole(w: { from: string; to: string }, grain: KpiGrain): boolean {
  const next = addDays(w.to, 1);
  return periodStart(w.from, grain) === w.from && periodStart(next, grain) === next;
}
/** The same number of days just before `w`. */
export const previousDays = (w: { from: string; to: string }) => ({ from: addDays(w.from, -(daysBetween(w.from, w.to) + 1)), to: addDays(w.from, -1) });

/**
 * The window just before `w`, adjacent to it: whole periods → the same number of calendar periods before; otherwise
 * the same number of days before (lost_customers needs adjacency: lost = in the window before and not in this one).
 */
export function adjacentWindow(w: { from: string; to: string }, grain: KpiGrain, periods: number) {
  return isWhole(w, grain) ? { from: shiftPeriods(w.from, grain, -periods), to: addDays(w.from, -1) } : previousDays(w);
}

/**
 * The window `w` is compared with: adjacentWindow, except for a period to date — from a period's first day to a day
 * inside it ("this month" on the 14th, "this year" in October) — which is compared with the same part of the period
 * before (month-to-date with the previous month's first 14 days, year-to-date with last year's to the same date), as
 * MTD / QTD / YTD comparisons are made: the days just before it would be the end of the previous period.
 */
export function previousWindow(w: { from: string; to: string }, grain: KpiGrain, periods: number) {
  const toDate = grain !== 'day' && periodStart(w.from, grain) === w.from && w.to < addDays(shiftPeriods(w.from, grain, 1), -1);
  return toDate ? { from: shiftPeriods(w.from, grain, -1), to: sameDayBefore(w.to, grain) } : adjacentWindow(w, grain, periods);
}

/**
 * The same days a year earlier ("year over year", 同比): each end the same day of the month (Feb 29 → Feb 28); a
 * window ending on a month's last day ends on that month's last day a year earlier (February 2025 against all of
 * February 2024, 29 days).
 */
export function yearAgoWindow(w: { from: string; to: string }) {
  const next = addDays(w.to, 1);
  const monthEnd = next.endsWith('-01');
  return { from: sameDayBefore(w.from, 'year'), to: monthEnd ? addDays(`${Number(next.slice(0, 4)) - 1}${next.slice(4)}`, -1) : sameDayBefore(w.to, 'year') };
}

/** The same day one period earlier: the same weekday a week before, else the same day of the month, clamped to its end. */
function sameDayBefore(day: string, grain: KpiGrain): string {
  if (grain === 'week' || grain === 'day') return addDays(day, grain === 'week' ? -7 : -1);
  const d = new Date(`${day}T00:00:00Z`);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - MONTHS[grain] + 1, 0)).getUTCDate();
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - MONTHS[grain], Math.min(d.getUTCDate(), last))).toISOString().slice(0, 10);
}


/** Agg's customer columns on a path that does not count customers (additive metrics: sums of rows). */
export const NO_CUSTOMERS = '0 AS customers, 0 AS new_customers, 0 AS repeaters, 0 AS identified_revenue';

export const UTC = (param: string, plusDays = 0) => `(${param}::date + ${plusDays})::timestamp AT TIME ZONE 'UTC'`;

export const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/** Whether a statement needs the customer's first order (customer_summary as `fs`): new customers, or a customer type. */
export const needsSummary = (s: KpiScope) => s.metric === 'new_customers' || s.filters.customerType !== undefined;

/** Positional parameters of one statement. */
export class Params {
  readonly values: unknown[] = [];
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

/**
 * Conditions of the customer-group filters (tag, RFM tier today, new or returning) on the rows of one statement:
 * `customer` = SQL of the customer id, `at` = SQL of the row's UTC timestamp (an order's time, or a month's first
 * instant), and `fs` = the customer's customer_summary row, joined by the caller when `needsSummary(s)`.
 * New / returning: in a period series relative to each period (new in March = first order ever in March), in a
 * window's total relative to that window (the window, or the previous one for its total).
 */
export function groupConditions(s: KpiScope, w: { from: string; to: string }, byPeriod: boolean, p: Params, cols: { customer: string; at: string }): string[] {
  const out: string[] = [];
  const f = s.filters;
  if (f.tag !== undefined) {
    out.push(`${cols.customer} IN (SELECT ct.customer_id FROM customer_tags ct JOIN tags t ON t.id = ct.tag_id WHERE t.name = ${p.add(f.tag)})`);
  }
  if (f.customerType !== undefined) {
    const period = (ts: string) => `date_trunc('${TRUNC[s.grain]}', ${ts})`;
    if (byPeriod) out.push(`${period(`fs.first_order_at AT TIME ZONE 'UTC'`)} ${f.customerType === 'new' ? '=' : '<'} ${period(cols.at)}`);
    else if (f.customerType === 'new') out.push(`fs.first_order_at >= ${UTC(p.add(w.from))} AND fs.first_order_at < ${UTC(p.add(w.to), 1)}`);
    else out.push(`fs.first_order_at < ${UTC(p.add(w.from))}`);
  }
  if (f.rfmTier !== undefined) {
    if (!s.rfm) throw new Error('an RFM tier filter needs the scope of its scores (KpiScope.rfm)');
    out.push(`${cols.customer} IN (${rfmTierMembersSql(s.rfm.source, `${p.add(s.rfm.asOf)}::date`, `${p.add(f.rfmTier)}::text[]`)})`);
  }
  return out;
}

/** A filter to customers only (guest orders drop out): a tag, an RFM tier, new or returning customers. */
/** A country, channel or category filter (order dimensions, as opposed to the customer-group filters below). */
export const hasDimensionFilter = (s: KpiScope) => s.filters.country !== undefined || s.filters.channel !== undefined || s.filters.category !== undefined;

export const hasGroupFilter = (s: KpiScope) => s.filters.tag !== undefined || s.filters.rfmTier !== undefined || s.filters.customerType !== undefined;
