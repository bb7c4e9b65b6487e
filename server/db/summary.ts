import type { Queryable } from './types.ts';

/**
 * Recompute customer_summary for some customers (or all). Incremental on import: only the customers whose orders
 * changed are recomputed, so a 10k-order import touches a few thousand summary rows, not the whole table.
 * Customers left without orders lose their row.
 */
export async function refreshCustomerSummary(q: Queryable, customerIds: readonly number[] | 'all'): Promise<number> {
  if (customerIds !== 'all' && customerIds.length === 0) return 0;
  const all = customerIds === 'all';
  const filter = all ? 'TRUE' : 'customer_id = ANY($1::int8[])';
  const params = all ? [] : [customerIds];
  await q.query(`DELETE FROM customer_summary WHERE ${filter}`, params);
  const { rowCount } = await q.query(
    `WITH o AS (
       SELECT customer_id, ordered_at, revenue, kind, channel, (ordered_at AT TIME ZONE 'UTC')::date AS day
         FROM orders WHERE customer_id IS NOT NULL AND ${filter}
     ), days AS (
       SELECT customer_id, day, sum(revenue) AS revenue,
              row_number() OVER (PARTITION BY customer_id ORDER BY day) AS n
         FROM o WHERE kind = 'order' GROUP BY customer_id, day
     ), cat AS (
       SELECT DISTINCT ON (ord.customer_id) ord.customer_id, l.category
         FROM orders ord JOIN order_lines l ON l.order_id = ord.id
        WHERE ord.kind = 'order' AND l.category IS NOT NULL AND ord.customer_id IS NOT NULL
          AND ${filter.replace('customer_id', 'ord.customer_id')}
        GROUP BY ord.customer_id, l.category
        ORDER BY ord.customer_id, sum(l.amount) DESC, l.category
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
      WHERE a.orders > 0`,
    params,
  );
  return rowCount;
}
