/**
 * When vectors are made: on import (the batch's rows, with the active model), by `sightline reembed` (switch or refit
 * the model, re-embed everything, rebuild the index) and by `ensureEmbeddings` (first use: pick the configured
 * default, backfill rows that have no vector yet, e.g. seeded demo rows).
 */
import type { Config } from '../config.ts';
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
  if (added > 0 || !(await hasHnswIndex(db))) {
    if (!(await hasHnswIndex(db))) await db.transaction((tx) => createHnswIndex(tx, active));
    await db.exec('ANALYZE feedback');
  }
  return embedder;
}

/**
 * Import hook (one batch, inside its transaction): embed the rows that need it with the active model. The first
 * feedback import of a database also chooses the model: the local embedder is then fitted on what is stored so far,
 * this batch included, and its index built after the vectors are in.
 */
export async function embedImportedIn(tx: Queryable, config: Config): Promise<{ model: string; embedded: number }> {
  const active = await getActiveModel(tx);
  const usable = active && (await usableEmbedder(tx, active, config));
  if (usable) return { model: usable.name, embedded: await embedPendingIn(tx, usable, { missingOnly: true }) };
  const { embedder, model } = await buildEmbedder(tx, active ? 'local' : defaultEmbedderKind(config), config);
  await activateModel(tx, model);
  const embedded = await embedPendingIn(tx, embedder);
  await createHnswIndex(tx, model);
  return { model: embedder.name, embedded };
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
