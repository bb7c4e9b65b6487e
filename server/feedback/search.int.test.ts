import { beforeAll, expect, it } from 'vitest';
import type { Db } from '../db/index.ts';
import { describeEachDriver } from '../testing/db.ts';
import { atLeastQuery, keywordLeg, queryTerms, vectorLeg, type SearchFilters } from './search.ts';

/**
 * A hand-built table for the bounded keyword leg. Query "late parcel refund" (stems late, parcel, refund); per-term
 * ts_rank weight of one occurrence 0.1 / (π²/6) = 0.0608, of three 0.1 × (1 + 1/4 + 1/9) / (π²/6) = 0.0828.
 */
const ROWS: [id: number, rating: number, text: string][] = [
  [1, 1, 'Late parcel, I want a refund, refund, refund.'], // 3 terms, refund ×3: (0.0608·2 + 0.0828)/3 = 0.0681
  [2, 2, 'Parcel lost, refund please.'], //                   2 terms: 0.0405
  [3, 3, 'Late, late and late again: the parcel.'], //         2 terms, late ×3: (0.0828 + 0.0608)/3 = 0.0479
  [4, 1, 'Refund for the late parcel.'], //                    3 terms: 0.0608
  [5, 5, 'Nothing to do with it.'], //                         0
  [6, 2, 'It was late.'], //                                   1 term: 0.0203
  [7, 1, 'The parcel arrived late, refund asked.'], //         3 terms: 0.0608
  [8, 4, 'My refund came.'], //                                1 term
  [9, 2, 'The parcel.'], //                                    1 term
  [10, 1, '快递太慢了，等了两周。'], //                          bigrams 快递 递太 太慢 慢了 …
  [11, 2, '快递很慢。'], //                                      快递 递很 很慢: shares only 快递 with 快递太慢
  [12, 2, 'Late parcel and no refund yet.'], //                 3 terms: 0.0608
];

async function load(db: Db, rows: readonly [number, number, string][]) {
  for (const [id, rating, text] of rows) {
    await db.query(
      `INSERT INTO feedback (id, source, external_id, rating, text, created_at) VALUES ($1, 'kw', $2, $3, $4, '2026-10-01')`,
      [id, `k${id}`, rating, text],
    );
  }
  await db.exec('ANALYZE feedback');
}

/** The unbounded ranking the leg approximates: every matching row ranked by ts_rank, newest first on ties. */
async function exact(db: Db, text: string, limit: number, ratingMax?: number): Promise<number[]> {
  const { rows } = await db.query<{ id: number }>(
    `SELECT f.id FROM feedback f, feedback_search_query($1) AS query
      WHERE f.search_tokens @@ query AND ($3::int IS NULL OR f.rating <= $3)
      ORDER BY ts_rank(f.search_tokens, query) DESC, f.id DESC LIMIT $2`,
    [text, limit, ratingMax ?? null],
  );
  return rows.map((r) => Number(r.id));
}

describeEachDriver('bounded keyword leg vs ranking every matching row', (use) => {
  const leg = async (text: string, candidates: number, pool?: number, filters: SearchFilters = {}) =>
    (await keywordLeg(use(), text, { filters, asOf: '2026-11-01', candidates, pool })).map((r) => r.id);

  beforeAll(async () => load(use(), ROWS));

  it('finds the query terms, rarest first by the column statistics', async () => {
    const terms = await queryTerms(use(), 'late parcel refund');
    expect([...terms].sort()).toEqual(['late', 'parcel', 'refund']);
    // parcel in 7 rows, late and refund in 6 each: parcel comes last
    expect(terms[2]).toBe('parcel');
    expect(await queryTerms(use(), 'the and of')).toEqual([]); // stopwords only
  });

  it('at-least-m queries match the rows holding ≥ m of the terms (counted by hand above)', async () => {
    const match = async (m: number) =>
      (await use().query<{ id: number }>(`SELECT id FROM feedback WHERE search_tokens @@ $1::tsquery ORDER BY id`, [atLeastQuery(['late', 'parcel', 'refund'], m)])).rows.map((r) => Number(r.id));
    expect(await match(3)).toEqual([1, 4, 7, 12]);
    expect(await match(2)).toEqual([1, 2, 3, 4, 7, 12]);
    expect(await match(1)).toEqual([1, 2, 3, 4, 6, 7, 8, 9, 12]);
  });

  it('gives the same list as the unbounded ranking when no level is cut (hand-ranked too)', async () => {
    expect(await leg('late parcel refund', 20)).toEqual([1, 12, 7, 4, 3, 2, 9, 8, 6]);
    expect(await exact(use(), 'late parcel refund', 20)).toEqual([1, 12, 7, 4, 3, 2, 9, 8, 6]);
    for (const n of [1, 2, 3, 4, 5, 6, 9]) expect(await leg('late parcel refund', n)).toEqual(await exact(use(), 'late parcel refund', n));
    expect(await leg('快递太慢', 10)).toEqual([10, 11]);
    expect(await leg('快递太慢', 10)).toEqual(await exact(use(), '快递太慢', 10));
    expect(await leg('refunds', 10)).toEqual(await exact(use(), 'refunds', 10)); // stemmed: 1 (three times), then 12, 8, 7, 4, 2
    expect(await leg('the and of', 10)).toEqual([]);
  });

  it('applies the filters at every level', async () => {
    const filtered = await leg('late parcel refund', 20, undefined, { ratingMax: 2 });
    expect(filtered).toEqual([1, 12, 7, 4, 2, 9, 6]); // row 3 (rating 3) and 8 (rating 4) drop out
    expect(filtered).toEqual(await exact(use(), 'late parcel refund', 20, 2));
  });

  it('a level cut at `pool` rows keeps its newest rows: an older row that repeats a word can be missed (documented)', async () => {
    // Level 3 holds 1, 4, 7, 12; pool 2 reads 12 and 7. Row 1 out-ranks them only by repeating "refund".
    expect(await leg('late parcel refund', 2, 2)).toEqual([12, 7]);
    expect(await exact(use(), 'late parcel refund', 2)).toEqual([1, 12]);
  });

  it('stops at the first level that fills the list: a row of fewer terms that repeats them is the documented miss', async () => {
    // Row 13 holds two of the three terms eight times each: (2 · 0.1 · Σ_{i≤8} 1/i² / (π²/6)) / 3 = 0.0619 > 0.0608.
    await load(use(), [[13, 2, 'late '.repeat(8) + 'parcel '.repeat(8)]]);
    expect(await exact(use(), 'late parcel refund', 3)).toEqual([1, 13, 12]);
    expect(await leg('late parcel refund', 3)).toEqual([1, 12, 7]); // level 3 already has 4 rows
    // Level 3 short of 5: level 2 is read too, and ranking the union puts row 13 where the full ranking does.
    expect(await leg('late parcel refund', 5)).toEqual([1, 13, 12, 7, 4]);
    expect(await exact(use(), 'late parcel refund', 5)).toEqual([1, 13, 12, 7, 4]);
  });

  it('the vector list sets ef_search to the candidates, and iterative scans only with filters (pgvector ≥ 0.8)', async () => {
    const { rows: [ext] } = await use().query<{ v: string }>(`SELECT extversion AS v FROM pg_extension WHERE extname = 'vector'`);
    const [major, minor] = ext!.v.split('.').map(Number);
    const iterative = major! > 0 || minor! >= 8;
    const model = { name: 'test-model', kind: 'local' as const, dimension: 3, settings: {}, state: null };
    const settings = (filters: SearchFilters) => use().transaction(async (tx) => {
      await vectorLeg(tx, model, Float32Array.from([1, 0, 0]), { filters, asOf: '2026-11-01', candidates: 120 });
      const { rows } = await tx.query<{ ef: string; it: string | null }>(
        `SELECT current_setting('hnsw.ef_search', true) AS ef, current_setting('hnsw.iterative_scan', true) AS it`,
      );
      return rows[0]!;
    });
    expect(await settings({})).toEqual({ ef: '120', it: iterative ? 'off' : null });
    expect(await settings({ ratingMax: 2 })).toEqual({ ef: '120', it: iterative ? 'relaxed_order' : null });
  });
});
