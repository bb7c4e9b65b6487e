-- customer_rfm keeps each summary customer's RFM values only (last day, order count, revenue); the scores and tier are
-- computed when read, from those values and the quintile cut values in rfm_state (tools/lib/rfmCuts.ts
-- storedRfmSql). Stored scores had to be rewritten for every customer a cut moved past: after 10k new orders on the
-- bench shop the recency cuts moved by up to 33 days and ~22k untouched rows were rescored, about half the summary
-- refresh. Reading scores from values costs four comparisons per dimension and one array lookup per row.
ALTER TABLE customer_rfm DROP COLUMN r, DROP COLUMN f, DROP COLUMN m, DROP COLUMN tier;
-- Without cut values the stored path cannot score: mark it stale until the next summary refresh stores them.
UPDATE rfm_state SET fresh = false WHERE r_cuts IS NULL OR f_cuts IS NULL OR m_cuts IS NULL;
-- A tier's customers by monetary, highest first (rfm_analysis `tier`): read in this order, scored, and stopped at the
-- limit (tools/lib/rfmCuts.ts storedRfmTierSql).
CREATE INDEX customer_rfm_monetary_idx ON customer_rfm (monetary DESC, customer_id);
