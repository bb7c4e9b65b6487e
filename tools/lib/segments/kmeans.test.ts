import { describe, expect, it } from 'vitest';
import { buildFeatures, labelCluster, type CustomerBehaviour } from './features.ts';
import { chooseK, countDistinct, deterministicSample, kmeans, mulberry32, pairwiseDistances, silhouette } from './kmeans.ts';

/** n points around (cx, cy), spread ±0.5 on a fixed grid (no randomness in the data). */
const blob = (cx: number, cy: number, n = 9) => Array.from({ length: n }, (_, i) => [cx + ((i % 3) - 1) * 0.5, cy + (Math.floor(i / 3) - 1) * 0.5]);

describe('k-means', () => {
  it('1-D worked example: {0, 1, 4, 6} with k = 2 → centroids 0.5 and 5, inertia 2.5', () => {
    // Clusters {0, 1} and {4, 6}: means 0.5 and 5; inertia = 0.5² + 0.5² + 1² + 1² = 2.5.
    const fit = kmeans([[0], [1], [4], [6]], 2, { seed: 1 });
    const centroids = fit.centroids.map((c) => c[0]!).sort((a, b) => a - b);
    expect(centroids).toEqual([0.5, 5]);
    expect(fit.inertia).toBeCloseTo(2.5, 12);
    expect(fit.labels[0]).toBe(fit.labels[1]);
    expect(fit.labels[2]).toBe(fit.labels[3]);
    expect(fit.labels[0]).not.toBe(fit.labels[2]);
  });

  it('from given initial centroids runs Lloyd once from them (worked: {0, 1, 10, 11} from 0 and 1)', () => {
    // Assign: 0 → 0; 1, 10, 11 → 1. Update: 0 and 22/3. Assign: 0, 1 → first (1 is 1 from 0, 6.33 from 7.33); 10, 11 →
    // second. Update: 0.5 and 10.5. Assign: nothing moves. Two updates; inertia 4 × 0.25 = 1.
    const fit = kmeans([[0], [1], [10], [11]], 2, { initial: [[0], [1]] });
    expect(fit.centroids).toEqual([[0.5], [10.5]]);
    expect(fit.labels).toEqual([0, 0, 1, 1]);
    expect(fit.iterations).toBe(2);
    expect(fit.inertia).toBe(1);
  });

  it('is deterministic for a seed and rejects k larger than the data', () => {
    const points = [...blob(0, 0), ...blob(5, 5), ...blob(0, 5)];
    expect(kmeans(points, 3, { seed: 7 })).toEqual(kmeans(points, 3, { seed: 7 }));
    expect(() => kmeans([[0], [1]], 3)).toThrow(/k must be between 1 and the number of points \(2\), got 3/);
  });

  it('mulberry32 is a reproducible stream in [0, 1)', () => {
    const a = mulberry32(123);
    const b = mulberry32(123);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
  });
});

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

describe('features and labels', () => {
  const customer = (id: number, revenue: number, orders: number, recency: number, tenure: number, cat: string | null): CustomerBehaviour => ({
    customer_id: id, revenue, orders, aov: revenue / orders, recency_days: recency, tenure_days: tenure, main_category: cat,
  });

  it('z-scores numeric features, drops constant ones, keeps category indicators 0/1', () => {
    const m = buildFeatures([customer(1, 99, 1, 10, 10, 'Toys'), customer(2, 99, 1, 30, 10, 'Home'), customer(3, 99, 1, 20, 10, 'Home')]);
    // revenue, orders, tenure and AOV are the same for everyone → dropped; recency 10, 30, 20: mean 20, sd √(200/3).
    expect(m.names).toEqual(['recencyDays', 'cat:Home', 'cat:Toys']);
    const sd = Math.sqrt(200 / 3);
    expect(m.points.map((p) => p[0])).toEqual([-10 / sd, 10 / sd, 0]);
    expect(m.points.map((p) => p.slice(1))).toEqual([[0, 1], [1, 0], [1, 0]]);
  });

  it('labels a centroid by its notable traits', () => {
    const m = buildFeatures([customer(1, 10, 1, 300, 300, 'Toys'), customer(2, 1000, 9, 5, 400, 'Home')]);
    // Two customers: every z-score is ±1, and each is 100% of their own main category (≥ 0.6 → "mostly").
    expect(labelCluster(m.points[1]!, m)).toBe('high value, frequent, recent, long-standing, big baskets, mostly Home');
    expect(labelCluster(m.points[0]!, m)).toBe('low value, infrequent, lapsed, new, small baskets, mostly Toys');
    expect(labelCluster(m.names.map(() => 0), m)).toBe('average');
  });
});
