-- A write log of customer_summary: every statement that writes it (insert, update, delete, truncate) appends one row,
-- in the writer's transaction. Caches of answers computed from the summary (clv_score_sets, migration 0011) key
-- them by the log's visible row count: committed writes only ever add rows, so a reader's snapshot sees a larger count
-- after any committed change, including a transaction that took a lower id but committed after a higher one (which
-- max(id) alone would miss); a rolled-back write adds nothing visible, and neither does its summary change. Reading
-- the version is a count over this narrow table instead of an aggregate over every summary row. Appends take no row
-- lock, so concurrent imports do not wait on each other (a single counter row would serialise them).
CREATE TABLE customer_summary_writes (
  id          bigserial PRIMARY KEY,
  written_at  timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION customer_summary_written() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO customer_summary_writes DEFAULT VALUES;
  RETURN NULL;
END $$;
CREATE TRIGGER customer_summary_write_log AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON customer_summary
  FOR EACH STATEMENT EXECUTE FUNCTION customer_summary_written();
