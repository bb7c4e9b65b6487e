-- Small rollup tables that time-series tools read instead of scanning 1M orders / 2.4M order lines / 2M events.
-- Maintained by server/db/rollups.ts: a full build (bench load, 'all' imports) and an incremental refresh after every
-- import that recomputes only the days (and customer-months) that new orders touched. They hold exact sums (numeric),
-- so tools answer exactly what the raw aggregate would; a tool falls back to the raw tables when rollup_state shows
-- rows newer than the last refresh.

-- Orders per UTC day and kind, at several levels of detail (grouping sets; `dims` says which columns are set:
-- 1 = country, 2 = channel, 4 = currency; 0 = day and kind only), so a question reads only the rows of the level it
-- needs (a year without filters: 730 rows; by country: ~10k). country = order country, else the customer's country
-- (what kpi_trend groups and filters by; NULL when neither is known); guest_orders = orders without a customer.
CREATE TABLE sales_daily (
  dims         smallint NOT NULL,
  day          date NOT NULL,
  kind         text NOT NULL,
  country      text,
  channel      text,
  currency     text,
  orders       integer NOT NULL,
  guest_orders integer NOT NULL,
  revenue      numeric NOT NULL
);
CREATE INDEX sales_daily_dims_day_idx ON sales_daily (dims, day);
CREATE INDEX sales_daily_day_idx ON sales_daily (day);

-- Order lines per UTC day, kind and category, with the same levels over country (1) and channel (2): `orders` =
-- orders with a line in the category (kpi_trend's (order, category) units), `lines` = lines, revenue = Σ amount of
-- lines with quantity > 0 and unit_price > 0 (the revenue definition, docs/metrics.md).
CREATE TABLE sales_daily_category (
  dims         smallint NOT NULL,
  day          date NOT NULL,
  kind         text NOT NULL,
  country      text,
  channel      text,
  category     text,
  orders       integer NOT NULL,
  lines        integer NOT NULL,
  revenue      numeric NOT NULL
);
CREATE INDEX sales_daily_category_dims_day_idx ON sales_daily_category (dims, day);
CREATE INDEX sales_daily_category_day_idx ON sales_daily_category (day);

-- Orders (kind = 'order') of each identified customer per UTC calendar month: cohort retention cells.
CREATE TABLE customer_months (
  customer_id  bigint NOT NULL,
  month        date NOT NULL,
  orders       integer NOT NULL,
  revenue      numeric NOT NULL,
  PRIMARY KEY (customer_id, month)
);
CREATE INDEX customer_months_month_idx ON customer_months (month);

-- Events per (UTC day, type): describe_data's counts, types and date range. Events are append-only (imports skip
-- duplicates), so new events are added to these counts.
CREATE TABLE events_daily (
  day          date NOT NULL,
  type         text NOT NULL,
  events       integer NOT NULL,
  PRIMARY KEY (day, type)
);

-- High-water marks: the largest order and event id the rollups include, and when they were last refreshed.
CREATE TABLE rollup_state (
  id              integer PRIMARY KEY CHECK (id = 1),
  orders_through  bigint NOT NULL,
  events_through  bigint NOT NULL,
  refreshed_at    timestamptz NOT NULL
);
