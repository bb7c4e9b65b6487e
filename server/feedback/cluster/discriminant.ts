import { symmetricEigen } from '../embed/linalg.ts';
import type { Rows } from './spherical.ts';

/**
 * Linear discriminant projection from pseudo-labels, for discriminative clustering: alternate k-means and Fisher's
 * LDA on its own clusters, so the space the next k-means sees stretches the directions that separate the clusters
 * and shrinks the ones that vary within them (De la Torre & Kanade 2006, "Discriminative Cluster Analysis"; Ding &
 * Li 2007, "Adaptive Dimension Reduction Using Discriminant Analysis and K-means Clustering", ICML).
 *
 * W = S_w^(−1/2) V, with S_w the within-cluster covariance shrunk toward (tr S_w / d)·I by `shrinkage` (Ledoit–Wolf
 * style regularisation: with ~40 points per cluster S_w is noisy) and V the top `out` eigenvectors of the between-
 * cluster covariance in the S_w-whitened space. Rows of the result are L2-normalised (cosine geometry for k-means).
 */
export function discriminantProjection(x: Rows, labels: ArrayLike<number>, k: number, out: number, shrinkage = 0.5): Rows {
  const dims = x.dims;
  const counts = new Float64Array(k);
  const means = new Float64Array(k * dims);
  const total = new Float64Array(dims);
  for (let i = 0; i < x.n; i++) {
    const c = labels[i]!;
    counts[c]!++;
    for (let d = 0; d < dims; d++) {
      means[c * dims + d]! += x.data[i * dims + d]!;
      total[d]! += x.data[i * dims + d]! / x.n;
    }
  }
  for (let c = 0; c < k; c++) if (counts[c]! > 0) for (let d = 0; d < dims; d++) means[c * dims + d]! /= counts[c]!;

  const within = new Float64Array(dims * dims);
  const diff = new Float64Array(dims);
  for (let i = 0; i < x.n; i++) {
    const c = labels[i]!;
    for (let d = 0; d < dims; d++) diff[d] = x.data[i * dims + d]! - means[c * dims + d]!;
    addOuter(within, diff, 1 / x.n);
  }
  const between = new Float64Array(dims * dims);
  for (let c = 0; c < k; c++) {
    if (counts[c] === 0) continue;
    for (let d = 0; d < dims; d++) diff[d] = means[c * dims + d]! - total[d]!;
    addOuter(between, diff, counts[c]! / x.n);
  }
  symmetrizeUpper(within, dims);
  symmetrizeUpper(between, dims);
  let trace = 0;
  for (let d = 0; d < dims; d++) trace += within[d * dims + d]!;
  for (let p = 0; p < dims * dims; p++) within[p]! *= 1 - shrinkage;
  for (let d = 0; d < dims; d++) within[d * dims + d]! += (shrinkage * trace) / dims;

  // S_w^(−1/2) = U Λ^(−1/2) Uᵀ; then the between-cluster covariance in that space.
  const w = symmetricEigen(within, dims);
  const invSqrt = new Float64Array(dims * dims);
  for (let p = 0; p < dims; p++) {
    for (let q = 0; q < dims; q++) {
      let s = 0;
      for (let t = 0; t < dims; t++) s += (w.vectors.data[p * dims + t]! * w.vectors.data[q * dims + t]!) / Math.sqrt(Math.max(w.values[t]!, 1e-12));
      invSqrt[p * dims + q] = s;
    }
  }
  const whitenedBetween = sandwich(invSqrt, between, dims);
  const b = symmetricEigen(whitenedBetween, dims);
  const keep = Math.min(out, dims);
  const projection = new Float64Array(dims * keep);
  for (let p = 0; p < dims; p++) {
    for (let c = 0; c < keep; c++) {
      let s = 0;
      for (let t = 0; t < dims; t++) s += invSqrt[p * dims + t]! * b.vectors.data[t * dims + c]!;
      projection[p * keep + c] = s;
    }
  }
  const data = new Float32Array(x.n * keep);
  const row = new Float64Array(keep);
  for (let i = 0; i < x.n; i++) {
    row.fill(0);
    for (let p = 0; p < dims; p++) {
      const v = x.data[i * dims + p]! - total[p]!;
      for (let c = 0; c < keep; c++) row[c]! += v * projection[p * keep + c]!;
    }
    const norm = Math.sqrt(row.reduce((a, v) => a + v * v, 0));
    for (let c = 0; c < keep; c++) data[i * keep + c] = norm > 0 ? row[c]! / norm : c === 0 ? 1 : 0;
  }
  return { n: x.n, dims: keep, data };
}

function addOuter(m: Float64Array, v: Float64Array, weight: number): void {
  const dims = v.length;
  for (let p = 0; p < dims; p++) {
    const a = v[p]! * weight;
    if (a === 0) continue;
    for (let q = p; q < dims; q++) m[p * dims + q]! += a * v[q]!;
  }
}

function symmetrizeUpper(m: Float64Array, dims: number): void {
  for (let p = 0; p < dims; p++) for (let q = 0; q < p; q++) m[p * dims + q] = m[q * dims + p]!;
}

/** Aᵀ B A for symmetric A (dims × dims). */
function sandwich(a: Float64Array, b: Float64Array, dims: number): Float64Array {
  const ba = new Float64Array(dims * dims);
  for (let p = 0; p < dims; p++) for (let t = 0; t < dims; t++) {
    const v = b[p * dims + t]!;
    if (v === 0) continue;
    for (let q = 0; q < dims; q++) ba[p * dims + q]! += v * a[t * dims + q]!;
  }
  const out = new Float64Array(dims * dims);
  for (let p = 0; p < dims; p++) for (let t = 0; t < dims; t++) {
    const v = a[t * dims + p]!;
    if (v === 0) continue;
    for (let q = 0; q < dims; q++) out[p * dims + q]! += v * ba[t * dims + q]!;
  }
  return out;
}
