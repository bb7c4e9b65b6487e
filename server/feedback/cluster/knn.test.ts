import { describe, expect, it } from 'vitest';
import { nearestNeighbours, voteLabels } from './knn.ts';
import { toRows } from './spherical.ts';

const graph = (lists: number[][]) => lists.map((l) => Int32Array.from(l));

describe('voteLabels', () => {
  it('fixes a swapped pair on a chain by majority, hand-worked', () => {
    // Neighbours along a chain; points 2 and 3 carry each other's label. Round 1: point 2 sees itself (1) and 1, 3 (0, 0)
    // → 0; point 3 sees itself (0) and 2, 4 (1, 1) → 1; the others keep theirs. Round 2 changes nothing.
    const nb = graph([[1, 2], [0, 2], [1, 3], [2, 4], [5, 3], [4, 3]]);
    expect(Array.from(voteLabels([0, 0, 1, 0, 1, 1], nb, 2, 3))).toEqual([0, 0, 0, 1, 1, 1]);
  });

  it('keeps its own label on a tie and uses only the m nearest neighbours', () => {
    // m = 1: point 0 hears only point 1 (8) against itself (7), a tie, so 7 stays; point 3 hears point 0 (7).
    // m = 2: point 0 also hears point 2 (8) and moves to 8; point 3 hears 0 and 1 (7, 8) and with itself keeps 7.
    const nb = graph([[1, 2], [2, 0], [1, 0], [0, 1]]);
    expect(Array.from(voteLabels([7, 8, 8, 7], nb, 1, 1))).toEqual([7, 8, 8, 7]);
    expect(Array.from(voteLabels([7, 8, 8, 7], nb, 2, 1))).toEqual([8, 8, 8, 7]);
  });

  it('never empties a cluster', () => {
    // Point 3 is alone in cluster 2 and outvoted by its neighbours (0, 0): it would leave, so it stays.
    const nb = graph([[1, 2], [0, 2], [0, 1], [0, 1]]);
    expect(Array.from(voteLabels([0, 0, 0, 2], nb, 2, 2))).toEqual([0, 0, 0, 2]);
  });
});

describe('nearestNeighbours', () => {
  it('finds exact nearest neighbours by cosine', () => {
    // Cosines: 0–1 .8, 0–2 0, 0–3 −.6, 1–2 .6, 1–3 −.96, 2–3 −.8.
    const x = toRows([[1, 0], [0.8, 0.6], [0, 1], [-0.6, -0.8]].map((v) => Float32Array.from(v)));
    expect(nearestNeighbours(x, 2).map((l) => Array.from(l))).toEqual([[1, 2], [0, 2], [1, 0], [0, 2]]);
  });
});
