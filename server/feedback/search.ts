/**
 * Hybrid feedback search: a vector kNN list (HNSW on the active model's vectors) and a keyword list (English stems +
 * Chinese character bigrams, see migration 0007), merged by reciprocal rank fusion. Filters are the same for both.
 */
import type { Queryable } from '../db/index.ts';
import { rfmSql } from '../../tools/lib/rfm.ts';
import { appendStatement, inSegmentSql } from '../../tools/lib/segments/embed.ts';
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
  /** The customer's country (customers.country). */
  countries?: string[];
  themeId?: number;
  /** Only these customers: `segment`, `rfmTiers` and `countries` resolved once by `resolveCustomerFilters`. */
  customerIds?: number[];
}

/**
 * The segment, RFM-tier and country filters as one list of customer ids, computed once per search: inline, both lists
 * (and every keyword level) would recompute the RFM tiers of every customer.
 */
export async function resolveCustomerFilters(q: Queryable, filters: SearchFilters, asOf: string): Promise<SearchFilters> {
  const { segment, rfmTiers, countries, ...rest } = filters;
  if (segment === undefined && !rfmTiers?.length && !countries?.length) return filters;
  const params: unknown[] = [];
  const where = await customerConditions(q, { segment, rfmTiers, countries }, asOf, params, 'c.id');
  const { rows } = await q.query<{ ids: (number | string)[] }>(
    `SELECT coalesce(array_agg(c.id ORDER BY c.id), '{}') AS ids FROM customers c WHERE ${where.join(' AND ')}`,
    params,
  );
  const ids = rows[0]!.ids.map(Number);
  const allowed = new Set(ids);
  return { ...rest, customerIds: filters.customerIds ? filters.customerIds.filter((id) => allowed.has(id)) : ids };
}

/** Conditions putting `column` (a customer id) in the segment, the RFM tiers and the countries. */
async function customerConditions(
  q: Queryable, filters: Pick<SearchFilters, 'segment' | 'rfmTiers' | 'countries'>, asOf: string, params: unknown[], column: string,
): Promise<string[]> {
  const where: string[] = [];
  if (filters.countries?.length) {
    params.push(filters.countries);
    where.push(`${column} IN (SELECT id FROM customers WHERE country = ANY($${params.length}::text[]))`);
  }
  if (filters.segment !== undefined) {
    where.push(inSegmentSql(await prepareSegment(q, { segment: filters.segment }, asOf), column, params));
  }
  if (filters.rfmTiers?.length) {
    const sql = appendStatement(rfmSql('summary'), [asOf], params);
    params.push(filters.rfmTiers);
    where.push(`${column} IN (SELECT customer_id FROM (${sql}) AS rfm WHERE tier = ANY($${params.length}::text[]))`);
  }
  return where;
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
  if (filters.customerIds) where.push(`f.customer_id = ANY(${p(filters.customerIds)}::int8[])`);
  where.push(...(await customerConditions(q, filters, asOf, params, 'f.customer_id')));
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
  // ef_search bounds how many candidates one scan can return (pgvector default 40); with filters, iterative scans
  // (pgvector ≥ 0.8) keep reading the graph until enough rows pass. One round trip for both.
  await q.query(
    `SELECT set_config('hnsw.ef_search', $1, true),
            CASE WHEN $2::boolean AND (SELECT string_to_array(split_part(extversion, '-', 1), '.')::int[] >= '{0,8}'
                                         FROM pg_extension WHERE extname = 'vector')
                 THEN set_config('hnsw.iterative_scan', 'relaxed_order', true) END`,
    [String(Math.min(1000, Math.max(40, opts.candidates))), where.length > 0],
  );
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

/** Most query terms the keyword tiers are built from (the rarest ones): C(6, m) ≤ 20 conjunctions per tier. */
export const MAX_KEYWORD_TERMS = 6;
/** Rows read per coordination level, newest first, before ts_rank orders them (≥ the candidates asked for). */
export const KEYWORD_POOL = 300;

/** The query's lexemes (same tokens as the index), rarest first by the column statistics; unknown = rare. */
export async function queryTerms(q: Queryable, text: string): Promise<string[]> {
  const { rows } = await q.query<{ lexeme: string }>(
    `WITH stats AS (
       SELECT most_common_elems::text::text[] AS elems, most_common_elem_freqs AS freqs
         FROM pg_stats WHERE schemaname = current_schema() AND tablename = 'feedback' AND attname = 'search_tokens')
     SELECT t.lexeme
       FROM unnest(feedback_search_tokens($1)) AS t
       LEFT JOIN stats ON true
      ORDER BY stats.freqs[array_position(stats.elems, t.lexeme)] NULLS FIRST, t.lexeme`,
    [text],
  );
  return rows.map((r) => r.lexeme);
}

const quoteLexeme = (lexeme: string) => `'${lexeme.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

/** All m-element subsets of `items`, in order. */
export function combinations<T>(items: readonly T[], m: number): T[][] {
  if (m === 0) return [[]];
  if (m > items.length) return [];
  const [first, ...rest] = items;
  return [...combinations(rest, m - 1).map((c) => [first!, ...c]), ...combinations(rest, m)];
}

/** tsquery text matching rows that hold at least `m` of the terms: an OR of the m-term conjunctions. */
export function atLeastQuery(terms: readonly string[], m: number): string {
  return combinations(terms.map(quoteLexeme), m).map((c) => (c.length > 1 ? `(${c.join(' & ')})` : c[0]!)).join(' | ');
}

/**
 * Keyword leg: rows sharing query tokens, ranked by ts_rank (then newest first), as if every matching row were
 * ranked, while reading a bounded number of rows. ts_rank of an OR query is the mean over the query's terms of a
 * per-term weight in [0.0608, 0.1) (0.1 × Σ 1/i² over the term's occurrences ÷ π²/6, `calc_rank_or` in PostgreSQL's
 * tsrank.c): a row holding more of the terms ranks higher unless the other repeats its words many times. So rows are
 * read by coordination level (Salton's coordination-level match), most terms first: the newest `pool` rows holding
 * at least m of the (≤ 6 rarest) terms, m = t, t−1, …, until one level alone gives the candidates; the union is
 * ranked by ts_rank. Each level is an indexed query (GIN conjunctions, ORDER BY id DESC LIMIT) whatever the number
 * of matching rows. Differences from ranking every row: rows below the stopping level that out-rank a row of more
 * terms by repeated words, and older rows beyond `pool` at one level that repeat words; with ≤ `pool` rows per level
 * and single occurrences the lists are identical (search.int.test.ts checks both against the unbounded ranking).
 */
export async function keywordLeg(
  q: Queryable, text: string, opts: LegOptions & { pool?: number },
): Promise<{ id: number; rank: number }[]> {
  const terms = (await queryTerms(q, text)).slice(0, MAX_KEYWORD_TERMS);
  if (!terms.length) return [];
  const pool = Math.max(opts.candidates, opts.pool ?? KEYWORD_POOL);
  const params: unknown[] = [text, null];
  const where = await filterConditions(q, opts.filters, opts.asOf, params);
  params.push(pool);
  // Each level is ORDER BY id DESC LIMIT: the planner walks the primary key backwards (good when the level is dense)
  // or sorts a GIN bitmap's rows (good when sparse). With the default random_page_cost = 4 it misjudged levels of a
  // few thousand rows at 200k: 40k rows walked for 1,454 matches (83 ms; bitmap 12 ms). Searched feedback is read
  // from memory, where random reads cost about as much as sequential ones: 1.1 (the usual SSD/cached setting),
  // for this transaction only.
  await q.query(`SELECT set_config('random_page_cost', '1.1', true)`);
  const found = new Map<number, number>();
  for (let m = terms.length; m >= 1; m--) {
    params[1] = atLeastQuery(terms, m);
    const { rows } = await q.query<{ id: number; rank: number }>(
      `SELECT f.id, ts_rank(f.search_tokens, feedback_search_query($1)) AS rank
         FROM feedback f
        WHERE f.search_tokens @@ $2::tsquery ${where.map((w) => `AND ${w}`).join(' ')}
        ORDER BY f.id DESC
        LIMIT $${params.length}`,
      params,
    );
    for (const r of rows) found.set(Number(r.id), Number(r.rank));
    if (rows.length >= opts.candidates) break;
  }
  return [...found]
    .map(([id, rank]) => ({ id, rank }))
    .sort((a, b) => b.rank - a.rank || b.id - a.id)
    .slice(0, opts.candidates);
}

/** Without a query ("show the latest negative reviews"): the newest rows under the filters, newest first. */
export async function newestIds(q: Queryable, opts: Omit<LegOptions, 'candidates'> & { limit: number }): Promise<number[]> {
  const params: unknown[] = [];
  const where = await filterConditions(q, opts.filters, opts.asOf, params);
  params.push(opts.limit);
  const { rows } = await q.query<{ id: number }>(
    `SELECT f.id FROM feedback f ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY f.created_at DESC, f.id DESC LIMIT $${params.length}`,
    params,
  );
  return rows.map((r) => Number(r.id));
}
