import type { Config } from '../config.ts';
import type { Db, Queryable } from '../db/index.ts';
import { copyText } from '../db/copy.ts';
import { AppError } from '../errors.ts';
import { fitLocalEmbedder, loadLocalEmbedder } from './localModel.ts';
import { createOpenAiEmbedder, openAiEmbedderName } from './openai.ts';
import type { Embedder } from './types.ts';
import { toVectorLiteral } from './vectors.ts';

export const EMBEDDER_KINDS = ['local', 'openai'] as const;
export type EmbedderKind = (typeof EMBEDDER_KINDS)[number];

export interface StoredModel {
  name: string;
  kind: EmbedderKind;
  dimension: number;
  settings: { baseUrl?: string; model?: string };
  state: Uint8Array | null;
}

/** Texts the local embedder learns its IDF from, at most (an even sample by id beyond that). */
export const LOCAL_FIT_MAX_TEXTS = 100_000;
export const EMBED_BATCH = 2_000;
export const HNSW_INDEX = 'feedback_embedding_hnsw';
/** pgvector indexes `vector` up to 2,000 dimensions and `halfvec` up to 4,000. */
const MAX_VECTOR_INDEX_DIM = 2_000;
const MAX_HALFVEC_INDEX_DIM = 4_000;

/** Config decides the default: an embeddings endpoint when EMBEDDINGS_BASE_URL is set, else the local embedder. */
export function defaultEmbedderKind(config: Pick<Config, 'EMBEDDINGS_BASE_URL'>): EmbedderKind {
  return config.EMBEDDINGS_BASE_URL ? 'openai' : 'local';
}

/** Model names end up as SQL literals in the partial HNSW index, so they are held to a safe alphabet. */
export function assertModelName(name: string): string {
  if (!/^[\w.:/@+-]{1,200}$/.test(name)) throw new AppError('invalid_argument', `embedding model name "${name}" has unsupported characters`);
  return name;
}
const literal = (name: string) => `'${assertModelName(name).replace(/'/g, "''")}'`;

/**
 * The indexed vector expression for a dimension: HNSW needs a fixed dimension while the column holds any, so the
 * index is on `embedding::vector(d)` (or halfvec beyond 2,000 dims) and queries must use the same expression.
 */
export function vectorExpression(dimension: number): { expr: string; cast: string; ops: string } | null {
  const d = Math.trunc(dimension);
  if (d <= MAX_VECTOR_INDEX_DIM) return { expr: `(embedding::vector(${d}))`, cast: `vector(${d})`, ops: 'vector_cosine_ops' };
  if (d <= MAX_HALFVEC_INDEX_DIM) return { expr: `(embedding::halfvec(${d}))`, cast: `halfvec(${d})`, ops: 'halfvec_cosine_ops' };
  return null;
}

/** The active model, without its state (a local state is megabytes: embedderFromModel reads it only on a cache miss). */
export async function getActiveModel(q: Queryable): Promise<StoredModel | null> {
  const { rows } = await q.query<StoredModel>(
    `SELECT name, kind, dimension, settings, NULL::bytea AS state FROM embedding_models WHERE active`,
  );
  return rows[0] ?? null;
}

/** Embedders by model name: loading the local state (a few MB) on every search would dominate its latency. */
const cache = new Map<string, Embedder>();
const CACHE_SIZE = 4;

/** Rebuild the Embedder a stored model describes (the API key comes from the environment, never the database). */
export async function embedderFromModel(model: StoredModel, config: Pick<Config, 'LLM_API_KEY'>, q: Queryable): Promise<Embedder> {
  const key = `${model.name}\u0000${model.settings.baseUrl ?? ''}\u0000${config.LLM_API_KEY ?? ''}`;
  let embedder = cache.get(key);
  if (!embedder) {
    embedder = await loadEmbedder(model, config, q);
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(key, embedder);
  }
  return embedder;
}

async function loadEmbedder(model: StoredModel, config: Pick<Config, 'LLM_API_KEY'>, q: Queryable): Promise<Embedder> {
  if (model.kind === 'local') {
    const state = model.state ?? (await q.query<{ state: Uint8Array | null }>(`SELECT state FROM embedding_models WHERE name = $1`, [model.name])).rows[0]?.state;
    if (!state) throw new AppError('internal', `local embedder ${model.name} has no stored state`);
    return loadLocalEmbedder(state);
  }
  const { baseUrl, model: remote } = model.settings;
  if (!baseUrl || !remote) throw new AppError('invalid_config', `embedder ${model.name} has no base URL or model`);
  return createOpenAiEmbedder({ baseUrl, model: remote, apiKey: config.LLM_API_KEY, dimension: model.dimension });
}

/** Corpus the local embedder is fitted on: every feedback text, or an even sample by id of large tables. */
async function fitCorpus(q: Queryable): Promise<string[]> {
  const { rows: [count] } = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM feedback`);
  const step = Math.max(1, Math.ceil((count?.n ?? 0) / LOCAL_FIT_MAX_TEXTS));
  const { rows } = await q.query<{ text: string }>(
    `SELECT text FROM (SELECT text, row_number() OVER (ORDER BY id) AS rn FROM feedback) t WHERE rn % $1 = 0 ORDER BY rn`,
    [step],
  );
  return rows.map((r) => r.text);
}

/** A new embedder of the given kind: the local one fitted on the stored feedback, or the configured endpoint. */
export async function buildEmbedder(q: Queryable, kind: EmbedderKind, config: Config): Promise<{ embedder: Embedder; model: StoredModel }> {
  if (kind === 'local') {
    const { embedder, state } = fitLocalEmbedder(await fitCorpus(q));
    return { embedder, model: { name: embedder.name, kind, dimension: embedder.dimension, settings: {}, state } };
  }
  if (!config.EMBEDDINGS_BASE_URL || !config.EMBEDDINGS_MODEL) {
    throw new AppError('invalid_config', 'the openai embedder needs EMBEDDINGS_BASE_URL and EMBEDDINGS_MODEL');
  }
  const embedder = await createOpenAiEmbedder({ baseUrl: config.EMBEDDINGS_BASE_URL, model: config.EMBEDDINGS_MODEL, apiKey: config.LLM_API_KEY });
  assertModelName(openAiEmbedderName(config.EMBEDDINGS_MODEL));
  const settings = { baseUrl: config.EMBEDDINGS_BASE_URL, model: config.EMBEDDINGS_MODEL };
  return { embedder, model: { name: embedder.name, kind, dimension: embedder.dimension, settings, state: null } };
}

/** Store the model and make it the only active one. Its HNSW index is built separately, after the backfill. */
export async function activateModel(q: Queryable, model: StoredModel): Promise<void> {
  assertModelName(model.name);
  await q.query(`UPDATE embedding_models SET active = false WHERE active AND name <> $1`, [model.name]);
  await q.query(
    `INSERT INTO embedding_models (name, kind, dimension, settings, state, active) VALUES ($1, $2, $3, $4::jsonb, $5, true)
     ON CONFLICT (name) DO UPDATE SET active = true, dimension = EXCLUDED.dimension, settings = EXCLUDED.settings,
       state = coalesce(EXCLUDED.state, embedding_models.state)`,
    [model.name, model.kind, model.dimension, JSON.stringify(model.settings), model.state],
  );
}

/**
 * (Re)create the HNSW index (Malkov & Yashunin 2018; pgvector defaults m = 16, ef_construction = 64) for the active
 * model: partial on its rows, on the fixed-dimension expression. Returns false when the dimension is too large to index.
 */
export async function createHnswIndex(q: Queryable, model: Pick<StoredModel, 'name' | 'dimension'>): Promise<boolean> {
  await q.exec(`DROP INDEX IF EXISTS ${HNSW_INDEX}`);
  const v = vectorExpression(model.dimension);
  if (!v) return false;
  // The graph builds much faster when it fits in memory.
  await q.query(`SELECT set_config('maintenance_work_mem', '256MB', true)`);
  await q.exec(
    `CREATE INDEX ${HNSW_INDEX} ON feedback USING hnsw (${v.expr} ${v.ops}) WHERE embedding_model = ${literal(model.name)}`,
  );
  return true;
}

export async function hasHnswIndex(q: Queryable): Promise<boolean> {
  const { rows } = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_indexes WHERE indexname = $1`, [HNSW_INDEX]);
  return (rows[0]?.n ?? 0) > 0;
}

/** Embed the given rows and write their vectors with the model's name. */
export async function writeEmbeddings(q: Queryable, embedder: Embedder, rows: readonly { id: number; text: string }[]): Promise<void> {
  if (!rows.length) return;
  await writeVectors(q, embedder.name, rows, await embedder.embed(rows.map((r) => r.text)));
}

/** Write vectors computed elsewhere: COPY into a temp table, then one UPDATE. */
export async function writeVectors(q: Queryable, model: string, rows: readonly { id: number }[], vectors: readonly Float32Array[]): Promise<void> {
  await q.exec(`CREATE TEMP TABLE IF NOT EXISTS stage_embeddings (id int8, embedding vector) ON COMMIT DELETE ROWS`);
  await q.exec(`TRUNCATE stage_embeddings`);
  await q.copyFrom('stage_embeddings', ['id', 'embedding'], copyText(rows.map((r, i) => [r.id, toVectorLiteral(vectors[i]!)])));
  await q.query(`UPDATE feedback f SET embedding = s.embedding, embedding_model = $1 FROM stage_embeddings s WHERE f.id = s.id`, [model]);
}

/**
 * Rows (after `afterId`) whose vector is missing or from another model, oldest id first; `missingOnly` = only rows
 * without a vector (new or edited rows: found through the partial index feedback_unembedded_idx, no scan).
 */
async function pendingRows(q: Queryable, model: string, afterId: number, limit: number, missingOnly = false) {
  const { rows } = await q.query<{ id: number; text: string }>(
    `SELECT id, text FROM feedback
      WHERE id > $1 AND ${missingOnly ? 'embedding IS NULL AND $2::text IS NOT NULL' : 'embedding_model IS DISTINCT FROM $2'}
      ORDER BY id LIMIT $3`,
    [afterId, model, limit],
  );
  return rows;
}

/** Embed rows without a vector (all rows not of this model unless `missingOnly`) inside one open transaction. */
export async function embedPendingIn(q: Queryable, embedder: Embedder, opts: { missingOnly?: boolean; batch?: number } = {}): Promise<number> {
  let done = 0;
  for (let after = 0; ; ) {
    const rows = await pendingRows(q, embedder.name, after, opts.batch ?? EMBED_BATCH, opts.missingOnly);
    if (!rows.length) return done;
    await writeEmbeddings(q, embedder, rows);
    done += rows.length;
    after = rows[rows.length - 1]!.id;
  }
}

/** Backfill: embed every row not embedded by this model, one transaction per batch (progress survives a crash). */
export async function embedPending(
  db: Db, embedder: Embedder, opts: { batch?: number; onProgress?: (done: number) => void } = {},
): Promise<number> {
  let done = 0;
  for (let after = 0; ; ) {
    const rows = await db.transaction(async (tx) => {
      const pending = await pendingRows(tx, embedder.name, after, opts.batch ?? EMBED_BATCH);
      await writeEmbeddings(tx, embedder, pending);
      return pending;
    });
    if (!rows.length) return done;
    done += rows.length;
    after = rows[rows.length - 1]!.id;
    opts.onProgress?.(done);
  }
}
