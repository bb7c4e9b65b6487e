import { mulberry32 } from '../random.ts';
import { asMatrix, dist2, type Matrix, type Point, type Points } from './matrix.ts';
/**
 * k-means (Lloyd 1982) with k-means++ seeding (Arthur & Vassilvitskii 2007, "k-means++: The Advantages of Careful
 * Seeding"), accelerated by Hamerly's bounds (Hamerly 2010). Pure and deterministic: every random choice comes from
 * a seeded PRNG, so the same data and seed always give the same clusters. Choosing k: silhouette.ts.
 */

type Flat = Matrix;

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

/**
 * Bounds that let an iteration skip most distance computations without changing any result (Hamerly 2010, "Making
 * k-means even faster", SIAM SDM): for each point an upper bound on the distance to its own centroid and a lower
 * bound on the distance to every other one. A point whose upper bound is at most max(lower bound, half the distance
 * from its centroid to the nearest other centroid) cannot have a nearer centroid; only the others are re-examined.
 */
interface Bounds {
  upper: Float64Array;
  lower: Float64Array;
}

/**
 * Nearest (ties → lower index) and second-nearest centroid of point i: sets labels[i] and its bounds; returns whether
 * the label changed.
 */
function assignExactly(x: Flat, i: number, centroids: Float64Array, k: number, labels: Int32Array, bounds: Bounds): boolean {
  let best = 0;
  let bestD = Infinity;
  let secondD = Infinity;
  for (let c = 0; c < k; c++) {
    const d = dist2(x, i, centroids, c);
    if (d < bestD) {
      secondD = bestD;
      best = c;
      bestD = d;
    } else if (d < secondD) secondD = d;
  }
  bounds.upper[i] = Math.sqrt(bestD);
  bounds.lower[i] = Math.sqrt(secondD);
  const changed = labels[i] !== best;
  labels[i] = best;
  return changed;
}

/** One assignment step with Hamerly's bounds (valid for the current centroids); returns how many points moved. */
function assignBounded(x: Flat, centroids: Float64Array, k: number, labels: Int32Array, bounds: Bounds): number {
  // half[c] = half the distance from centroid c to its nearest other centroid.
  const half = new Float64Array(k).fill(Infinity);
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++) {
      const d = Math.sqrt(dist2({ n: k, dims: x.dims, data: centroids }, a, centroids, b)) / 2;
      if (d < half[a]!) half[a] = d;
      if (d < half[b]!) half[b] = d;
    }
  }
  let changed = 0;
  for (let i = 0; i < x.n; i++) {
    const own = labels[i]!;
    // Strictly nearer, with a margin for the rounding of square roots and bound updates: a tie (or a near-tie within
    // rounding) goes to the full comparison, which gives it to the lower index as plain Lloyd does.
    const limit = Math.max(half[own]!, bounds.lower[i]!) * (1 - 1e-12);
    if (bounds.upper[i]! < limit) continue;
    bounds.upper[i] = Math.sqrt(dist2(x, i, centroids, own));
    if (bounds.upper[i]! < limit) continue;
    if (assignExactly(x, i, centroids, k, labels, bounds)) changed++;
  }
  return changed;
}

/** After the centroids moved from `before`: widens each point's bounds by how far the centroids went. */
function loosen(x: Flat, before: Float64Array, centroids: Float64Array, k: number, labels: Int32Array, bounds: Bounds): void {
  const moved = new Float64Array(k);
  let most = 0;
  let mostAt = -1;
  let second = 0;
  for (let c = 0; c < k; c++) {
    moved[c] = Math.sqrt(dist2({ n: k, dims: x.dims, data: before }, c, centroids, c));
    if (moved[c]! > most) {
      second = most;
      most = moved[c]!;
      mostAt = c;
    } else if (moved[c]! > second) second = moved[c]!;
  }
  for (let i = 0; i < x.n; i++) {
    const own = labels[i]!;
    bounds.upper[i]! += moved[own]!;
    bounds.lower[i]! -= own === mostAt ? second : most;
  }
}

/**
 * Lloyd's iterations (Lloyd 1982) from given centroids until no point changes cluster, accelerated by Hamerly's
 * bounds: the same labels and centroids as the plain algorithm, at a fraction of the distance computations.
 */
function lloyd(x: Flat, centroids: Float64Array, k: number, maxIterations: number): KMeansResult {
  const labels = new Int32Array(x.n).fill(-1);
  const bounds: Bounds = { upper: new Float64Array(x.n), lower: new Float64Array(x.n) };
  for (let i = 0; i < x.n; i++) assignExactly(x, i, centroids, k, labels, bounds);
  let iterations = 0;
  const before = new Float64Array(centroids.length);
  for (let changed = 1; changed > 0 && iterations < maxIterations; iterations++) {
    before.set(centroids);
    update(x, centroids, k, labels);
    loosen(x, before, centroids, k, labels, bounds);
    changed = assignBounded(x, centroids, k, labels, bounds);
  }
  let inertia = 0;
  for (let i = 0; i < x.n; i++) inertia += dist2(x, i, centroids, labels[i]!);
  const rows = Array.from({ length: k }, (_, c) => Array.from(centroids.subarray(c * x.dims, (c + 1) * x.dims)));
  return { k, centroids: rows, labels: Array.from(labels), inertia, iterations };
}

/** Best of `restarts` seeded k-means++ runs (lowest inertia). */
export function kmeans(points: Points, k: number, options: KMeansOptions = {}): KMeansResult {
  const { seed = 42, restarts = 5, maxIterations = 100 } = options;
  const x = asMatrix(points);
  if (k < 1 || k > x.n) throw new Error(`k must be between 1 and the number of points (${x.n}), got ${k}`);
  if (options.initial) return lloyd(x, asMatrix(options.initial).data, k, maxIterations);
  const random = mulberry32(seed);
  let best: KMeansResult | undefined;
  for (let r = 0; r < restarts; r++) {
    const run = lloyd(x, seedCentroids(x, k, random), k, maxIterations);
    if (!best || run.inertia < best.inertia - 1e-9) best = run;
  }
  return best!;
}

/** Labels of `points` by their nearest centroid (ties → lower index), e.g. everyone after fitting on a sample. */
export function assignNearest(points: Points, centroids: readonly Point[]): number[] {
  if (centroids.length === 0) throw new Error('assignNearest needs at least one centroid');
  const x = asMatrix(points);
  const flat = asMatrix(centroids);
  const labels = new Int32Array(x.n).fill(-1);
  const bounds: Bounds = { upper: new Float64Array(x.n), lower: new Float64Array(x.n) };
  for (let i = 0; i < x.n; i++) assignExactly(x, i, flat.data, centroids.length, labels, bounds);
  return Array.from(labels);
}
