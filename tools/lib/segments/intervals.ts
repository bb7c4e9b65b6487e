import { z } from 'zod';
import type { Queryable } from '../../../server/db/index.ts';
import { orderDayGapSql } from '../clv/churnSql.ts';
import type { CompiledSegment } from './compile.ts';
import { rate, round } from './persona.ts';

/**
 * How long a segment's repeat customers take between purchases: each customer's average gap between order days
 * (the purchase_gap of the glossary: days from the first to the last order day ÷ (order days − 1), the same gap
 * churn_risk's inactivity ratio divides by), summarised over the customers as quartiles and mean, and counted in
 * bands for a chart. One statement over the segment's members.
 */

/** Upper bounds (days, inclusive) of the gap bands; the last band is everything above the last bound. */
export const GAP_BANDS = [7, 30, 90, 180, 365] as const;

const days = (what: string) => z.number().nullable().describe(`${what} (days; null without repeat customers)`);

export const intervalsSchema = z
  .object({
    customers: z.number().describe('customers in the segment'),
    repeatCustomers: z.number().describe('of them, customers who ordered on 2 or more days (the only ones with a gap)'),
    repeatShare: z.number().describe('repeatCustomers ÷ customers (0 when the segment is empty)'),
    gapDays: z
      .object({
        median: days('median over repeat customers of their average gap between order days'),
        mean: days('mean of those gaps'),
        p25: days('25th percentile (linear interpolation, as percentile_cont)'),
        p75: days('75th percentile'),
      })
      .describe('purchase_gap over the repeat customers'),
    bands: z
      .array(z.object({
        minDays: z.number().describe('gap above this many days (exclusive; 0 for the first band, which starts at 0)'),
        maxDays: z.number().nullable().describe('gap up to this many days (inclusive); null = no upper bound'),
        customers: z.number().describe('repeat customers whose gap is in the band'),
        share: z.number().describe('share of the repeat customers'),
      }))
      .describe('repeat customers by gap band (over the lower bound, up to the upper): up to 7, 7–30, 30–90, 90–180, 180–365, over 365 days'),
  })
  .describe('time between purchases of the segment’s repeat customers');
export type Intervals = z.infer<typeof intervalsSchema>;

export async function purchaseIntervals(q: Queryable, seg: CompiledSegment): Promise<Intervals> {
  const gap = orderDayGapSql('s.first_day', 's.last_day', 's.order_days');
  const bandCounts = GAP_BANDS.map((max, i) => {
    const min = i === 0 ? null : GAP_BANDS[i - 1]!;
    return `count(*) FILTER (WHERE gap <= ${max}${min === null ? '' : ` AND gap > ${min}`})::int`;
  });
  const { rows } = await q.query<{ customers: number; repeat_customers: number; quartiles: number[] | null; mean: number | null; bands: number[] }>(
    `SELECT count(*)::int AS customers, count(gap)::int AS repeat_customers,
            percentile_cont(ARRAY[0.25, 0.5, 0.75]::float8[]) WITHIN GROUP (ORDER BY gap) AS quartiles,
            avg(gap) AS mean,
            ARRAY[${bandCounts.join(', ')}, count(*) FILTER (WHERE gap > ${GAP_BANDS.at(-1)})::int] AS bands
       FROM (SELECT ${gap} AS gap FROM (${seg.sql}) s) g`,
    seg.params,
  );
  const r = rows[0]!;
  const repeat = r.repeat_customers;
  const [p25, median, p75] = (r.quartiles ?? [null, null, null]).map((v) => (v === null ? null : round(Number(v), 1)));
  return {
    customers: r.customers,
    repeatCustomers: repeat,
    repeatShare: r.customers ? rate(repeat / r.customers) : 0,
    gapDays: { median: median ?? null, mean: r.mean === null ? null : round(Number(r.mean), 1), p25: p25 ?? null, p75: p75 ?? null },
    bands: r.bands.map((n, i) => ({
      minDays: i === 0 ? 0 : GAP_BANDS[i - 1]!,
      maxDays: GAP_BANDS[i] ?? null,
      customers: Number(n),
      share: repeat ? rate(Number(n) / repeat) : 0,
    })),
  };
}
