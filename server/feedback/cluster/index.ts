import { mulberry32 } from '../../../tools/lib/random.ts';
import { dotRows, sphericalKMeans, toRows, type Rows } from './spherical.ts';

/**
 * Clusters unit vectors into themes. With `k` given: spherical k-means with k-means++ and seeded restarts. Without:
 * k is chosen by the mean cosine silhouette (Rousseeuw 1987) over a candidate grid, computed on a fixed random sample
 * of at most `sampleSize` points so the choice costs the same for 3k or 50k texts; the final clustering then runs on
 * all points at the chosen k.
 */

export interface ClusterOptions {
  k?: number;
  seed?: number;
  restarts?: number;
  /** Largest k tried by the automatic choice. */
  maxK?: number;
  sampleSize?: number;
}

export interface ClusterResult {
  k: number;
  assignments: number[];
  centroids: Float32Array[];
  /** How k was chosen, with the score per candidate when automatic. */
  kSelection: { method: 'given' } | { method: 'silhouette'; scores: { k: number; score: number }[] };
}

export function clusterVectors(vectors: readonly Float32Array[], options: ClusterOptions = {}): ClusterResult {
  const { seed = 42 } = options;
  if (vectors.length === 0) return { k: 0, assignments: [], centroids: [], kSelection: { method: 'given' } };
  const x = toRows(vectors);
  let k = options.k;
  let kSelection: ClusterResult['kSelection'] = { method: 'given' };
  if (k === undefined) {
    const scores = silhouetteScan(x, options);
    kSelection = { method: 'silhouette', scores };
    k = scores.reduce((a, b) => (b.score > a.score ? b : a), { k: 1, score: -Infinity }).k;
  }
  k = Math.max(1, Math.min(k, x.n));
  const restarts = options.restarts ?? (x.n > 20_000 ? 1 : 4);
  const run = sphericalKMeans(x, k, { seed, restarts });
  const centroids = Array.from({ length: k }, (_, c) => run.centroids.slice(c * x.dims, (c + 1) * x.dims));
  return { k, assignments: Array.from(run.labels), centroids, kSelection };
}

/** Candidate k: 2, 3, … roughly geometric (×1.25) up to maxK, so the scan is short at any scale. */
export function candidateKs(n: number, maxK: number): number[] {
  const limit = Math.min(maxK, Math.floor(n / 2));
  const out: number[] = [];
  for (let k = 2; k <= limit; k = Math.max(k + 1, Math.round(k * 1.25))) out.push(k);
  return out;
}

function sampleRows(x: Rows, size: number, seed: number): Rows {
  if (x.n <= size) return x;
  const random = mulberry32(seed ^ 0x2545f491);
  const index = Array.from({ length: x.n }, (_, i) => i);
  for (let i = 0; i < size; i++) {
    const j = i + Math.floor(random() * (x.n - i));
    [index[i], index[j]] = [index[j]!, index[i]!];
  }
  const data = new Float32Array(size * x.dims);
  for (let i = 0; i < size; i++) data.set(x.data.subarray(index[i]! * x.dims, (index[i]! + 1) * x.dims), i * x.dims);
  return { n: size, dims: x.dims, data };
}

function silhouetteScan(x: Rows, options: ClusterOptions): { k: number; score: number }[] {
  const { seed = 42, maxK = 120, sampleSize = 2500 } = options;
  const sample = sampleRows(x, sampleSize, seed);
  const distances = cosineDistances(sample);
  return candidateKs(sample.n, maxK).map((k) => {
    const run = sphericalKMeans(sample, k, { seed, restarts: 2 });
    return { k, score: meanSilhouette(distances, sample.n, run.labels, k) };
  });
}

/** Full n × n matrix of cosine distances 1 − cos (n ≤ a few thousand). */
export function cosineDistances(x: Rows): Float32Array {
  const out = new Float32Array(x.n * x.n);
  for (let i = 0; i < x.n; i++) {
    for (let j = i + 1; j < x.n; j++) {
      const d = 1 - dotRows(x.data, i, x.data, j, x.dims);
      out[i * x.n + j] = d;
      out[j * x.n + i] = d;
    }
  }
  return out;
}

/**
 * Mean silhouette s(i) = (b − a) / max(a, b): a = mean distance to i's own cluster, b = lowest mean distance to
 * another cluster; 0 for points alone in their cluster (Rousseeuw 1987).
 */
export function meanSilhouette(distances: Float32Array, n: number, labels: ArrayLike<number>, k: number): number {
  if (k < 2) return 0;
  const counts = new Int32Array(k);
  for (let i = 0; i < n; i++) counts[labels[i]!]!++;
  const sums = new Float64Array(k);
  let total = 0;
  for (let i = 0; i < n; i++) {
    sums.fill(0);
    const row = i * n;
    for (let j = 0; j < n; j++) if (j !== i) sums[labels[j]!]! += distances[row + j]!;
    const own = labels[i]!;
    if (counts[own]! <= 1) continue;
    const a = sums[own]! / (counts[own]! - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own && counts[c]! > 0) b = Math.min(b, sums[c]! / counts[c]!);
    if (b === Infinity || Math.max(a, b) === 0) continue;
    total += (b - a) / Math.max(a, b);
  }
  return total / n;
}
