import { describe, expect, it } from 'vitest';
import { multiViewRefine, multiViewScores, sparseCentroids, denseCentroids } from './multiview.ts';
import type { Rows } from './spherical.ts';
import type { SparseRows } from './textknn.ts';

// Five texts: dense 2-d views and one-hot sparse rows. Text 2 sits nearer cluster 0 in the dense view (cos 0.908 vs
// 0.6) but shares its only word with cluster 1.
const x: Rows = { n: 5, dims: 2, data: Float32Array.from([1, 0, 1, 0, 0.8, 0.6, 0, 1, 0, 1]) };
const e = (col: number) => ({ cols: [col], values: [1] });
const sparse: SparseRows = { cols: 3, rows: [e(0), e(0), e(1), e(1), e(1)] };
const labels = [0, 0, 0, 1, 1];

describe('multi-view refinement', () => {
  it('builds the centroids of both views by hand', () => {
    // μ₀ = (2.8, 0.6)/|·|, ν₀ = (2, 1, 0)/√5 stored column-major (col · k + c), ν₁ = (0, 1, 0).
    const mu = denseCentroids(x, labels, 2);
    expect(mu[0]).toBeCloseTo(2.8 / Math.hypot(2.8, 0.6), 6);
    expect(mu[3]).toBeCloseTo(1, 6);
    const nu = sparseCentroids(sparse, labels, 2);
    expect(Array.from(nu)).toEqual([2 / Math.sqrt(5), 0, 1 / Math.sqrt(5), 1, 0, 0].map((v) => expect.closeTo(v, 6)));
  });

  it('scores cos(x, μ) + λ·cos(t, ν)', () => {
    const scores = new Float64Array(2);
    multiViewScores(x, sparse, 2, denseCentroids(x, labels, 2), sparseCentroids(sparse, labels, 2), 2, 1, scores);
    // c0: 0.8·0.97780 + 0.6·0.20953 = 0.90796, + 1/√5; c1: 0.6 + 1.
    expect(scores[0]).toBeCloseTo(0.90796 + 0.44721, 4);
    expect(scores[1]).toBeCloseTo(1.6, 6);
  });

  it('moves the text to the cluster of its word when λ = 1, keeps it when λ = 0.1', () => {
    // λ = 0.1: c0 0.908 + 0.045 > c1 0.6 + 0.1. λ = 1: 1.355 < 1.6; then it stays (c0 0.8 vs c1 0.809 + 1).
    expect(Array.from(multiViewRefine(x, sparse, labels, 2, { lambda: 1, rounds: 5 }))).toEqual([0, 0, 1, 1, 1]);
    expect(Array.from(multiViewRefine(x, sparse, labels, 2, { lambda: 0.1, rounds: 5 }))).toEqual(labels);
  });
});
