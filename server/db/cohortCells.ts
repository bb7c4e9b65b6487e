import type { Queryable } from './types.ts';

/**
 * cohort_cells and customer_cohorts (migration 0013): cohort_retention's cells as a rollup of customer_months by each
 * customer's (cohort, country, main channel). Called by refreshRollups (server/db/rollups.ts) after customer_summary
 * has been refreshed in the same transaction, since cohort and main channel are read from it.
 *
 * Incremental refresh: a cell is a sum of per-customer contributions (1 customer and that customer's revenue in the
 * month), so it is kept exact by moving contributions:
 *  - a customer with new orders whose (cohort, country, main channel) stays the same adds the customer_months delta:
 *    the revenue added to each month, and 1 customer for a month that is new for them (applyMonthDelta; ~10k rows
 *    from the customer_months upsert, plus three primary-key lookups per customer to compare the keys);
 *  - one whose key changed (a back-dated order moved their cohort, new orders changed their main channel, a first
 *    order ever) leaves the old key with their months as they were before the delta and joins the new key with all
 *    their months;
 *  - merged customers (their customer_months are rebuilt, not added to) are taken out before customer_months changes
 *    and put back after (subtractCohortCustomers / addCohortCustomers).
 * Recomputing every touched customer's months both ways instead cost ~1 s of a 10k-order refresh under load.
 */

const UTC_MONTH = (col: string) => `date_trunc('month', ${col} AT TIME ZONE 'UTC')::date`;
/** customer_cohorts' columns from a customer's summary row `s` and customer row `c`. */
const KEY_COLUMNS = `s.customer_id, ${UTC_MONTH('s.first_order_at')}, c.country, s.main_channel`;
/** Current (cohort, country, main channel) of customers $1 that have a summary row. */
const CURRENT_KEYS = `SELECT ${KEY_COLUMNS}
       FROM unnest($1::int8[]) u(id) JOIN customer_summary s ON s.customer_id = u.id JOIN customers c ON c.id = u.id`;

/** Everyone: customer_cohorts from the summary, cells from customer_months (which must be built already). */
export async function buildCohortCells(q: Queryable): Promise<void> {
  await q.exec('DELETE FROM customer_cohorts; DELETE FROM cohort_cells');
  await q.query(
    `INSERT INTO customer_cohorts (customer_id, cohort, country, channel)
     SELECT ${KEY_COLUMNS} FROM customer_summary s JOIN customers c ON c.id = s.customer_id`,
  );
  await q.query(
    `INSERT INTO cohort_cells (cohort, month, country, channel, customers, revenue)
     SELECT k.cohort, m.month, k.country, k.channel, count(*), sum(m.revenue)
       FROM customer_cohorts k JOIN customer_months m ON m.customer_id = k.customer_id
      GROUP BY 1, 2, 3, 4`,
  );
}

/**
 * Add (sign 1) or subtract (sign -1) the contributions of customers $1 as customer_cohorts and customer_months hold
 * them now. The id list drives primary-key lookups through unnest (an `= ANY` list of ~10k ids was planned as scans).
 */
async function applyContributions(q: Queryable, ids: number[], sign: 1 | -1): Promise<void> {
  await q.query(
    `INSERT INTO cohort_cells AS t (cohort, month, country, channel, customers, revenue)
     SELECT k.cohort, m.month, k.country, k.channel, $2::int * count(*), $2::int * sum(m.revenue)
       FROM unnest($1::int8[]) u(id)
       JOIN customer_cohorts k ON k.customer_id = u.id
       JOIN customer_months m ON m.customer_id = u.id
      GROUP BY 1, 2, 3, 4
     ON CONFLICT (cohort, month, country, channel)
     DO UPDATE SET customers = t.customers + excluded.customers, revenue = t.revenue + excluded.revenue`,
    [ids, sign],
  );
}

/** BEFORE customer_months changes: take the (merged) customers' old contributions out. */
export async function subtractCohortCustomers(q: Queryable, ids: number[]): Promise<void> {
  if (ids.length) await applyContributions(q, ids, -1);
}

/**
 * AFTER customer_months is refreshed: record the customers' current (cohort, country, channel) from the summary
 * (customers without a summary row any more, e.g. merged away, drop out) and add their contributions back.
 */
export async function addCohortCustomers(q: Queryable, ids: number[]): Promise<void> {
  if (!ids.length) return;
  await q.query(`DELETE FROM customer_cohorts k USING unnest($1::int8[]) u(id) WHERE k.customer_id = u.id`, [ids]);
  await q.query(`INSERT INTO customer_cohorts (customer_id, cohort, country, channel) ${CURRENT_KEYS}`, [ids]);
  await applyContributions(q, ids, 1);
  await q.query(`DELETE FROM cohort_cells WHERE customers = 0`);
}

/** A (customer, month) pair of the customer_months upsert: revenue added (numeric as text), row new or not. */
export interface MonthDelta {
  customer_id: number;
  period: string;
  inserted: boolean;
  revenue: string;
}

/**
 * Cells after customer_months received `delta` (not merged customers: those go through the subtract/add pair). One
 * statement: `keys` compares each customer's recorded key with the current one; unchanged keys add the delta, changed
 * keys move the customer (old months = current months minus the delta, new pairs excluded), and customer_cohorts
 * takes the changed keys (the keys' lookups are shared: as separate statements they cost ~150 ms more under load).
 */
export async function applyMonthDelta(q: Queryable, delta: MonthDelta[]): Promise<void> {
  if (!delta.length) return;
  const { rows: [{ moved } = { moved: 0 }] } = await q.query<{ moved: number }>(
    `WITH d AS (SELECT * FROM unnest($1::int8[], $2::date[], $3::bool[], $4::numeric[]) d(customer_id, month, inserted, revenue)),
     keys AS MATERIALIZED (
       SELECT i.customer_id, k.customer_id IS NOT NULL AS had, k.cohort AS old_cohort, k.country AS old_country,
              k.channel AS old_channel, s.customer_id IS NOT NULL AS has, ${UTC_MONTH('s.first_order_at')} AS cohort,
              c.country, s.main_channel AS channel
         FROM (SELECT DISTINCT customer_id FROM d ORDER BY 1) i -- id order: neighbouring index pages (2x faster under load)
         LEFT JOIN customer_cohorts k ON k.customer_id = i.customer_id
         LEFT JOIN customer_summary s ON s.customer_id = i.customer_id
         LEFT JOIN customers c ON c.id = i.customer_id),
     same AS (SELECT * FROM keys WHERE had AND has
                AND (old_cohort, old_country, old_channel) IS NOT DISTINCT FROM (cohort, country, channel)),
     moved AS (SELECT * FROM keys WHERE NOT (had AND has
                AND (old_cohort, old_country, old_channel) IS NOT DISTINCT FROM (cohort, country, channel))),
     contributions (cohort, month, country, channel, customers, revenue) AS (
       SELECT k.cohort, d.month, k.country, k.channel, d.inserted::int, d.revenue FROM d JOIN same k USING (customer_id)
       UNION ALL
       SELECT k.old_cohort, m.month, k.old_country, k.old_channel, -1, -(m.revenue - coalesce(d.revenue, 0))
         FROM moved k JOIN customer_months m ON m.customer_id = k.customer_id
         LEFT JOIN d ON d.customer_id = m.customer_id AND d.month = m.month
        WHERE k.had AND NOT coalesce(d.inserted, false)
       UNION ALL
       SELECT k.cohort, m.month, k.country, k.channel, 1, m.revenue
         FROM moved k JOIN customer_months m ON m.customer_id = k.customer_id WHERE k.has),
     cells AS (
       INSERT INTO cohort_cells AS t (cohort, month, country, channel, customers, revenue)
       SELECT cohort, month, country, channel, sum(customers), sum(revenue) FROM contributions GROUP BY 1, 2, 3, 4
       ON CONFLICT (cohort, month, country, channel)
       DO UPDATE SET customers = t.customers + excluded.customers, revenue = t.revenue + excluded.revenue),
     gone AS (DELETE FROM customer_cohorts k USING moved WHERE k.customer_id = moved.customer_id AND NOT moved.has),
     kept AS (
       INSERT INTO customer_cohorts (customer_id, cohort, country, channel)
       SELECT customer_id, cohort, country, channel FROM moved WHERE has
       ON CONFLICT (customer_id) DO UPDATE SET cohort = excluded.cohort, country = excluded.country, channel = excluded.channel)
     SELECT count(*)::int AS moved FROM moved`,
    [delta.map((r) => r.customer_id), delta.map((r) => r.period), delta.map((r) => r.inserted), delta.map((r) => r.revenue)],
  );
  if (moved) await q.query(`DELETE FROM cohort_cells WHERE customers = 0`);
}

/**
 * True when cohort_cells can answer: the rollups hold every order (high-water mark) and customer_summary has not been
 * written since they were refreshed (migration 0012's write log counts every statement that wrote it).
 */
export async function cohortCellsFresh(q: Queryable): Promise<boolean> {
  const { rows } = await q.query<{ fresh: boolean | null }>(
    `SELECT s.orders_through = coalesce((SELECT max(id) FROM orders), 0)
            AND s.summary_writes = (SELECT count(*) FROM customer_summary_writes) AS fresh
       FROM rollup_state s`,
  );
  return rows[0]?.fresh === true;
}
