-- One row per key in the sales rollups, NULL a value like any other (a grouped-out column and an unknown country are
-- both NULL; `dims` tells them apart): an import's new orders are ADDED to the rows of their day with ON CONFLICT on
-- these keys (server/db/rollups.ts salesSql 'new') instead of every order of those days being grouped again. The
-- unique indexes start with (dims, day), so they also serve what the (dims, day) indexes served.
CREATE UNIQUE INDEX sales_daily_key ON sales_daily (dims, day, kind, country, channel, currency) NULLS NOT DISTINCT;
DROP INDEX sales_daily_dims_day_idx;
CREATE UNIQUE INDEX sales_daily_category_key ON sales_daily_category (dims, day, kind, country, channel, category) NULLS NOT DISTINCT;
DROP INDEX sales_daily_category_dims_day_idx;

-- Customers whose country changed since the last rollup refresh. Orders without a country of their own count under
-- their customer's country in the sales rollups and cohort cells; when it changes (an import fills in or corrects
-- it), refreshRollups rebuilds the days of those orders and moves the customer's cohort contributions, then empties
-- this table. Before, only the days an import's new orders fell on were rebuilt, so a changed country reached the
-- rollups only there (and never the cohort cells of a customer without new orders).
CREATE TABLE customer_country_changes (
  customer_id  bigint PRIMARY KEY
);

CREATE FUNCTION customer_country_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO customer_country_changes (customer_id)
  SELECT n.id FROM new_customers n JOIN old_customers o ON o.id = n.id
   WHERE o.country IS DISTINCT FROM n.country
  ON CONFLICT (customer_id) DO NOTHING;
  RETURN NULL;
END $$;

CREATE TRIGGER customers_country_changes AFTER UPDATE ON customers
  REFERENCING OLD TABLE AS old_customers NEW TABLE AS new_customers FOR EACH STATEMENT EXECUTE FUNCTION customer_country_changed();
