import { describe, expect, it } from 'vitest';
import { FIT_SAMPLE, fitClusters, K_SAMPLE } from './cluster.ts';
import type { FeatureMatrix } from './features.ts';
import { assignNearest, mulberry32 } from './kmeans.ts';
import { asMatrix } from './matrix.ts';

/** Three planted groups far apart (centres 10 units apart, spread ±1 uniform): any sensible clustering recovers them. */
function plantedMatrix(n: number): { matrix: FeatureMatrix; group: number[] } {
  const r = mulberry32(5);
  const centres = [[0, 0], [10, 0], [0, 10]];
  const group = Array.from({ length: n }, (_, i) => i % 3);
  const points = group.map((g) => centres[g]!.map((c) => c + (r() * 2 - 1)));
  return { matrix: { names: ['a', 'b'], points: asMatrix(points), scale: {}, categories: [] }, group };
}

/** Labels agree with the planted groups up to renumbering: a one-to-one map from group to label. */
function sameGrouping(labels: readonly number[], group: readonly number[]): boolean {
  const map = new Map<number, number>();
  labels.forEach((l, i) => { if (!map.has(group[i]!)) map.set(group[i]!, l); });
  return new Set(map.values()).size === map.size && labels.every((l, i) => map.get(group[i]!) === l);
}

describe('assignNearest', () => {
  it('labels each point by its nearest centroid, ties to the lower index', () => {
    // 5 is 5 from both centroids → 0; 9 is 1 from 10 → 1.
    expect(assignNearest([[1, 0], [9, 0], [5, 0], [-3, 0]], [[0, 0], [10, 0]])).toEqual([0, 1, 0, 0]);
  });
});

describe('fitClusters on large segments (k on a sample, centroids on a sample, everyone assigned)', () => {
  it(`recovers three planted groups among ${FIT_SAMPLE + 4000} points: k = 3 by silhouette, every point labelled`, () => {
    const { matrix, group } = plantedMatrix(FIT_SAMPLE + 4000);
    const out = fitClusters(matrix, undefined, 42);
    expect(out.fit.k).toBe(3);
    expect(out.scores.map((s) => s.k)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(Math.max(...out.scores.map((s) => s.silhouette))).toBe(out.scores.find((s) => s.k === 3)!.silhouette);
    expect(out.fittedOn).toBe(FIT_SAMPLE);
    expect(out.fit.labels).toHaveLength(FIT_SAMPLE + 4000);
    expect(sameGrouping(out.fit.labels, group)).toBe(true);
    // Well-separated groups: silhouette near 1 (within-group distances ≈ 1, between ≈ 10).
    expect(out.silhouette).toBeGreaterThan(0.8);
    expect(fitClusters(matrix, undefined, 42)).toEqual(out); // deterministic
  });

  it(`a given k skips the search; segments of at most ${K_SAMPLE} are fitted on every point`, () => {
    const big = plantedMatrix(K_SAMPLE + 10);
    const given = fitClusters(big.matrix, 3, 1);
    expect(given.scores).toHaveLength(1);
    expect(given.fittedOn).toBe(K_SAMPLE + 10);
    expect(sameGrouping(given.fit.labels, big.group)).toBe(true);
    const small = plantedMatrix(300);
    const out = fitClusters(small.matrix, undefined, 1);
    expect(out.fittedOn).toBe(300);
    expect(sameGrouping(out.fit.labels, small.group)).toBe(true);
  });
});
