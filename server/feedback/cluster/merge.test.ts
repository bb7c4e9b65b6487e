import { describe, expect, it } from 'vitest';
import { unitMeans, wardMerge } from './merge.ts';
import type { Rows } from './spherical.ts';

const rows1d = (values: number[]): Rows => ({ n: values.length, dims: 1, data: Float32Array.from(values) });

describe('wardMerge', () => {
  it('merges the pair with the smallest size-weighted increase in within-group sum of squares', () => {
    // Groups: A = {0}, B = {3, 3, 3, 3}, C = {−3.5}. Centroid distances: A–B 3 < A–C 3.5, but Ward's cost weighs
    // sizes: Δ(A,B) = 1·4/5·3² = 7.2, Δ(A,C) = 1·1/2·3.5² = 6.125, Δ(B,C) = 4·1/5·6.5² = 33.8 → A joins C.
    const x = rows1d([0, 3, 3, 3, 3, -3.5]);
    const labels = [0, 1, 1, 1, 1, 2];
    expect(Array.from(wardMerge(x, labels, 3, 2))).toEqual([0, 1, 1, 1, 1, 0]);
  });

  it('merges step by step down to the target and renumbers by first appearance', () => {
    // Δ(0,1) = 0.5·1 = 0.5, Δ(2,3) = (1·2/3)·1.5² = 1.5, everything else ≥ 40: to 3 groups merges only {0,1}.
    const x = rows1d([10, 11, 12, 0, 1]);
    const labels = [2, 3, 3, 0, 1];
    expect(Array.from(wardMerge(x, labels, 4, 3))).toEqual([0, 1, 1, 2, 2]);
    expect(Array.from(wardMerge(x, labels, 4, 2))).toEqual([0, 0, 0, 1, 1]);
    expect(Array.from(wardMerge(x, labels, 4, 4))).toEqual([0, 1, 1, 2, 3]);
  });

  it('unitMeans normalises each group mean', () => {
    const x: Rows = { n: 3, dims: 2, data: Float32Array.from([3, 0, 0, 4, 0, 2]) };
    expect(Array.from(unitMeans(x, [0, 1, 1], 2))).toEqual([1, 0, 0, 1]);
  });
});
