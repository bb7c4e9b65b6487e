/**
 * Feedback themes: cluster the active model's vectors (k automatic or given), label each cluster with c-TF-IDF
 * keywords and a short name, give it a stable id by matching it to the stored themes, and store the run with one
 * assignment per feedback row. `refreshThemes` is what the feedback_themes tool, `sightline themes` and the
 * BANKING77 eval call.
 */
import type { Config } from '../config.ts';
import type { Db, Queryable } from '../db/index.ts';
import { copyText } from '../db/copy.ts';
import { clusterVectors } from './cluster/index.ts';
import { sphericalKMeansFrom, toRows } from './cluster/spherical.ts';
import { themeKeywords } from './cluster/keywords.ts';
import { ensureEmbeddings } from './lifecycle.ts';
import { keywordName, type ThemeNamer } from './naming.ts';
import { matchThemes } from './stableIds.ts';
import { cosine, dot, parseVector, toVectorLiteral } from './vectors.ts';

/** Texts clustered at most; beyond that an even sample is clustered and every row joins its nearest centroid. */
export const MAX_CLUSTER_TEXTS = 60_000;
export const KEYWORDS_PER_THEME = 8;
export const NAMING_QUOTES = 5;
/**
 * Most themes the automatic choice may pick: a list people can read. On templated or repetitive feedback the
 * silhouette keeps rising with k (ever finer near-duplicate groups), so without a cap it picks the largest candidate.
 */
export const DEFAULT_MAX_THEMES = 30;
/** Growth since the last run up to which a run only updates the stored themes (warm start) instead of reclustering. */
export const SMALL_ADDITION = 0.1;

export interface RefreshOptions {
  /** Number of themes; omitted = chosen automatically (silhouette) up to `maxK`. */
  k?: number;
  /** Upper bound of the automatic choice (default DEFAULT_MAX_THEMES). */
  maxK?: number;
  /** Recompute even when the stored run saw the same data with the same k. */
  force?: boolean;
  /** LLM naming for new themes (themeNamerFromConfig); null/omitted = keyword names. */
  namer?: ThemeNamer | null;
  seed?: number;
  /** Cluster from scratch (and choose k again) even when the stored themes could just be updated. */
  recluster?: boolean;
}

export interface ThemeRun {
  runId: number;
  /** True when the stored run was still current and nothing was recomputed. */
  reused: boolean;
  model: string;
  k: number;
  rows: number;
  /** warm_start = the stored themes' centroids were updated with the new rows; recluster = clustered from scratch. */
  method: 'reused' | 'warm_start' | 'recluster';
  /** Theme ids created by this run (empty when reused). */
  created: number[];
  ms: number;
}

interface Loaded {
  ids: number[];
  texts: string[];
  vectors: Float32Array[];
}

async function fingerprintOf(q: Queryable, model: string, opts: RefreshOptions): Promise<{ fingerprint: string; rows: number }> {
  const { rows } = await q.query<{ n: number; max_id: number | null }>(
    `SELECT count(*)::int AS n, max(id) AS max_id FROM feedback WHERE embedding_model = $1`, [model],
  );
  const n = rows[0]?.n ?? 0;
  const k = opts.k ?? `auto<=${opts.maxK ?? DEFAULT_MAX_THEMES}`;
  return { fingerprint: `${model}|rows=${n}|max=${rows[0]?.max_id ?? 0}|k=${k}|seed=${opts.seed ?? 42}`, rows: n };
}

async function loadVectors(q: Queryable, model: string): Promise<Loaded> {
  const { rows } = await q.query<{ id: number; text: string; embedding: string }>(
    `SELECT id, text, embedding::text AS embedding FROM feedback WHERE embedding_model = $1 ORDER BY id`, [model],
  );
  return { ids: rows.map((r) => Number(r.id)), texts: rows.map((r) => r.text), vectors: rows.map((r) => parseVector(r.embedding)) };
}

/** Nearest centroid by cosine (centroids need not be unit length). */
function nearest(v: Float32Array, centroids: readonly Float32Array[]): { label: number; similarity: number } {
  let best = { label: 0, similarity: -Infinity };
  centroids.forEach((c, label) => {
    const s = cosine(v, c);
    if (s > best.similarity) best = { label, similarity: s };
  });
  return best;
}

/**
 * Cluster (a sample of) the vectors, then place every row at its nearest centroid. With `warm` centroids (the stored
 * themes), spherical k-means starts from them instead of from scratch: a few new rows then move the centroids a
 * little and every theme stays recognisable, which is what keeps ids stable across small additions.
 */
function cluster(data: Loaded, opts: RefreshOptions, warm: readonly Float32Array[] | null) {
  const step = Math.max(1, Math.ceil(data.vectors.length / MAX_CLUSTER_TEXTS));
  const every = <T>(items: readonly T[]): readonly T[] => (step === 1 ? items : items.filter((_, i) => i % step === 0));
  const sample = every(data.vectors);
  let result: { k: number; assignments: number[]; centroids: Float32Array[]; kSelection: unknown };
  if (warm) {
    const x = toRows(sample);
    const initial = new Float32Array(warm.length * x.dims);
    warm.forEach((c, i) => initial.set(c, i * x.dims));
    const run = sphericalKMeansFrom(x, initial, warm.length);
    const centroids = warm.map((_, c) => run.centroids.slice(c * x.dims, (c + 1) * x.dims));
    result = { k: warm.length, assignments: Array.from(run.labels), centroids, kSelection: { method: 'warm_start' } };
  } else {
    // The texts let their TF-IDF neighbours vote on the labels (cluster/textknn.ts).
    result = clusterVectors(sample, { k: opts.k, maxK: opts.maxK ?? DEFAULT_MAX_THEMES, seed: opts.seed ?? 42, texts: every(data.texts) });
  }
  const placed = step === 1
    ? result.assignments.map((label, i) => ({ label, similarity: cosine(data.vectors[i]!, result.centroids[label]!) }))
    : data.vectors.map((v) => nearest(v, result.centroids));
  return { ...result, placed };
}

/** The stored themes' centroids when this run may just update them: same model, same k, a small addition. */
async function warmCentroids(q: Queryable, model: string, rows: number, opts: RefreshOptions): Promise<Float32Array[] | null> {
  if (opts.recluster) return null;
  const { rows: last } = await q.query<{ embedding_model: string; feedback_rows: number; requested_k: number | null }>(
    `SELECT embedding_model, feedback_rows, requested_k FROM feedback_theme_runs ORDER BY id DESC LIMIT 1`,
  );
  const prev = last[0];
  if (!prev || prev.embedding_model !== model || rows > prev.feedback_rows * (1 + SMALL_ADDITION)) return null;
  const { rows: themes } = await q.query<{ centroid: string }>(
    `SELECT centroid::text AS centroid FROM feedback_themes WHERE embedding_model = $1 AND active ORDER BY id`, [model],
  );
  if (!themes.length || (opts.k !== undefined && opts.k !== themes.length) || themes.length > rows) return null;
  // An automatic run only continues an automatic one (a given k stays the user's choice for that run).
  if (opts.k === undefined && prev.requested_k !== null) return null;
  return themes.map((t) => parseVector(t.centroid));
}

/** The quotes closest to a theme's centroid, one per distinct text. */
function closestTexts(data: Loaded, placed: readonly { label: number; similarity: number }[], label: number, n: number): string[] {
  const members = placed.flatMap((p, i) => (p.label === label ? [{ i, s: p.similarity }] : [])).sort((a, b) => b.s - a.s);
  const out: string[] = [];
  for (const m of members) {
    const text = data.texts[m.i]!;
    if (!out.includes(text)) out.push(text);
    if (out.length >= n) break;
  }
  return out;
}

/**
 * Recompute (or reuse) the themes. Embeds missing rows first. The run is stored in one transaction: matched themes
 * keep their id and name (centroid, keywords and size are updated), new ones are inserted, stored themes not found
 * again become inactive, and every embedded row gets its theme.
 */
export async function refreshThemes(db: Db, config: Config, opts: RefreshOptions = {}): Promise<ThemeRun> {
  const started = performance.now();
  const embedder = await ensureEmbeddings(db, config);
  const { fingerprint, rows } = await fingerprintOf(db, embedder.name, opts);
  if (!opts.force) {
    const { rows: last } = await db.query<{ id: number; fingerprint: string; k: number }>(
      `SELECT id, fingerprint, k FROM feedback_theme_runs ORDER BY id DESC LIMIT 1`,
    );
    if (last[0]?.fingerprint === fingerprint) {
      return { runId: Number(last[0].id), reused: true, model: embedder.name, k: last[0].k, rows, method: 'reused', created: [], ms: performance.now() - started };
    }
  }
  const data = await loadVectors(db, embedder.name);
  const warm = await warmCentroids(db, embedder.name, data.ids.length, opts);
  const result = cluster(data, opts, warm);
  const labels = result.placed.map((p) => p.label);
  const keywords = themeKeywords(data.texts, labels, result.k, KEYWORDS_PER_THEME);
  const sizes = Array.from({ length: result.k }, (_, c) => labels.filter((l) => l === c).length);

  const { rows: stored } = await db.query<{ id: number; centroid: string; name: string }>(
    `SELECT id, centroid::text AS centroid, name FROM feedback_themes WHERE embedding_model = $1 ORDER BY id`, [embedder.name],
  );
  const matched = matchThemes(stored.map((s) => ({ id: Number(s.id), centroid: parseVector(s.centroid) })), result.centroids);
  const names = await Promise.all(
    matched.map(async (id, c) => {
      if (id !== null) return null; // a matched theme keeps its stored name
      const llm = opts.namer ? await opts.namer({ keywords: keywords[c]!, quotes: closestTexts(data, result.placed, c, NAMING_QUOTES) }) : null;
      return llm ? { name: llm, source: 'llm' as const } : { name: keywordName(keywords[c]!), source: 'keywords' as const };
    }),
  );

  const { runId, created } = await db.transaction(async (tx) => {
    const { rows: [run] } = await tx.query<{ id: number }>(
      `INSERT INTO feedback_theme_runs (embedding_model, requested_k, k, k_selection, feedback_rows, fingerprint, ms)
       VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7) RETURNING id`,
      [embedder.name, opts.k ?? null, result.k, JSON.stringify(result.kSelection), data.ids.length, fingerprint, Math.round(performance.now() - started)],
    );
    const runId = Number(run!.id);
    const themeIds: number[] = [];
    const created: number[] = [];
    for (let c = 0; c < result.k; c++) {
      const centroid = toVectorLiteral(unit(result.centroids[c]!));
      if (matched[c] !== null) {
        await tx.query(
          `UPDATE feedback_themes SET centroid = $2::vector, keywords = $3, size = $4, active = true, last_run_id = $5, updated_at = now() WHERE id = $1`,
          [matched[c], centroid, keywords[c], sizes[c], runId],
        );
        themeIds.push(matched[c]!);
      } else {
        const { rows: [theme] } = await tx.query<{ id: number }>(
          `INSERT INTO feedback_themes (embedding_model, centroid, name, name_source, keywords, size, first_run_id, last_run_id)
           VALUES ($1, $2::vector, $3, $4, $5, $6, $7, $7) RETURNING id`,
          [embedder.name, centroid, names[c]!.name, names[c]!.source, keywords[c], sizes[c], runId],
        );
        themeIds.push(Number(theme!.id));
        created.push(Number(theme!.id));
      }
    }
    await tx.query(`UPDATE feedback_themes SET active = false, updated_at = now() WHERE active AND NOT (id = ANY($1::int8[]))`, [themeIds]);
    await tx.exec(`DELETE FROM feedback_theme_assignments`);
    await tx.copyFrom(
      'feedback_theme_assignments', ['feedback_id', 'theme_id', 'similarity'],
      copyText(data.ids.map((id, i) => [id, themeIds[result.placed[i]!.label]!, result.placed[i]!.similarity.toFixed(5)])),
    );
    return { runId, created };
  });
  await db.exec('ANALYZE feedback_theme_assignments');
  return {
    runId, reused: false, model: embedder.name, k: result.k, rows: data.ids.length, method: warm ? 'warm_start' : 'recluster', created,
    ms: performance.now() - started,
  };
}

function unit(v: Float32Array): Float32Array {
  const n = Math.sqrt(dot(v, v));
  return n > 0 ? v.map((x) => x / n) : v;
}

export interface Assignment {
  feedback_id: number;
  external_id: string;
  label: string | null;
  theme_id: number | null;
}

/** Every feedback row with its gold label (if any) and its theme of the latest run (null = not clustered yet). */
export async function themeAssignments(q: Queryable): Promise<Assignment[]> {
  const { rows } = await q.query<Assignment>(
    `SELECT f.id AS feedback_id, f.external_id, f.label, a.theme_id
       FROM feedback f LEFT JOIN feedback_theme_assignments a ON a.feedback_id = f.id
      ORDER BY f.id`,
  );
  return rows.map((r) => ({ ...r, feedback_id: Number(r.feedback_id), theme_id: r.theme_id === null ? null : Number(r.theme_id) }));
}
