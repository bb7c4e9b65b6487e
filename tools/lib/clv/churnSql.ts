/**
 * churn_risk's rules as one SQL statement, so only the counts, sums and the listed customers leave the database
 * (before, ~90k rows were decoded and judged in JavaScript: seconds on PGlite). The rules are those of
 * tools/churn_risk.ts; churnSql.int.test.ts compares this statement with the rules written out in JavaScript.
 *
 * P(alive) is the BG/NBD closed form (Fader, Hardie & Lee 2005, appendix; note 021 "Computing P(alive) Using the
 * BG/NBD Model"): 1 / (1 + δ_{x>0} · a/(b+x−1) · ((α+T)/(α+t_x))^{r+x}), as a logistic function of the log-odds
 * (bgnbd.ts: bgnbdProbabilityAlive), with x = order days − 1, t_x and T in weeks from the first order day: the
 * calibration that loadCalibration builds for churn_risk (merged same-day orders, weeks, up to asOf).
 */
import type { Queryable } from '../../../server/db/index.ts';
import type { BgNbdParams } from './bgnbd.ts';
import type { CompiledSegment } from '../segments/compile.ts';
import { inSegmentSql } from '../segments/embed.ts';

/**
 * A customer's own average gap in days, the divisor of inactivity_ratio (docs/metrics.md), for churn_risk and for
 * customer_segments' churnRisk filter alike: measured between order days, as BG/NBD counts same-day orders as one
 * transaction (a burst of orders within hours is one purchase occasion, not a rhythm of hours, which made ratios of
 * 100 after a few quiet weeks). NULL below 2 order days; 2+ order days mean last day > first day.
 */
export function orderDayGapSql(firstDay: string, lastDay: string, orderDays: string): string {
  return `CASE WHEN ${orderDays} >= 2 THEN (${lastDay} - ${firstDay})::float8 / (${orderDays} - 1) END`;
}

const COLUMNS = `customer_id AS id, (last_order_at AT TIME ZONE 'UTC')::date AS last_day,
  $1::date - (last_order_at AT TIME ZONE 'UTC')::date AS "daysSince",
  $1::date - (first_order_at AT TIME ZONE 'UTC')::date AS "tenureDays",
  orders, order_days AS "orderDays", revenue,
  ${orderDayGapSql(`(first_order_at AT TIME ZONE 'UTC')::date`, `(last_order_at AT TIME ZONE 'UTC')::date`, 'order_days')} AS "avgGap"`;

/**
 * One row per customer with an order on or before asOf: from customer_summary when it is current for asOf, otherwise
 * the same columns aggregated from orders up to asOf. (Customers are not joined: orders and customer_summary
 * reference them, and only the listed customers' country and contact details are read, by the tool.)
 */
export function churnBaseSql(fromSummary: boolean): string {
  const source = fromSummary
    ? 'customer_summary'
    : `(SELECT customer_id, min(ordered_at) AS first_order_at, max(ordered_at) AS last_order_at, count(*)::int AS orders,
               count(DISTINCT (ordered_at AT TIME ZONE 'UTC')::date)::int AS order_days, sum(revenue) AS revenue
          FROM orders WHERE kind = 'order' AND customer_id IS NOT NULL AND ordered_at < ($1::date + 1)::timestamp AT TIME ZONE 'UTC'
         GROUP BY customer_id) s`;
  return `SELECT ${COLUMNS} FROM ${source}`;
}

// exp() above ~709.78 overflows float8 and Postgres raises an error where JavaScript gives Infinity (P(alive) = 0);
// below −700, 1 + exp() is 1 in float8 either way, and Postgres would raise an underflow error.
const LOG_ODDS = `CASE WHEN $5::float8 IS NOT NULL AND "orderDays" >= 2 THEN
  ln($7::float8 / ($8::float8 + ("orderDays" - 1) - 1))
  + ($5::float8 + ("orderDays" - 1)) * ln(($6::float8 + "tenureDays"::float8 / 7) / ($6::float8 + ("tenureDays" - "daysSince")::float8 / 7)) END`;
const P_ALIVE = `CASE WHEN $5::float8 IS NULL THEN NULL WHEN "orderDays" = 1 THEN 1::float8 WHEN log_odds > 709 THEN 0::float8
  ELSE 1 / (1 + exp(greatest(log_odds, -700))) END`;

/**
 * $1 asOf, $2 ratioThreshold, $3 singleOrderDays (null = 2 × the median repeat gap), $4 pAliveThreshold,
 * $5..$8 BG/NBD r, α, a, b (null: no model), $9 match, $10 limit.
 * The median of the repeat customers' average gaps is the middle value, or the mean of the two middle values.
 * revenue_at_stake = revenue ÷ max(1, tenure in years of 365.25 days), in float8 as JavaScript computes it.
 */
function statement(fromSummary: boolean, inSegment: string | null): string {
  // The summary is read twice (median, then the rules) rather than materialized; aggregated orders are computed once.
  return `WITH base AS ${fromSummary ? 'NOT MATERIALIZED' : 'MATERIALIZED'} (${churnBaseSql(fromSummary)}),
  -- Lower and upper middle values: percentile_disc(0.5) takes the ceil(n/2)-th value, ascending and descending.
  med AS (SELECT (percentile_disc(0.5) WITHIN GROUP (ORDER BY "avgGap") + percentile_disc(0.5) WITHIN GROUP (ORDER BY "avgGap" DESC)) / 2 AS median
            FROM base WHERE "orderDays" >= 2),
  th AS (SELECT median, coalesce($3::float8, 2 * median) AS single_days, ceil($2::float8 * median)::int AS win_back_days FROM med),
  -- OFFSET 0 keeps each step a subquery of its own: flattened, every use of a computed column would repeat its
  -- expression (P(alive)'s logarithms ran ~6 times per customer).
  -- a segment restricts who is judged and listed; the shop's rhythm (the median above) and the model stay everyone's
  odds AS (SELECT b.*, ${LOG_ODDS} AS log_odds FROM base b ${inSegment ? `WHERE ${inSegment}` : ''} OFFSET 0),
  scored AS (
    SELECT o.*, CASE WHEN "orderDays" >= 2 THEN "daysSince" / "avgGap" END AS ratio,
           ${P_ALIVE} AS "pAlive",
           revenue::float8 / greatest(1, "tenureDays"::float8 / 365.25::float8) AS stake
      FROM odds o OFFSET 0),
  flagged AS (
    SELECT s.*, coalesce(ratio >= $2::float8, false) AS inactive_gap,
           ("orderDays" = 1 AND th.single_days IS NOT NULL AND "daysSince" >= th.single_days) AS inactive_single,
           coalesce("pAlive" < $4::float8, false) AS low_p, (s.orders >= 2 AND "daysSince" >= th.win_back_days) AS win_back
      FROM scored s CROSS JOIN th OFFSET 0),
  judged AS MATERIALIZED (
    SELECT id, last_day, "daysSince", orders, revenue, ratio, "pAlive", stake, inactive_gap, inactive_single, low_p, win_back,
           inactive_gap OR inactive_single AS inactive, low_p AND (inactive_gap OR inactive_single) AS both_rules,
           CASE WHEN $9::text = 'all' THEN low_p AND (inactive_gap OR inactive_single) ELSE inactive_gap OR inactive_single OR low_p END AS at_risk
      FROM flagged)
  SELECT (SELECT median FROM th) AS median, (SELECT single_days FROM th) AS "singleOrderDays",
         to_char($1::date - (SELECT win_back_days FROM th), 'YYYY-MM-DD') AS "lastOrderTo",
         count(*)::int AS customers, (count(*) FILTER (WHERE inactive_gap))::int AS "inactiveRepeat",
         (count(*) FILTER (WHERE inactive_single))::int AS "inactiveSingleOrder", (count(*) FILTER (WHERE low_p))::int AS "lowPAlive",
         (count(*) FILTER (WHERE both_rules))::int AS both, (count(*) FILTER (WHERE at_risk))::int AS "atRisk",
         (count(*) FILTER (WHERE win_back))::int AS "winBackSize",
         coalesce(sum(stake) FILTER (WHERE inactive), 0) AS "stakeInactivity", coalesce(sum(stake) FILTER (WHERE low_p), 0) AS "stakeLowPAlive",
         coalesce(sum(stake) FILTER (WHERE at_risk), 0) AS "stakeAtRisk",
         (SELECT coalesce(json_agg(l ORDER BY l.stake DESC, l.id), '[]'::json) FROM (
            SELECT id, to_char(last_day, 'YYYY-MM-DD') AS last, "daysSince", orders, revenue, ratio, "pAlive", stake,
                   inactive_gap, inactive_single, low_p
              FROM judged WHERE at_risk ORDER BY stake DESC, id LIMIT $10::int) l) AS listed
    FROM judged`;
}

export interface ChurnListed {
  id: number;
  last: string;
  daysSince: number;
  orders: number;
  revenue: number;
  ratio: number | null;
  pAlive: number | null;
  stake: number;
  inactive_gap: boolean;
  inactive_single: boolean;
  low_p: boolean;
}

export interface ChurnStats {
  median: number | null;
  singleOrderDays: number | null;
  lastOrderTo: string | null;
  customers: number;
  inactiveRepeat: number;
  inactiveSingleOrder: number;
  lowPAlive: number;
  both: number;
  atRisk: number;
  winBackSize: number;
  stakeInactivity: number;
  stakeLowPAlive: number;
  stakeAtRisk: number;
  listed: ChurnListed[];
}

export interface ChurnQueryArgs {
  asOf: string;
  ratioThreshold: number;
  singleOrderDays?: number | undefined;
  pAliveThreshold: number;
  match: 'any' | 'all';
  limit: number;
}

/**
 * Counts, sums, thresholds and the listed at-risk customers (highest stake first, ties by id) in one statement; with
 * `segment` (a compiled customer_segments filter) only its members are judged.
 */
export async function judgeChurn(
  q: Queryable, fromSummary: boolean, args: ChurnQueryArgs, model: BgNbdParams | null, segment?: Pick<CompiledSegment, 'sql' | 'params'>,
): Promise<ChurnStats> {
  const params: unknown[] = [
    args.asOf, args.ratioThreshold, args.singleOrderDays ?? null, args.pAliveThreshold,
    model?.r ?? null, model?.alpha ?? null, model?.a ?? null, model?.b ?? null, args.match, args.limit,
  ];
  const inSegment = segment ? inSegmentSql(segment, 'b.id', params) : null;
  const { rows } = await q.query<ChurnStats>(statement(fromSummary, inSegment), params);
  const s = rows[0]!;
  return {
    ...s,
    stakeInactivity: Number(s.stakeInactivity),
    stakeLowPAlive: Number(s.stakeLowPAlive),
    stakeAtRisk: Number(s.stakeAtRisk),
    listed: s.listed.map((l) => ({ ...l, id: Number(l.id), revenue: Number(l.revenue) })),
  };
}
