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
  // Typed arrays in locals: V8 does not hoist the property loads out of the inner loop on its own.
  const { rowStart, colIndex, values } = a;
  const bd = b.data;
  for (let i = 0; i < a.rows; i++) {
    const o = i * l;
    for (let p = rowStart[i]!, end = rowStart[i + 1]!; p < end; p++) {
      const v = values[p]!;
      const bRow = colIndex[p]! * l;
      for (let c = 0; c < l; c++) out[o + c]! += v * bd[bRow + c]!;
    }
  }
  return { rows: a.rows, cols: l, data: out };
}

/** Aᵀ · B for sparse A (m × n) and dense B (m × l). */
export function csrTransposeTimesDense(a: Csr, b: Dense): Dense {
  const l = b.cols;
  const out = new Float64Array(a.cols * l);
  const { rowStart, colIndex, values } = a;
  const bd = b.data;
  for (let i = 0; i < a.rows; i++) {
    const bRow = i * l;
    for (let p = rowStart[i]!, end = rowStart[i + 1]!; p < end; p++) {
      const v = values[p]!;
      const o = colIndex[p]! * l;
      for (let c = 0; c < l; c++) out[o + c]! += v * bd[bRow + c]!;
    }
  }
  return { rows: a.cols, cols: l, data: out };
}

/** Aᵀ · A for a tall dense A (m × l): the small l × l Gram matrix. */
export function gram(a: Dense): Float64Array {
  const l = a.cols;
  const g = new Float64Array(l * l);
  const ad = a.data;
  for (let i = 0; i < a.rows; i++) {
    const r = i * l;
    for (let p = 0; p < l; p++) {
      const v = ad[r + p]!;
      if (v === 0) continue;
      const o = p * l;
      for (let q = p; q < l; q++) g[o + q]! += v * ad[r + q]!;
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
  const ad = a.data;
  const bd = b.data;
  const n = b.cols;
  for (let i = 0; i < a.rows; i++) {
    const o = i * n;
    for (let p = 0; p < a.cols; p++) {
      const v = ad[i * a.cols + p]!;
      if (v === 0) continue;
      const bRow = p * n;
      for (let c = 0; c < n; c++) out[o + c]! += v * bd[bRow + c]!;
    }
  }
  return { rows: a.rows, cols: b.cols, data: out };
}

/**
 * Orthonormal basis of the column span of a tall matrix by Cholesky QR (R = chol(YᵀY), Q = Y R⁻¹), run `passes` times
 * for accuracy (CholeskyQR2, Fukaya et al. 2014): cost m·l² per pass and only an l³/3 factorisation. When YᵀY is
 * numerically singular (rank-deficient Y, e.g. duplicate texts) it falls back to the eigen-decomposition route, which
 * drops directions with negligible energy.
 */
export function orthonormalize(y: Dense, passes = 2): Dense {
  let q = y;
  for (let pass = 0; pass < passes; pass++) q = choleskyQr(q) ?? eigenOrthonormalize(q);
  return q;
}

/** Q = Y R⁻¹ with R the upper Cholesky factor of YᵀY, or undefined when a pivot is not safely positive. */
function choleskyQr(y: Dense): Dense | undefined {
  const l = y.cols;
  const g = gram(y);
  const r = new Float64Array(l * l);
  let maxDiag = 0;
  for (let p = 0; p < l; p++) maxDiag = Math.max(maxDiag, g[p * l + p]!);
  for (let j = 0; j < l; j++) {
    let d = g[j * l + j]!;
    for (let k = 0; k < j; k++) d -= r[k * l + j]! ** 2;
    if (!(d > maxDiag * 1e-12)) return undefined;
    const rjj = Math.sqrt(d);
    r[j * l + j] = rjj;
    for (let c = j + 1; c < l; c++) {
      let s = g[j * l + c]!;
      for (let k = 0; k < j; k++) s -= r[k * l + j]! * r[k * l + c]!;
      r[j * l + c] = s / rjj;
    }
  }
  // R⁻¹ by back substitution (l³/6), then Q = Y R⁻¹ row by row with contiguous access (m·l²/2).
  const inv = new Float64Array(l * l);
  for (let c = l - 1; c >= 0; c--) {
    inv[c * l + c] = 1 / r[c * l + c]!;
    for (let p = c - 1; p >= 0; p--) {
      let s = 0;
      for (let k = p + 1; k <= c; k++) s += r[p * l + k]! * inv[k * l + c]!;
      inv[p * l + c] = -s / r[p * l + p]!;
    }
  }
  const out = new Float64Array(y.data.length);
  const yd = y.data;
  for (let i = 0; i < y.rows; i++) {
    const o = i * l;
    for (let p = 0; p < l; p++) {
      const v = yd[o + p]!;
      if (v === 0) continue;
      const row = p * l;
      for (let c = p; c < l; c++) out[o + c]! += v * inv[row + c]!;
    }
  }
  return { rows: y.rows, cols: l, data: out };
}

/** Y = Q·(√Λ Vᵀ) from YᵀY = VΛVᵀ, keeping directions above 1e-12 of the top energy. */
function eigenOrthonormalize(y: Dense): Dense {
  const { values, vectors } = symmetricEigen(gram(y), y.cols);
  const keep = values.filter((v) => v > values[0]! * 1e-12).length;
  const scale = new Float64Array(y.cols * keep);
  for (let p = 0; p < y.cols; p++) for (let c = 0; c < keep; c++) scale[p * keep + c] = vectors.data[p * y.cols + c]! / Math.sqrt(values[c]!);
  return denseTimes(y, { rows: y.cols, cols: keep, data: scale });
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
  // Every step is a sparse product (cost nnz · l) or works on the smaller side (min(m, n) · l²): the feature side of
  // an LSA matrix (n up to 60k) is never multiplied densely, which made the earlier version O(n · l²).
  return a.rows <= a.cols ? wideSvd(a, rank, l, powerIterations, seed) : tallSvd(a, rank, l, powerIterations, seed);
}

/** Orthonormal basis Q (m × l) of the range of A, by the randomized range finder with power iterations (Alg. 4.4). */
function rangeBasis(times: (x: Dense) => Dense, transposeTimes: (x: Dense) => Dense, inputs: number, l: number, powerIterations: number, seed: number): Dense {
  // Orthonormalising only this side between power iterations (one pass; two for the final basis) keeps the columns
  // from collapsing onto the top singular vector; in double precision with few iterations that suffices.
  let q = orthonormalize(times(gaussian(inputs, l, seed)), powerIterations === 0 ? 2 : 1);
  for (let it = 0; it < powerIterations; it++) q = orthonormalize(times(transposeTimes(q)), it === powerIterations - 1 ? 2 : 1);
  return q;
}

/** m ≤ n: Q spans the column space; B Bᵀ = Qᵀ A Aᵀ Q = Ũ Σ² Ũᵀ (l × l), and V = Aᵀ Q Ũ Σ⁻¹ (a sparse product). */
function wideSvd(a: Csr, rank: number, l: number, powerIterations: number, seed: number): TruncatedSvd {
  const q = rangeBasis((x) => csrTimesDense(a, x), (x) => csrTransposeTimesDense(a, x), a.cols, l, powerIterations, seed);
  const aat = csrTimesDense(a, csrTransposeTimesDense(a, q));
  const bbt = transposeTimes(q, aat);
  const { values, vectors } = symmetricEigen(symmetrize(bbt, q.cols), q.cols);
  const r = Math.min(rank, values.filter((v) => v > values[0]! * 1e-12 && v > 0).length);
  const scale = new Float64Array(q.cols * r);
  for (let p = 0; p < q.cols; p++) for (let c = 0; c < r; c++) scale[p * r + c] = vectors.data[p * q.cols + c]! / Math.sqrt(values[c]!);
  const v = csrTransposeTimesDense(a, denseTimes(q, { rows: q.cols, cols: r, data: scale }));
  return { values: values.slice(0, r).map(Math.sqrt), v };
}

/** m > n: Q (n × l) spans the row space; C = A Q, Cᵀ C = Ũ Σ² Ũᵀ, and V = Q Ũ (small dense products only). */
function tallSvd(a: Csr, rank: number, l: number, powerIterations: number, seed: number): TruncatedSvd {
  const q = rangeBasis((x) => csrTransposeTimesDense(a, x), (x) => csrTimesDense(a, x), a.rows, l, powerIterations, seed);
  const { values, vectors } = symmetricEigen(gram(csrTimesDense(a, q)), q.cols);
  const r = Math.min(rank, values.filter((v) => v > values[0]! * 1e-12 && v > 0).length);
  const top = new Float64Array(q.cols * r);
  for (let p = 0; p < q.cols; p++) for (let c = 0; c < r; c++) top[p * r + c] = vectors.data[p * q.cols + c]!;
  return { values: values.slice(0, r).map(Math.sqrt), v: denseTimes(q, { rows: q.cols, cols: r, data: top }) };
}

/** Aᵀ · B for dense A (m × p) and B (m × r): a small p × r result. */
export function transposeTimes(a: Dense, b: Dense): Dense {
  const out = new Float64Array(a.cols * b.cols);
  const ad = a.data;
  const bd = b.data;
  const n = b.cols;
  for (let i = 0; i < a.rows; i++) {
    const ar = i * a.cols;
    const br = i * n;
    for (let p = 0; p < a.cols; p++) {
      const v = ad[ar + p]!;
      if (v === 0) continue;
      const o = p * n;
      for (let c = 0; c < n; c++) out[o + c]! += v * bd[br + c]!;
    }
  }
  return { rows: a.cols, cols: b.cols, data: out };
}

/** (M + Mᵀ) / 2 of a square l × l matrix: removes the rounding asymmetry before the symmetric eigensolver. */
function symmetrize(m: Dense, l: number): Float64Array {
  const out = new Float64Array(l * l);
  for (let p = 0; p < l; p++) for (let q = 0; q < l; q++) out[p * l + q] = (m.data[p * l + q]! + m.data[q * l + p]!) / 2;
  return out;
}
