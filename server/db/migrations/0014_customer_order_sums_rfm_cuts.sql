-- What the summary refresh after an import needs so that it does not re-read the touched customers' history
-- (server/db/orderSums.ts, server/db/summaryRefresh.ts, server/db/rfmScores.ts).

-- Per customer: the summary's inputs over every order of the customer with id <= through, kept so that an import adds
-- only its new orders (those above `through`) instead of re-reading all orders and lines of each touched customer.
-- A row exists only while it is exact: the triggers below delete it whenever one of the orders it includes (or a line
-- of one) is updated, deleted or inserted with an id at or below `through`; the next refresh then recomputes that
-- customer from all its orders.
CREATE TABLE customer_order_sums (
  customer_id        bigint PRIMARY KEY REFERENCES customers (id) ON DELETE CASCADE,
  through            bigint NOT NULL,          -- the largest order id when the row was written
  orders             integer NOT NULL,         -- kind 'order'
  revenue            numeric NOT NULL,
  returns            integer NOT NULL,
  first_order_at     timestamptz,              -- NULL: no order of kind 'order' yet
  last_order_at      timestamptz,
  order_days         integer NOT NULL,
  first_day_revenue  numeric NOT NULL,
  channels           jsonb NOT NULL,           -- {channel: orders}: main_channel is the most frequent
  sums               jsonb NOT NULL            -- {category: Σ line amount}: main_category is the largest
);
-- max(through) for the triggers' quick test "can this statement touch a kept row at all?"
CREATE INDEX customer_order_sums_through_idx ON customer_order_sums (through);
-- A customer's orders above its mark: one index range per customer, not all its orders.
CREATE INDEX orders_customer_id_id_idx ON orders (customer_id, id);

CREATE FUNCTION customer_order_sums_forget_orders() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    DELETE FROM customer_order_sums s USING (SELECT DISTINCT customer_id FROM old_rows) o WHERE s.customer_id = o.customer_id;
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    -- New orders (ids above every mark, the common case) leave the rows alone; the filter needs no join for them.
    DELETE FROM customer_order_sums s
     USING (SELECT DISTINCT customer_id, id FROM new_rows
             WHERE id <= (SELECT max(through) FROM customer_order_sums)) n
     WHERE s.customer_id = n.customer_id AND (TG_OP = 'UPDATE' OR n.id <= s.through);
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION customer_order_sums_forget_lines() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  mark bigint := (SELECT max(through) FROM customer_order_sums);
BEGIN
  IF mark IS NULL THEN RETURN NULL; END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    DELETE FROM customer_order_sums s USING orders o
     WHERE o.id IN (SELECT order_id FROM old_rows WHERE order_id <= mark) AND s.customer_id = o.customer_id AND o.id <= s.through;
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    DELETE FROM customer_order_sums s USING orders o
     WHERE o.id IN (SELECT order_id FROM new_rows WHERE order_id <= mark) AND s.customer_id = o.customer_id AND o.id <= s.through;
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION customer_order_sums_forget_all() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM customer_order_sums WHERE TRUE;
  RETURN NULL;
END $$;

CREATE TRIGGER orders_insert_sums AFTER INSERT ON orders REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION customer_order_sums_forget_orders();
CREATE TRIGGER orders_update_sums AFTER UPDATE ON orders REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION customer_order_sums_forget_orders();
CREATE TRIGGER orders_delete_sums AFTER DELETE ON orders REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION customer_order_sums_forget_orders();
CREATE TRIGGER orders_truncate_sums AFTER TRUNCATE ON orders
  FOR EACH STATEMENT EXECUTE FUNCTION customer_order_sums_forget_all();
CREATE TRIGGER order_lines_insert_sums AFTER INSERT ON order_lines REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION customer_order_sums_forget_lines();
CREATE TRIGGER order_lines_update_sums AFTER UPDATE ON order_lines REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION customer_order_sums_forget_lines();
CREATE TRIGGER order_lines_delete_sums AFTER DELETE ON order_lines REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION customer_order_sums_forget_lines();
CREATE TRIGGER order_lines_truncate_sums AFTER TRUNCATE ON order_lines
  FOR EACH STATEMENT EXECUTE FUNCTION customer_order_sums_forget_all();

-- The cut values customer_rfm's scores were computed with (NULL: unknown, the next refresh rescores every row), so
-- that a refresh rescores only the rows between an old and a new cut value (server/db/rfmScores.ts).
ALTER TABLE rfm_state ADD COLUMN r_cuts date[], ADD COLUMN f_cuts integer[], ADD COLUMN m_cuts numeric[];
-- A database migrated with data gets its rows at the next summary refresh: customers without one are computed from
-- all their orders (what every refresh did before), and a full refresh ('all') writes every row.
