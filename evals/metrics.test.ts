import { describe, expect, it } from 'vitest';
import { ari, clusterAccuracy, contingency, nmi, precisionAtK } from './metrics.ts';

// Every expected value below is worked out by hand in the comment beside it.
describe('clustering metrics', () => {
  it('score identical partitions (up to renaming) as 1', () => {
    const gold = ['a', 'a', 'b', 'b', 'c'];
    const predicted = [7, 7, 3, 3, 9];
    expect(nmi(gold, predicted)).toBeCloseTo(1, 12);
    expect(ari(gold, predicted)).toBeCloseTo(1, 12);
    expect(clusterAccuracy(gold, predicted)).toBe(1);
  });

  it('score a split of one gold cluster: NMI 0.8, ARI 4/7, accuracy 3/4', () => {
    // gold [0,0,1,1], predicted [0,0,1,2]. P refines G so I = H(G) = ln 2; H(P) = 1.5 ln 2 → NMI = ln2 / 1.25 ln2 = 0.8.
    // Pairs: Σ C(n_ij,2) = 1; Σ C(a_i,2) = 2; Σ C(b_j,2) = 1; E = 2·1/6 = 1/3; ARI = (1 − 1/3) / (1.5 − 1/3) = 4/7.
    const gold = [0, 0, 1, 1];
    const predicted = [0, 0, 1, 2];
    expect(contingency(gold, predicted)).toEqual([
      [2, 0, 0],
      [0, 1, 1],
    ]);
    expect(nmi(gold, predicted)).toBeCloseTo(0.8, 12);
    expect(ari(gold, predicted)).toBeCloseTo(4 / 7, 12);
    expect(clusterAccuracy(gold, predicted)).toBe(0.75);
  });

  it('score independent partitions: NMI 0, ARI −1/2, accuracy 1/2', () => {
    // Table [[1,1],[1,1]]: I = 0. Σ C(n_ij,2) = 0, a = b = 2, E = 4/6, ARI = (0 − 2/3) / (2 − 2/3) = −1/2.
    const gold = ['a', 'a', 'b', 'b'];
    const predicted = ['x', 'y', 'x', 'y'];
    expect(nmi(gold, predicted)).toBeCloseTo(0, 12);
    expect(ari(gold, predicted)).toBeCloseTo(-0.5, 12);
    expect(clusterAccuracy(gold, predicted)).toBe(0.5);
  });

  it('cluster accuracy uses the optimal one-to-one matching, not the greedy one', () => {
    // Table A:{x:3, y:2}, B:{x:2}. Greedy takes A→x (3) and leaves B→y (0): 3/7. Optimal A→y, B→x: (2 + 2) / 7.
    const gold = ['A', 'A', 'A', 'A', 'A', 'B', 'B'];
    const predicted = ['x', 'x', 'x', 'y', 'y', 'x', 'x'];
    expect(clusterAccuracy(gold, predicted)).toBeCloseTo(4 / 7, 12);
  });

  it('rejects inputs of different lengths', () => {
    expect(() => nmi([1, 2], [1])).toThrow(/differ in length/);
  });
});

describe('precision@k', () => {
  const at = (degrees: number) => {
    const r = (degrees * Math.PI) / 180;
    return new Float32Array([Math.cos(r), Math.sin(r)]);
  };
  // A at 0°, 10°, 60°; B at 80°, 90° (unit vectors on a circle: nearest = smallest angle).
  const vectors = [0, 10, 60, 80, 90].map(at);
  const labels = ['A', 'A', 'A', 'B', 'B'];

  it('k = 1: only the 60° point finds a B neighbour first (80°, 20° away) → 4/5', () => {
    expect(precisionAtK(vectors, labels, 1)).toBeCloseTo(0.8, 6);
  });

  it('k = 2: hits 2/2, 2/2, 0/2 (80°, 90°), 1/2 (90°, 60°), 1/2 (80°, 60°) → 3/5', () => {
    expect(precisionAtK(vectors, labels, 2)).toBeCloseTo(0.6, 6);
  });
});
