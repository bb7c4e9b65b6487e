import { rebuildOrderSums } from './orderSums.ts';
import { refreshRfmScores } from './rfmScores.ts';
import { DELTA_SQL, RECOMPUTE_SQL } from './summaryRefresh.ts';
import type { Queryable } from './types.ts';

/**
 * The summary columns from the orders in CTE `o` (customer_id, ordered_at, revenue, kind, channel, day) and the
 * main category from CTE `cat`: the full build. The incremental refresh (summaryRefresh.ts) computes the same columns
 * other ways (kept per-customer sums plus new orders, or all of a customer's orders at once); the tests compare them.
 */
const SUMMARY_SELECT = `
     , days AS (
       SELECT customer_id, day, sum(revenue) AS revenue,
              row_number() OVER (PARTITION BY customer_id ORDER BY day) AS n
         FROM o WHERE kind = 'order' GROUP BY customer_id, day
     )
     INSERT INTO customer_summary (customer_id, first_order_at, last_order_at, orders, order_days, revenue,
                                   first_day_revenue, avg_gap_days, returns, main_channel, main_category)
     SELECT a.customer_id, a.first_order_at, a.last_order_at, a.orders, d.order_days, a.revenue, d.first_day_revenue,
            CASE WHEN a.orders > 1
                 THEN extract(epoch FROM a.last_order_at - a.first_order_at) / 86400.0 / (a.orders - 1) END,
            a.returns, a.main_channel, cat.category
       FROM (SELECT customer_id, min(ordered_at) FILTER (WHERE kind = 'order') AS first_order_at,
                    max(ordered_at) FILTER (WHERE kind = 'order') AS last_order_at,
                    count(*) FILTER (WHERE kind = 'order')::int AS orders,
                    coalesce(sum(revenue) FILTER (WHERE kind = 'order'), 0) AS revenue,
                    count(*) FILTER (WHERE kind = 'return')::int AS returns,
                    mode() WITHIN GROUP (ORDER BY channel) FILTER (WHERE kind = 'order') AS main_channel
               FROM o GROUP BY customer_id) a
       JOIN (SELECT customer_id, count(*)::int AS order_days, sum(revenue) FILTER (WHERE n = 1) AS first_day_revenue
               FROM days GROUP BY customer_id) d ON d.customer_id = a.customer_id
       LEFT JOIN cat ON cat.customer_id = a.customer_id
      WHERE a.orders > 0`;

/** Category with the most revenue per customer (ties: first by name), over every order line. */
const CAT = `cat AS (
       SELECT DISTINCT ON (ord.customer_id) ord.customer_id, l.category
         FROM orders ord JOIN order_lines l ON l.order_id = ord.id
        WHERE ord.kind = 'order' AND l.category IS NOT NULL AND ord.customer_id IS NOT NULL
        GROUP BY ord.customer_id, l.category
        ORDER BY ord.customer_id, sum(l.amount) DESC, l.category
     )`;

/** Every customer: two scans (orders, order lines ⋈ orders). Portable SQL: bench/duckdb.ts runs it too. */
const FULL_SQL = `WITH o AS (
       SELECT customer_id, ordered_at, revenue, kind, channel, (ordered_at AT TIME ZONE 'UTC')::date AS day
         FROM orders WHERE customer_id IS NOT NULL
     ), ${CAT}${SUMMARY_SELECT}`;

/**
 * Recompute customer_summary for some customers (or all). Incremental on import: only the customers whose orders
 * changed are recomputed, so a 10k-order import touches a few thousand summary rows, not the whole table.
 * Customers left without orders lose their row. Then the stored RFM scores follow (server/db/rfmScores.ts);
 * `rfm: false` skips them and, in a full build, the category sums: tables bench/duckdb.ts does not have (it runs the
 * full build's SQL on DuckDB). Kept sums that went stale are dropped by triggers (orderSums.ts).
 * Returns the number of summary rows written.
 */
export async function refreshCustomerSummary(
  q: Queryable, customerIds: readonly number[] | 'all', options: { rfm?: boolean } = {},
): Promise<number> {
  const written = await refreshSummaryRows(q, customerIds);
  if (customerIds === 'all' && options.rfm !== false) await rebuildOrderSums(q);
  if (options.rfm !== false && (customerIds === 'all' || customerIds.length > 0)) await refreshRfmScores(q, customerIds);
  return written;
}

async function refreshSummaryRows(q: Queryable, customerIds: readonly number[] | 'all'): Promise<number> {
  if (customerIds === 'all') {
    await q.query(`DELETE FROM customer_summary WHERE TRUE`);
    return (await q.query(FULL_SQL)).rowCount;
  }
  if (customerIds.length === 0) return 0;
  // The recompute of customers without kept sums groups all their orders (with the default 4 MB work_mem such sorts
  // spilled to disk for ~100k orders; EXPLAIN ANALYZE); the delta sorts per-customer objects too. JIT off: the id
  // list's row estimates are wild (cost in the millions), so Postgres spent ~3 s compiling (EXPLAIN ANALYZE: JIT total
  // 3.3 s of a 12 s refresh under load) for a few seconds of index lookups. SET LOCAL lasts until the end of the
  // caller's transaction (afterImport's refresh).
  await q.exec(`SET LOCAL work_mem = '64MB'; SET LOCAL jit = off`);
  // Kept rows first: the recompute then finds exactly the customers still without one.
  const added = (await q.query(DELTA_SQL, [customerIds])).rowCount;
  return added + (await q.query(RECOMPUTE_SQL, [customerIds])).rowCount;
}
