import type { Queryable } from './types.ts';

/**
 * customer_category_sums (migration 0014): per customer, Σ line amount per category ({category: amount}), the input of
 * customer_summary.main_category. Summing every line of every touched customer was the largest part of the refresh
 * after an import (EXPLAIN ANALYZE on the bench shop: ~250k lines of ~9.5k customers fetched by primary key, 2.3 of
 * 5.4 s), so the sums are kept and an import adds only the lines of the new orders. One row per customer (a JSON
 * object, not a row per category): a first version with (customer, category) rows spent more on probing and writing
 * ~50k of them than it saved.
 *
 * Exactness (the incremental statement is in summaryRefresh.ts). Each row records the orders its sums include
 * (id <= through) and a fingerprint of them (kind 'order': count, Σ line_count, Σ revenue, Σ id). The refresh compares the fingerprint with those orders as they are now, which
 * it reads anyway for the summary: if anything differs (an order became a return, moved to another customer, was
 * deleted, had lines added or removed, or an order with a lower id appeared), that customer's lines are summed again
 * in full. What the fingerprint cannot see is a line edited in place with the same count and order revenue (say a
 * category renamed); imports that update rows refresh every customer ('all'), which rebuilds the table.
 */

/** Fingerprint of a customer's orders `o` (the grouped rows). */
export const fingerprint = () => {
  const f = `FILTER (WHERE o.kind = 'order')`;
  return `count(*) ${f} AS orders, coalesce(sum(o.line_count) ${f}, 0) AS lines,
          coalesce(sum(o.revenue) ${f}, 0) AS revenue, coalesce(sum(o.id) ${f}, 0) AS id_sum`;
};

/** Every customer's row from all orders and lines (the full summary build; migration 0014 runs the same SQL). */
export async function rebuildCustomerCategories(q: Queryable): Promise<void> {
  await q.query(`DELETE FROM customer_category_sums WHERE TRUE`);
  await q.query(
    `INSERT INTO customer_category_sums (customer_id, through, orders, lines, revenue, id_sum, sums)
     SELECT f.customer_id, f.through, f.orders, f.lines, f.revenue, f.id_sum, coalesce(c.sums, '{}')
       FROM (SELECT o.customer_id, max(o.id) AS through, ${fingerprint()}
               FROM orders o WHERE o.customer_id IS NOT NULL GROUP BY 1) f
       LEFT JOIN (SELECT customer_id, jsonb_object_agg(category, amount) AS sums
                    FROM (SELECT o.customer_id, l.category, sum(l.amount) AS amount
                            FROM orders o JOIN order_lines l ON l.order_id = o.id
                           WHERE o.kind = 'order' AND o.customer_id IS NOT NULL AND l.category IS NOT NULL
                           GROUP BY 1, 2) x
                   GROUP BY 1) c ON c.customer_id = f.customer_id`,
  );
}
