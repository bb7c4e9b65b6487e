import { describe, expect, it } from 'vitest';
import { graphCutRefine } from './graphcut.ts';
import { unionGraph } from './spectral.ts';

describe('graphCutRefine (normalised-cut weighted kernel k-means)', () => {
  // Triangles {0, 1, 2} and {3, 4, 5} joined by the edge 2–3; node 2 starts in the wrong cluster.
  const lists = [[1, 2], [0, 2], [0, 1, 3], [2, 4, 5], [3, 5], [3, 4]].map((nb) => Int32Array.from(nb));
  const w = unionGraph(6, [lists]);
  const labels = [0, 0, 1, 1, 1, 1];

  it('moves the misplaced node at σ = 0', () => {
    // deg(c0) = 4, links(c0, c0) = 2, deg(c1) = 10, links(c1, c1) = 8; d₂ = 3.
    // dist(2, c0) = −2·(2/3)/4 + 2/16 = −0.208 < dist(2, c1) = −2·(1/3)/10 + 8/100 = 0.013; then stable.
    expect(Array.from(graphCutRefine(w, labels, 2, { sigma: 0, rounds: 5 }))).toEqual([0, 0, 0, 1, 1, 1]);
  });

  it('keeps it at σ = 1 (the σ terms make nodes sticky)', () => {
    // dist(2, c0) = −2·(2/3)/4 + (4 + 2)/16 = 0.042 > dist(2, c1) = −2·(1 + 1/3)/10 + (10 + 8)/100 = −0.087.
    expect(Array.from(graphCutRefine(w, labels, 2, { sigma: 1, rounds: 5 }))).toEqual(labels);
  });
});
