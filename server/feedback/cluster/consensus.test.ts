import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../tools/lib/random.ts';
import { ari } from '../../../evals/metrics.ts';
import { averageLinkage, coAssociation, consensusKMeans } from './consensus.ts';
import { toRows } from './spherical.ts';

/** Naive UPGMA (O(n³)): merge the closest pair by mean pairwise distance until k clusters are left. */
function naiveAverageLinkage(distance: Float32Array, n: number, k: number): number[][] {
  let clusters = Array.from({ length: n }, (_, i) => [i]);
  const mean = (a: number[], b: number[]) => a.reduce((s, i) => s + b.reduce((t, j) => t + distance[i * n + j]!, 0), 0) / (a.length * b.length);
  while (clusters.length > k) {
    let best = { a: 0, b: 1, d: Infinity };
    for (let a = 0; a < clusters.length; a++) {
      for (let b = a + 1; b < clusters.length; b++) {
        const d = mean(clusters[a]!, clusters[b]!);
        if (d < best.d) best = { a, b, d };
      }
    }
    clusters = [...clusters.filter((_, c) => c !== best.a && c !== best.b), [...clusters[best.a]!, ...clusters[best.b]!]];
  }
  return clusters.map((c) => c.sort((x, y) => x - y)).sort((x, y) => x[0]! - y[0]!);
}

const groups = (labels: Int32Array) => {
  const out = new Map<number, number[]>();
  labels.forEach((l, i) => out.set(l, [...(out.get(l) ?? []), i]));
  return [...out.values()].sort((x, y) => x[0]! - y[0]!);
};

describe('coAssociation', () => {
  it('counts the share of labelings that put each pair together', () => {
    // Run 1: {0, 1} {2}; run 2: {0} {1, 2} → A(0,1) = A(1,2) = ½, A(0,2) = 0, diagonal 1.
    expect(Array.from(coAssociation([[0, 0, 1], [5, 7, 7]], 3))).toEqual([1, 0.5, 0, 0.5, 1, 0.5, 0, 0.5, 1]);
  });
});

describe('averageLinkage', () => {
  it('cuts a hand-worked dendrogram', () => {
    // Points 0, 1, 5, 7 on a line: {0,1} merge at 1, {5,7} at 2, then the two at the mean distance (5+7+4+6)/4 = 5.5.
    const xs = [0, 1, 5, 7];
    const d = () => Float32Array.from(xs.flatMap((a) => xs.map((b) => Math.abs(a - b))));
    expect(Array.from(averageLinkage(d(), 4, 2))).toEqual([0, 0, 1, 1]);
    expect(Array.from(averageLinkage(d(), 4, 3))).toEqual([0, 0, 1, 2]);
    expect(Array.from(averageLinkage(d(), 4, 1))).toEqual([0, 0, 0, 0]);
  });

  it('uses the mean, not the nearest, distance between groups', () => {
    // A, B merge first (1). C is 2 from A but 6 from B (mean 4); D is 3 from both (mean 3); C–D = 10. Single linkage
    // would add C next (2 < 3); average linkage adds D (3 < 4), so the cut at k = 2 leaves C alone.
    const d = Float32Array.from([
      0, 1, 2, 3,
      1, 0, 6, 3,
      2, 6, 0, 10,
      3, 3, 10, 0,
    ]);
    expect(Array.from(averageLinkage(d, 4, 2))).toEqual([0, 0, 1, 0]);
  });

  it('matches a naive UPGMA on random distance matrices', () => {
    const random = mulberry32(11);
    for (let trial = 0; trial < 20; trial++) {
      const n = 5 + Math.floor(random() * 20);
      const points = Array.from({ length: n }, () => [random(), random()]);
      const d = Float32Array.from(points.flatMap(([a, b]) => points.map(([c, e]) => Math.hypot(a! - c!, b! - e!))));
      const k = 1 + Math.floor(random() * (n - 1));
      expect(groups(averageLinkage(d.slice(), n, k))).toEqual(naiveAverageLinkage(d, n, k));
    }
  });
});

describe('consensusKMeans', () => {
  it('recovers well-separated groups from the votes of several runs', () => {
    const random = mulberry32(5);
    const vectors: Float32Array[] = [];
    const truth: number[] = [];
    for (let c = 0; c < 4; c++) {
      for (let i = 0; i < 25; i++) {
        const v = new Float32Array(8).map(() => (random() - 0.5) * 0.5);
        v[c]! += 1;
        const norm = Math.hypot(...v);
        vectors.push(v.map((x) => x / norm));
        truth.push(c);
      }
    }
    expect(ari(truth, Array.from(consensusKMeans(toRows(vectors), 4, { runs: 5, seed: 2 })))).toBe(1);
  });
});
