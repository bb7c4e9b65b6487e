-- Compact keys for behaviour-event analytics, and a cache of fitted CLV models.
--
-- funnel_analysis and journey_paths group events per user: the customer, or the session for events without one.
-- Building that key as text per event ('c:' || customer_id) made every query sort ~2M text keys (collation-aware,
-- spilling to disk). event_keys holds, per event, an integer actor (customer id > 0, or −event_sessions.id), an
-- integer type code and the two fields the tools read (time, entering channel): a narrow table sorted/scanned
-- cheaply. It is derived data, kept in step with `events` by statement-level triggers (transition tables), so
-- every writer (import, bench COPY, demo seed, identity merges that move events) keeps it current without code of
-- its own. Events with neither customer nor session are not users of any tool and get no key.

CREATE TABLE event_types (
  code  integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  type  text NOT NULL UNIQUE
);

CREATE TABLE event_sessions (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  session_id  text NOT NULL UNIQUE
);

CREATE TABLE event_keys (
  event_id     bigint PRIMARY KEY,     -- events.id (no foreign key: a per-row check would dominate COPY; triggers keep it)
  actor        bigint NOT NULL,        -- customer id, or −event_sessions.id for an event without a customer
  type_code    integer NOT NULL,       -- event_types.code
  occurred_at  timestamptz NOT NULL,
  channel      text                    -- properties->>'channel' (funnel split by the entering event's channel)
);
-- Date-range scans (both tools filter by day first). Rows are inserted in time order (see the trigger), so a range
-- reads consecutive pages. No (actor, occurred_at) index: measured on the bench shop, Postgres picks it for a year
-- of events, and an index-only scan is only faster than scan + sort when the visibility map is set — it is not after
-- a bulk load (imports ANALYZE, they do not VACUUM; PGlite has no autovacuum), and then its heap fetches took twice
-- the time of the sort (EXPLAIN ANALYZE, 2M events: 12 s vs 6 s on a loaded machine; 4.6 s when vacuumed).
CREATE INDEX event_keys_time_idx ON event_keys (occurred_at);

CREATE FUNCTION event_keys_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    DELETE FROM event_keys k USING old_events o WHERE k.event_id = o.id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    -- NOT EXISTS first: ON CONFLICT alone would still draw (and waste) an identity value per known type/session.
    INSERT INTO event_types (type)
    SELECT DISTINCT n.type FROM new_events n
     WHERE NOT EXISTS (SELECT 1 FROM event_types t WHERE t.type = n.type)
     ORDER BY 1
    ON CONFLICT (type) DO NOTHING;
    INSERT INTO event_sessions (session_id)
    SELECT DISTINCT n.session_id FROM new_events n
     WHERE n.customer_id IS NULL AND n.session_id IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM event_sessions s WHERE s.session_id = n.session_id)
     ORDER BY 1
    ON CONFLICT (session_id) DO NOTHING;
    INSERT INTO event_keys (event_id, actor, type_code, occurred_at, channel)
    SELECT n.id, coalesce(n.customer_id, -s.id), t.code, n.occurred_at, n.properties->>'channel'
      FROM new_events n
      JOIN event_types t ON t.type = n.type
      LEFT JOIN event_sessions s ON n.customer_id IS NULL AND s.session_id = n.session_id
     WHERE n.customer_id IS NOT NULL OR n.session_id IS NOT NULL
     ORDER BY n.occurred_at, n.id; -- time order on disk: date-range index scans read neighbouring rows
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER events_keys_insert AFTER INSERT ON events
  REFERENCING NEW TABLE AS new_events FOR EACH STATEMENT EXECUTE FUNCTION event_keys_sync();
CREATE TRIGGER events_keys_update AFTER UPDATE ON events
  REFERENCING OLD TABLE AS old_events NEW TABLE AS new_events FOR EACH STATEMENT EXECUTE FUNCTION event_keys_sync();
CREATE TRIGGER events_keys_delete AFTER DELETE ON events
  REFERENCING OLD TABLE AS old_events FOR EACH STATEMENT EXECUTE FUNCTION event_keys_sync();

CREATE FUNCTION event_keys_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE event_keys;
  RETURN NULL;
END $$;
CREATE TRIGGER events_keys_truncate AFTER TRUNCATE ON events FOR EACH STATEMENT EXECUTE FUNCTION event_keys_truncate();

-- Backfill from the events already loaded (same rules as the trigger).
INSERT INTO event_types (type) SELECT DISTINCT type FROM events ORDER BY 1;
INSERT INTO event_sessions (session_id)
SELECT DISTINCT session_id FROM events WHERE customer_id IS NULL AND session_id IS NOT NULL ORDER BY 1;
INSERT INTO event_keys (event_id, actor, type_code, occurred_at, channel)
SELECT e.id, coalesce(e.customer_id, -s.id), t.code, e.occurred_at, e.properties->>'channel'
  FROM events e
  JOIN event_types t ON t.type = e.type
  LEFT JOIN event_sessions s ON e.customer_id IS NULL AND s.session_id = e.session_id
 WHERE e.customer_id IS NOT NULL OR e.session_id IS NOT NULL
 ORDER BY e.occurred_at, e.id;

-- Fitted BG/NBD and Gamma-Gamma parameters (tools/lib/clv/fitCache.ts). The key hashes the exact fit input (every
-- customer's x, t_x, T or x, zbar) with the model and fitting-code version, so a hit returns exactly what fitting
-- again would; a new import that changes any customer's history changes the key. Tools write here after their
-- read-only transaction; old entries are pruned to the most recent few per model.
CREATE TABLE model_fit_cache (
  model       text NOT NULL,
  input_key   text NOT NULL,
  fit         jsonb NOT NULL,
  customers   integer NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (model, input_key)
);
