import { mulberry32 } from '../random.ts';
import { kmeans, type KMeansOptions, type KMeansResult } from './kmeans.ts';
import { asMatrix, dist2, rowsAt, type Points } from './matrix.ts';
/**
 * Choosing k by the silhouette coefficient (Rousseeuw 1987, "Silhouettes: a graphical aid to the interpretation and
 * validation of cluster analysis"), on deterministic samples.
 */

/**
 * Condensed pairwise Euclidean distances (upper triangle, row-major) of a few thousand points, reused for every k.
 * With `buffer` (at least n(n−1)/2 values) they are written into it and a view of it is returned: a fresh triangle of
 * 2,000 points is 16 MB, and allocating one per call cost ~45 ms on the bench machines (zero-filled new pages), more
 * than the ~25 ms of computing the 2M distances.
 */
export function pairwiseDistances(points: Points, buffer?: Float64Array): Float64Array {
  const x = asMatrix(points);
  const size = (x.n * (x.n - 1)) / 2;
  const out = buffer && buffer.length >= size ? buffer.subarray(0, size) : new Float64Array(size);
  let at = 0;
  for (let i = 0; i < x.n; i++) for (let j = i + 1; j < x.n; j++) out[at++] = Math.sqrt(dist2(x, i, x.data, j));
  return out;
}

/**
 * Mean silhouette: s(i) = (b − a) / max(a, b), a = mean distance to the other members of i's cluster, b = the lowest
 * mean distance to the members of another cluster; s(i) = 0 for a point alone in its cluster (Rousseeuw 1987).
 * `distances` from pairwiseDistances() over the same points.
 */
export function silhouette(distances: Float64Array, labels: readonly number[], k: number): number {
  const n = labels.length;
  if (n < 2 || k < 2) return 0;
  const counts = new Array<number>(k).fill(0);
  for (const l of labels) counts[l]!++;
  // sums[i·k + c] = Σ distances from i to the members of c. One pass over the upper triangle adds d(i, j) to both i
  // and j; rows are taken in order, so each sum receives its terms in ascending j, exactly as summing row i alone
  // would (same floating-point result), at half the reads and in memory order.
  const sums = new Float64Array(n * k);
  const label = Int32Array.from(labels);
  let at = 0;
  for (let i = 0; i < n; i++) {
    const li = label[i]!;
    const rowI = i * k;
    for (let j = i + 1; j < n; j++) {
      const d = distances[at++]!;
      sums[rowI + label[j]!]! += d;
      sums[j * k + li]! += d;
    }
  }
  let total = 0;
  for (let i = 0; i < n; i++) {
    const own = labels[i]!;
    if (counts[own]! <= 1) continue;
    const a = sums[i * k + own]! / (counts[own]! - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own && counts[c]! > 0) b = Math.min(b, sums[i * k + c]! / counts[c]!);
    if (b === Infinity) continue;
    total += (b - a) / Math.max(a, b) || 0;
  }
  return total / n;
}

/** Distinct points, counting stops at `atMost` (callers only need to know whether there are enough). */
export function countDistinct(points: Points, atMost = Infinity): number {
  const x = asMatrix(points);
  const seen = new Set<string>();
  for (let i = 0; i < x.n && seen.size < atMost; i++) seen.add(x.data.subarray(i * x.dims, (i + 1) * x.dims).join(','));
  return seen.size;
}

/** `size` indices out of n, chosen by a seeded partial Fisher–Yates shuffle, in ascending order; all when n ≤ size. */
export function deterministicSample(n: number, size: number, seed: number): number[] {
  if (n <= size) return Array.from({ length: n }, (_, i) => i);
  const index = new Int32Array(n);
  for (let i = 0; i < n; i++) index[i] = i;
  const random = mulberry32(seed);
  for (let i = 0; i < size; i++) {
    const j = i + Math.floor(random() * (n - i));
    const t = index[i]!;
    index[i] = index[j]!;
    index[j] = t;
  }
  return Array.from(index.subarray(0, size).sort());
}

export interface ChooseKOptions extends KMeansOptions {
  kMin?: number;
  kMax?: number;
  /** Silhouette is O(n²): it is computed on a deterministic sample of at most this many points. */
  silhouetteSample?: number;
  /** pairwiseDistances(points), when the caller has them already; used when every point is in the silhouette sample. */
  distances?: Float64Array;
}

export interface ChooseKResult {
  best: KMeansResult;
  scores: { k: number; silhouette: number; inertia: number }[];
}

/** Fits k = kMin..kMax and keeps the k with the highest mean silhouette (ties → fewer clusters). */
export function chooseK(points: Points, options: ChooseKOptions = {}): ChooseKResult {
  const { kMin = 2, kMax = 8, silhouetteSample = 2_000, seed = 42 } = options;
  const x = asMatrix(points);
  const distinct = countDistinct(x, kMax);
  const sample = deterministicSample(x.n, silhouetteSample, seed);
  const distances = options.distances && sample.length === x.n ? options.distances : pairwiseDistances(rowsAt(x, sample));
  const scores: ChooseKResult['scores'] = [];
  let best: { fit: KMeansResult; score: number } | undefined;
  for (let k = kMin; k <= Math.min(kMax, distinct); k++) {
    const fit = kmeans(x, k, options);
    const score = silhouette(distances, sample.map((i) => fit.labels[i]!), k);
    scores.push({ k, silhouette: score, inertia: fit.inertia });
    if (!best || score > best.score + 1e-9) best = { fit, score };
  }
  if (!best) throw new Error(`need at least ${kMin} distinct points to cluster, got ${distinct}`);
  return { best: best.fit, scores };
}
