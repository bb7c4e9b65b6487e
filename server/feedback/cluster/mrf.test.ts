import { describe, expect, it } from 'vitest';
import { mrfRefine } from './mrf.ts';
import type { Rows } from './spherical.ts';

describe('mrfRefine (k-means with a Potts prior on the kNN graph)', () => {
  // Text 2 is a little nearer cluster 0's centroid (cos 0.8088 vs 0.8) but both its neighbours are in cluster 1.
  const x: Rows = { n: 5, dims: 2, data: Float32Array.from([1, 0, 1, 0, 0.6, 0.8, 0, 1, 0, 1]) };
  const neighbours = [[1], [0], [3, 4], [4], [3]].map((nb) => Int32Array.from(nb));
  const labels = [0, 0, 0, 1, 1];

  it('is spherical k-means at γ = 0: the centroid decides', () => {
    expect(Array.from(mrfRefine(x, neighbours, labels, 2, { gamma: 0, rounds: 5 }))).toEqual(labels);
  });

  it('lets the neighbours decide a close call at γ = 0.1 and keeps the result', () => {
    // Round 1: c1 0.8 + 0.1 > c0 0.8088. Round 2: c0 0.6 vs c1 cos((0.6, 0.8), (0.6, 2.8)/|·|) = 0.908 + 0.1: stays.
    expect(Array.from(mrfRefine(x, neighbours, labels, 2, { gamma: 0.1, rounds: 5 }))).toEqual([0, 0, 1, 1, 1]);
  });

  it('never empties a cluster', () => {
    // Text 0 alone in cluster 0, but all its neighbours vote for cluster 1 with a large γ: it has to stay.
    const one = mrfRefine(x, [[1], [0], [3], [4], [3]].map((nb) => Int32Array.from(nb)), [0, 1, 1, 1, 1], 2, { gamma: 5, rounds: 5 });
    expect(one[0]).toBe(0);
  });
});
