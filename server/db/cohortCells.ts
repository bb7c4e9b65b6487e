import type { Queryable } from './types.ts';

/**
 * cohort_cells and customer_cohorts (migration 0013): cohort_retention's cells as a rollup of customer_months by each
 * customer's (cohort, country, main channel). Called by refreshRollups (server/db/rollups.ts) after customer_summary
 * has been refreshed in the same transaction, since cohort and main channel are read from it.
 *
 * Incremental refresh: a cell is a sum of per-customer contributions (1 customer and that customer's month revenue),
 * so for the customers whose contribution can change — customers with new orders (new months, revenue, a back-dated
 * first order moving their cohort, a new main channel) and customers of merges — the old contribution (as recorded in
 * customer_cohorts × their customer_months rows before the refresh) is subtracted and the new one added: exact, and
 * proportional to those customers' rows (index lookups), not to the table.
 */

const UTC_MONTH = (col: string) => `date_trunc('month', ${col} AT TIME ZONE 'UTC')::date`;

/** Everyone: customer_cohorts from the summary, cells from customer_months (which must be built already). */
export async function buildCohortCells(q: Queryable): Promise<void> {
  await q.exec('DELETE FROM customer_cohorts; DELETE FROM cohort_cells');
  await q.query(
    `INSERT INTO customer_cohorts (customer_id, cohort, country, channel)
     SELECT s.customer_id, ${UTC_MONTH('s.first_order_at')}, c.country, s.main_channel
       FROM customer_summary s JOIN customers c ON c.id = s.customer_id`,
  );
  await q.query(
    `INSERT INTO cohort_cells (cohort, month, country, channel, customers, revenue)
     SELECT k.cohort, m.month, k.country, k.channel, count(*), sum(m.revenue)
       FROM customer_cohorts k JOIN customer_months m ON m.customer_id = k.customer_id
      GROUP BY 1, 2, 3, 4`,
  );
}

/**
 * Customers whose cells may change: those with new orders (ids in ($1, $2]; returns move nothing: cohort, main
 * channel and customer_months count orders only) plus merge survivors and merged-away customers ($3).
 */
export async function cohortCustomers(q: Queryable, from: number, through: number, merges: number[]): Promise<number[]> {
  const { rows } = await q.query<{ id: string | number }>(
    `SELECT DISTINCT customer_id AS id FROM orders
      WHERE id > $1::int8 AND id <= $2::int8 AND kind = 'order' AND customer_id IS NOT NULL
     UNION SELECT unnest($3::int8[])`,
    [from, through, merges],
  );
  return rows.map((r) => Number(r.id));
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

/** Step 1 of an incremental refresh, BEFORE customer_months changes: take the customers' old contributions out. */
export async function subtractCohortCustomers(q: Queryable, ids: number[]): Promise<void> {
  if (ids.length) await applyContributions(q, ids, -1);
}

/**
 * Step 2, AFTER customer_months is refreshed: record each customer's current (cohort, country, channel) from the
 * summary (customers without a summary row any more, e.g. merged away, drop out) and add their contributions back.
 */
export async function addCohortCustomers(q: Queryable, ids: number[]): Promise<void> {
  if (!ids.length) return;
  await q.query(`DELETE FROM customer_cohorts k USING unnest($1::int8[]) u(id) WHERE k.customer_id = u.id`, [ids]);
  await q.query(
    `INSERT INTO customer_cohorts (customer_id, cohort, country, channel)
     SELECT s.customer_id, ${UTC_MONTH('s.first_order_at')}, c.country, s.main_channel
       FROM unnest($1::int8[]) u(id)
       JOIN customer_summary s ON s.customer_id = u.id
       JOIN customers c ON c.id = u.id`,
    [ids],
  );
  await applyContributions(q, ids, 1);
  await q.query(`DELETE FROM cohort_cells WHERE customers = 0`);
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
