/**
 * When vectors are made: on import (the batch's rows, with the active model), after every import and the demo seed
 * (`embedNewFeedback`, from afterImport: rows the batches left without a vector, e.g. seeded demo rows or a failed
 * endpoint call), by `sightline reembed` (switch or refit the model, re-embed everything, rebuild the index) and by
 * `ensureEmbeddings` (first use: pick the configured default, backfill rows that have no vector yet).
 */
import { loadConfig, type Config } from '../config.ts';
import type { Db, Queryable } from '../db/index.ts';
import {
  activateModel,
  buildEmbedder,
  createHnswIndex,
  defaultEmbedderKind,
  embedderFromModel,
  embedPending,
  embedPendingIn,
  getActiveModel,
  hasHnswIndex,
  type EmbedderKind,
  type StoredModel,
} from './store.ts';
import { isAppError } from '../errors.ts';
import type { Embedder } from './types.ts';

export interface ReembedResult {
  model: string;
  kind: EmbedderKind;
  dimension: number;
  previous: string | null;
  embedded: number;
  indexed: boolean;
  ms: { fit: number; embed: number; index: number };
}

/**
 * Switch to (or refit) an embedder and re-embed all feedback. The local embedder is refitted on the current corpus;
 * when that gives the same state (same texts), the vectors are kept and only missing ones are computed.
 */
export async function reembed(
  db: Db, config: Config, kind: EmbedderKind = defaultEmbedderKind(config), onProgress?: (done: number) => void,
): Promise<ReembedResult> {
  const t0 = performance.now();
  const previous = await getActiveModel(db);
  const { embedder, model } = await buildEmbedder(db, kind, config);
  await db.transaction((tx) => activateModel(tx, model));
  const t1 = performance.now();
  // Without the old model's partial index during the backfill: incremental HNSW inserts are slower than one build.
  if (previous?.name !== model.name) await db.exec(`DROP INDEX IF EXISTS feedback_embedding_hnsw`);
  const embedded = await embedPending(db, embedder, { onProgress });
  await tidyAfterVectorWrites(db, embedded);
  const t2 = performance.now();
  let indexed = await hasHnswIndex(db);
  if (!indexed || previous?.name !== model.name) indexed = await db.transaction((tx) => createHnswIndex(tx, model));
  await db.exec('ANALYZE feedback');
  return {
    model: model.name, kind, dimension: model.dimension, previous: previous?.name ?? null, embedded, indexed,
    ms: { fit: t1 - t0, embed: t2 - t1, index: performance.now() - t2 },
  };
}

/**
 * The active embedder, after making sure every feedback row has its vector: with no model yet, the configured default
 * is built (the local one fitted on the stored feedback) and everything embedded; otherwise only missing rows are.
 */
export async function ensureEmbeddings(db: Db, config: Config): Promise<Embedder> {
  const active = await getActiveModel(db);
  const usable = active && (await usableEmbedder(db, active, config));
  if (!active || !usable) {
    await reembed(db, config, active && !usable ? 'local' : undefined);
    const model = await getActiveModel(db);
    return embedderFromModel(model!, config, db);
  }
  const embedder = usable;
  const added = await embedPending(db, embedder);
  await tidyAfterVectorWrites(db, added);
  if (added > 0 || !(await hasHnswIndex(db))) {
    if (!(await hasHnswIndex(db))) await db.transaction((tx) => createHnswIndex(tx, active));
    await db.exec('ANALYZE feedback');
  }
  return embedder;
}

/**
 * Writing a vector UPDATEs its row: a dead row version (feedback has no HOT updates: `embedding` is indexed) and new
 * entries in the pending list of the GIN keyword index (fastupdate), which every keyword search scans linearly until
 * a VACUUM merges it. Measured at 200k rows just after the vectors were written: the GIN scan of a 3-term query
 * 27 ms → 1.7 ms and half the heap pages after VACUUM. PGlite has no autovacuum, and PostgreSQL's may come minutes
 * later, so a backfill that wrote many vectors (≥ 1,000, or ≥ 10% of the table) vacuums the table itself.
 */
export async function tidyAfterVectorWrites(db: Db, written: number): Promise<boolean> {
  if (written < 1) return false;
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM feedback`);
  if (written < Math.min(1_000, 0.1 * rows[0]!.n)) return false;
  await db.exec('VACUUM (ANALYZE) feedback');
  return true;
}

/**
 * Inside an import's transaction (no VACUUM there): merge the GIN pending list the batch filled, so keyword searches
 * do not scan it; the dead row versions are left to autovacuum (PostgreSQL) or the next backfill.
 */
async function cleanKeywordIndex(tx: Queryable, written: number): Promise<void> {
  if (written >= 1_000) await tx.query(`SELECT gin_clean_pending_list('feedback_search_tokens_idx'::regclass)`);
}

/** An embedder call failed (endpoint down, bad answer): nothing was written for that batch, the rows wait for a backfill. */
class EmbedderFailed extends Error {}

/** Runs `work`, marking whatever it throws as an embedder failure. */
async function markFailures<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw err instanceof EmbedderFailed ? err : new EmbedderFailed((err as Error).message, { cause: err });
  }
}

/** The embedder with its failures marked, so callers can tell them from database errors. */
function marked(embedder: Embedder): Embedder {
  return { name: embedder.name, dimension: embedder.dimension, embed: (texts) => markFailures(() => embedder.embed(texts)) };
}

export interface ImportEmbedding {
  model: string | null;
  embedded: number;
  /** Why rows were left without a vector (the embedder failed); null when all got one. */
  error: string | null;
}

/**
 * Import hook (one batch, inside its transaction): embed the rows that need it with the active model. The first
 * feedback import of a database also chooses the model: the local embedder is then fitted on what is stored so far,
 * this batch included, and its index built after the vectors are in. An embedder failure (e.g. the configured
 * endpoint is down) does not fail the import: an embed() call that throws has written nothing, so the transaction is
 * intact; the rows keep no vector and `embedNewFeedback` (after the import) or `reembed` fills them in later.
 */
export async function embedImportedIn(tx: Queryable, config: Config): Promise<ImportEmbedding> {
  const active = await getActiveModel(tx);
  try {
    const usable = active && (await usableEmbedder(tx, active, config));
    if (usable) {
      const embedded = await embedPendingIn(tx, marked(usable), { missingOnly: true });
      await cleanKeywordIndex(tx, embedded);
      return { model: usable.name, embedded, error: null };
    }
    const kind = active ? 'local' : defaultEmbedderKind(config);
    // The local fit reads the database: only the endpoint's probe is an embedder failure here.
    const { embedder, model } = kind === 'openai' ? await markFailures(() => buildEmbedder(tx, kind, config)) : await buildEmbedder(tx, kind, config);
    await activateModel(tx, model);
    const embedded = await embedPendingIn(tx, marked(embedder));
    await cleanKeywordIndex(tx, embedded);
    await createHnswIndex(tx, model);
    return { model: embedder.name, embedded, error: null };
  } catch (err) {
    if (!(err instanceof EmbedderFailed)) throw err;
    return { model: active?.name ?? null, embedded: 0, error: err.message };
  }
}

export interface BackfillResult {
  model: string | null;
  /** Rows that got a vector in this call. */
  embedded: number;
  /** Rows still without one (the embedder failed: left for the next import, `themes refresh` or `reembed`). */
  pending: number;
  error: string | null;
}

const countUnembedded = async (q: Queryable) =>
  (await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM feedback WHERE embedding IS NULL`)).rows[0]!.n; // partial index

/**
 * After an import or the demo seed (afterImport): vectors for every feedback row still without one, in batches of
 * one transaction each (idempotent: only rows with no vector), choosing and fitting the default model if none is
 * active, and the HNSW index if missing. An embedder failure is logged and returned, never thrown: the import is
 * already committed and the rows stay for a later backfill.
 */
export async function embedNewFeedback(
  db: Db, config: Config = loadConfig(), log: (line: string) => void = (line) => console.warn(line),
): Promise<BackfillResult> {
  const before = await countUnembedded(db);
  if (before === 0) return { model: (await getActiveModel(db))?.name ?? null, embedded: 0, pending: 0, error: null };
  let error: string | null = null;
  try {
    await ensureEmbeddings(db, config);
  } catch (err) {
    error = (err as Error).message;
    log(`feedback vectors: ${before} rows left without a vector for a later backfill (\`sightline reembed\`): ${error}`);
  }
  const pending = await countUnembedded(db);
  return { model: (await getActiveModel(db))?.name ?? null, embedded: before - pending, pending, error };
}

/**
 * The stored model as an Embedder, or null when it is a local state this version of the code cannot read (the local
 * embedder's format changed in an upgrade): it is then refitted, since its vectors can no longer be reproduced.
 */
async function usableEmbedder(q: Queryable, model: StoredModel, config: Config): Promise<Embedder | null> {
  try {
    return await embedderFromModel(model, config, q);
  } catch (err) {
    if (model.kind === 'local' && isAppError(err) && err.code === 'bad_request') return null;
    throw err;
  }
}
