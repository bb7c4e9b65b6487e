-- Feedback intelligence (server/feedback/README.md): embedder registry, keyword index, stored themes.

-- Embedders. Exactly one is active: new feedback is embedded with it and searches compare against its vectors only
-- (feedback.embedding_model = name). The local embedder's fitted state lives here so every process embeds the same
-- way; an OpenAI-compatible endpoint keeps only its base URL and model (the API key stays in the environment).
CREATE TABLE embedding_models (
  name        text PRIMARY KEY,                                   -- Embedder.name, stored with every vector
  kind        text NOT NULL CHECK (kind IN ('local', 'openai')),
  dimension   integer NOT NULL CHECK (dimension BETWEEN 1 AND 16000),
  settings    jsonb NOT NULL DEFAULT '{}'::jsonb,                 -- openai: {"baseUrl", "model"}
  state       bytea,                                              -- local: serialized fitted state
  active      boolean NOT NULL DEFAULT false,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX embedding_models_one_active ON embedding_models ((true)) WHERE active;

-- Keyword index of a text: English words (stemmed, stopwords dropped: the 'english' configuration) plus the character
-- bigrams of every Chinese run, since Chinese has no spaces and overlapping bigrams are the usual CJK index unit
-- (as in Lucene's CJKAnalyzer); a one-character run is kept as a unigram. Works the same on PGlite and PostgreSQL,
-- with no extension.
CREATE FUNCTION feedback_search_tokens(body text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT to_tsvector('english'::regconfig, body) || coalesce((
    SELECT array_to_tsvector(array_agg(DISTINCT substr(run, i, 2)))
      FROM (SELECT m[1] AS run
              FROM regexp_matches(body, '([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)', 'g') AS m) AS runs,
           generate_series(1, greatest(length(run) - 1, 1)) AS i), ''::tsvector)
$$;

-- The tokens of a query joined by OR (ranking decides), as a tsquery; lexemes are quoted, so nothing in the query text
-- is read as tsquery syntax.
CREATE FUNCTION feedback_search_query(q text) RETURNS tsquery
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(string_agg('''' || replace(replace(lexeme, '\', '\\'), '''', '''''') || '''', ' | '), '')::tsquery
    FROM unnest(feedback_search_tokens(q))
$$;

ALTER TABLE feedback ADD COLUMN search_tokens tsvector GENERATED ALWAYS AS (feedback_search_tokens(text)) STORED;
CREATE INDEX feedback_search_tokens_idx ON feedback USING gin (search_tokens);
-- Rows still to embed (backfill) are found without a scan.
CREATE INDEX feedback_unembedded_idx ON feedback (id) WHERE embedding IS NULL;
-- The HNSW index on the vectors needs a fixed dimension, so it is created per model when a model becomes active:
-- feedback_embedding_hnsw on ((embedding::vector(d))) WHERE embedding_model = '<name>' (server/feedback/store.ts).

-- Themes: clusters of feedback with a stable id. Each run matches its clusters to the stored themes by centroid
-- cosine (Hungarian assignment); a matched cluster keeps the theme's id and name, a new one gets a new id, a theme
-- not found again is kept inactive so it can come back.
CREATE TABLE feedback_theme_runs (
  id               bigserial PRIMARY KEY,
  embedding_model  text NOT NULL,
  requested_k      integer,                                       -- NULL = chosen automatically
  k                integer NOT NULL,
  k_selection      jsonb NOT NULL DEFAULT '{}'::jsonb,
  feedback_rows    integer NOT NULL,
  fingerprint      text NOT NULL,                                 -- data the run saw: reused while unchanged
  ms               integer NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE feedback_themes (
  id               bigserial PRIMARY KEY,
  embedding_model  text NOT NULL,
  centroid         vector NOT NULL,
  name             text NOT NULL,
  name_source      text NOT NULL CHECK (name_source IN ('keywords', 'llm')),
  keywords         text[] NOT NULL,
  size             integer NOT NULL,
  active           boolean NOT NULL DEFAULT true,
  first_run_id     bigint NOT NULL REFERENCES feedback_theme_runs (id),
  last_run_id      bigint NOT NULL REFERENCES feedback_theme_runs (id),
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX feedback_themes_model_idx ON feedback_themes (embedding_model, active);

-- The latest run's theme of every embedded feedback row.
CREATE TABLE feedback_theme_assignments (
  feedback_id  bigint PRIMARY KEY REFERENCES feedback (id) ON DELETE CASCADE,
  theme_id     bigint NOT NULL REFERENCES feedback_themes (id) ON DELETE CASCADE,
  similarity   real NOT NULL                                      -- cosine to the theme centroid
);
CREATE INDEX feedback_theme_assignments_theme_idx ON feedback_theme_assignments (theme_id);
