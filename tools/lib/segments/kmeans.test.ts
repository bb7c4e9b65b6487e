import { describe, expect, it } from 'vitest';
import { kmeans, mulberry32 } from './kmeans.ts';
import { blob } from './testing.ts';

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

  it('Hamerly’s bounds change nothing: the same labels and centroids as plain Lloyd from the same start', () => {
    /** Lloyd as written: assign every point to its nearest centroid (ties → lower index), move centroids to the means. */
    function plainLloyd(points: number[][], start: number[][]): { labels: number[]; centroids: number[][] } {
      let centroids = start.map((c) => [...c]);
      let labels: number[] = [];
      for (let iteration = 0; iteration < 100; iteration++) {
        const next = points.map((p) => {
          const d = centroids.map((c) => c.reduce((s, v, i) => s + (p[i]! - v) ** 2, 0));
          return d.indexOf(Math.min(...d));
        });
        if (next.every((l, i) => l === labels[i])) break;
        labels = next;
        centroids = centroids.map((c, k) => {
          const members = points.filter((_, i) => labels[i] === k);
          return members.length ? c.map((_, d) => members.reduce((s, p) => s + p[d]!, 0) / members.length) : c;
        });
      }
      return { labels, centroids };
    }
    const r = mulberry32(21);
    // Overlapping blobs in 4 dimensions, so points do switch clusters over many iterations.
    const points = Array.from({ length: 600 }, (_, i) => Array.from({ length: 4 }, (_, d) => (i % 5) * (d === i % 4 ? 1.5 : 0) + r() * 3));
    for (let k = 2; k <= 8; k++) {
      const start = points.slice(0, k).map((p) => [...p]);
      const expected = plainLloyd(points, start);
      const fit = kmeans(points, k, { initial: start });
      expect(fit.iterations).toBeGreaterThan(2);
      expect(fit.labels).toEqual(expected.labels);
      fit.centroids.forEach((c, i) => c.forEach((v, d) => expect(v).toBeCloseTo(expected.centroids[i]![d]!, 12)));
    }
  });

  it('an exact tie goes to the lower index, as in plain Lloyd ({0, 2, 4, 6} from 0 and 1.9)', () => {
    // Assign: 0 → first; 2, 4, 6 → second (2 is 0.1 from 1.9). Update: 0 and 4, so 2 is exactly 2 from both: the tie
    // goes to the first. Update: 1 and 5; nothing moves. Inertia 4 × 1² = 4 (keeping 2 in the second cluster would
    // stop at 0 and 4 with inertia 8).
    const fit = kmeans([[0], [2], [4], [6]], 2, { initial: [[0], [1.9]] });
    expect(fit.labels).toEqual([0, 0, 1, 1]);
    expect(fit.centroids).toEqual([[1], [5]]);
    expect(fit.inertia).toBe(4);
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
