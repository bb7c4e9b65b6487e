-- Per-customer CLV scores and the churn model, reused across tool calls (tools/lib/clv/scoreCache.ts).
-- Scoring ~90k customers (P(alive), E[purchases over the horizon] through a hypergeometric series, E[value], CLV)
-- takes seconds in JavaScript, and the data changes only on import. A set is keyed by a SHA-256 of the tool, its
-- arguments after defaults, the scoring-code version and the data version of customer_summary (row count, Σ of the
-- columns the models read, latest updated_at), so a hit needs one aggregate over the summary and index reads, and
-- any refresh that changes a customer's history changes the key. Written after the tool's read-only transaction;
-- pruned to the newest few sets per tool.
CREATE TABLE clv_score_sets (
  id          serial PRIMARY KEY,
  tool        text NOT NULL,                  -- customer_lifetime_value | churn_risk
  set_key     text NOT NULL UNIQUE,
  result      jsonb NOT NULL,                 -- what the tool reports besides per-customer rows (models, totals, …)
  customers   integer NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- One row per scored customer of a customer_lifetime_value set, in the units of that set. No foreign keys: a set is
-- written by one COPY of ~90k rows, and per-row checks would cost more than the write (rows go with their set).
CREATE TABLE clv_scores (
  set_id              integer NOT NULL,
  customer_id         bigint NOT NULL,
  x                   integer NOT NULL,
  tx                  double precision NOT NULL,
  t                   double precision NOT NULL,
  p_alive             double precision NOT NULL,
  expected_purchases  double precision NOT NULL,
  expected_value      double precision NOT NULL,
  clv                 double precision NOT NULL,
  PRIMARY KEY (set_id, customer_id)
);
-- Top customers by CLV (ties: lower id first) as an index range scan.
CREATE INDEX clv_scores_top_idx ON clv_scores (set_id, clv DESC, customer_id);
