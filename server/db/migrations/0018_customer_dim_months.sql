-- Orders (kind = 'order') of each identified customer per UTC calendar month AND country / channel: kpi_trend's
-- lost_customers by country or channel reads ~300k of these rows a year instead of ~650k orders joined to their
-- customers (~3 s for a year by country on the bench shop). Rows per level of detail, like sales_daily: `dims`
-- 1 = country, 2 = channel (the other column NULL; a kept column is NULL when unknown); no level with both (a question
-- about both, lost web customers by country, reads the orders). country = the order's country, else the customer's
-- (what kpi_trend groups and filters by). Maintained by server/db/rollups.ts (customerDimMonths.ts).
-- APPEND-ONLY, without a key: an import's new orders are inserted as new rows even where a (customer, level, country,
-- channel, month) row exists, so one such tuple may have several rows whose orders add up (readers sum or, in
-- lost_customers' lead() over a customer's months, treat rows of the same month as one). Why: an upsert on a unique
-- key cost ~0.5 s per 10k imported orders on the bench shop (20k random index insertions), a quarter of the whole
-- refresh; these readers scan a range of months anyway. A full rebuild (rollups 'all') compacts the table.
CREATE TABLE customer_dim_months (
  dims         smallint NOT NULL,
  customer_id  bigint NOT NULL,
  country      text,
  channel      text,
  month        date NOT NULL,
  orders       integer NOT NULL
);

-- A database migrated with data: the orders the other rollups already include (rollup_state's high-water mark), so
-- the next incremental refresh adds exactly the orders above it. Without rollup_state the next refresh builds all.
INSERT INTO customer_dim_months (dims, customer_id, country, channel, month, orders)
SELECT (1 - GROUPING(country)) + (1 - GROUPING(channel)) * 2 AS dims, customer_id, country, channel, month, count(*)
  FROM (SELECT o.customer_id, coalesce(o.country, c.country) AS country, o.channel,
               date_trunc('month', o.ordered_at AT TIME ZONE 'UTC')::date AS month
          FROM orders o JOIN rollup_state s ON o.id <= s.orders_through
          LEFT JOIN customers c ON c.id = o.customer_id
         WHERE o.kind = 'order' AND o.customer_id IS NOT NULL) u
 GROUP BY customer_id, month, GROUPING SETS ((country), (channel))
 ORDER BY customer_id, dims, country, channel, month;
