-- Two rollups for past-dated questions, maintained by server/db/rollups.ts (full build and incremental refresh, inside
-- the import's transaction, after customer_summary):
--
-- 1. customer_months.last_order_at: the customer's last order (kind = 'order') in that UTC month. rfm_analysis with a
--    past as-of day D reads the months before D's month from customer_months (Σ orders, Σ revenue, max last_order_at)
--    and only the orders of D's own month up to D from orders, instead of scanning every order up to D.
--
-- 2. cohort_cells: cohort_retention's cells without a join. One row per (cohort month, calendar month, country, main
--    channel): customers = cohort members with an order in that month, revenue = their revenue there. cohort = UTC month
--    of customer_summary.first_order_at, country = customers.country, channel = customer_summary.main_channel (the
--    tool's cohort and filter definitions); month 0 (month = cohort) holds the cohort sizes, since every member orders
--    in their first month. A 36 × 36 table reads ~35k rows here instead of joining ~100k members with 420k
--    customer-months. customer_cohorts keeps the (cohort, country, channel) each customer is counted under, so an
--    incremental refresh can take a customer's old contribution out (their cohort moves with a back-dated order, their
--    main channel with new orders) before adding the new one: cells are sums of per-customer contributions, so
--    subtract + add keeps them exact. rollup_state.summary_writes records the customer_summary write count
--    (migration 0012's log) the cells were built from: a summary written later (without a rollup refresh) makes the
--    tool read the slow path instead of stale cohorts.

ALTER TABLE customer_months ADD COLUMN last_order_at timestamptz;
UPDATE customer_months m SET last_order_at = x.last
  FROM (SELECT o.customer_id, date_trunc('month', o.ordered_at AT TIME ZONE 'UTC')::date AS month, max(o.ordered_at) AS last
          FROM orders o JOIN rollup_state s ON o.id <= s.orders_through
         WHERE o.kind = 'order' AND o.customer_id IS NOT NULL GROUP BY 1, 2) x
 WHERE x.customer_id = m.customer_id AND x.month = m.month;
-- A row without orders would be a stale rollup: rebuild everything at the next refresh (tools read raw rows until then).
DELETE FROM rollup_state WHERE EXISTS (SELECT 1 FROM customer_months WHERE last_order_at IS NULL);
UPDATE customer_months SET last_order_at = month::timestamp AT TIME ZONE 'UTC' WHERE last_order_at IS NULL;
ALTER TABLE customer_months ALTER COLUMN last_order_at SET NOT NULL;

CREATE TABLE customer_cohorts (
  customer_id  bigint PRIMARY KEY,
  cohort       date NOT NULL,   -- UTC month of customer_summary.first_order_at
  country      text,            -- customers.country
  channel      text             -- customer_summary.main_channel
);

CREATE TABLE cohort_cells (
  cohort     date NOT NULL,
  month      date NOT NULL,     -- calendar month (UTC); month - cohort = months since acquisition
  country    text,
  channel    text,
  customers  integer NOT NULL,
  revenue    numeric NOT NULL
);
-- NULL country / channel are values of their own here (customers without one), so the refresh's upserts find them.
CREATE UNIQUE INDEX cohort_cells_key ON cohort_cells (cohort, month, country, channel) NULLS NOT DISTINCT;

ALTER TABLE rollup_state ADD COLUMN summary_writes bigint;

-- A database migrated with data: cohorts from the current summary, cells from customer_months.
INSERT INTO customer_cohorts (customer_id, cohort, country, channel)
SELECT s.customer_id, date_trunc('month', s.first_order_at AT TIME ZONE 'UTC')::date, c.country, s.main_channel
  FROM customer_summary s JOIN customers c ON c.id = s.customer_id;
INSERT INTO cohort_cells (cohort, month, country, channel, customers, revenue)
SELECT k.cohort, m.month, k.country, k.channel, count(*), sum(m.revenue)
  FROM customer_cohorts k JOIN customer_months m ON m.customer_id = k.customer_id
 GROUP BY 1, 2, 3, 4;
UPDATE rollup_state SET summary_writes = (SELECT count(*) FROM customer_summary_writes);
