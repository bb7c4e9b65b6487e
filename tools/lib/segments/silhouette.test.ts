import { describe, expect, it } from 'vitest';
import { mulberry32 } from './kmeans.ts';
import { chooseK, countDistinct, deterministicSample, pairwiseDistances, silhouette } from './silhouette.ts';
import { blob } from './testing.ts';

describe('silhouette (Rousseeuw 1987)', () => {
  it('worked example: {0, 1} | {4, 6}', () => {
    // s(0) = (mean(4, 6) − 1) / 5 = 0.8;  s(1) = (mean(3, 5) − 1) / 4 = 0.75
    // s(4) = (mean(4, 3) − 2) / 3.5 = 3/7; s(6) = (mean(6, 5) − 2) / 5.5 = 7/11
    const d = pairwiseDistances([[0], [1], [4], [6]]);
    expect(Array.from(d)).toEqual([1, 4, 6, 3, 5, 2]);
    expect(silhouette(d, [0, 0, 1, 1], 2)).toBeCloseTo((0.8 + 0.75 + 3 / 7 + 7 / 11) / 4, 12);
  });

  it('a point alone in its cluster scores 0: {0, 1} | {4}', () => {
    // s(0) = (4 − 1) / 4 = 0.75; s(1) = (3 − 1) / 3 = 2/3; s(4) = 0 (singleton)
    expect(silhouette(pairwiseDistances([[0], [1], [4]]), [0, 0, 1], 2)).toBeCloseTo((0.75 + 2 / 3 + 0) / 3, 12);
  });
});

describe('silhouette on random data: the one-pass triangle sums equal Rousseeuw’s definition row by row', () => {
  /** The definition as written: for each i, mean distance to its own cluster and the nearest other one. */
  function silhouetteByRows(points: number[][], labels: number[], k: number): number {
    const n = points.length;
    const counts = new Array<number>(k).fill(0);
    for (const l of labels) counts[l]!++;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const sums = new Array<number>(k).fill(0);
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        let s = 0;
        for (let d = 0; d < points[i]!.length; d++) s += (points[i]![d]! - points[j]![d]!) ** 2;
        sums[labels[j]!]! += Math.sqrt(s);
      }
      const own = labels[i]!;
      if (counts[own]! <= 1) continue;
      const a = sums[own]! / (counts[own]! - 1);
      const b = Math.min(...sums.map((v, c) => (c !== own && counts[c]! > 0 ? v / counts[c]! : Infinity)));
      if (b === Infinity) continue;
      total += (b - a) / Math.max(a, b) || 0;
    }
    return total / n;
  }

  it('gives the same number to the last bit (300 points in 5 dimensions, k = 2..6, a singleton cluster)', () => {
    const r = mulberry32(11);
    const points = Array.from({ length: 300 }, () => Array.from({ length: 5 }, () => r() * 10));
    for (let k = 2; k <= 6; k++) {
      const labels = points.map((_, i) => (i === 0 ? k - 1 : Math.floor(r() * (k - 1))));
      expect(silhouette(pairwiseDistances(points), labels, k)).toBe(silhouetteByRows(points, labels, k));
    }
  });

  it('countDistinct counts distinct points, stopping at the bound asked for', () => {
    const points = [[1, 2], [1, 2], [3, 4], [5, 6], [3, 4]];
    expect(countDistinct(points)).toBe(3);
    expect(countDistinct(points, 2)).toBe(2);
    expect(countDistinct([], 2)).toBe(0);
  });
});

describe('choosing k', () => {
  it('two obvious blobs → k = 2, each blob one cluster', () => {
    const points = [...blob(0, 0), ...blob(10, 10)];
    const { best, scores } = chooseK(points, { seed: 3 });
    expect(best.k).toBe(2);
    expect(new Set(best.labels.slice(0, 9)).size).toBe(1);
    expect(new Set(best.labels.slice(9)).size).toBe(1);
    expect(best.labels[0]).not.toBe(best.labels[9]);
    expect(scores.map((s) => s.k)).toEqual([2, 3, 4, 5, 6, 7, 8]);
  });

  it('three blobs → k = 3, also when silhouette runs on a sample', () => {
    const points = [...blob(0, 0, 30), ...blob(8, 0, 30), ...blob(4, 8, 30)].map((p, i) => [p[0]! + (i % 7) * 0.01, p[1]!]);
    expect(chooseK(points, { seed: 5 }).best.k).toBe(3);
    expect(chooseK(points, { seed: 5, silhouetteSample: 40 }).best.k).toBe(3);
  });

  it('deterministic samples are sorted, distinct and reproducible', () => {
    const s = deterministicSample(10_000, 50, 9);
    expect(s).toEqual(deterministicSample(10_000, 50, 9));
    expect(new Set(s).size).toBe(50);
    expect([...s].sort((a, b) => a - b)).toEqual(s);
    expect(deterministicSample(5, 50, 9)).toEqual([0, 1, 2, 3, 4]);
  });
});
