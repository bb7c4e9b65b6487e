import { describe, expect, it } from 'vitest';
import { atLeastQuery, combinations, reciprocalRankFusion } from './search.ts';

describe('reciprocalRankFusion (Cormack et al. 2009, k = 60)', () => {
  it('sums 1/(k + rank) over the lists (hand-computed)', () => {
    // vector: 7, 3, 5   keyword: 3, 9
    // 3: 1/62 + 1/61 = 0.0325191   7: 1/61 = 0.0163934   9: 1/62 = 0.0161290   5: 1/63 = 0.0158730
    const fused = reciprocalRankFusion([[7, 3, 5], [3, 9]]);
    expect(fused.map((f) => f.id)).toEqual([3, 7, 9, 5]);
    expect(fused[0]!.score).toBeCloseTo(1 / 62 + 1 / 61, 12);
    expect(fused[0]!.ranks).toEqual([2, 1]);
    expect(fused[2]!.ranks).toEqual([null, 2]);
  });

  it('breaks score ties by the best single rank, then id', () => {
    // 1: ranks (1, 3) = 1/61 + 1/63; 2: ranks (3, 1) — same score, same best rank → id order.
    const fused = reciprocalRankFusion([[1, 4, 2], [2, 5, 1]]);
    expect(fused.slice(0, 2).map((f) => f.id)).toEqual([1, 2]);
    expect(fused[0]!.score).toBeCloseTo(fused[1]!.score, 15);
  });

  it('counts a duplicate within one list once, and uses the given k', () => {
    const fused = reciprocalRankFusion([[4, 4]], 1);
    expect(fused).toEqual([{ id: 4, ranks: [1], score: 0.5 }]);
  });
});

describe('coordination levels of the keyword leg', () => {
  it('lists the m-subsets in order (C(4, 2) = 6)', () => {
    expect(combinations(['a', 'b', 'c', 'd'], 2)).toEqual([['a', 'b'], ['a', 'c'], ['a', 'd'], ['b', 'c'], ['b', 'd'], ['c', 'd']]);
    expect(combinations(['a', 'b'], 3)).toEqual([]);
    expect(combinations(['a', 'b', 'c'], 3)).toEqual([['a', 'b', 'c']]);
  });

  it('writes "at least m terms" as an OR of conjunctions, lexemes quoted', () => {
    expect(atLeastQuery(['late', 'parcel', 'refund'], 2)).toBe(`('late' & 'parcel') | ('late' & 'refund') | ('parcel' & 'refund')`);
    expect(atLeastQuery(['it\'s', '快递'], 1)).toBe(`'it''s' | '快递'`);
  });
});
