/**
 * The incremental summary refresh of some customers ($1, an id list) in two statements, each writing
 * customer_summary and customer_order_sums (server/db/orderSums.ts) together through data-modifying CTEs:
 *  - DELTA_SQL, customers with a kept row: their orders above the row's mark and those orders' lines are added to it
 *    (bench shop, 10k new orders: ~10k orders and ~25k lines read instead of ~104k orders and ~250k lines);
 *  - RECOMPUTE_SQL, customers without one (new, or a trigger dropped it because old orders changed): everything from
 *    all their orders and lines, as every refresh did before.
 * The full build (summary.ts FULL_SQL) computes the same columns a third way (every order grouped by day and ranked,
 * every line); the tests compare them.
 *
 * Plan notes (EXPLAIN ANALYZE on the bench shop): orders and rows are fetched per id in LATERAL subqueries with
 * OFFSET 0 (as `= ANY` or as joins the planner turned ~10k ids into scans of whole tables); `first_day` is a window
 * per customer over rows the index returns in ordered_at order, so it needs no sort (the full build's per-day grouping
 * and ranking of ~100k orders took ~0.5 s); the main channel and category come from one aggregate per customer that
 * builds the JSON object and picks the top key (ties: first by name, as mode() and the full build's DISTINCT ON).
 * Upserts instead of delete + insert: an update that keeps customer_id skips the foreign-key check per row.
 */

/** Top key and JSON object of (customer_id, key, v) rows in CTE `from`. */
const OBJECT = (from: string) => `SELECT customer_id, jsonb_object_agg(key, v) AS j, (array_agg(key ORDER BY v DESC, key))[1] AS top
    FROM ${from} GROUP BY 1`;

/**
 * After CTE `a` (customer_id, orders, revenue, returns, first_order_at, last_order_at, order_days, first_day_revenue)
 * and the key/value CTEs `ch` (orders per channel) and `cat` (amount per category): the new rows, their writes, and
 * the deletion of summary rows of customers `gone` (SQL yielding customer_id) left without orders.
 */
const WRITE = (gone: string) => `,
ns AS MATERIALIZED (
  SELECT a.*, (SELECT coalesce(max(id), 0) FROM orders) AS through, coalesce(chj.j, '{}') AS channels,
         chj.top AS main_channel, coalesce(catj.j, '{}') AS sums, catj.top AS main_category
    FROM a LEFT JOIN (${OBJECT('ch')}) chj ON chj.customer_id = a.customer_id
           LEFT JOIN (${OBJECT('cat')}) catj ON catj.customer_id = a.customer_id
),
put_sums AS (
  INSERT INTO customer_order_sums (customer_id, through, orders, revenue, returns, first_order_at, last_order_at,
                                   order_days, first_day_revenue, channels, sums)
  SELECT customer_id, through, orders, revenue, returns, first_order_at, last_order_at, order_days, first_day_revenue,
         channels, sums FROM ns ORDER BY customer_id
  ON CONFLICT (customer_id) DO UPDATE SET through = excluded.through, orders = excluded.orders,
    revenue = excluded.revenue, returns = excluded.returns, first_order_at = excluded.first_order_at,
    last_order_at = excluded.last_order_at, order_days = excluded.order_days,
    first_day_revenue = excluded.first_day_revenue, channels = excluded.channels, sums = excluded.sums
),
drop_summary AS (
  DELETE FROM customer_summary s USING (${gone}) g WHERE s.customer_id = g.customer_id
)
INSERT INTO customer_summary (customer_id, first_order_at, last_order_at, orders, order_days, revenue,
                              first_day_revenue, avg_gap_days, returns, main_channel, main_category)
SELECT customer_id, first_order_at, last_order_at, orders, order_days, revenue, first_day_revenue,
       CASE WHEN orders > 1 THEN extract(epoch FROM last_order_at - first_order_at) / 86400.0 / (orders - 1) END,
       returns, main_channel, main_category
  FROM ns WHERE orders > 0 ORDER BY customer_id
ON CONFLICT (customer_id) DO UPDATE SET
  first_order_at = excluded.first_order_at, last_order_at = excluded.last_order_at, orders = excluded.orders,
  order_days = excluded.order_days, revenue = excluded.revenue, first_day_revenue = excluded.first_day_revenue,
  avg_gap_days = excluded.avg_gap_days, returns = excluded.returns, main_channel = excluded.main_channel,
  main_category = excluded.main_category, updated_at = now()`;

/** Lines of orders in `src` (per order by primary key), as (customer_id, key = category, v = amount) rows. */
const LINES = (src: string) => `SELECT o.customer_id, l.category AS key, l.amount AS v
    FROM ${src} o CROSS JOIN LATERAL (SELECT l.category, l.amount FROM order_lines l WHERE l.order_id = o.id OFFSET 0) l
   WHERE o.kind = 'order' AND l.category IS NOT NULL`;

export const RECOMPUTE_SQL = `
WITH ids AS MATERIALIZED (
  SELECT t.id FROM (SELECT DISTINCT unnest($1::int8[]) AS id) t
   WHERE NOT EXISTS (SELECT 1 FROM customer_order_sums s WHERE s.customer_id = t.id)
),
o AS MATERIALIZED (
  SELECT ord.* FROM ids t
   CROSS JOIN LATERAL (SELECT x.*, min(x.day) FILTER (WHERE x.kind = 'order') OVER () AS first_day
                         FROM (SELECT x.id, x.customer_id, x.ordered_at, x.revenue, x.kind, x.channel,
                                      (x.ordered_at AT TIME ZONE 'UTC')::date AS day
                                 FROM orders x WHERE x.customer_id = t.id OFFSET 0) x) ord
),
a AS (
  SELECT customer_id, count(*) FILTER (WHERE kind = 'order')::int AS orders,
         coalesce(sum(revenue) FILTER (WHERE kind = 'order'), 0) AS revenue,
         count(*) FILTER (WHERE kind = 'return')::int AS returns,
         min(ordered_at) FILTER (WHERE kind = 'order') AS first_order_at,
         max(ordered_at) FILTER (WHERE kind = 'order') AS last_order_at,
         count(DISTINCT day) FILTER (WHERE kind = 'order')::int AS order_days,
         coalesce(sum(revenue) FILTER (WHERE kind = 'order' AND day = first_day), 0) AS first_day_revenue
    FROM o GROUP BY 1
),
ch AS (SELECT customer_id, channel AS key, count(*) AS v FROM o WHERE kind = 'order' AND channel IS NOT NULL GROUP BY 1, 2),
cat AS (SELECT customer_id, key, sum(v) AS v FROM (${LINES('o')}) l GROUP BY 1, 2)
${WRITE(`SELECT t.id AS customer_id FROM ids t WHERE NOT EXISTS (SELECT 1 FROM a WHERE a.customer_id = t.id AND a.orders > 0)`)}`;

export const DELTA_SQL = `
-- Customers in id order (here and in the upserts below): the lookups and writes then walk the primary keys and the
-- heaps instead of jumping around them (the refresh's summary part −8–14% on the bench shop after 10k orders).
WITH st AS MATERIALIZED (
  SELECT s.* FROM (SELECT DISTINCT unnest($1::int8[]) AS id ORDER BY 1) t
   CROSS JOIN LATERAL (SELECT * FROM customer_order_sums s WHERE s.customer_id = t.id OFFSET 0) s
),
n AS MATERIALIZED (
  SELECT x.id, x.customer_id, x.kind, x.ordered_at, x.revenue, x.channel, (x.ordered_at AT TIME ZONE 'UTC')::date AS day,
         st.through AS old_through, st.first_order_at AS old_first, st.last_order_at AS old_last
    FROM st CROSS JOIN LATERAL (SELECT * FROM orders x WHERE x.customer_id = st.customer_id AND x.id > st.through OFFSET 0) x
),
-- New order days, and whether a kept order (id <= the old mark) already falls on the day: an index range per day,
-- looked at only for days within the kept orders' first..last day (new orders mostly come after them).
nd AS (
  SELECT d.customer_id, d.day, d.revenue,
         CASE WHEN d.old_last IS NULL OR d.day > (d.old_last AT TIME ZONE 'UTC')::date
                   OR d.day < (d.old_first AT TIME ZONE 'UTC')::date THEN false
              ELSE EXISTS (SELECT 1 FROM orders x
                            WHERE x.customer_id = d.customer_id AND x.ordered_at >= d.day::timestamp AT TIME ZONE 'UTC'
                              AND x.ordered_at < (d.day + 1)::timestamp AT TIME ZONE 'UTC' AND x.kind = 'order'
                              AND x.id <= d.old_through) END AS seen
    FROM (SELECT customer_id, day, max(old_through) AS old_through, min(old_first) AS old_first, max(old_last) AS old_last,
                 sum(revenue) AS revenue
            FROM n WHERE kind = 'order' GROUP BY 1, 2) d
),
dd AS (
  SELECT customer_id, count(*) FILTER (WHERE NOT seen)::int AS new_days, min(day) AS first_day,
         (array_agg(revenue ORDER BY day))[1] AS first_day_revenue
    FROM nd GROUP BY 1
),
na AS (
  SELECT customer_id, count(*) FILTER (WHERE kind = 'order')::int AS orders,
         coalesce(sum(revenue) FILTER (WHERE kind = 'order'), 0) AS revenue,
         count(*) FILTER (WHERE kind = 'return')::int AS returns,
         min(ordered_at) FILTER (WHERE kind = 'order') AS first_at, max(ordered_at) FILTER (WHERE kind = 'order') AS last_at
    FROM n GROUP BY 1
),
-- Only customers with new orders change (na); LEAST/GREATEST skip NULLs (no order of kind 'order' on one side).
a AS (
  SELECT st.customer_id, st.orders + na.orders AS orders, st.revenue + na.revenue AS revenue,
         st.returns + na.returns AS returns, least(st.first_order_at, na.first_at) AS first_order_at,
         greatest(st.last_order_at, na.last_at) AS last_order_at, st.order_days + coalesce(dd.new_days, 0) AS order_days,
         CASE WHEN dd.first_day IS NULL THEN st.first_day_revenue
              WHEN st.first_order_at IS NULL OR dd.first_day < (st.first_order_at AT TIME ZONE 'UTC')::date THEN dd.first_day_revenue
              WHEN dd.first_day = (st.first_order_at AT TIME ZONE 'UTC')::date THEN st.first_day_revenue + dd.first_day_revenue
              ELSE st.first_day_revenue END AS first_day_revenue,
         st.channels AS old_channels, st.sums AS old_sums
    FROM st JOIN na ON na.customer_id = st.customer_id LEFT JOIN dd ON dd.customer_id = st.customer_id
),
ch AS (
  SELECT customer_id, key, sum(v) AS v
    FROM (SELECT a.customer_id, e.key, e.value::numeric AS v FROM a CROSS JOIN LATERAL jsonb_each_text(a.old_channels) e
          UNION ALL
          SELECT customer_id, channel, count(*) FROM n WHERE kind = 'order' AND channel IS NOT NULL GROUP BY 1, 2) u
   GROUP BY 1, 2
),
cat AS (
  SELECT customer_id, key, sum(v) AS v
    FROM (SELECT a.customer_id, e.key, e.value::numeric AS v FROM a CROSS JOIN LATERAL jsonb_each_text(a.old_sums) e
          UNION ALL ${LINES('n')}) u
   GROUP BY 1, 2
)
${WRITE(`SELECT customer_id FROM a WHERE orders = 0`)}`;
