import type { Rows } from './spherical.ts';

/**
 * Ward's agglomerative merging of an over-clustered partition (Ward 1963; the "k-means then hierarchical" hybrid,
 * e.g. Steinbach, Karypis & Kumar 2000): starting from `labels` with `from` groups, repeatedly merge the two groups
 * whose union raises the within-group sum of squares least, Δ(a, b) = nₐ n_b / (nₐ + n_b) · ‖μₐ − μ_b‖², until `to`
 * groups remain. Returns labels renumbered 0…to−1 (by first appearance). Cost O(from² · (from + dims)).
 */
export function wardMerge(x: Rows, labels: ArrayLike<number>, from: number, to: number): Int32Array {
  const dims = x.dims;
  const sums = new Float64Array(from * dims);
  const counts = new Float64Array(from);
  for (let i = 0; i < x.n; i++) {
    const c = labels[i]!;
    counts[c]!++;
    for (let d = 0; d < dims; d++) sums[c * dims + d]! += x.data[i * dims + d]!;
  }
  const alive = Array.from({ length: from }, (_, c) => counts[c]! > 0);
  const parent = Int32Array.from({ length: from }, (_, c) => c);
  const cost = (a: number, b: number) => {
    let s = 0;
    for (let d = 0; d < dims; d++) {
      const diff = sums[a * dims + d]! / counts[a]! - sums[b * dims + d]! / counts[b]!;
      s += diff * diff;
    }
    return ((counts[a]! * counts[b]!) / (counts[a]! + counts[b]!)) * s;
  };
  // Pairwise costs kept in a matrix; after a merge only the merged group's row changes.
  const delta = new Float64Array(from * from).fill(Infinity);
  for (let a = 0; a < from; a++) if (alive[a]) for (let b = a + 1; b < from; b++) if (alive[b]) delta[a * from + b] = cost(a, b);
  let groups = alive.filter(Boolean).length;
  while (groups > to) {
    let best = Infinity;
    let ba = -1;
    let bb = -1;
    for (let a = 0; a < from; a++) {
      if (!alive[a]) continue;
      for (let b = a + 1; b < from; b++) {
        const v = delta[a * from + b]!;
        if (v < best) (best = v), (ba = a), (bb = b);
      }
    }
    if (ba < 0) break;
    for (let d = 0; d < dims; d++) sums[ba * dims + d]! += sums[bb * dims + d]!;
    counts[ba]! += counts[bb]!;
    alive[bb] = false;
    parent[bb] = ba;
    for (let c = 0; c < from; c++) {
      delta[Math.min(c, bb) * from + Math.max(c, bb)] = Infinity;
      if (c !== ba && alive[c]) delta[Math.min(c, ba) * from + Math.max(c, ba)] = cost(c, ba);
    }
    groups--;
  }
  const root = (c: number): number => (parent[c] === c ? c : (parent[c] = root(parent[c]!)));
  const renumber = new Map<number, number>();
  const out = new Int32Array(x.n);
  for (let i = 0; i < x.n; i++) {
    const r = root(labels[i]!);
    if (!renumber.has(r)) renumber.set(r, renumber.size);
    out[i] = renumber.get(r)!;
  }
  return out;
}

/** Unit means of the groups of `labels` (k × dims): starting centroids for a k-means refinement. */
export function unitMeans(x: Rows, labels: ArrayLike<number>, k: number): Float32Array {
  const out = new Float32Array(k * x.dims);
  const sums = new Float64Array(k * x.dims);
  for (let i = 0; i < x.n; i++) for (let d = 0; d < x.dims; d++) sums[labels[i]! * x.dims + d]! += x.data[i * x.dims + d]!;
  for (let c = 0; c < k; c++) {
    let norm = 0;
    for (let d = 0; d < x.dims; d++) norm += sums[c * x.dims + d]! ** 2;
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let d = 0; d < x.dims; d++) out[c * x.dims + d] = sums[c * x.dims + d]! * inv;
  }
  return out;
}
