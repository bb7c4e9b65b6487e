import type { Queryable } from './types.ts';

/**
 * customer_rfm (migrations 0010, 0015): every summary customer's RFM values (last day, order count, revenue) and, in
 * rfm_state, the quintile cut values of the summary as it is now, kept in step by the summary refresh. rfm_analysis
 * and segment filters score the values under those cuts when they read them (tools/lib/rfmCuts.ts storedRfmSql), so a
 * call scans one narrow table instead of ranking ~92k summary rows three times.
 *
 * Why cut values: rfmSql's quintile score of a value v among n values is 1 + floor(5 · c(v) / n), with c(v) = number
 * of values strictly below v (rank() − 1; ties share it). So score(v) ≥ k + 1 ⇔ c(v) ≥ ⌈k·n/5⌉ = m_k ⇔ v > cut_k,
 * where cut_k is the m_k-th smallest value (for a value in the data: at least m_k values are below v exactly when the
 * m_k-th smallest is). Hence score(v) = 1 + #{k ∈ 1..4 : v > cut_k}: four comparisons per dimension, and an import
 * rewrites only the touched customers' values and the twelve cut values. (Until migration 0015 the scores themselves
 * were stored, and every row a moved cut passed had to be rewritten: ~22k of 92k rows after 10k new orders on the
 * bench shop.) R ranks recency_days descending, i.e. last_day ascending; F and M ascending.
 */

interface Cuts { n: number; r: string[]; f: number[]; m: string[] }

const VALUES = `(last_order_at AT TIME ZONE 'UTC')::date AS last_day, orders AS frequency, revenue AS monetary`;

/**
 * The cut values of customer_rfm's `n` rows once they match the summary (narrow rows, the values already converted,
 * e.g. the UTC last day). percentile_disc(p) returns the ⌈p·n⌉-th smallest value; p = (m_k − ½)/n puts p·n halfway
 * between integers, so floating-point error cannot move the ceiling off m_k.
 */
async function cutsOf(q: Queryable, n: number): Promise<Cuts> {
  if (n === 0) return { n, r: [], f: [], m: [] };
  const fractions = [1, 2, 3, 4].map((k) => (Math.ceil((k * n) / 5) - 0.5) / n);
  const { rows: [cuts] } = await q.query<{ r: string[]; f: number[]; m: string[] }>(
    // Text for dates and numerics: the cuts go back into SQL as parameters, exactly as read.
    `SELECT percentile_disc($1::float8[]) WITHIN GROUP (ORDER BY last_day)::text[] AS r,
            percentile_disc($1::float8[]) WITHIN GROUP (ORDER BY frequency) AS f,
            percentile_disc($1::float8[]) WITHIN GROUP (ORDER BY monetary)::text[] AS m
       FROM customer_rfm`,
    [fractions],
  );
  return { n, r: cuts!.r, f: cuts!.f, m: cuts!.m };
}

/**
 * Bring customer_rfm and the cut values in step with customer_summary after the summary rows of `customerIds` (or
 * all) were rewritten, inside the caller's transaction. Returns the rows written. Other summary changes are repaired
 * when they remove rows (merges) or add rows; a summary row changed in place outside refreshCustomerSummary is not
 * seen by an incremental refresh (only summary.ts writes the table).
 */
export async function refreshRfmScores(q: Queryable, customerIds: readonly number[] | 'all'): Promise<number> {
  let written = 0;
  let rows = 0; // customer_rfm's rows at the end: the summary's
  let all = customerIds === 'all';
  if (customerIds !== 'all') {
    // Touched customers left without a summary row lose their values.
    await q.query(
      `DELETE FROM customer_rfm r USING (SELECT DISTINCT unnest($1::int8[]) AS id) t
        WHERE r.customer_id = t.id AND NOT EXISTS (SELECT 1 FROM customer_summary s WHERE s.customer_id = t.id)`,
      [customerIds],
    );
    written += (await q.query(
      // (A join with the id list, not `= ANY`: against a 10k-element array every summary row was compared 10k times.
      // In key order, the upsert walks the primary key and the heap instead of jumping around them.)
      `INSERT INTO customer_rfm (customer_id, last_day, frequency, monetary)
       SELECT s.customer_id, ${VALUES} FROM customer_summary s JOIN (SELECT DISTINCT unnest($1::int8[]) AS id) t ON t.id = s.customer_id
        ORDER BY s.customer_id
       ON CONFLICT (customer_id) DO UPDATE SET last_day = excluded.last_day, frequency = excluded.frequency, monetary = excluded.monetary
       WHERE (customer_rfm.last_day, customer_rfm.frequency, customer_rfm.monetary)
             IS DISTINCT FROM (excluded.last_day, excluded.frequency, excluded.monetary)`,
      [customerIds],
    )).rowCount;
    const count = async () => (await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM customer_rfm`)).rows[0]?.n;
    rows = (await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM customer_summary`)).rows[0]?.n ?? 0;
    if ((await count()) !== rows) {
      // Rows whose summary row went another way: merged-away customers lose theirs by ON DELETE CASCADE.
      await q.query(`DELETE FROM customer_rfm r WHERE NOT EXISTS (SELECT 1 FROM customer_summary s WHERE s.customer_id = r.customer_id)`);
      // Summary rows written without their values (a refresh with `rfm: false`): rebuild instead of patching.
      all = (await count()) !== rows;
    }
  }
  if (all) {
    await q.query(`DELETE FROM customer_rfm WHERE TRUE`);
    written = (await q.query(`INSERT INTO customer_rfm (customer_id, last_day, frequency, monetary) SELECT customer_id, ${VALUES} FROM customer_summary`)).rowCount;
    rows = written;
  }
  const cuts = await cutsOf(q, rows);
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
