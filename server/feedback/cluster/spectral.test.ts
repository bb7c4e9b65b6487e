import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../tools/lib/random.ts';
import { orthonormalise, spectralEmbedding, symmetricEigen, unionGraph } from './spectral.ts';

describe('spectral clustering pieces', () => {
  it('sums the symmetrised kNN adjacency of each view', () => {
    // View 1: 0→1, 1→0, 2→0; view 2: 0→1, 1→2 (2 has none). W = Σ (A + Aᵀ)/2.
    const w = unionGraph(3, [[Int32Array.of(1), Int32Array.of(0), Int32Array.of(0)], [Int32Array.of(1), Int32Array.of(2), Int32Array.of(-1)]]);
    const dense = (i: number, j: number) => {
      for (let p = w.start[i]!; p < w.start[i + 1]!; p++) if (w.index[p] === j) return w.value[p]!;
      return 0;
    };
    expect([dense(0, 1), dense(0, 2), dense(1, 2), dense(1, 0), dense(2, 0), dense(2, 1), dense(0, 0)]).toEqual([1.5, 0.5, 0.5, 1.5, 0.5, 0.5, 0]);
  });

  it('diagonalises a symmetric matrix (Jacobi)', () => {
    const { values, vectors } = symmetricEigen(Float64Array.of(2, 1, 1, 2), 2);
    const order = values[0]! > values[1]! ? [0, 1] : [1, 0];
    expect(values[order[0]!]).toBeCloseTo(3, 10);
    expect(values[order[1]!]).toBeCloseTo(1, 10);
    const top = order[0]!;
    expect(Math.abs(vectors[top]!)).toBeCloseTo(Math.SQRT1_2, 10);
    expect(vectors[top]! * vectors[2 + top]!).toBeCloseTo(0.5, 10); // (1, 1)/√2 up to sign
  });

  it('orthonormalises columns without changing their span', () => {
    const random = mulberry32(3);
    const n = 12;
    const l = 3;
    const original = Float64Array.from({ length: n * l }, () => random() - 0.5);
    const q = original.slice();
    orthonormalise(q, n, l);
    for (let a = 0; a < l; a++) {
      for (let b = 0; b < l; b++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += q[i * l + a]! * q[i * l + b]!;
        expect(s).toBeCloseTo(a === b ? 1 : 0, 10);
      }
    }
    // Each original column equals its projection onto the new columns.
    for (let a = 0; a < l; a++) {
      const coef = Array.from({ length: l }, (_, b) => {
        let s = 0;
        for (let i = 0; i < n; i++) s += original[i * l + a]! * q[i * l + b]!;
        return s;
      });
      for (let i = 0; i < n; i++) expect(coef.reduce((s, c, b) => s + c * q[i * l + b]!, 0)).toBeCloseTo(original[i * l + a]!, 10);
    }
  });

  it('embeds two disconnected triangles as two orthogonal points (NJW)', () => {
    // S has eigenvalue 1 twice, eigenvectors the components' indicators (equal degrees): after row normalisation the
    // rows of one triangle coincide and are orthogonal to the other triangle's.
    const triangle = (a: number) => [Int32Array.of(a + 1, a + 2), Int32Array.of(a, a + 2), Int32Array.of(a, a + 1)];
    const w = unionGraph(6, [[...triangle(0), ...triangle(3)]]);
    const u = spectralEmbedding(w, 2, { oversample: 2, iterations: 40 });
    const dot = (i: number, j: number) => u.data[i * 2]! * u.data[j * 2]! + u.data[i * 2 + 1]! * u.data[j * 2 + 1]!;
    expect(dot(0, 1)).toBeCloseTo(1, 6);
    expect(dot(0, 2)).toBeCloseTo(1, 6);
    expect(dot(3, 5)).toBeCloseTo(1, 6);
    expect(dot(0, 3)).toBeCloseTo(0, 6);
  });
});
