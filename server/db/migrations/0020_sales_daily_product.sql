-- Order lines per UTC day, kind and product (its name, else its code; NULL when a line has neither), for kpi_trend's
-- breakdown by product: `orders` = orders with a line of the product (kpi_trend's (order, product) units), `lines` =
-- lines, revenue = Σ amount of lines with quantity > 0 and unit_price > 0 (the revenue definition, docs/metrics.md).
-- No country or channel levels: a product breakdown with such a filter reads the order lines. Kept by
-- server/db/rollups.ts like sales_daily_category (new orders added on the key; customer merges and country changes do
-- not move a product's sales, so those days need no rebuild here).
CREATE TABLE sales_daily_product (
  day          date NOT NULL,
  kind         text NOT NULL,
  product      text,
  orders       integer NOT NULL,
  lines        integer NOT NULL,
  revenue      numeric NOT NULL
);
CREATE UNIQUE INDEX sales_daily_product_key ON sales_daily_product (day, kind, product) NULLS NOT DISTINCT;

-- A database that already holds orders gets its rows now, up to the rollups' high-water mark (the same sums
-- refreshRollups' full build writes for those orders), so the rollups stay exact for products too.
INSERT INTO sales_daily_product (day, kind, product, orders, lines, revenue)
SELECT day, kind, product, count(*), sum(lines), sum(revenue)
  FROM (SELECT (o.ordered_at AT TIME ZONE 'UTC')::date AS day, o.kind, coalesce(l.product_name, l.product_code) AS product,
               count(*) AS lines, coalesce(sum(l.amount) FILTER (WHERE l.quantity > 0 AND l.unit_price > 0), 0) AS revenue
          FROM orders o JOIN order_lines l ON l.order_id = o.id
          JOIN rollup_state s ON o.id <= s.orders_through -- orders above the mark: the next refresh adds them
         GROUP BY o.id, coalesce(l.product_name, l.product_code)) u
 GROUP BY day, kind, product;
