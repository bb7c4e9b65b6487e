/**
 * Hybrid feedback search: a vector kNN list (HNSW on the active model's vectors) and a keyword list (English stems +
 * Chinese character bigrams, see migration 0007), merged by reciprocal rank fusion. Filters are the same for both.
 */
import type { Queryable } from '../db/index.ts';
import { rfmSql } from '../../tools/lib/rfm.ts';
import { prepareSegment } from '../../tools/lib/segments/resolve.ts';
import { assertModelName, vectorExpression, type StoredModel } from './store.ts';
import { toVectorLiteral } from './vectors.ts';

/** RRF constant from Cormack, Clarke & Büttcher (2009), "Reciprocal rank fusion outperforms Condorcet and individual rank learning methods". */
export const RRF_K = 60;

export interface RankedId {
  id: number;
  /** 1-based rank in each list the id appears in. */
  ranks: (number | null)[];
  score: number;
}

/** RRF: score(d) = Σ over lists of 1 / (k + rank(d)); ties broken by the best single rank, then by id. */
export function reciprocalRankFusion(lists: readonly (readonly number[])[], k = RRF_K): RankedId[] {
  const byId = new Map<number, RankedId>();
  lists.forEach((list, li) => {
    list.forEach((id, i) => {
      let entry = byId.get(id);
      if (!entry) byId.set(id, (entry = { id, ranks: lists.map(() => null), score: 0 }));
      if (entry.ranks[li] !== null) return; // a duplicate within one list counts once, at its best rank
      entry.ranks[li] = i + 1;
      entry.score += 1 / (k + i + 1);
    });
  });
  const best = (r: RankedId) => Math.min(...r.ranks.map((x) => x ?? Infinity));
  return [...byId.values()].sort((a, b) => b.score - a.score || best(a) - best(b) || a.id - b.id);
}

export interface SearchFilters {
  from?: string;
  to?: string;
  channels?: string[];
  ratingMin?: number;
  ratingMax?: number;
  language?: string;
  segment?: string;
  rfmTiers?: string[];
  themeId?: number;
}

/** WHERE conditions on `f` (feedback) with their parameters; `params` may already hold earlier values. */
export async function filterConditions(q: Queryable, filters: SearchFilters, asOf: string, params: unknown[]): Promise<string[]> {
  const p = (v: unknown) => (params.push(v), `$${params.length}`);
  const where: string[] = [];
  if (filters.from) where.push(`f.created_at >= ${p(filters.from)}::date::timestamp AT TIME ZONE 'UTC'`);
  if (filters.to) where.push(`f.created_at < (${p(filters.to)}::date + 1)::timestamp AT TIME ZONE 'UTC'`);
  if (filters.channels?.length) where.push(`f.channel = ANY(${p(filters.channels)}::text[])`);
  if (filters.ratingMin !== undefined) where.push(`f.rating >= ${p(filters.ratingMin)}`);
  if (filters.ratingMax !== undefined) where.push(`f.rating <= ${p(filters.ratingMax)}`);
  if (filters.language) where.push(`f.language = ${p(filters.language)}`);
  if (filters.themeId !== undefined) {
    where.push(`f.id IN (SELECT feedback_id FROM feedback_theme_assignments WHERE theme_id = ${p(filters.themeId)})`);
  }
  if (filters.segment !== undefined) {
    // The segment's SQL numbers its parameters from $1: renumber them after ours.
    const seg = await prepareSegment(q, { segment: filters.segment }, asOf);
    const offset = params.length;
    params.push(...seg.params);
    const sql = seg.sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
    where.push(`f.customer_id IN (SELECT customer_id FROM (${sql}) AS seg)`);
  }
  if (filters.rfmTiers?.length) {
    const offset = params.length;
    params.push(asOf);
    const sql = rfmSql('summary').replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
    where.push(`f.customer_id IN (SELECT customer_id FROM (${sql}) AS rfm WHERE tier = ANY(${p(filters.rfmTiers)}::text[]))`);
  }
  return where;
}

export interface LegOptions {
  filters: SearchFilters;
  asOf: string;
  candidates: number;
}

/**
 * Vector leg: nearest neighbours by cosine distance, through the partial HNSW index of the model (same expression,
 * same model literal). With filters, pgvector ≥ 0.8 iterative scans keep reading the graph until enough rows pass.
 */
export async function vectorLeg(
  q: Queryable, model: StoredModel, vector: Float32Array, opts: LegOptions,
): Promise<{ id: number; similarity: number }[]> {
  const v = vectorExpression(model.dimension);
  const params: unknown[] = [toVectorLiteral(vector)];
  const where = await filterConditions(q, opts.filters, opts.asOf, params);
  // ef_search bounds how many candidates one scan can return (pgvector default 40).
  await q.query(`SELECT set_config('hnsw.ef_search', $1, true)`, [String(Math.min(1000, Math.max(40, opts.candidates)))]);
  if (where.length && (await supportsIterativeScan(q))) {
    await q.query(`SELECT set_config('hnsw.iterative_scan', 'relaxed_order', true)`);
  }
  const expr = v ? v.expr : 'embedding';
  const cast = v ? v.cast : 'vector';
  const name = assertModelName(model.name).replace(/'/g, "''");
  params.push(opts.candidates);
  // relaxed_order may return rows slightly out of order: the outer query sorts them again.
  const { rows } = await q.query<{ id: number; distance: number }>(
    `SELECT id, distance FROM (
       SELECT f.id, ${expr} <=> $1::${cast} AS distance
         FROM feedback f
        WHERE f.embedding_model = '${name}' ${where.map((w) => `AND ${w}`).join(' ')}
        ORDER BY ${expr} <=> $1::${cast}
        LIMIT $${params.length}) AS knn
      ORDER BY distance, id`,
    params,
  );
  return rows.map((r) => ({ id: Number(r.id), similarity: 1 - Number(r.distance) }));
}

const iterative = new WeakMap<Queryable, boolean>();
async function supportsIterativeScan(q: Queryable): Promise<boolean> {
  const known = iterative.get(q);
  if (known !== undefined) return known;
  const { rows } = await q.query<{ v: string }>(`SELECT extversion AS v FROM pg_extension WHERE extname = 'vector'`);
  const [major = 0, minor = 0] = (rows[0]?.v ?? '0.0').split('.').map(Number);
  const ok = major > 0 || minor >= 8;
  iterative.set(q, ok);
  return ok;
}

/** Keyword leg: rows sharing any query token, ranked by ts_rank (term frequency, positions). */
export async function keywordLeg(q: Queryable, text: string, opts: LegOptions): Promise<{ id: number; rank: number }[]> {
  const params: unknown[] = [text];
  const where = await filterConditions(q, opts.filters, opts.asOf, params);
  params.push(opts.candidates);
  const { rows } = await q.query<{ id: number; rank: number }>(
    `SELECT f.id, ts_rank(f.search_tokens, query) AS rank
       FROM feedback f, feedback_search_query($1) AS query
      WHERE f.search_tokens @@ query ${where.map((w) => `AND ${w}`).join(' ')}
      ORDER BY rank DESC, f.id DESC
      LIMIT $${params.length}`,
    params,
  );
  return rows.map((r) => ({ id: Number(r.id), rank: Number(r.rank) }));
}
