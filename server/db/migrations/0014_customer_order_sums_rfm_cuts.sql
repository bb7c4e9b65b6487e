-- What the summary refresh after an import needs so that it does not re-read the touched customers' history
-- (server/db/summary.ts, server/db/rfmScores.ts).

-- Per customer: Σ line amount per category over the lines of the customer's orders of kind 'order' (category not
-- null), as a JSON object {category: amount}; customer_summary.main_category is the largest. Kept by delta: an
-- import adds the lines of the new orders only. `through` and the fingerprint say which orders the sums include:
-- every order with id <= through, as they were when summed (of kind 'order': count, Σ line_count, Σ revenue, Σ id).
-- The refresh compares the fingerprint with those orders as they are now; any difference (an order turned into a
-- return, moved to another customer by a merge, deleted, lines added to it) makes it sum that customer's lines again.
CREATE TABLE customer_category_sums (
  customer_id  bigint PRIMARY KEY REFERENCES customers (id) ON DELETE CASCADE,
  through      bigint NOT NULL,
  orders       bigint NOT NULL,
  lines        bigint NOT NULL,
  revenue      numeric NOT NULL,
  id_sum       numeric NOT NULL,
  sums         jsonb NOT NULL
);

-- The cut values customer_rfm's scores were computed with (NULL: unknown, the next refresh rescores every row), so
-- that a refresh rescores only the rows between an old and a new cut value (server/db/rfmScores.ts).
ALTER TABLE rfm_state ADD COLUMN r_cuts date[], ADD COLUMN f_cuts integer[], ADD COLUMN m_cuts numeric[];

-- A database migrated with data: build the sums now (the refresh would otherwise find no row and sum each touched
-- customer's lines once, which is exact but slow). Same SQL as rebuildCustomerCategories (server/db/customerCategories.ts).
INSERT INTO customer_category_sums (customer_id, through, orders, lines, revenue, id_sum, sums)
SELECT f.customer_id, f.through, f.orders, f.lines, f.revenue, f.id_sum, coalesce(c.sums, '{}')
  FROM (SELECT o.customer_id, max(o.id) AS through, count(*) FILTER (WHERE o.kind = 'order') AS orders,
               coalesce(sum(o.line_count) FILTER (WHERE o.kind = 'order'), 0) AS lines,
               coalesce(sum(o.revenue) FILTER (WHERE o.kind = 'order'), 0) AS revenue,
               coalesce(sum(o.id) FILTER (WHERE o.kind = 'order'), 0) AS id_sum
          FROM orders o WHERE o.customer_id IS NOT NULL GROUP BY 1) f
  LEFT JOIN (SELECT customer_id, jsonb_object_agg(category, amount) AS sums
               FROM (SELECT o.customer_id, l.category, sum(l.amount) AS amount
                       FROM orders o JOIN order_lines l ON l.order_id = o.id
                      WHERE o.kind = 'order' AND o.customer_id IS NOT NULL AND l.category IS NOT NULL
                      GROUP BY 1, 2) x
              GROUP BY 1) c ON c.customer_id = f.customer_id;
