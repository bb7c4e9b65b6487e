import { z } from 'zod';
import type { Queryable } from '../../server/db/index.ts';
import { shiftPeriods } from './kpi_common.ts';
import type { Calendar } from './kpi_lost.ts';
import type { Agg, KpiGrain } from './kpi_sql.ts';

/**
 * Churn rates per period and where lost_customers is understated, for kpi_trend. A customer is lost to a period when
 * they ordered in the period before and not in it (kpi_lost.ts), so the count needs the period before to be loaded:
 * before the first order nobody is known, and a period whose period before starts earlier loses only the customers
 * seen since (the first loaded period "loses" nobody). Churn rate of a period = its lost customers ÷ the customers who
 * ordered in the period before (docs/metrics.md churn_rate).
 */

export const churnSchema = z
  .object({
    rate: z.number().describe('churn_rate: lost customers ÷ previousCustomers (0..1)'),
    previousCustomers: z.number().describe('customers with an order in the period (or window) before'),
  })
  .nullable();

export const lostCoverageSchema = z
  .object({
    ordersFrom: z.string().describe('first day with an order (any customer, any filter)'),
    window: z.boolean().describe('true: the window total is understated, the previous window (whose customers it counts as lost) starts before ordersFrom'),
    previous: z.boolean().describe('true: the previous window’s total is understated, the window before it starts before ordersFrom: no fair comparison'),
    periods: z.array(z.string()).describe('periods of the series whose period before starts before ordersFrom: understated, left out of best and worst'),
  })
  .nullable()
  .describe('lost_customers only: which values count lost customers from a period before the first loaded order (understated); null for other metrics or without orders');
export type LostCoverage = z.infer<typeof lostCoverageSchema>;

/** The churn rate of `lost` customers out of the `base` who ordered in the period before (null when nobody did). */
export function churnOf(lost: number, base: number): z.infer<typeof churnSchema> {
  return base > 0 ? { rate: Math.round((lost / base) * 10_000) / 10_000, previousCustomers: base } : null;
}

/** Each period's churn rate: its lost customers over the customers of the period before (the first: `cal.prior`'s row). */
export function churnByPeriod(periods: readonly string[], rows: readonly Agg[], prior: string): z.infer<typeof churnSchema>[] {
  const byPeriod = new Map(rows.map((r) => [r.bucket, r]));
  return periods.map((period, i) => churnOf(byPeriod.get(period)?.lost ?? 0, byPeriod.get(i === 0 ? prior : periods[i - 1]!)?.customers ?? 0));
}

/** The first order day, and which of the window's lost counts reach back before it. */
export async function lostCoverage(
  q: Queryable, grain: KpiGrain, periods: readonly string[], prev: { from: string }, cal: Calendar,
): Promise<LostCoverage> {
  // orders_ordered_at_idx: the first order row in time order, not a scan
  const { rows } = await q.query<{ first: string | null }>(
    `SELECT (min(ordered_at) AT TIME ZONE 'UTC')::date::text AS first FROM orders WHERE kind = 'order'`,
  );
  const first = rows[0]?.first;
  if (!first) return null;
  return {
    ordersFrom: first,
    window: prev.from < first,
    previous: cal.before.from < first,
    periods: periods.filter((p) => shiftPeriods(p, grain, -1) < first),
  };
}
