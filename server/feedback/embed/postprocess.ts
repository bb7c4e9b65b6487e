import { symmetricEigen } from './linalg.ts';

/**
 * Corpus-level post-processing of sentence vectors, fitted on the vectors of the training corpus itself (no labels):
 *  - "all-but-the-top" (Mu & Viswanath 2018, ICLR): subtract the mean and the projections on the top `drop` principal
 *    directions, which in averaged embeddings encode frequency and length rather than meaning;
 *  - whitening (Su et al. 2021, "Whitening Sentence Representations for Better Semantics and Faster Retrieval"):
 *    y = (x − μ) U Λ^(−power/2), optionally keeping only the top `keep` directions; power 1 is full whitening, power
 *    0.5 a softer equalisation of the spectrum.
 * Both are one affine map x ↦ (x − μ) · M (dims × out), stored and applied per text.
 */
export interface AffineMap {
  mean: Float32Array;
  /** dims × out, row-major. */
  matrix: Float32Array;
  out: number;
}

function meanAndCovariance(vectors: readonly Float32Array[]): { mean: Float64Array; cov: Float64Array; dims: number } {
  const dims = vectors[0]!.length;
  const mean = new Float64Array(dims);
  for (const v of vectors) for (let d = 0; d < dims; d++) mean[d]! += v[d]! / vectors.length;
  const cov = new Float64Array(dims * dims);
  const centred = new Float64Array(dims);
  for (const v of vectors) {
    for (let d = 0; d < dims; d++) centred[d] = v[d]! - mean[d]!;
    for (let p = 0; p < dims; p++) {
      const x = centred[p]! / vectors.length;
      if (x === 0) continue;
      const row = p * dims;
      for (let q = p; q < dims; q++) cov[row + q]! += x * centred[q]!;
    }
  }
  for (let p = 0; p < dims; p++) for (let q = 0; q < p; q++) cov[p * dims + q] = cov[q * dims + p]!;
  return { mean, cov, dims };
}

/** Mean removal + projection off the top `drop` principal directions (output keeps every dimension). */
export function fitAllButTheTop(vectors: readonly Float32Array[], drop: number): AffineMap {
  const { mean, cov, dims } = meanAndCovariance(vectors);
  const { vectors: u } = symmetricEigen(cov, dims);
  // M = I − Σ_top u uᵀ.
  const matrix = new Float32Array(dims * dims);
  for (let p = 0; p < dims; p++) {
    for (let q = 0; q < dims; q++) {
      let s = p === q ? 1 : 0;
      for (let t = 0; t < drop; t++) s -= u.data[p * dims + t]! * u.data[q * dims + t]!;
      matrix[p * dims + q] = s;
    }
  }
  return { mean: Float32Array.from(mean), matrix, out: dims };
}

/** Whitening with the spectrum raised to −power/2 (1 = full whitening), keeping the top `keep` directions. */
export function fitWhitening(vectors: readonly Float32Array[], keep: number, power = 1): AffineMap {
  const { mean, cov, dims } = meanAndCovariance(vectors);
  const { values, vectors: u } = symmetricEigen(cov, dims);
  const out = Math.min(keep, dims);
  const floor = Math.max(values[0]! * 1e-6, 1e-12);
  const matrix = new Float32Array(dims * out);
  for (let p = 0; p < dims; p++) for (let c = 0; c < out; c++) matrix[p * out + c] = u.data[p * dims + c]! * Math.max(values[c]!, floor) ** (-power / 2);
  return { mean: Float32Array.from(mean), matrix, out };
}

/** (x − μ) · M, L2-normalised (a zero result stays zero but gets a fixed unit direction, like unitFloat32). */
export function applyAffine(map: AffineMap, x: ArrayLike<number>): Float32Array {
  const dims = map.mean.length;
  const y = new Float64Array(map.out);
  for (let p = 0; p < dims; p++) {
    const v = x[p]! - map.mean[p]!;
    if (v === 0) continue;
    const row = p * map.out;
    for (let c = 0; c < map.out; c++) y[c]! += v * map.matrix[row + c]!;
  }
  let norm = 0;
  for (let c = 0; c < map.out; c++) norm += y[c]! * y[c]!;
  const result = new Float32Array(map.out);
  if (norm === 0) {
    result[0] = 1;
    return result;
  }
  const inv = 1 / Math.sqrt(norm);
  for (let c = 0; c < map.out; c++) result[c] = y[c]! * inv;
  return result;
}
