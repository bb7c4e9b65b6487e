-- Per-customer order summary, refreshed incrementally after every import (server/db/summary.ts), so per-customer
-- tools (RFM, churn, CLV, segments) read one row per customer instead of scanning every order.
CREATE TABLE customer_summary (
  customer_id        bigint PRIMARY KEY REFERENCES customers (id) ON DELETE CASCADE,
  first_order_at     timestamptz NOT NULL,
  last_order_at      timestamptz NOT NULL,
  orders             integer NOT NULL,          -- orders (returns excluded)
  order_days         integer NOT NULL,          -- distinct order days: same-day orders merged (BTYD transactions)
  revenue            numeric(16, 4) NOT NULL,   -- Σ order revenue
  first_day_revenue  numeric(16, 4) NOT NULL,   -- revenue of the first order day (Gamma-Gamma uses repeat days only)
  avg_gap_days       double precision,          -- (last − first) / (orders − 1); NULL with one order
  returns            integer NOT NULL DEFAULT 0,
  main_channel       text,                      -- most frequent order channel
  main_category      text,                      -- category with the most revenue
  updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX customer_summary_last_order_idx ON customer_summary (last_order_at);
CREATE INDEX customer_summary_first_order_idx ON customer_summary (first_order_at);
