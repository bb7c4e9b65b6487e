import { rfmSql, rfmTierSql, scoreFromCutsSql } from './rfm.ts';

/**
 * rfmSql's scores and tiers from four cut values per dimension instead of three rank() windows — the same numbers.
 * rfmSql's quintile score of a value v among n values is 1 + floor(5 · c(v) / n), c(v) = values strictly below v
 * (rank() − 1; ties share it), so score(v) ≥ k + 1 ⇔ c(v) ≥ ⌈k·n/5⌉ = m_k ⇔ v > cut_k, the m_k-th smallest value:
 * score(v) = 1 + #{k ∈ 1..4 : v > cut_k} (the derivation server/db/rfmScores.ts stores the summary's scores by).
 * percentile_disc(p) returns the ⌈p·n⌉-th smallest value; p = (m_k − ½)/n keeps floating-point error off the ceiling.
 * R ranks recency_days descending, i.e. −recency_days ascending.
 *
 * Why: rfm_analysis with a past as-of on the bench shop (63k customers as of 2024-06-30) spent more in the three
 * window sorts (each carrying whole rows) and the 25-arm tier CASE rfmSql then had (numeric arithmetic per arm, per
 * row) than in reading the values. Here each cut sorts one column, scores are four comparisons, the tier is one array
 * lookup (rfmTierSql, now rfmSql's too), and `scored` is MATERIALIZED so the tier does not re-evaluate the score
 * expressions (a flattened subquery would inline them into the lookup). Measured on Postgres at load ~11: 1.3 s vs
 * 1.9 s for the window version, same rows.
 *
 * `base` returns customer_id, recency_days, frequency, monetary; the result has rfmSql's columns.
 */

const FRACTIONS = `ARRAY[${[1, 2, 3, 4].map((k) => `(ceil(${k} * n.n / 5.0) - 0.5) / n.n`).join(', ')}]::float8[]`;
/** Cut columns as scalars (r1..r4, …), not array subscripts per row: PGlite evaluated those per row (rfmScores.ts). */
const SCALARS = ['r', 'f', 'm'].flatMap((d) => [1, 2, 3, 4].map((k) => `${d}[${k}] AS ${d}${k}`)).join(', ');
/** Rows of `scored` (a CTE name or a subquery) with their tier. */
const tiered = (scored: string) => `SELECT scored.*, ${rfmTierSql()} AS tier FROM ${scored}`;
const score = (value: string, dim: string) => scoreFromCutsSql(value, [1, 2, 3, 4].map((k) => `c.${dim}${k}`));

export function rfmByCutsSql(base: string): string {
  return `WITH base AS MATERIALIZED (${base}),
    cuts AS (
      SELECT ${SCALARS} FROM (
        SELECT percentile_disc(${FRACTIONS}) WITHIN GROUP (ORDER BY -recency_days) AS r,
               percentile_disc(${FRACTIONS}) WITHIN GROUP (ORDER BY frequency) AS f,
               percentile_disc(${FRACTIONS}) WITHIN GROUP (ORDER BY monetary) AS m
          FROM base, (SELECT greatest(count(*), 1)::numeric AS n FROM base) n GROUP BY n.n) x),
    scored AS MATERIALIZED (
      SELECT b.customer_id, b.recency_days, b.frequency, b.monetary,
             ${score('-b.recency_days', 'r')} AS r, ${score('b.frequency', 'f')} AS f, ${score('b.monetary', 'm')} AS m
        FROM base b CROSS JOIN cuts c)
    ${tiered('scored')}`;
}

/**
 * The scores of customer_rfm's values (server/db/rfmScores.ts) under the cut values stored with them in rfm_state:
 * rfmSql('summary')'s rows for any as-of day on or after the last order, without sorting for the cuts again (R by
 * last_day ascending, which is recency_days descending). `asOf`: SQL of the as-of date, for recency_days only.
 */
export function storedRfmSql(asOf: string, order = ''): string {
  // OFFSET 0 keeps `scored` a subquery of its own (scores computed once per row, as MATERIALIZED would) without
  // writing its ~92k rows to a tuplestore: callers materialize the result themselves.
  return `WITH cuts AS (SELECT ${SCALARS} FROM (SELECT r_cuts AS r, f_cuts AS f, m_cuts AS m FROM rfm_state) x)
    ${tiered(`(
      SELECT v.customer_id, ${asOf} - v.last_day AS recency_days, v.frequency, v.monetary,
             ${score('v.last_day', 'r')} AS r, ${score('v.frequency', 'f')} AS f, ${score('v.monetary', 'm')} AS m
        FROM customer_rfm v CROSS JOIN cuts c ${order} OFFSET 0) scored`)}`;
}

/**
 * The first `limit` customers of one tier by monetary (highest first, then id): storedRfmSql's rows in the order of
 * customer_rfm_monetary_idx (migration 0015), so the scan stops after `limit` matches instead of scoring everyone.
 */
export function storedRfmTierSql(asOf: string, tier: string, limit: string): string {
  return `SELECT * FROM (${storedRfmSql(asOf, 'ORDER BY v.monetary DESC, v.customer_id')}) t WHERE t.tier = ${tier}::text LIMIT ${limit}::int`;
}

/**
 * Ids of the customers in some RFM tiers as of `asOf` (SQL of a date): from the stored scores when they are fresh
 * (`source = 'stored'`: the same tiers rfmSql('summary') gives for any day on or after the last order), else ranked
 * by rfmSql from the summary or from the orders. `tiers` is SQL of a text[]. rfmSql reads its date as $1::date; it is
 * given `asOf` instead, so the subquery can sit in a statement whose $1 is something else.
 */
export function rfmTierMembersSql(source: 'stored' | 'summary' | 'orders', asOf: string, tiers: string): string {
  return `SELECT rfm.customer_id FROM (${rankedRfmSql(source, asOf)}) rfm WHERE rfm.tier = ANY(${tiers})`;
}

/** Every customer's RFM row (rfmSql's columns, tier included) as of `asOf` (SQL of a date), from `source` as above. */
export function rankedRfmSql(source: 'stored' | 'summary' | 'orders', asOf: string): string {
  return source === 'stored' ? storedRfmSql(asOf) : rfmSql(source).replaceAll('$1::date', asOf);
}
