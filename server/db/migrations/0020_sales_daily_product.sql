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
