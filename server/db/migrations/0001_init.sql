-- Sightline core data model. See docs/data-model.md for the meaning of every table.
CREATE EXTENSION IF NOT EXISTS vector;

-- One row per real person after identity resolution.
CREATE TABLE customers (
  id            bigserial PRIMARY KEY,
  name          text,
  email         text,               -- preferred normalized email (display); all emails live in customer_identities
  phone         text,               -- preferred E.164 phone
  country       text,
  city          text,
  signup_channel text,
  signed_up_at  timestamptz,        -- when the source says the customer joined (may be unknown)
  attributes    jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX customers_country_idx ON customers (country);

-- Every identifier seen for a customer, normalized. Sharing any identity means "same customer".
CREATE TABLE customer_identities (
  id           bigserial PRIMARY KEY,
  customer_id  bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  kind         text NOT NULL CHECK (kind IN ('email', 'phone', 'external_id')),
  source       text NOT NULL DEFAULT '',   -- system an external id belongs to; '' for email and phone
  value        text NOT NULL,              -- normalized: lower-case email, E.164 phone, trimmed id
  raw_value    text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (kind, source, value)
);
CREATE INDEX customer_identities_customer_idx ON customer_identities (customer_id);

-- A customer that was found to be the same person as another; its rows now belong to survivor_id.
CREATE TABLE customer_merges (
  merged_id     bigint PRIMARY KEY,
  survivor_id   bigint NOT NULL,
  reason        text NOT NULL,
  import_run_id bigint,
  merged_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE import_runs (
  id           bigserial PRIMARY KEY,
  entity       text NOT NULL CHECK (entity IN ('customers', 'orders', 'events', 'feedback')),
  source       text NOT NULL,
  file_name    text NOT NULL,
  preset       text,
  mapping      jsonb NOT NULL DEFAULT '{}'::jsonb,
  status       text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'succeeded', 'failed')),
  rows_read    integer NOT NULL DEFAULT 0,
  inserted     integer NOT NULL DEFAULT 0,
  updated      integer NOT NULL DEFAULT 0,
  unchanged    integer NOT NULL DEFAULT 0,
  rejected     integer NOT NULL DEFAULT 0,
  details      jsonb NOT NULL DEFAULT '{}'::jsonb,
  error        text,
  started_at   timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz
);

-- Nothing is lost: a row that cannot be imported is kept here, raw, with the reason.
CREATE TABLE import_rejects (
  id             bigserial PRIMARY KEY,
  import_run_id  bigint NOT NULL REFERENCES import_runs (id) ON DELETE CASCADE,
  line_no        integer NOT NULL,
  raw            jsonb NOT NULL,
  reason         text NOT NULL
);
CREATE INDEX import_rejects_run_idx ON import_rejects (import_run_id);

-- Orders and returns (kind = 'return', e.g. Online Retail "C" invoices). Returns never count as orders or revenue.
CREATE TABLE orders (
  id            bigserial PRIMARY KEY,
  source        text NOT NULL,
  external_id   text NOT NULL,
  customer_id   bigint REFERENCES customers (id),   -- NULL = guest order: in revenue, in no customer metric
  kind          text NOT NULL DEFAULT 'order' CHECK (kind IN ('order', 'return')),
  ordered_at    timestamptz NOT NULL,
  channel       text,
  currency      text NOT NULL DEFAULT 'USD',
  country       text,
  -- Σ line amount over lines with quantity > 0 and unit_price > 0; 0 for returns.
  revenue       numeric(16, 4) NOT NULL DEFAULT 0,
  line_count    integer NOT NULL DEFAULT 0,
  import_run_id bigint,
  UNIQUE (source, external_id)
);
CREATE INDEX orders_customer_idx ON orders (customer_id, ordered_at);
CREATE INDEX orders_ordered_at_idx ON orders (ordered_at);

CREATE TABLE order_lines (
  order_id      bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  line_no       integer NOT NULL,            -- position of the line within its order in the source file
  product_code  text,
  product_name  text,
  category      text,
  quantity      numeric(14, 3) NOT NULL,
  unit_price    numeric(14, 4) NOT NULL,
  amount        numeric(16, 4) NOT NULL,     -- line total: quantity × unit_price unless the source states it
  PRIMARY KEY (order_id, line_no)
);

-- Behaviour events (visit, view, cart, checkout, purchase, ...) for funnels and journeys.
CREATE TABLE events (
  id           bigserial PRIMARY KEY,
  source       text NOT NULL,
  dedupe_key   text NOT NULL,                -- external event id, or a hash of the event + its occurrence number
  customer_id  bigint REFERENCES customers (id),
  session_id   text,
  type         text NOT NULL,
  occurred_at  timestamptz NOT NULL,
  properties   jsonb NOT NULL DEFAULT '{}'::jsonb,
  UNIQUE (source, dedupe_key)
);
CREATE INDEX events_customer_idx ON events (customer_id, occurred_at);
CREATE INDEX events_type_time_idx ON events (type, occurred_at);

-- Customer feedback: reviews, tickets, survey answers. Text is untrusted input.
CREATE TABLE feedback (
  id              bigserial PRIMARY KEY,
  source          text NOT NULL,
  external_id     text NOT NULL,
  customer_id     bigint REFERENCES customers (id),
  channel         text,
  rating          smallint CHECK (rating BETWEEN 1 AND 5),
  text            text NOT NULL,
  language        text,
  label           text,                      -- optional gold label, only for evaluation
  created_at      timestamptz NOT NULL,
  embedding       vector,
  embedding_model text,
  UNIQUE (source, external_id)
);
CREATE INDEX feedback_created_idx ON feedback (created_at);
CREATE INDEX feedback_customer_idx ON feedback (customer_id);

-- Tags: manual labels or rules kept as data (kind = 'rule', rule = JSON definition).
CREATE TABLE tags (
  id           bigserial PRIMARY KEY,
  name         text NOT NULL UNIQUE,
  description  text,
  kind         text NOT NULL DEFAULT 'manual' CHECK (kind IN ('manual', 'rule')),
  rule         jsonb,
  created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE customer_tags (
  customer_id  bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  tag_id       bigint NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
  assigned_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (customer_id, tag_id)
);
CREATE INDEX customer_tags_tag_idx ON customer_tags (tag_id);

-- Saved segments: a name for a filter definition (evaluated when used, so membership stays current).
CREATE TABLE segments (
  id           bigserial PRIMARY KEY,
  name         text NOT NULL UNIQUE,
  description  text,
  definition   jsonb NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);

-- Who did what: imports, merges, tool calls, exports.
CREATE TABLE audit_log (
  id        bigserial PRIMARY KEY,
  at        timestamptz NOT NULL DEFAULT now(),
  actor     text NOT NULL DEFAULT 'system',
  role      text,
  action    text NOT NULL,
  target    text,
  details   jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_log_at_idx ON audit_log (at);
