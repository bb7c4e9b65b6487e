import { describe, expect, it } from 'vitest';
import { discriminantProjection } from './discriminant.ts';
import type { Rows } from './spherical.ts';

describe('discriminantProjection', () => {
  // Two clusters split along x (means (∓1, 0)) with a large within-cluster spread along y (±5).
  const x: Rows = { n: 4, dims: 2, data: Float32Array.from([-1, -5, -1, 5, 1, -5, 1, 5]) };
  const labels = [0, 0, 1, 1];

  it('keeps the separating direction when projecting to one dimension', () => {
    const out = discriminantProjection(x, labels, 2, 1);
    const values = Array.from(out.data);
    expect(out.dims).toBe(1);
    // 1-d rows are ±1 after normalisation: the two points of a cluster agree, the clusters differ.
    expect(values.map(Math.abs)).toEqual([1, 1, 1, 1]);
    expect(values[0]).toBe(values[1]);
    expect(values[2]).toBe(values[3]);
    expect(values[0]).toBe(-values[2]!);
  });

  it('shrinks the within-cluster direction by S_w^(−1/2) (hand-computed with shrinkage 0.5)', () => {
    // S_w = diag(0, 25); shrunk: 0.5·S_w + 0.5·(25/2)·I = diag(6.25, 18.75); S_b = diag(1, 0). Point (−1, −5) maps to
    // (−1/2.5, −5/√18.75) = (−0.4, −1.1547) → normalised |x| = 0.4 / √(0.16 + 1.3333) = 0.32733 (raw: 1/√26 = 0.196).
    const out = discriminantProjection(x, labels, 2, 2, 0.5);
    expect(out.dims).toBe(2);
    const first = [Math.abs(out.data[0]!), Math.abs(out.data[1]!)].sort();
    expect(first[0]).toBeCloseTo(0.32733, 4);
    expect(first[1]).toBeCloseTo(Math.sqrt(1 - 0.32733 ** 2), 4);
  });
});
