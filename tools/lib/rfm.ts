/**
 * RFM scoring and the named tiers (docs/metrics.md#rfm-scores-and-tiers). Scores are quintiles by rank among
 * customers with an order as of the date; ties share a score. Tier = grid[R][FM] with FM = round((F + M) / 2).
 */
export const RFM_TIERS = [
  'Champions',
  'Loyal',
  'Potential Loyalist',
  'New',
  'Promising',
  'Need Attention',
  'About to Sleep',
  'At Risk',
  "Can't Lose",
  'Hibernating',
  'Lost',
] as const;
export type RfmTier = (typeof RFM_TIERS)[number];

/** TIER_GRID[R - 1][FM - 1], R and FM in 1..5 (R = 5 most recent). */
const TIER_GRID: readonly (readonly RfmTier[])[] = [
  ['Lost', 'Lost', 'At Risk', 'At Risk', "Can't Lose"], // R = 1
  ['Hibernating', 'Hibernating', 'At Risk', 'At Risk', "Can't Lose"], // R = 2
  ['About to Sleep', 'About to Sleep', 'Need Attention', 'Loyal', 'Loyal'], // R = 3
  ['Promising', 'Potential Loyalist', 'Potential Loyalist', 'Loyal', 'Loyal'], // R = 4
  ['New', 'Potential Loyalist', 'Potential Loyalist', 'Champions', 'Champions'], // R = 5
];

export function fmScore(f: number, m: number): number {
  return Math.floor((f + m) / 2 + 0.5);
}

export function rfmTier(r: number, f: number, m: number): RfmTier {
  const row = TIER_GRID[r - 1];
  const tier = row?.[fmScore(f, m) - 1];
  if (!tier) throw new Error(`RFM scores must be 1–5, got R=${r} F=${f} M=${m}`);
  return tier;
}

/**
 * The same grid as SQL over integer score columns r, f, m (built from constants, never from input): one lookup in the
 * grid flattened row by row, at (R − 1) · 5 + FM with FM = round((F + M) / 2) = (F + M + 1) / 2 in integers. A
 * 25-arm CASE did the FM arithmetic per arm, per row.
 */
export function rfmTierSql(r = 'r', f = 'f', m = 'm'): string {
  const cells = TIER_GRID.flat().map((tier) => `'${tier.replace(/'/g, "''")}'`);
  // FM = ⌊(F + M + 1) / 2⌋ written without relying on integer division: DuckDB's `/` divides as float and its
  // arrays take integer subscripts only, so the bench's DuckDB peer (bench/duckdb.ts) runs this expression as well.
  const fm = `(${f} + ${m} + 1 - (${f} + ${m} + 1) % 2) / 2`;
  return `(ARRAY[${cells.join(', ')}])[((${r} - 1) * 5 + ${fm})::int]`;
}

/**
 * The same quintile score from the dimension's four cut values (SQL expressions, ascending): 1 + #{k : value > cut_k},
 * where cut_k is the ⌈k·n/5⌉-th smallest value (derivation in server/db/rfmScores.ts). Shared by the scoring of the
 * stored values and of past as-of days (tools/lib/rfmCuts.ts).
 */
export const scoreFromCutsSql = (value: string, cuts: readonly string[]) =>
  // The cuts ascend, so v > cut_k implies v > cut_j for every j < k and the count is the highest k passed: a CASE
  // from the top stops at the first comparison that holds (~30% faster per row than adding four casts on Postgres).
  `(CASE ${cuts.map((cut, k) => `WHEN ${value} > ${cut} THEN ${k + 2}`).reverse().join(' ')} ELSE 1 END)`;

/** Quintile score 1..5 from rank() (ties share a rank, so a score); `order` is ascending value → higher score. */
const quintile = (order: string) => `(1 + floor(5.0 * (rank() OVER (ORDER BY ${order}) - 1) / count(*) OVER ()))::int`;

/** First instant of the UTC month of the day after $1: the months before it are whole in customer_months. */
const MONTH_CUT = `date_trunc('month', ($1::date + 1)::timestamp)`;

/**
 * SQL for per-customer RFM as of a date ($1, 'YYYY-MM-DD', inclusive). From customer_summary when the date is on or
 * after the last order in the data (the summary is current); from orders otherwise (`source = 'orders'`), or, for the
 * same past as-of while the rollups are fresh, `source = 'months'`: the whole UTC months before the as-of day's month
 * from customer_months (Σ orders, Σ revenue, latest last_order_at; migration 0013) plus that month's orders up to the
 * day (an ordered_at index range) — the same sums and last order day as the orders scan, from ~⅓ of the rows.
 * Returns customer_id, recency_days, frequency, monetary, r, f, m, tier.
 */
export function rfmSql(source: 'summary' | 'orders' | 'months'): string {
  return `WITH base AS (${rfmBaseSql(source)}),
    scored AS (
      SELECT customer_id, recency_days, frequency, monetary,
             ${quintile('recency_days DESC')} AS r, ${quintile('frequency')} AS f, ${quintile('monetary')} AS m
        FROM base)
    SELECT scored.*, ${rfmTierSql()} AS tier FROM scored`;
}

/** rfmSql's per-customer values before scoring: customer_id, recency_days, frequency, monetary as of $1. */
export function rfmBaseSql(source: 'summary' | 'orders' | 'months'): string {
  return source === 'summary'
    ? `SELECT customer_id, ($1::date - (last_order_at AT TIME ZONE 'UTC')::date) AS recency_days,
              orders AS frequency, revenue AS monetary
         FROM customer_summary WHERE first_order_at < $1::date + 1`
    : source === 'orders'
    ? `SELECT customer_id, ($1::date - max((ordered_at AT TIME ZONE 'UTC')::date)) AS recency_days,
              count(*)::int AS frequency, sum(revenue) AS monetary
         FROM orders WHERE kind = 'order' AND customer_id IS NOT NULL AND ordered_at < $1::date + 1
        GROUP BY customer_id`
    : `SELECT customer_id, ($1::date - max((last_at AT TIME ZONE 'UTC')::date)) AS recency_days,
              sum(orders)::int AS frequency, sum(revenue) AS monetary
         FROM (SELECT customer_id, last_order_at AS last_at, orders, revenue FROM customer_months
                WHERE month < ${MONTH_CUT}::date
               UNION ALL
               SELECT customer_id, ordered_at, 1, revenue FROM orders
                WHERE kind = 'order' AND customer_id IS NOT NULL
                  AND ordered_at >= ${MONTH_CUT} AT TIME ZONE 'UTC' AND ordered_at < ($1::date + 1)::timestamp AT TIME ZONE 'UTC') u
        GROUP BY customer_id`;
}
