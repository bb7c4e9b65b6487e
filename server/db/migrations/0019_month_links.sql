-- Each customer's previous active month on the rows of customer_months and customer_dim_months, as customer_weeks
-- has it (0010): kpi_trend's lost_customers counts, per period and window,
-- the customers active in it (their first row there: prev_month before its start) and those of them back from the
-- period just before (prev_month inside that period) with one scan and no grouping by customer. Grouping ~700k
-- customer months by customer, or sorting them for lead(), took ~1 s for a year of lost customers by country on the
-- bench shop.
--  - customer_months: prev_month = the customer's previous month with a row (NULL: none).
--  - customer_dim_months (append-only, several rows per key and month possible): prev_month = the latest month of an
--    EARLIER row of the same (dims, customer, country, channel); a second row of a month has that month as its
--    prev_month, so only the first row of a key in a period has prev_month before the period. Rows are appended in
--    month order per key; a customer whose new orders fall before a month it already has is rebuilt instead
--    (server/db/customerDimMonths.ts).
-- Both tables are rebuilt into new ones rather than updated in place: an UPDATE of every row would leave them twice
-- their size on disk, and the readers scan them.
CREATE TABLE customer_months_linked (
  customer_id    bigint NOT NULL,
  month          date NOT NULL,
  orders         integer NOT NULL,
  revenue        numeric NOT NULL,
  last_order_at  timestamptz NOT NULL,
  prev_month     date
);
INSERT INTO customer_months_linked
SELECT customer_id, month, orders, revenue, last_order_at,
       lag(month) OVER (PARTITION BY customer_id ORDER BY month)
  FROM customer_months ORDER BY customer_id, month;
DROP TABLE customer_months;
ALTER TABLE customer_months_linked RENAME TO customer_months;
ALTER TABLE customer_months ADD PRIMARY KEY (customer_id, month);
CREATE INDEX customer_months_month_idx ON customer_months (month);

-- The dim rows are compacted (one row per key and month) as they get their links.
CREATE TABLE customer_dim_months_linked (
  dims         smallint NOT NULL,
  customer_id  bigint NOT NULL,
  country      text,
  channel      text,
  month        date NOT NULL,
  orders       integer NOT NULL,
  prev_month   date
);
INSERT INTO customer_dim_months_linked
SELECT dims, customer_id, country, channel, month, sum(orders),
       lag(month) OVER (PARTITION BY dims, customer_id, country, channel ORDER BY month)
  FROM customer_dim_months GROUP BY dims, customer_id, country, channel, month
 ORDER BY customer_id, dims, country, channel, month;
DROP TABLE customer_dim_months;
ALTER TABLE customer_dim_months_linked RENAME TO customer_dim_months;
