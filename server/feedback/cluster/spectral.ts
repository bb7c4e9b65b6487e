import { mulberry32 } from '../../../tools/lib/random.ts';
import type { Rows } from './spherical.ts';

/**
 * Spectral embedding of a sparse kNN graph for spectral clustering (Ng, Jordan & Weiss 2001, "On Spectral Clustering:
 * Analysis and an algorithm"): W symmetric, S = D^−½ W D^−½, the top-k eigenvectors of S as columns of U, each row
 * of U scaled to unit length; k-means on those rows. index.ts builds W from two views — the texts' embedding kNN and
 * their sparse TF-IDF kNN (textknn.ts) — so an edge either view sees joins the graph and edges both see count twice
 * (the union/sum of view graphs, as in co-regularised multi-view spectral clustering, Kumar, Rai & Daumé 2011, in its
 * simplest, averaged-adjacency form).
 * The top eigenspace comes from block power (subspace) iteration on (I + S)/2, whose spectrum lies in [0, 1] with the
 * same eigenvectors, orthonormalised by Cholesky QR (Halko, Martinsson & Tropp 2011, alg. 4.3/4.4) with `oversample`
 * extra columns, then a Rayleigh–Ritz step picks the top k. Only the subspace matters: NJW's row normalisation and
 * k-means are invariant under rotations of U. Cost per iteration: one sparse product (nnz · l) + n · l² every few
 * iterations for the orthonormalisation; no n × n matrix.
 */

/** Symmetric sparse matrix in CSR form. */
export interface Csr {
  n: number;
  start: Int32Array;
  index: Int32Array;
  value: Float64Array;
}

/**
 * W = Σ over views of (A + Aᵀ)/2, A the view's directed kNN adjacency (1 for j in i's list; −1 entries are skipped).
 */
export function unionGraph(n: number, views: readonly (readonly Int32Array[])[]): Csr {
  const rows = Array.from({ length: n }, () => new Map<number, number>());
  for (const view of views) {
    view.forEach((nb, i) => {
      for (const j of nb) {
        if (j < 0 || j === i) continue;
        rows[i]!.set(j, (rows[i]!.get(j) ?? 0) + 0.5);
        rows[j]!.set(i, (rows[j]!.get(i) ?? 0) + 0.5);
      }
    });
  }
  const start = new Int32Array(n + 1);
  rows.forEach((r, i) => (start[i + 1] = start[i]! + r.size));
  const index = new Int32Array(start[n]!);
  const value = new Float64Array(start[n]!);
  rows.forEach((r, i) => {
    let p = start[i]!;
    for (const [j, w] of [...r].sort((a, b) => a[0] - b[0])) (index[p] = j), (value[p++] = w);
  });
  return { n, start, index, value };
}

/** (I + D^−½ W D^−½)/2 · X for X n × l row-major. */
function multiply(w: Csr, invSqrtDeg: Float64Array, x: Float64Array, l: number, out: Float64Array): void {
  for (let i = 0; i < w.n; i++) {
    const o = i * l;
    for (let c = 0; c < l; c++) out[o + c] = 0.5 * x[o + c]!;
    for (let p = w.start[i]!; p < w.start[i + 1]!; p++) {
      const j = w.index[p]!;
      const s = 0.5 * w.value[p]! * invSqrtDeg[i]! * invSqrtDeg[j]!;
      const q = j * l;
      for (let c = 0; c < l; c++) out[o + c]! += s * x[q + c]!;
    }
  }
}

/** Orthonormalises the l columns of X (n × l, row-major) in place by Cholesky QR, twice (CholeskyQR2). */
export function orthonormalise(x: Float64Array, n: number, l: number): void {
  for (let pass = 0; pass < 2; pass++) {
    const g = new Float64Array(l * l);
    for (let i = 0; i < n; i++) {
      const o = i * l;
      for (let a = 0; a < l; a++) {
        const v = x[o + a]!;
        if (v === 0) continue;
        for (let b = a; b < l; b++) g[a * l + b]! += v * x[o + b]!;
      }
    }
    // Cholesky G = RᵀR (upper R); a tiny ridge keeps it defined when columns are (nearly) dependent.
    const r = new Float64Array(l * l);
    let trace = 0;
    for (let a = 0; a < l; a++) trace += g[a * l + a]!;
    const ridge = 1e-12 * (trace / l) + 1e-300;
    for (let a = 0; a < l; a++) {
      let d = g[a * l + a]! + ridge;
      for (let p = 0; p < a; p++) d -= r[p * l + a]! ** 2;
      const rd = Math.sqrt(Math.max(d, ridge));
      r[a * l + a] = rd;
      for (let b = a + 1; b < l; b++) {
        let s = g[a * l + b]!;
        for (let p = 0; p < a; p++) s -= r[p * l + a]! * r[p * l + b]!;
        r[a * l + b] = s / rd;
      }
    }
    // X ← X R⁻¹, row by row (forward substitution on each row).
    for (let i = 0; i < n; i++) {
      const o = i * l;
      for (let b = 0; b < l; b++) {
        let s = x[o + b]!;
        for (let p = 0; p < b; p++) s -= x[o + p]! * r[p * l + b]!;
        x[o + b] = s / r[b * l + b]!;
      }
    }
  }
}

/** Eigen-decomposition of a symmetric m × m matrix by cyclic Jacobi rotations: values and column eigenvectors. */
export function symmetricEigen(a: Float64Array, m: number): { values: Float64Array; vectors: Float64Array } {
  const s = a.slice();
  const v = new Float64Array(m * m);
  for (let i = 0; i < m; i++) v[i * m + i] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    for (let p = 0; p < m; p++) for (let q = p + 1; q < m; q++) off += s[p * m + q]! ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < m; p++) {
      for (let q = p + 1; q < m; q++) {
        const apq = s[p * m + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (s[q * m + q]! - s[p * m + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const sn = t * c;
        for (let r = 0; r < m; r++) {
          const sp = s[r * m + p]!;
          const sq = s[r * m + q]!;
          s[r * m + p] = c * sp - sn * sq;
          s[r * m + q] = sn * sp + c * sq;
        }
        for (let r = 0; r < m; r++) {
          const sp = s[p * m + r]!;
          const sq = s[q * m + r]!;
          s[p * m + r] = c * sp - sn * sq;
          s[q * m + r] = sn * sp + c * sq;
        }
        for (let r = 0; r < m; r++) {
          const vp = v[r * m + p]!;
          const vq = v[r * m + q]!;
          v[r * m + p] = c * vp - sn * vq;
          v[r * m + q] = sn * vp + c * vq;
        }
      }
    }
  }
  return { values: Float64Array.from({ length: m }, (_, i) => s[i * m + i]!), vectors: v };
}

export interface SpectralOptions {
  /** Extra columns carried by the subspace iteration. */
  oversample?: number;
  iterations?: number;
  /** Orthonormalise every this many products. */
  orthoEvery?: number;
  seed?: number;
}

/** NJW embedding: n unit rows of k dims (a row with no edges gets a zero row). */
export function spectralEmbedding(w: Csr, k: number, options: SpectralOptions = {}): Rows {
  const { oversample = 16, iterations = 60, orthoEvery = 4, seed = 42 } = options;
  const n = w.n;
  const l = Math.min(n, k + oversample);
  const invSqrtDeg = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let d = 0;
    for (let p = w.start[i]!; p < w.start[i + 1]!; p++) d += w.value[p]!;
    invSqrtDeg[i] = d > 0 ? 1 / Math.sqrt(d) : 0;
  }
  const random = mulberry32(seed);
  let x = Float64Array.from({ length: n * l }, () => random() - 0.5);
  let y = new Float64Array(n * l);
  orthonormalise(x, n, l);
  for (let it = 1; it <= iterations; it++) {
    multiply(w, invSqrtDeg, x, l, y);
    [x, y] = [y, x];
    if (it % orthoEvery === 0 || it === iterations) orthonormalise(x, n, l);
  }
  // Rayleigh–Ritz: B = Xᵀ M X, its top-k eigenvectors rotate X onto the Ritz vectors.
  multiply(w, invSqrtDeg, x, l, y);
  const b = new Float64Array(l * l);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < l; a++) {
      const xa = x[i * l + a]!;
      for (let c = 0; c < l; c++) b[a * l + c]! += xa * y[i * l + c]!;
    }
  }
  for (let a = 0; a < l; a++) for (let c = a + 1; c < l; c++) b[a * l + c] = b[c * l + a] = (b[a * l + c]! + b[c * l + a]!) / 2;
  const { values, vectors } = symmetricEigen(b, l);
  const top = [...values.keys()].sort((p, q) => values[q]! - values[p]!).slice(0, k);
  const data = new Float32Array(n * k);
  for (let i = 0; i < n; i++) {
    let norm = 0;
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let a = 0; a < l; a++) s += x[i * l + a]! * vectors[a * l + top[c]!]!;
      data[i * k + c] = s;
      norm += s * s;
    }
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let c = 0; c < k; c++) data[i * k + c]! *= inv;
  }
  return { n, dims: k, data };
}
