import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { mulberry32 } from '../../../tools/lib/random.ts';

/**
 * Just enough linear algebra for the local embedder: a CSR sparse matrix, products with tall dense matrices, and a
 * randomized truncated SVD (Halko, Martinsson & Tropp 2011, "Finding Structure with Randomness", Alg. 4.4 with power
 * iterations). Small dense eigenproblems go to ml-matrix. Dense matrices are row-major Float64Arrays.
 */

export interface Dense {
  rows: number;
  cols: number;
  data: Float64Array;
}

export interface Csr {
  rows: number;
  cols: number;
  rowStart: Int32Array;
  colIndex: Int32Array;
  values: Float64Array;
}

export function csrFromRows(rows: readonly { cols: ArrayLike<number>; values: ArrayLike<number> }[], cols: number): Csr {
  const rowStart = new Int32Array(rows.length + 1);
  rows.forEach((r, i) => (rowStart[i + 1] = rowStart[i]! + r.cols.length));
  const colIndex = new Int32Array(rowStart[rows.length]!);
  const values = new Float64Array(rowStart[rows.length]!);
  rows.forEach((r, i) => {
    for (let j = 0; j < r.cols.length; j++) {
      colIndex[rowStart[i]! + j] = r.cols[j]!;
      values[rowStart[i]! + j] = r.values[j]!;
    }
  });
  return { rows: rows.length, cols, rowStart, colIndex, values };
}

/** A · B for sparse A (m × n) and dense B (n × l). */
export function csrTimesDense(a: Csr, b: Dense): Dense {
  const l = b.cols;
  const out = new Float64Array(a.rows * l);
  for (let i = 0; i < a.rows; i++) {
    const o = i * l;
    for (let p = a.rowStart[i]!; p < a.rowStart[i + 1]!; p++) {
      const v = a.values[p]!;
      const bRow = a.colIndex[p]! * l;
      for (let c = 0; c < l; c++) out[o + c]! += v * b.data[bRow + c]!;
    }
  }
  return { rows: a.rows, cols: l, data: out };
}

/** Aᵀ · B for sparse A (m × n) and dense B (m × l). */
export function csrTransposeTimesDense(a: Csr, b: Dense): Dense {
  const l = b.cols;
  const out = new Float64Array(a.cols * l);
  for (let i = 0; i < a.rows; i++) {
    const bRow = i * l;
    for (let p = a.rowStart[i]!; p < a.rowStart[i + 1]!; p++) {
      const v = a.values[p]!;
      const o = a.colIndex[p]! * l;
      for (let c = 0; c < l; c++) out[o + c]! += v * b.data[bRow + c]!;
    }
  }
  return { rows: a.cols, cols: l, data: out };
}

/** Aᵀ · A for a tall dense A (m × l): the small l × l Gram matrix. */
export function gram(a: Dense): Float64Array {
  const l = a.cols;
  const g = new Float64Array(l * l);
  for (let i = 0; i < a.rows; i++) {
    const r = i * l;
    for (let p = 0; p < l; p++) {
      const v = a.data[r + p]!;
      if (v === 0) continue;
      for (let q = p; q < l; q++) g[p * l + q]! += v * a.data[r + q]!;
    }
  }
  for (let p = 0; p < l; p++) for (let q = 0; q < p; q++) g[p * l + q] = g[q * l + p]!;
  return g;
}

/** Eigen-decomposition of a small symmetric l × l matrix, eigenpairs sorted by decreasing eigenvalue. */
export function symmetricEigen(g: Float64Array, l: number): { values: number[]; vectors: Dense } {
  const m = new Matrix(l, l);
  for (let p = 0; p < l; p++) for (let q = 0; q < l; q++) m.set(p, q, g[p * l + q]!);
  const evd = new EigenvalueDecomposition(m, { assumeSymmetric: true });
  const order = evd.realEigenvalues.map((v, i) => [v, i] as const).sort((a, b) => b[0] - a[0]);
  const vectors = new Float64Array(l * l);
  order.forEach(([, src], dst) => {
    for (let p = 0; p < l; p++) vectors[p * l + dst] = evd.eigenvectorMatrix.get(p, src);
  });
  return { values: order.map(([v]) => v), vectors: { rows: l, cols: l, data: vectors } };
}

/** Dense A (m × l) · B (l × r). */
export function denseTimes(a: Dense, b: Dense): Dense {
  const out = new Float64Array(a.rows * b.cols);
  for (let i = 0; i < a.rows; i++) {
    for (let p = 0; p < a.cols; p++) {
      const v = a.data[i * a.cols + p]!;
      if (v === 0) continue;
      const bRow = p * b.cols;
      const o = i * b.cols;
      for (let c = 0; c < b.cols; c++) out[o + c]! += v * b.data[bRow + c]!;
    }
  }
  return { rows: a.rows, cols: b.cols, data: out };
}

/**
 * Orthonormal basis of the column span of a tall matrix via its Gram matrix (Y = Q·(√Λ Vᵀ) from YᵀY = VΛVᵀ), run
 * twice for accuracy (the idea of CholeskyQR2, Fukaya et al. 2014); directions with negligible energy are dropped.
 */
export function orthonormalize(y: Dense, passes = 2): Dense {
  let q = y;
  for (let pass = 0; pass < passes; pass++) {
    const { values, vectors } = symmetricEigen(gram(q), q.cols);
    const keep = values.filter((v) => v > values[0]! * 1e-12).length;
    const scale = new Float64Array(q.cols * keep);
    for (let p = 0; p < q.cols; p++) for (let c = 0; c < keep; c++) scale[p * keep + c] = vectors.data[p * q.cols + c]! / Math.sqrt(values[c]!);
    q = denseTimes(q, { rows: q.cols, cols: keep, data: scale });
  }
  return q;
}

export function gaussian(rows: number, cols: number, seed: number): Dense {
  const random = mulberry32(seed);
  const data = new Float64Array(rows * cols);
  // Box–Muller from the seeded uniform stream.
  for (let i = 0; i < data.length; i += 2) {
    const u = Math.max(random(), 1e-12);
    const v = random();
    const r = Math.sqrt(-2 * Math.log(u));
    data[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < data.length) data[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return { rows, cols, data };
}

export interface TruncatedSvd {
  /** Singular values, decreasing. */
  values: number[];
  /** Right singular vectors: A.cols × rank, so a row x of A maps to x · V. */
  v: Dense;
}

/** Top-`rank` singular values and right singular vectors of a sparse matrix (randomized, seeded, deterministic). */
export function randomizedSvd(a: Csr, rank: number, options: { oversample?: number; powerIterations?: number; seed?: number } = {}): TruncatedSvd {
  const { oversample = 10, powerIterations = 3, seed = 7 } = options;
  const l = Math.min(rank + oversample, a.rows, a.cols);
  // Orthonormalising only the row-space side between power iterations (one pass; two for the final basis) keeps the
  // columns from collapsing onto the top singular vector; in double precision with few iterations that suffices, and
  // it skips the costlier feature-side (n × l) orthonormalisations.
  let q = orthonormalize(csrTimesDense(a, gaussian(a.cols, l, seed)), 1);
  for (let it = 0; it < powerIterations; it++) {
    q = orthonormalize(csrTimesDense(a, csrTransposeTimesDense(a, q)), it === powerIterations - 1 ? 2 : 1);
  }
  // Bᵀ = Aᵀ Q (n × l). B Bᵀ = Ũ Σ² Ũᵀ, and the right singular vectors of B (hence of A) are V = Bᵀ Ũ Σ⁻¹.
  const bt = csrTransposeTimesDense(a, q);
  const { values, vectors } = symmetricEigen(gram(bt), bt.cols);
  const r = Math.min(rank, values.filter((v) => v > 1e-12).length);
  const scale = new Float64Array(bt.cols * r);
  for (let p = 0; p < bt.cols; p++) for (let c = 0; c < r; c++) scale[p * r + c] = vectors.data[p * bt.cols + c]! / Math.sqrt(values[c]!);
  return { values: values.slice(0, r).map(Math.sqrt), v: denseTimes(bt, { rows: bt.cols, cols: r, data: scale }) };
}
