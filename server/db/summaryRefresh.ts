/**
 * The incremental summary refresh as one statement: customer_summary rows of some customers ($1, an id list) from
 * their orders, with main_category from the stored per-customer category sums plus the lines of their new orders only
 * (customer_category_sums, server/db/customerCategories.ts), which the statement updates too (data-modifying CTEs
 * always run to completion). The full build (summary.ts, FULL_SQL) computes the same columns another way: from every
 * line, with order days grouped and ranked; the tests compare the two.
 *
 * Why it is shaped this way (EXPLAIN ANALYZE on the bench shop, ~9.5k customers, ~104k of their orders, 10k new):
 *  - `o`: the orders through orders_customer_idx, driven by the id list in a LATERAL subquery (as `= ANY` or as a
 *    plain join the planner turned ~10k ids into scans of all orders). The window `first_day` runs per customer over
 *    rows the index returns in ordered_at order, so it needs no sort; the full build's per-day grouping and ranking
 *    of ~100k orders took ~0.5 s. MATERIALIZED: `o` is read several times and must not be re-planned.
 *  - `b`: the stored sums, fetched per id (LATERAL, OFFSET 0): as a join the planner hashed the whole table.
 *  - `a`: one aggregate per customer gives the summary columns and the fingerprint check together.
 *  - `totals`: stored sums (kept customers) plus new lines, or all lines (customers whose old orders changed); then
 *    one aggregate per customer gives the JSON sums and the top category.
 *  - Deletes of customers left without orders are CTEs too (a separate `= ANY` delete compared every summary row with
 *    the id list). Rows deleted and rows upserted are disjoint, as one statement requires.
 * Upsert instead of delete + insert: an update that keeps customer_id skips the foreign-key check per row.
 */
import { fingerprint } from './customerCategories.ts';

/** The orders a stored row includes (condition on `o`, with `a`'s old mark joined as b). */
const OLD = ` AND o.id <= b.through`;

export const SOME_SQL = `
WITH ids AS MATERIALIZED (SELECT DISTINCT unnest($1::int8[]) AS id),
o AS MATERIALIZED (
  SELECT ord.* FROM ids t
   CROSS JOIN LATERAL (SELECT x.*, min(x.day) FILTER (WHERE x.kind = 'order') OVER () AS first_day
                         FROM (SELECT x.id, x.customer_id, x.ordered_at, x.revenue, x.kind, x.channel, x.line_count,
                                      (x.ordered_at AT TIME ZONE 'UTC')::date AS day
                                 FROM orders x WHERE x.customer_id = t.id OFFSET 0) x) ord
),
b AS MATERIALIZED (
  SELECT b.* FROM ids t CROSS JOIN LATERAL (SELECT * FROM customer_category_sums b WHERE b.customer_id = t.id OFFSET 0) b
),
a AS MATERIALIZED (
  SELECT o.customer_id, min(o.ordered_at) FILTER (WHERE o.kind = 'order') AS first_order_at,
         max(o.ordered_at) FILTER (WHERE o.kind = 'order') AS last_order_at,
         count(DISTINCT o.day) FILTER (WHERE o.kind = 'order')::int AS order_days,
         coalesce(sum(o.revenue) FILTER (WHERE o.kind = 'order' AND o.day = o.first_day), 0) AS first_day_revenue,
         count(*) FILTER (WHERE o.kind = 'return')::int AS returns,
         mode() WITHIN GROUP (ORDER BY o.channel) FILTER (WHERE o.kind = 'order') AS main_channel,
         max(o.id) AS through, ${fingerprint()}, max(b.through) AS old_through,
         coalesce(max(b.orders) = count(*) FILTER (WHERE o.kind = 'order'${OLD})
              AND max(b.lines) = coalesce(sum(o.line_count) FILTER (WHERE o.kind = 'order'${OLD}), 0)
              AND max(b.revenue) = coalesce(sum(o.revenue) FILTER (WHERE o.kind = 'order'${OLD}), 0)
              AND max(b.id_sum) = coalesce(sum(o.id) FILTER (WHERE o.kind = 'order'${OLD}), 0), false) AS kept
    FROM o LEFT JOIN b ON b.customer_id = o.customer_id
   GROUP BY o.customer_id
),
totals AS (
  SELECT customer_id, category, sum(amount) AS amount
    FROM (SELECT a.customer_id, e.key AS category, e.value::numeric AS amount
            FROM a JOIN b ON b.customer_id = a.customer_id CROSS JOIN LATERAL jsonb_each_text(b.sums) e WHERE a.kept
          UNION ALL
          SELECT o.customer_id, l.category, l.amount
            FROM o JOIN a ON a.customer_id = o.customer_id
           CROSS JOIN LATERAL (SELECT l.category, l.amount FROM order_lines l WHERE l.order_id = o.id OFFSET 0) l
           WHERE o.kind = 'order' AND l.category IS NOT NULL AND (NOT a.kept OR o.id > a.old_through)) u
   GROUP BY 1, 2
),
-- Top category: most revenue, ties first by name (as the full build's DISTINCT ON).
cs AS MATERIALIZED (
  SELECT customer_id, jsonb_object_agg(category, amount) AS sums,
         (array_agg(category ORDER BY amount DESC, category))[1] AS category
    FROM totals GROUP BY 1
),
put_sums AS (
  INSERT INTO customer_category_sums AS s (customer_id, through, orders, lines, revenue, id_sum, sums)
  SELECT a.customer_id, a.through, a.orders, a.lines, a.revenue, a.id_sum, coalesce(cs.sums, '{}')
    FROM a LEFT JOIN cs ON cs.customer_id = a.customer_id
  ON CONFLICT (customer_id) DO UPDATE SET through = excluded.through, orders = excluded.orders,
    lines = excluded.lines, revenue = excluded.revenue, id_sum = excluded.id_sum, sums = excluded.sums
),
drop_sums AS (
  DELETE FROM customer_category_sums s USING b
   WHERE s.customer_id = b.customer_id AND NOT EXISTS (SELECT 1 FROM a WHERE a.customer_id = b.customer_id)
),
drop_summary AS (
  DELETE FROM customer_summary s USING ids t
   WHERE s.customer_id = t.id AND NOT EXISTS (SELECT 1 FROM a WHERE a.customer_id = t.id AND a.orders > 0)
)
INSERT INTO customer_summary (customer_id, first_order_at, last_order_at, orders, order_days, revenue,
                              first_day_revenue, avg_gap_days, returns, main_channel, main_category)
SELECT a.customer_id, a.first_order_at, a.last_order_at, a.orders, a.order_days, a.revenue, a.first_day_revenue,
       CASE WHEN a.orders > 1 THEN extract(epoch FROM a.last_order_at - a.first_order_at) / 86400.0 / (a.orders - 1) END,
       a.returns, a.main_channel, cs.category
  FROM a LEFT JOIN cs ON cs.customer_id = a.customer_id
 WHERE a.orders > 0
ON CONFLICT (customer_id) DO UPDATE SET
  first_order_at = excluded.first_order_at, last_order_at = excluded.last_order_at, orders = excluded.orders,
  order_days = excluded.order_days, revenue = excluded.revenue, first_day_revenue = excluded.first_day_revenue,
  avg_gap_days = excluded.avg_gap_days, returns = excluded.returns, main_channel = excluded.main_channel,
  main_category = excluded.main_category, updated_at = now()`;
