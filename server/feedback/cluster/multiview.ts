import { dotRows, type Rows } from './spherical.ts';
import type { SparseRows } from './textknn.ts';

/**
 * Two-view spherical k-means refinement (multi-view clustering, Bickel & Scheffer 2004, "Multi-View Clustering";
 * here in the shared-partition form where each view keeps its own concept vectors and the partition maximises the sum
 * of the views' spherical k-means objectives, Dhillon & Modha 2001): a text's score for cluster c is
 *   cos(x_i, μ_c) + λ · cos(t_i, ν_c),
 * x_i its dense embedding, t_i its sparse TF-IDF row (textknn.ts), μ_c and ν_c the normalised sums of c's members in
 * each view. Each round assigns every text to its best cluster and recomputes both views' centroids, so the sparse
 * view's rare, decisive words can move texts the embedding places on the wrong side of a boundary. Started from given
 * labels (index.ts: those of the kNN vote). A cluster that would be left empty keeps its best-scoring former member.
 */

export interface MultiViewOptions {
  /** Weight λ of the sparse view's cosine. */
  lambda: number;
  /** Assignment/update rounds (stops early when nothing moves). */
  rounds: number;
}

/** Normalised member sums of the sparse rows, stored column-major (col · k + c) so a row scores all k at once. */
export function sparseCentroids(sparse: SparseRows, labels: ArrayLike<number>, k: number): Float32Array {
  const sums = new Float64Array(sparse.cols * k);
  sparse.rows.forEach((r, i) => {
    const c = labels[i]!;
    r.cols.forEach((col, p) => (sums[col * k + c]! += r.values[p]!));
  });
  const norms = new Float64Array(k);
  for (let q = 0; q < sums.length; q++) norms[q % k]! += sums[q]! * sums[q]!;
  const out = new Float32Array(sums.length);
  for (let q = 0; q < sums.length; q++) {
    const norm = norms[q % k]!;
    out[q] = norm > 0 ? sums[q]! / Math.sqrt(norm) : 0;
  }
  return out;
}

/** Normalised member sums of dense unit rows, k × dims row-major (zero for an empty cluster). */
export function denseCentroids(x: Rows, labels: ArrayLike<number>, k: number): Float32Array {
  const sums = new Float64Array(k * x.dims);
  for (let i = 0; i < x.n; i++) {
    const base = labels[i]! * x.dims;
    for (let d = 0; d < x.dims; d++) sums[base + d]! += x.data[i * x.dims + d]!;
  }
  const out = new Float32Array(sums.length);
  for (let c = 0; c < k; c++) {
    let norm = 0;
    for (let d = 0; d < x.dims; d++) norm += sums[c * x.dims + d]! ** 2;
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let d = 0; d < x.dims; d++) out[c * x.dims + d] = sums[c * x.dims + d]! * inv;
  }
  return out;
}

/** scores[c] = cos(x_i, μ_c) + λ · cos(t_i, ν_c) for every cluster c. */
export function multiViewScores(x: Rows, sparse: SparseRows, i: number, mu: Float32Array, nu: Float32Array, k: number, lambda: number, scores: Float64Array): void {
  for (let c = 0; c < k; c++) scores[c] = dotRows(x.data, i, mu, c, x.dims);
  const r = sparse.rows[i]!;
  for (let p = 0; p < r.cols.length; p++) {
    const v = lambda * r.values[p]!;
    const base = r.cols[p]! * k;
    for (let c = 0; c < k; c++) scores[c]! += v * nu[base + c]!;
  }
}

export function multiViewRefine(x: Rows, sparse: SparseRows, labels: ArrayLike<number>, k: number, options: MultiViewOptions): Int32Array {
  if (sparse.rows.length !== x.n) throw new Error(`multiViewRefine: ${sparse.rows.length} sparse rows for ${x.n} points`);
  let current = Int32Array.from(labels);
  const scores = new Float64Array(k);
  const own = new Float64Array(x.n);
  for (let round = 0; round < options.rounds; round++) {
    const mu = denseCentroids(x, current, k);
    const nu = sparseCentroids(sparse, current, k);
    const next = new Int32Array(x.n);
    for (let i = 0; i < x.n; i++) {
      multiViewScores(x, sparse, i, mu, nu, k, options.lambda, scores);
      let best = current[i]!;
      for (let c = 0; c < k; c++) if (scores[c]! > scores[best]!) best = c;
      next[i] = best;
      own[i] = scores[current[i]!]!;
    }
    keepNonEmpty(current, next, own, k);
    if (next.every((l, i) => l === current[i])) break;
    current = next;
  }
  return current;
}

/**
 * A cluster the assignment would empty takes back its former member that scored highest for it (`own`), if that
 * member's new cluster keeps others; repeated until no cluster that had members is empty.
 */
function keepNonEmpty(current: Int32Array, next: Int32Array, own: Float64Array, k: number): void {
  const counts = new Int32Array(k);
  for (const l of next) counts[l]!++;
  const had = new Int32Array(k);
  for (const l of current) had[l]!++;
  for (let guard = 0; guard < k; guard++) {
    const empty = [...counts.keys()].filter((c) => had[c]! > 0 && counts[c] === 0);
    if (!empty.length) return;
    for (const c of empty) {
      let pick = -1;
      for (let i = 0; i < current.length; i++) {
        if (current[i] === c && counts[next[i]!]! > 1 && (pick < 0 || own[i]! > own[pick]!)) pick = i;
      }
      if (pick < 0) continue;
      counts[next[pick]!]!--;
      next[pick] = c;
      counts[c]!++;
    }
  }
}
