import { mulberry32 } from '../random.ts';
/**
 * k-means (Lloyd 1982) with k-means++ seeding (Arthur & Vassilvitskii 2007, "k-means++: The Advantages of Careful
 * Seeding") and the silhouette coefficient (Rousseeuw 1987, "Silhouettes: a graphical aid to the interpretation and
 * validation of cluster analysis") to choose k. Pure and deterministic: every random choice comes from a seeded PRNG,
 * so the same data and seed always give the same clusters.
 */

export type Point = readonly number[];

export interface KMeansResult {
  k: number;
  centroids: number[][];
  /** Cluster index of each point, in input order. */
  labels: number[];
  /** Σ squared distance of each point to its centroid (lower = tighter). */
  inertia: number;
  iterations: number;
}

export interface KMeansOptions {
  seed?: number;
  /** Independent k-means++ starts; the one with the lowest inertia wins. */
  restarts?: number;
  maxIterations?: number;
  /** Start Lloyd's iterations from these centroids (one run, no k-means++ seeding), e.g. a fit on a subsample. */
  initial?: readonly Point[];
}

export { mulberry32 };

export function squaredDistance(a: Point, b: Point): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    s += d * d;
  }
  return s;
}

/** Points as one flat row-major array: the inner loops run several times faster than over arrays of arrays. */
interface Flat {
  n: number;
  dims: number;
  data: Float64Array;
}

function flatten(points: readonly Point[]): Flat {
  const n = points.length;
  const dims = points[0]?.length ?? 0;
  const data = new Float64Array(n * dims);
  points.forEach((p, i) => data.set(p, i * dims));
  return { n, dims, data };
}

/** Squared distance from point i to row c of `centroids` (flat, same dims). */
function dist2(x: Flat, i: number, centroids: Float64Array, c: number): number {
  let s = 0;
  const a = i * x.dims;
  const b = c * x.dims;
  for (let d = 0; d < x.dims; d++) {
    const diff = x.data[a + d]! - centroids[b + d]!;
    s += diff * diff;
  }
  return s;
}

/** k-means++: first centre uniformly at random, each next one with probability ∝ squared distance to the nearest centre. */
function seedCentroids(x: Flat, k: number, random: () => number): Float64Array {
  const centroids = new Float64Array(k * x.dims);
  const pick = (i: number, c: number) => centroids.set(x.data.subarray(i * x.dims, (i + 1) * x.dims), c * x.dims);
  pick(Math.floor(random() * x.n), 0);
  const nearest = new Float64Array(x.n);
  for (let i = 0; i < x.n; i++) nearest[i] = dist2(x, i, centroids, 0);
  for (let c = 1; c < k; c++) {
    let total = 0;
    for (let i = 0; i < x.n; i++) total += nearest[i]!;
    let index = 0;
    if (total > 0) {
      let target = random() * total;
      while (index < x.n - 1 && (target -= nearest[index]!) >= 0) index++;
    } else {
      index = Math.floor(random() * x.n);
    }
    pick(index, c);
    for (let i = 0; i < x.n; i++) nearest[i] = Math.min(nearest[i]!, dist2(x, i, centroids, c));
  }
  return centroids;
}

/** Assigns every point to its nearest centroid; returns how many points changed cluster. */
function assign(x: Flat, centroids: Float64Array, k: number, labels: Int32Array): number {
  let changed = 0;
  for (let i = 0; i < x.n; i++) {
    let best = 0;
    let bestD = Infinity;
    for (let c = 0; c < k; c++) {
      const d = dist2(x, i, centroids, c);
      if (d < bestD) {
        best = c;
        bestD = d;
      }
    }
    if (labels[i] !== best) changed++;
    labels[i] = best;
  }
  return changed;
}

/** Moves each centroid to the mean of its points; an empty cluster takes the point farthest from its centroid. */
function update(x: Flat, centroids: Float64Array, k: number, labels: Int32Array): void {
  const sums = new Float64Array(k * x.dims);
  const counts = new Int32Array(k);
  for (let i = 0; i < x.n; i++) {
    const c = labels[i]!;
    counts[c]!++;
    for (let d = 0; d < x.dims; d++) sums[c * x.dims + d]! += x.data[i * x.dims + d]!;
  }
  for (let c = 0; c < k; c++) {
    if (counts[c]! > 0) for (let d = 0; d < x.dims; d++) centroids[c * x.dims + d] = sums[c * x.dims + d]! / counts[c]!;
  }
  for (let c = 0; c < k; c++) {
    if (counts[c]! > 0) continue;
    let far = 0;
    let farD = -1;
    for (let i = 0; i < x.n; i++) {
      const d = dist2(x, i, centroids, labels[i]!);
      if (d > farD) {
        far = i;
        farD = d;
      }
    }
    centroids.set(x.data.subarray(far * x.dims, (far + 1) * x.dims), c * x.dims);
  }
}

/** Lloyd iterations from given centroids until no point changes cluster. */
function lloyd(x: Flat, centroids: Float64Array, k: number, maxIterations: number): KMeansResult {
  const labels = new Int32Array(x.n).fill(-1);
  assign(x, centroids, k, labels);
  let iterations = 0;
  for (let changed = 1; changed > 0 && iterations < maxIterations; iterations++) {
    update(x, centroids, k, labels);
    changed = assign(x, centroids, k, labels);
  }
  let inertia = 0;
  for (let i = 0; i < x.n; i++) inertia += dist2(x, i, centroids, labels[i]!);
  const rows = Array.from({ length: k }, (_, c) => Array.from(centroids.subarray(c * x.dims, (c + 1) * x.dims)));
  return { k, centroids: rows, labels: Array.from(labels), inertia, iterations };
}

/** Best of `restarts` seeded k-means++ runs (lowest inertia). */
export function kmeans(points: readonly Point[], k: number, options: KMeansOptions = {}): KMeansResult {
  const { seed = 42, restarts = 5, maxIterations = 100 } = options;
  if (k < 1 || k > points.length) throw new Error(`k must be between 1 and the number of points (${points.length}), got ${k}`);
  const x = flatten(points);
  if (options.initial) return lloyd(x, flatten(options.initial).data, k, maxIterations);
  const random = mulberry32(seed);
  let best: KMeansResult | undefined;
  for (let r = 0; r < restarts; r++) {
    const run = lloyd(x, seedCentroids(x, k, random), k, maxIterations);
    if (!best || run.inertia < best.inertia - 1e-9) best = run;
  }
  return best!;
}

/** Labels of `points` by their nearest centroid (ties → lower index), e.g. everyone after fitting on a sample. */
export function assignNearest(points: readonly Point[], centroids: readonly Point[]): number[] {
  if (centroids.length === 0) throw new Error('assignNearest needs at least one centroid');
  const x = flatten(points);
  const flat = flatten(centroids);
  const labels = new Int32Array(x.n).fill(-1);
  assign(x, flat.data, centroids.length, labels);
  return Array.from(labels);
}

/** Condensed pairwise Euclidean distances (upper triangle, row-major) of a few thousand points, reused for every k. */
export function pairwiseDistances(points: readonly Point[]): Float64Array {
  const x = flatten(points);
  const out = new Float64Array((x.n * (x.n - 1)) / 2);
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
  let at = 0;
  for (let i = 0; i < n; i++) {
    const li = labels[i]!;
    const rowI = i * k;
    for (let j = i + 1; j < n; j++) {
      const d = distances[at++]!;
      sums[rowI + labels[j]!]! += d;
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
export function countDistinct(points: readonly Point[], atMost = Infinity): number {
  const seen = new Set<string>();
  for (const p of points) {
    seen.add(p.join(','));
    if (seen.size >= atMost) break;
  }
  return seen.size;
}

/** `size` indices out of n, chosen by a seeded partial Fisher–Yates shuffle, in ascending order; all when n ≤ size. */
export function deterministicSample(n: number, size: number, seed: number): number[] {
  const index = Array.from({ length: n }, (_, i) => i);
  if (n <= size) return index;
  const random = mulberry32(seed);
  for (let i = 0; i < size; i++) {
    const j = i + Math.floor(random() * (n - i));
    [index[i], index[j]] = [index[j]!, index[i]!];
  }
  return index.slice(0, size).sort((a, b) => a - b);
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
export function chooseK(points: readonly Point[], options: ChooseKOptions = {}): ChooseKResult {
  const { kMin = 2, kMax = 8, silhouetteSample = 2_000, seed = 42 } = options;
  const distinct = countDistinct(points, kMax);
  const sample = deterministicSample(points.length, silhouetteSample, seed);
  const distances = options.distances && sample.length === points.length ? options.distances : pairwiseDistances(sample.map((i) => points[i]!));
  const scores: ChooseKResult['scores'] = [];
  let best: { fit: KMeansResult; score: number } | undefined;
  for (let k = kMin; k <= Math.min(kMax, distinct); k++) {
    const fit = kmeans(points, k, options);
    const score = silhouette(distances, sample.map((i) => fit.labels[i]!), k);
    scores.push({ k, silhouette: score, inertia: fit.inertia });
    if (!best || score > best.score + 1e-9) best = { fit, score };
  }
  if (!best) throw new Error(`need at least ${kMin} distinct points to cluster, got ${distinct}`);
  return { best: best.fit, scores };
}
