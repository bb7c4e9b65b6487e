-- RFM scores precomputed at summary refresh, and orders per customer-week with each customer's neighbouring weeks.

-- RFM of every customer in customer_summary, as rfm_analysis scores them for any as-of day on or after the last
-- order (then every summary row is scored, and ranking by recency_days = as-of − last_day is ranking by last_day, so
-- the scores do not depend on the as-of day). Written by server/db/rfmScores.ts inside every summary refresh: the
-- quintile cut values are recomputed and only rows whose scores change are rewritten. rfm_analysis reads it while
-- rfm_state.fresh; any other write to customer_summary clears that flag (trigger below) and the tool ranks the summary
-- itself again, so a stale row is never used.
CREATE TABLE customer_rfm (
  customer_id  bigint PRIMARY KEY,
  last_day     date NOT NULL,            -- (last_order_at AT TIME ZONE 'UTC')::date
  frequency    integer NOT NULL,         -- customer_summary.orders
  monetary     numeric(16, 4) NOT NULL,  -- customer_summary.revenue
  r            smallint NOT NULL,
  f            smallint NOT NULL,
  m            smallint NOT NULL,
  tier         text NOT NULL
);
-- A tier's customers by monetary, highest first (rfm_analysis `tier`, segments by tier): an index range, no sort.
CREATE INDEX customer_rfm_tier_idx ON customer_rfm (tier, monetary DESC, customer_id);

CREATE TABLE rfm_state (
  id          integer PRIMARY KEY CHECK (id = 1),
  fresh       boolean NOT NULL,         -- customer_rfm matches customer_summary
  customers   integer NOT NULL,         -- customers scored
  refreshed_at timestamptz
);
INSERT INTO rfm_state (id, fresh, customers) VALUES (1, false, 0);

CREATE FUNCTION rfm_state_stale() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE rfm_state SET fresh = false WHERE fresh;
  RETURN NULL;
END $$;
CREATE TRIGGER customer_summary_rfm_stale AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON customer_summary
  FOR EACH STATEMENT EXECUTE FUNCTION rfm_state_stale();

-- Orders (kind = 'order') of each identified customer per ISO week (date_trunc('week'), Monday, UTC), with the
-- customer's previous and next week with orders (NULL: none). kpi_trend counts distinct customers of a window of
-- whole weeks without grouping by customer: a customer is in [A, B] once, on the first row there (prev_week < A), and
-- has two orders there iff that row has two or the next row is in the window too (next_week <= B).
CREATE TABLE customer_weeks (
  customer_id  bigint NOT NULL,
  week         date NOT NULL,
  orders       integer NOT NULL,
  revenue      numeric NOT NULL,
  prev_week    date,
  next_week    date,
  PRIMARY KEY (customer_id, week)
);
CREATE INDEX customer_weeks_week_idx ON customer_weeks (week);

-- A database migrated with data: the orders the other rollups already include (rollup_state's high-water mark), so
-- the next incremental refresh adds exactly the orders above it. Without rollup_state the next refresh builds all.
INSERT INTO customer_weeks (customer_id, week, orders, revenue, prev_week, next_week)
SELECT customer_id, week, orders, revenue,
       lag(week) OVER (PARTITION BY customer_id ORDER BY week), lead(week) OVER (PARTITION BY customer_id ORDER BY week)
  FROM (SELECT o.customer_id, date_trunc('week', o.ordered_at AT TIME ZONE 'UTC')::date AS week, count(*)::int AS orders,
               sum(o.revenue) AS revenue
          FROM orders o JOIN rollup_state s ON o.id <= s.orders_through
         WHERE o.kind = 'order' AND o.customer_id IS NOT NULL
         GROUP BY 1, 2) w
 ORDER BY week, customer_id;
