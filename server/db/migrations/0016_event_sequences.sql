-- Per-user event sequences for funnel_analysis (tools/funnel_analysis.ts, source 'sequences').
--
-- An ordered funnel asks, per user, "the first step-k event at or after time t". Over event_keys that is a join of
-- the users still in the funnel with every event of the step's type: for a year of the bench shop (2M events, 271k
-- users) 2.9 s on Postgres. Here each user (event_keys.actor) has ONE row whose `keys` array holds all their events
-- sorted, each as a bigint that sorts by (type code, time): type_code · 2^53 + (µs since 1970 + 2^52). The answer to
-- the question is then one binary search, the built-in width_bucket(operand, sorted thresholds) — the count of
-- elements ≤ operand — so the whole funnel is one pass over 271k rows (0.4 s for the same year, split by channel).
-- `channels` runs parallel to `keys` (the funnel's split by the entering event's channel); ties in time sort by
-- channel, NULL last, the same order as the event_keys formulation's DISTINCT ON.
--
-- Range of the encoding: type codes below 1024 (2^10 · 2^53 = 2^63; events of higher codes are left out and the tool
-- uses event_keys for such steps) and times 1827–2112 (µs + 2^52 kept within [0, 2^53); times outside are clamped,
-- which keeps their order, and the tool only uses this table for days inside 1900–2100).
-- Derived data, kept in step with event_keys by statement-level triggers: inserts merge the new events into the
-- users' arrays, deletes remove one element per deleted event (an update of `events` reaches event_keys as a delete
-- and an insert).

CREATE FUNCTION event_sequence_key(type_code integer, occurred_at timestamptz) RETURNS bigint
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN type_code::bigint * 9007199254740992
         + least(greatest((extract(epoch FROM occurred_at) * 1000000)::bigint + 4503599627370496, 0), 9007199254740991);

CREATE TABLE event_sequences (
  actor     bigint PRIMARY KEY,      -- event_keys.actor
  keys      bigint[] NOT NULL,       -- event_sequence_key(type_code, occurred_at) of every event, ascending
  channels  text[] NOT NULL          -- the channel of each element of keys
);

-- New events: one sorted array per user from the statement's rows, merged into the user's existing row (unnest both,
-- sort). Merging per row costs the user's own events only; a join that unnested all affected users and grouped them
-- again took twice the time (10k events for 10k known users: ~0.55 vs ~1.3 s on top of the 0.3 s insert).
CREATE FUNCTION event_sequences_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO event_sequences AS s (actor, keys, channels)
  SELECT actor, array_agg(k ORDER BY k, ch), array_agg(ch ORDER BY k, ch)
    FROM (SELECT n.actor, event_sequence_key(n.type_code, n.occurred_at) AS k, n.channel AS ch
            FROM new_keys n WHERE n.type_code < 1024) added
   GROUP BY actor
  ON CONFLICT (actor) DO UPDATE SET (keys, channels) =
    (SELECT array_agg(u.k ORDER BY u.k, u.ch), array_agg(u.ch ORDER BY u.k, u.ch)
       FROM unnest(s.keys || EXCLUDED.keys, s.channels || EXCLUDED.channels) AS u(k, ch));
  RETURN NULL;
END $$;

-- Deleted events: per user and (key, channel), the first n copies go, n = how many such events were deleted
-- (copies of one key and channel are interchangeable). A user left without events loses the row.
CREATE FUNCTION event_sequences_remove() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  WITH gone AS (
    SELECT o.actor, event_sequence_key(o.type_code, o.occurred_at) AS k, o.channel AS ch,
           row_number() OVER (PARTITION BY o.actor, event_sequence_key(o.type_code, o.occurred_at), o.channel) AS copy
      FROM old_keys o WHERE o.type_code < 1024
  ), current AS (
    SELECT s.actor, u.k, u.ch, u.pos, row_number() OVER (PARTITION BY s.actor, u.k, u.ch ORDER BY u.pos) AS copy
      FROM event_sequences s, unnest(s.keys, s.channels) WITH ORDINALITY AS u(k, ch, pos)
     WHERE s.actor IN (SELECT actor FROM gone)
  ), kept AS (
    SELECT c.actor, array_agg(c.k ORDER BY c.pos) AS keys, array_agg(c.ch ORDER BY c.pos) AS channels
      FROM current c
     WHERE NOT EXISTS (SELECT 1 FROM gone g
                        WHERE g.actor = c.actor AND g.k = c.k AND g.ch IS NOT DISTINCT FROM c.ch AND g.copy = c.copy)
     GROUP BY c.actor
  ), updated AS (
    UPDATE event_sequences s SET keys = kept.keys, channels = kept.channels FROM kept WHERE s.actor = kept.actor
  )
  DELETE FROM event_sequences s
   WHERE s.actor IN (SELECT actor FROM gone) AND s.actor NOT IN (SELECT actor FROM kept);
  RETURN NULL;
END $$;

CREATE FUNCTION event_sequences_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE event_sequences;
  RETURN NULL;
END $$;

CREATE TRIGGER event_keys_sequences_insert AFTER INSERT ON event_keys
  REFERENCING NEW TABLE AS new_keys FOR EACH STATEMENT EXECUTE FUNCTION event_sequences_add();
CREATE TRIGGER event_keys_sequences_delete AFTER DELETE ON event_keys
  REFERENCING OLD TABLE AS old_keys FOR EACH STATEMENT EXECUTE FUNCTION event_sequences_remove();
CREATE TRIGGER event_keys_sequences_truncate AFTER TRUNCATE ON event_keys
  FOR EACH STATEMENT EXECUTE FUNCTION event_sequences_truncate();

-- Backfill from the keys already there (same encoding as the triggers).
INSERT INTO event_sequences (actor, keys, channels)
SELECT actor, array_agg(k ORDER BY k, ch), array_agg(ch ORDER BY k, ch)
  FROM (SELECT actor, event_sequence_key(type_code, occurred_at) AS k, channel AS ch FROM event_keys WHERE type_code < 1024) x
 GROUP BY actor;
