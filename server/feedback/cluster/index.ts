import { mulberry32 } from '../../../tools/lib/random.ts';
import { nearestNeighbours, smoothRows, voteLabels } from './knn.ts';
import { consensusKMeans, type ConsensusOptions } from './consensus.ts';
import { textNeighbours } from './textknn.ts';
import { unitMeans, wardMerge } from './merge.ts';
import { dotRows, sphericalKMeans, sphericalKMeansFrom, toRows, type Rows } from './spherical.ts';

/**
 * Clusters unit vectors into themes:
 *  1. fit set: all points, or a fixed seeded sample of `fitSize` (6,000) when there are more (the rest are assigned
 *     to the nearest centroid at the end, so 50k texts cost little more than 6k);
 *  2. neighbourhood smoothing of the fit set on its kNN graph (knn.ts, 20 neighbours), which lifts NMI by about 0.01
 *     on BANKING77;
 *  3. k: given, or chosen automatically as the candidate with the highest mean cosine silhouette (Rousseeuw 1987) on
 *     a sample of at most `scanSize` fit points; candidates 2…maxK spaced ×1.25 (kSelection lists every score);
 *  4. spherical k-means with k-means++ and seeded restarts (spherical.ts) on the fit set. Optionally (`overcluster`
 *     > 1) into factor·k groups that Ward's criterion merges down to k (merge.ts), refined by k-means from the merged
 *     means. Off by default: +0.005 NMI on BANKING77 train samples but +0.003 on the test split (within seed noise),
 *     and on the 800-customer demo it merged the planted late-delivery complaints into a product-quality theme.
 *     Also off: `consensus` (consensus.ts, the co-association vote of 10 k-means runs; +0.004 NMI on the train
 *     samples at twice the cost);
 *  5. label vote (knn.ts voteLabels, 3 rounds): each fit text takes the majority label of itself, its 5 nearest
 *     texts by embedding (the unsmoothed graph of step 2) and, when `texts` are given, its 5 nearest by sparse word +
 *     character TF-IDF (textknn.ts), which still sees the rare words the embedding blurs. +0.011 NMI on BANKING77
 *     train samples (every seed up; the embedding neighbours alone +0.005), for ~1.3 s CPU per 3k texts.
 * Centroids are the normalised means of the original (unsmoothed) member vectors, so they live in the embedding space
 * and any vector can be placed by its nearest centroid.
 */

/** Default over-clustering factor: 1 = plain k-means (see step 4 above for why the merge is off). */
export const DEFAULT_OVERCLUSTER = 1;

export interface ClusterOptions {
  k?: number;
  seed?: number;
  restarts?: number;
  /** Largest k tried by the automatic choice. */
  maxK?: number;
  /** Points used to choose k. */
  scanSize?: number;
  /** Points k-means is fitted on; the others are assigned to the nearest centroid. */
  fitSize?: number;
  /** Neighbours averaged in the smoothing step (0 = off). */
  smoothNeighbours?: number;
  /** kNN majority vote of the labels after k-means (knn.ts voteLabels) over `neighbours` for `rounds`; false = off. */
  vote?: { neighbours: number; rounds: number } | false;
  /** The texts behind the vectors (same order): their sparse TF-IDF neighbours (textknn.ts) join the vote. */
  texts?: readonly string[];
  /** How many TF-IDF neighbours of each text vote, next to its `vote.neighbours` embedding neighbours (0 = none). */
  textNeighbours?: number;
  /** Evidence-accumulation consensus of several k-means runs instead of one (consensus.ts); false = off. */
  consensus?: ConsensusOptions | false;
  /**
   * Over-clustering factor: k-means into round(factor · k) groups first, merged down to k by Ward's criterion and
   * refined (1 = plain k-means, the default). 2.6 lifted NMI at k = 77 by 0.005 on BANKING77 train samples
   * (evals/README.md) but split the demo's planted theme; not adopted.
   */
  overcluster?: number;
  /** Explicit number of groups to over-cluster into (overrides `overcluster`). */
  mergeFrom?: number;
  /** After a merge, refine with k-means started from the merged groups' means. */
  refineMerge?: boolean;
}

/** Default kNN label vote after k-means: each text and its 5 nearest by embedding (and 5 by TF-IDF), 3 rounds. */
export const DEFAULT_VOTE: ClusterOptions['vote'] = { neighbours: 5, rounds: 3 };
/** Default TF-IDF neighbours in the vote when texts are given. */
export const DEFAULT_TEXT_NEIGHBOURS = 5;

export interface ClusterResult {
  k: number;
  assignments: number[];
  centroids: Float32Array[];
  /** How k was chosen, with the score per candidate when automatic. */
  kSelection: { method: 'given' } | { method: 'silhouette'; scores: { k: number; score: number }[] };
}

export function clusterVectors(vectors: readonly Float32Array[], options: ClusterOptions = {}): ClusterResult {
  const { seed = 42, fitSize = 6000, smoothNeighbours = 20 } = options;
  if (vectors.length === 0) return { k: 0, assignments: [], centroids: [], kSelection: { method: 'given' } };
  const all = toRows(vectors);
  const fitIndex = sampleIndex(all.n, fitSize, seed);
  let fit = selectRows(all, fitIndex);
  const vote = options.vote ?? DEFAULT_VOTE;
  let graph: Int32Array[] | null = null;
  if (smoothNeighbours > 0 && fit.n > smoothNeighbours * 2) {
    graph = nearestNeighbours(fit, Math.max(smoothNeighbours, vote ? vote.neighbours : 0));
    fit = smoothRows(fit, graph.map((nb) => nb.subarray(0, smoothNeighbours)));
  }
  let k = options.k;
  let kSelection: ClusterResult['kSelection'] = { method: 'given' };
  if (k === undefined) {
    const scores = silhouetteScan(fit, options);
    kSelection = { method: 'silhouette', scores };
    k = scores.reduce((a, b) => (b.score > a.score ? b : a), { k: 1, score: -Infinity }).k;
  }
  k = Math.max(1, Math.min(k, fit.n));
  // Four restarts on small sets; two on large ones, where one run already averages over many points (and costs more).
  const restarts = options.restarts ?? (fit.n > 4000 ? 2 : 4);
  const from = Math.min(options.mergeFrom ?? Math.round(k * (options.overcluster ?? DEFAULT_OVERCLUSTER)), Math.floor(fit.n / 2));
  const run = options.consensus && k > 1
    ? consensusRun(fit, k, seed, options.consensus)
    : from > k
      ? mergedKMeans(fit, k, from, seed, restarts, options.refineMerge ?? true)
      : sphericalKMeans(fit, k, { seed, restarts });
  if (vote && k > 1 && fit.n > vote.neighbours * 2) {
    let voters = (graph ?? nearestNeighbours(fit, vote.neighbours)).map((nb) => nb.subarray(0, vote.neighbours));
    const textCount = options.texts ? options.textNeighbours ?? DEFAULT_TEXT_NEIGHBOURS : 0;
    if (options.texts && textCount > 0) {
      if (options.texts.length !== all.n) throw new Error(`clusterVectors: ${options.texts.length} texts for ${all.n} vectors`);
      const byText = textNeighbours(fitIndex.map((i) => options.texts![i]!), textCount);
      voters = voters.map((nb, i) => Int32Array.from([...nb, ...byText[i]!]));
    }
    run.labels = voteLabels(run.labels, voters, voters[0]?.length ?? 0, vote.rounds);
  }
  const assignments = new Array<number>(all.n).fill(-1);
  fitIndex.forEach((i, f) => (assignments[i] = run.labels[f]!));
  let centroids = memberMeans(all, assignments, k);
  if (fitIndex.length < all.n) {
    for (let i = 0; i < all.n; i++) if (assignments[i] === -1) assignments[i] = nearestCentroid(all, i, centroids);
    centroids = memberMeans(all, assignments, k);
  }
  return { k, assignments, centroids, kSelection };
}

/** Consensus of several k-means runs (consensus.ts), refined by k-means from the consensus groups' means. */
function consensusRun(fit: Rows, k: number, seed: number, options: ConsensusOptions): { labels: Int32Array } {
  return sphericalKMeansFrom(fit, unitMeans(fit, consensusKMeans(fit, k, { seed, ...options }), k), k);
}

/** Over-cluster, merge by Ward's criterion (merge.ts), optionally refine with k-means from the merged means. */
function mergedKMeans(fit: Rows, k: number, from: number, seed: number, restarts: number, refine: boolean): { labels: Int32Array } {
  const over = sphericalKMeans(fit, from, { seed, restarts });
  const labels = wardMerge(fit, over.labels, from, k);
  return refine ? sphericalKMeansFrom(fit, unitMeans(fit, labels, k), k) : { labels };
}

/** Normalised mean of each cluster's member vectors (a zero vector for an empty cluster). */
function memberMeans(x: Rows, assignments: readonly number[], k: number): Float32Array[] {
  const sums = Array.from({ length: k }, () => new Float64Array(x.dims));
  assignments.forEach((c, i) => {
    if (c < 0) return;
    for (let d = 0; d < x.dims; d++) sums[c]![d]! += x.data[i * x.dims + d]!;
  });
  return sums.map((s) => {
    const norm = Math.sqrt(s.reduce((a, v) => a + v * v, 0));
    return Float32Array.from(s, (v) => (norm > 0 ? v / norm : 0));
  });
}

function nearestCentroid(x: Rows, i: number, centroids: readonly Float32Array[]): number {
  let best = 0;
  let max = -Infinity;
  centroids.forEach((c, label) => {
    const s = dotRows(x.data, i, c, 0, x.dims);
    if (s > max) (max = s), (best = label);
  });
  return best;
}

/** Candidate k: 2, 3, … roughly geometric (×1.25) up to maxK, so the scan is short at any scale. */
export function candidateKs(n: number, maxK: number): number[] {
  const limit = Math.min(maxK, Math.floor(n / 2));
  const out: number[] = [];
  for (let k = 2; k <= limit; k = Math.max(k + 1, Math.round(k * 1.25))) out.push(k);
  return out;
}

/** Sorted indices of a seeded random sample of `size` out of n (all when n ≤ size). */
function sampleIndex(n: number, size: number, seed: number): number[] {
  const index = Array.from({ length: n }, (_, i) => i);
  if (n <= size) return index;
  const random = mulberry32(seed ^ 0x2545f491);
  for (let i = 0; i < size; i++) {
    const j = i + Math.floor(random() * (n - i));
    [index[i], index[j]] = [index[j]!, index[i]!];
  }
  return index.slice(0, size).sort((a, b) => a - b);
}

function selectRows(x: Rows, index: readonly number[]): Rows {
  if (index.length === x.n) return x;
  const data = new Float32Array(index.length * x.dims);
  index.forEach((i, r) => data.set(x.data.subarray(i * x.dims, (i + 1) * x.dims), r * x.dims));
  return { n: index.length, dims: x.dims, data };
}

function silhouetteScan(x: Rows, options: ClusterOptions): { k: number; score: number }[] {
  const { seed = 42, maxK = 100, scanSize = 1500 } = options;
  const sample = selectRows(x, sampleIndex(x.n, scanSize, seed));
  const distances = cosineDistances(sample);
  return candidateKs(sample.n, maxK).map((k) => {
    const run = sphericalKMeans(sample, k, { seed, restarts: 1, maxIterations: 25 });
    return { k, score: Math.round(meanSilhouette(distances, sample.n, run.labels, k) * 10_000) / 10_000 };
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
