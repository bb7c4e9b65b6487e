import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../tools/lib/random.ts';
import { ari } from '../../../evals/metrics.ts';
import { candidateKs, clusterVectors } from './index.ts';
import { themeKeywords } from './keywords.ts';
import { keywordTerms } from '../embed/tokenize.ts';

/** `perCluster` noisy unit vectors around each of `k` orthogonal directions in `dims` dimensions. */
function blobs(k: number, perCluster: number, dims: number, noise: number, seed = 1) {
  const random = mulberry32(seed);
  const vectors: Float32Array[] = [];
  const truth: number[] = [];
  for (let c = 0; c < k; c++) {
    for (let i = 0; i < perCluster; i++) {
      const v = new Float32Array(dims).map(() => (random() - 0.5) * noise);
      v[c]! += 1;
      const norm = Math.hypot(...v);
      vectors.push(v.map((x) => x / norm));
      truth.push(c);
    }
  }
  return { vectors, truth };
}

describe('clusterVectors', () => {
  it('recovers well-separated clusters exactly at the given k', () => {
    const { vectors, truth } = blobs(5, 30, 12, 0.4);
    const result = clusterVectors(vectors, { k: 5, seed: 3 });
    expect(result.k).toBe(5);
    expect(result.centroids).toHaveLength(5);
    expect(ari(truth, result.assignments)).toBe(1);
  });

  it('recovers the clusters through over-clustering and Ward merging, and without it', () => {
    // Unequal sizes (60 and 15 points): the merge must join the big cluster's many small groups, not split it.
    const big = blobs(2, 60, 10, 0.5, 4);
    const small = blobs(4, 15, 10, 0.5, 9);
    const vectors = [...big.vectors, ...small.vectors.slice(30)];
    const truth = [...big.truth, ...small.truth.slice(30)];
    for (const overcluster of [1, 4]) {
      const result = clusterVectors(vectors, { k: 4, seed: 1, overcluster, smoothNeighbours: 0 });
      expect(ari(truth, result.assignments)).toBe(1);
    }
  });

  it('recovers the clusters with the consensus of runs and with the kNN label vote (options)', () => {
    const { vectors, truth } = blobs(5, 30, 12, 0.4, 6);
    for (const options of [{ consensus: { runs: 4 } }, { vote: { neighbours: 5, rounds: 3 } }, { consensus: { runs: 4 }, vote: { neighbours: 5, rounds: 3 } }]) {
      const result = clusterVectors(vectors, { k: 5, seed: 2, ...options });
      expect(result.k).toBe(5);
      expect(ari(truth, result.assignments)).toBe(1);
    }
  });

  it('chooses k automatically on well-separated clusters and reports the criterion', () => {
    const { vectors, truth } = blobs(6, 25, 16, 0.4, 2);
    const result = clusterVectors(vectors, { seed: 5 });
    expect(result.k).toBe(6);
    expect(ari(truth, result.assignments)).toBe(1);
    expect(result.kSelection.method).not.toBe('given');
  });

  it('fits on a sample when there are more points than fitSize and places the rest at the nearest centroid', () => {
    const { vectors, truth } = blobs(5, 40, 12, 0.4, 4);
    const result = clusterVectors(vectors, { k: 5, seed: 3, fitSize: 60 });
    expect(result.assignments).toHaveLength(200);
    expect(ari(truth, result.assignments)).toBe(1);
    for (const c of result.centroids) expect(Math.hypot(...c)).toBeCloseTo(1, 5);
  });

  it('is deterministic for a seed', () => {
    const { vectors } = blobs(4, 20, 8, 1.5, 9);
    expect(clusterVectors(vectors, { k: 4, seed: 11 }).assignments).toEqual(clusterVectors(vectors, { k: 4, seed: 11 }).assignments);
  });

  it('handles empty input and rejects a k above the number of points by clamping', () => {
    expect(clusterVectors([], { k: 3 })).toMatchObject({ k: 0, assignments: [] });
    const { vectors } = blobs(2, 2, 4, 0.1);
    expect(clusterVectors(vectors, { k: 10 }).k).toBe(4);
  });

  it('scans a short, increasing candidate grid', () => {
    const ks = candidateKs(10_000, 100);
    expect(ks[0]).toBe(2);
    expect(ks.at(-1)).toBeLessThanOrEqual(100);
    expect(ks.every((k, i) => i === 0 || k > ks[i - 1]!)).toBe(true);
  });
});

describe('themeKeywords (c-TF-IDF)', () => {
  it('matches the hand-computed weights of a two-theme example', () => {
    // Theme 0 terms: refund ×2, late ×1 (3 terms); theme 1: late, delivery (2). A = 2.5; f(refund) = f(late) = 2, f(delivery) = 1.
    // W(refund,0) = 2/3·ln(1 + 2.5/2) = 0.541 > W(late,0) = 1/3·ln 2.25 = 0.270;
    // W(delivery,1) = 1/2·ln(1 + 2.5) = 0.626 > W(late,1) = 1/2·ln 2.25 = 0.405.
    const texts = ['refund refund', 'late', 'late delivery'];
    expect(themeKeywords(texts, [0, 0, 1], 2, 2)).toEqual([['refund', 'late'], ['delivery', 'late']]);
  });

  it('drops stopwords, ignores noise assignments, and keeps Chinese bigrams', () => {
    expect(keywordTerms('The refund is late 退款太慢')).toEqual(['refund', 'late', '退款', '款太', '太慢']);
    const kw = themeKeywords(['退款太慢', '退款没到', '快递太慢', 'noise text'], [0, 0, 1, -1], 2, 1);
    // (a keyword bigram grows only over content characters: 退款 and 快递 are followed by 太 / 没, cjkPhrases.ts)
    expect(kw).toEqual([['退款'], ['快递']]);
  });
});
