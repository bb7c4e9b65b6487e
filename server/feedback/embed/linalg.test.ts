import { Matrix, SingularValueDecomposition } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../tools/lib/random.ts';
import { csrFromRows, orthonormalize, randomizedSvd, type Csr } from './linalg.ts';

/** A sparse m × n matrix with a planted, decaying spectrum (low-rank signal + sparse noise), seeded. */
function plantedSparse(m: number, n: number, seed: number): { csr: Csr; dense: Matrix } {
  const random = mulberry32(seed);
  const dense = new Matrix(m, n);
  for (let r = 0; r < 8; r++) {
    const weight = 10 / (r + 1);
    const u = Array.from({ length: m }, () => (random() < 0.3 ? random() - 0.5 : 0));
    const v = Array.from({ length: n }, () => (random() < 0.3 ? random() - 0.5 : 0));
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) if (u[i] && v[j]) dense.set(i, j, dense.get(i, j) + weight * u[i]! * v[j]!);
  }
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) if (random() < 0.05) dense.set(i, j, dense.get(i, j) + 0.1 * (random() - 0.5));
  const rows = Array.from({ length: m }, (_, i) => {
    const cols: number[] = [];
    const values: number[] = [];
    for (let j = 0; j < n; j++) if (dense.get(i, j) !== 0) (cols.push(j), values.push(dense.get(i, j)));
    return { cols, values };
  });
  return { csr: csrFromRows(rows, n), dense };
}

describe('randomizedSvd (Halko, Martinsson & Tropp 2011)', () => {
  // Both shapes: wide (texts × features, the LSA case) and tall take different code paths.
  for (const [m, n] of [[60, 140], [140, 60]] as const) {
    it(`matches ml-matrix's exact SVD on the top singular values and subspace (${m} × ${n})`, () => {
      const { csr, dense } = plantedSparse(m, n, 3);
      const exact = new SingularValueDecomposition(dense, { computeLeftSingularVectors: false, autoTranspose: true });
      const approx = randomizedSvd(csr, 6, { powerIterations: 3, seed: 5 });
      expect(approx.values).toHaveLength(6);
      approx.values.forEach((s, i) => expect(Math.abs(s - exact.diagonal[i]!) / exact.diagonal[i]!).toBeLessThan(1e-3));
      // Each right singular vector agrees with the exact one up to sign: |cos| ≈ 1.
      for (let c = 0; c < 6; c++) {
        let dot = 0;
        for (let j = 0; j < n; j++) dot += approx.v.data[j * approx.v.cols + c]! * exact.rightSingularVectors.get(j, c);
        expect(Math.abs(dot)).toBeGreaterThan(0.99);
      }
    });
  }

  it('is deterministic for a seed', () => {
    const { csr } = plantedSparse(50, 80, 9);
    expect(randomizedSvd(csr, 5, { seed: 1 }).v.data).toEqual(randomizedSvd(csr, 5, { seed: 1 }).v.data);
  });

  it('orthonormalize returns orthonormal columns, also for a rank-deficient input (duplicate columns)', () => {
    const random = mulberry32(4);
    const rows = 30;
    const data = new Float64Array(rows * 4);
    for (let i = 0; i < rows; i++) {
      const a = random();
      const b = random();
      data.set([a, b, a, random()], i * 4); // column 2 duplicates column 0 → Cholesky fails, eigen route drops it
    }
    for (const input of [{ rows, cols: 4, data }, { rows, cols: 2, data: data.filter((_, k) => k % 4 < 2) }]) {
      const q = orthonormalize(input);
      for (let p = 0; p < q.cols; p++) {
        for (let c = 0; c < q.cols; c++) {
          let dot = 0;
          for (let i = 0; i < rows; i++) dot += q.data[i * q.cols + p]! * q.data[i * q.cols + c]!;
          expect(dot).toBeCloseTo(p === c ? 1 : 0, 9);
        }
      }
      expect(q.cols).toBe(input.cols === 4 ? 3 : 2);
    }
  });
});
