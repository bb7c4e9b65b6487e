import { rfmTierSql, scoreFromCutsSql } from '../../tools/lib/rfm.ts';
import type { Queryable } from './types.ts';

/**
 * customer_rfm (migration 0010): every summary customer's RFM scores and tier, kept in step by the summary refresh, so
 * rfm_analysis aggregates a stored column instead of ranking ~92k customers three times per call.
 *
 * Scores without ranking every row again. rfmSql's quintile score of a value v among n values is
 * 1 + floor(5 · c(v) / n), with c(v) = number of values strictly below v (rank() − 1; ties share it). So
 * score(v) ≥ k + 1 ⇔ c(v) ≥ ⌈k·n/5⌉ = m_k ⇔ v > cut_k, where cut_k is the m_k-th smallest value (for a value in the
 * data: at least m_k values are below v exactly when the m_k-th smallest is). Hence
 *   score(v) = 1 + #{k ∈ 1..4 : v > cut_k}
 * with four cut values per dimension: one sort each, no window functions, and after an import only the rows whose
 * scores moved are rewritten. R ranks recency_days descending, i.e. last_day ascending; F and M ascending.
 */

interface Cuts { n: number; r: string[]; f: number[]; m: string[] }

const VALUES = `(last_order_at AT TIME ZONE 'UTC')::date AS last_day, orders AS frequency, revenue AS monetary`;

/**
 * The cut values of the summary as it is now. percentile_disc(p) returns the ⌈p·n⌉-th smallest value; p = (m_k − ½)/n
 * puts p·n halfway between integers, so floating-point error cannot move the ceiling off m_k.
 */
async function cutsOf(q: Queryable): Promise<Cuts> {
  const { rows: [count] } = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM customer_summary`);
  const n = count?.n ?? 0;
  if (n === 0) return { n, r: [], f: [], m: [] };
  const fractions = [1, 2, 3, 4].map((k) => (Math.ceil((k * n) / 5) - 0.5) / n);
  const { rows: [cuts] } = await q.query<{ r: string[]; f: number[]; m: string[] }>(
    // Text for dates and numerics: the cuts go back into SQL as parameters, exactly as read.
    `SELECT percentile_disc($1::float8[]) WITHIN GROUP (ORDER BY last_day)::text[] AS r,
            percentile_disc($1::float8[]) WITHIN GROUP (ORDER BY frequency) AS f,
            percentile_disc($1::float8[]) WITHIN GROUP (ORDER BY monetary)::text[] AS m
       FROM (SELECT ${VALUES} FROM customer_summary) s`,
    [fractions],
  );
  return { n, r: cuts!.r, f: cuts!.f, m: cuts!.m };
}

/**
 * score(v) as SQL over column `col`, its four cuts in the scalar parameters $first..$first+3 (scalars, not one array
 * parameter: PGlite evaluated the array subscripts per row, ~4x the cost of the comparisons).
 */
const score = (col: string, first: number, type: string) => scoreFromCutsSql(col, [0, 1, 2, 3].map((k) => `$${first + k}::${type}`));
const SCORES = `${score('last_day', 1, 'date')} AS r, ${score('frequency', 5, 'int')} AS f, ${score('monetary', 9, 'numeric')} AS m`;

/** Summary rows (all, or those of the customer ids in $13) with their scores and tier under the cuts $1–$12. */
const scoredSummary = (some: boolean) => `
  SELECT customer_id, last_day, frequency, monetary, r, f, m, ${rfmTierSql()} AS tier
    FROM (SELECT customer_id, last_day, frequency, monetary, ${SCORES}
            FROM (SELECT s.customer_id, ${VALUES} FROM customer_summary s
                  ${some ? 'JOIN (SELECT DISTINCT unnest($13::int8[]) AS id) t ON t.id = s.customer_id' : ''}) s) v`;

/**
 * Rows whose scores can differ under the cuts `next` from those under `prev`, as a condition on `col` with the
 * parameters it needs (numbered from `first`). (v > old_k) ≠ (v > new_k) exactly when v lies in
 * (min(old_k, new_k), max(old_k, new_k)], so a row outside every such interval keeps its scores.
 */
function movedPast(col: string, type: string, prev: string[], next: string[], first: number) {
  const terms: string[] = [];
  const params: string[] = [];
  prev.forEach((old, k) => {
    if (old === next[k]) return;
    const [a, b] = [first + params.length, first + params.length + 1];
    terms.push(`(${col} > least($${a}::${type}, $${b}::${type}) AND ${col} <= greatest($${a}::${type}, $${b}::${type}))`);
    params.push(old, next[k]!);
  });
  return { terms, params };
}

interface StoredCuts { r: string[] | null; f: string[] | null; m: string[] | null }

/**
 * Bring customer_rfm in step with customer_summary after the summary rows of `customerIds` (or all) were rewritten,
 * inside the caller's transaction. Returns the rows written. Other summary changes are repaired when they remove
 * rows (merges) or add rows; a summary row changed in place outside refreshCustomerSummary is not seen by an
 * incremental refresh (only summary.ts writes the table).
 *
 * Incremental: the touched customers are scored under the new cuts; everyone else keeps their values, so their scores
 * change only where a cut moved past them. Every row's scores are those under the cuts stored in rfm_state (each
 * refresh leaves it so), hence only rows between an old and a new cut value are read and rescored (one pass over the
 * narrow table with a range filter; rescoring every row took 1–2 s of the bench refresh). No stored cuts (a database
 * migrated with scores): every row is rescored once.
 */
export async function refreshRfmScores(q: Queryable, customerIds: readonly number[] | 'all'): Promise<number> {
  const cuts = await cutsOf(q);
  const params = [...cuts.r, ...cuts.f, ...cuts.m];
  let written = 0;
  let all = customerIds === 'all';
  if (customerIds !== 'all') {
    // Touched customers left without a summary row lose their scores.
    await q.query(
      `DELETE FROM customer_rfm r USING (SELECT DISTINCT unnest($1::int8[]) AS id) t
        WHERE r.customer_id = t.id AND NOT EXISTS (SELECT 1 FROM customer_summary s WHERE s.customer_id = t.id)`,
      [customerIds],
    );
    if (cuts.n) {
      written += (await q.query(
        // (A join with the id list, not `= ANY`: against a 10k-element array every summary row was compared 10k times.)
        `INSERT INTO customer_rfm ${scoredSummary(true)}
         ON CONFLICT (customer_id) DO UPDATE SET last_day = excluded.last_day, frequency = excluded.frequency,
           monetary = excluded.monetary, r = excluded.r, f = excluded.f, m = excluded.m, tier = excluded.tier
         WHERE (customer_rfm.last_day, customer_rfm.frequency, customer_rfm.monetary, customer_rfm.r, customer_rfm.f, customer_rfm.m)
               IS DISTINCT FROM (excluded.last_day, excluded.frequency, excluded.monetary, excluded.r, excluded.f, excluded.m)`,
        [...params, customerIds],
      )).rowCount;
    }
    const count = async () => (await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM customer_rfm`)).rows[0]?.n;
    if ((await count()) !== cuts.n) {
      // Rows whose summary row went another way: merged-away customers lose theirs by ON DELETE CASCADE.
      await q.query(`DELETE FROM customer_rfm r WHERE NOT EXISTS (SELECT 1 FROM customer_summary s WHERE s.customer_id = r.customer_id)`);
      // Summary rows written without their scores (a refresh with `rfm: false`): rebuild instead of patching.
      all = (await count()) !== cuts.n;
    }
  }
  if (all) {
    await q.query(`DELETE FROM customer_rfm WHERE TRUE`);
    written = cuts.n ? (await q.query(`INSERT INTO customer_rfm ${scoredSummary(false)}`, params)).rowCount : 0;
  } else if (cuts.n) {
    const { rows: [prev] } = await q.query<StoredCuts>(
      `SELECT r_cuts::text[] AS r, f_cuts::text[] AS f, m_cuts::text[] AS m FROM rfm_state`,
    );
    let where = 'TRUE';
    const extra: string[] = [];
    if (prev?.r?.length === 4 && prev.f?.length === 4 && prev.m?.length === 4) {
      const terms: string[] = [];
      for (const [col, type, old, next] of [
        ['last_day', 'date', prev.r, cuts.r], ['frequency', 'int', prev.f, cuts.f.map(String)], ['monetary', 'numeric', prev.m, cuts.m],
      ] as const) {
        const moved = movedPast(col, type, old, next, params.length + extra.length + 1);
        terms.push(...moved.terms);
        extra.push(...moved.params);
      }
      where = terms.length ? terms.join(' OR ') : 'FALSE';
    }
    if (where !== 'FALSE') {
      written += (await q.query(
        `UPDATE customer_rfm t SET r = x.r, f = x.f, m = x.m, tier = ${rfmTierSql('x.r', 'x.f', 'x.m')}
           FROM (SELECT customer_id, r AS old_r, f AS old_f, m AS old_m, ${SCORES} FROM customer_rfm WHERE ${where}) x
          WHERE x.customer_id = t.customer_id AND (x.old_r, x.old_f, x.old_m) IS DISTINCT FROM (x.r, x.f, x.m)`,
        [...params, ...extra],
      )).rowCount;
    }
  }
  await q.query(
    `UPDATE rfm_state SET fresh = true, customers = $1, refreshed_at = now(),
            r_cuts = $2::date[], f_cuts = $3::int[], m_cuts = $4::numeric[]`,
    [cuts.n, cuts.n ? cuts.r : null, cuts.n ? cuts.f : null, cuts.n ? cuts.m : null],
  );
  return written;
}

/** True when customer_rfm matches customer_summary (no summary write since the last refreshRfmScores). */
export async function rfmScoresFresh(q: Queryable): Promise<boolean> {
  const { rows } = await q.query<{ fresh: boolean }>(`SELECT fresh FROM rfm_state`);
  return rows[0]?.fresh === true;
}
