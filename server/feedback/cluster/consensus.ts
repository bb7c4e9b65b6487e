import { mulberry32 } from '../../../tools/lib/random.ts';
import { unitMeans, wardMerge } from './merge.ts';
import { sphericalKMeans, sphericalKMeansFrom, type Rows } from './spherical.ts';

/**
 * Evidence-accumulation (consensus) clustering (Fred & Jain 2005, "Combining Multiple Clusterings Using Evidence
 * Accumulation", IEEE TPAMI): several k-means runs from different seeds (and, optionally, different numbers of
 * clusters) vote on every pair of points; the co-association matrix A_ij = share of runs that put i and j together is
 * a similarity that no single run's seeding luck decides, and average linkage (UPGMA) on 1 − A cuts it into k groups.
 * Dense n × n: meant for fit sets of a few thousand points.
 */

export interface ConsensusOptions {
  /** k-means runs that vote. */
  runs?: number;
  /** Each run uses k_r drawn uniformly from [k, round(maxFactor · k)] (1 = every run at k). */
  maxFactor?: number;
  /**
   * When > k: every run over-clusters into this many groups, merges them down to k_r by Ward's criterion and refines
   * with k-means (merge.ts, the over-cluster + merge of index.ts), so the votes come from stronger single runs.
   */
  mergeFrom?: number;
  seed?: number;
}

/** n × n co-association: share of the labelings in which i and j share a cluster (1 on the diagonal). */
export function coAssociation(labelings: readonly ArrayLike<number>[], n: number): Float32Array {
  const out = new Float32Array(n * n);
  const step = 1 / labelings.length;
  for (const labels of labelings) {
    const members = new Map<number, number[]>();
    for (let i = 0; i < n; i++) {
      const list = members.get(labels[i]!);
      if (list) list.push(i);
      else members.set(labels[i]!, [i]);
    }
    for (const list of members.values()) {
      for (let a = 0; a < list.length; a++) {
        const row = list[a]! * n;
        for (let b = 0; b < list.length; b++) out[row + list[b]!]! += step;
      }
    }
  }
  return out;
}

/**
 * Average linkage (UPGMA) on a dense n × n distance matrix, cut at k clusters; labels are 0…k−1 in order of each
 * cluster's smallest point. Nearest-neighbour chain algorithm (Murtagh 1983; Müllner 2011, "Modern hierarchical,
 * agglomerative clustering algorithms"): O(n²) time, the matrix is overwritten with Lance–Williams updates
 * d(a∪b, c) = (n_a·d(a, c) + n_b·d(b, c)) / (n_a + n_b). Average linkage is reducible, so the chain finds the same
 * dendrogram as the naive algorithm; the merges are replayed by height to cut it. Ties go to the lower index.
 */
export function averageLinkage(distance: Float32Array, n: number, k: number): Int32Array {
  const size = new Float64Array(n).fill(1);
  const active = new Uint8Array(n).fill(1);
  const merges: { a: number; b: number; h: number }[] = [];
  const chain: number[] = [];
  let remaining = n;
  while (remaining > 1) {
    if (chain.length === 0) chain.push(active.indexOf(1));
    const a = chain[chain.length - 1]!;
    const prev = chain.length > 1 ? chain[chain.length - 2]! : -1;
    // Nearest active neighbour of a; the previous chain element wins ties, which guarantees the chain terminates.
    let b = prev;
    let best = prev >= 0 ? distance[a * n + prev]! : Infinity;
    for (let c = 0; c < n; c++) {
      if (!active[c] || c === a) continue;
      const d = distance[a * n + c]!;
      if (d < best) (best = d), (b = c);
    }
    if (b !== prev) {
      chain.push(b);
      continue;
    }
    chain.length -= 2;
    const [keep, drop] = a < b ? [a, b] : [b, a];
    merges.push({ a: keep, b: drop, h: best });
    const na = size[keep]!;
    const nb = size[drop]!;
    for (let c = 0; c < n; c++) {
      if (!active[c] || c === keep || c === drop) continue;
      const d = (na * distance[keep * n + c]! + nb * distance[drop * n + c]!) / (na + nb);
      distance[keep * n + c] = d;
      distance[c * n + keep] = d;
    }
    size[keep] = na + nb;
    active[drop] = 0;
    remaining--;
  }
  // Replay the n − k lowest merges (stable by discovery order on equal heights) with union–find.
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  merges.map((m, order) => ({ ...m, order })).sort((x, y) => x.h - y.h || x.order - y.order).slice(0, n - Math.max(1, k)).forEach((m) => {
    const ra = find(m.a);
    const rb = find(m.b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  });
  const ids = new Map<number, number>();
  return Int32Array.from({ length: n }, (_, i) => {
    const root = find(i);
    if (!ids.has(root)) ids.set(root, ids.size);
    return ids.get(root)!;
  });
}

/** Consensus labels of `x` into k groups from `runs` seeded k-means runs (see the file comment). */
export function consensusKMeans(x: Rows, k: number, options: ConsensusOptions = {}): Int32Array {
  const { runs = 10, maxFactor = 1, seed = 42 } = options;
  const random = mulberry32(seed ^ 0x3c6ef372);
  const labelings: Int32Array[] = [];
  for (let r = 0; r < runs; r++) {
    const kr = Math.min(x.n, k + Math.floor(random() * (Math.round(maxFactor * k) - k + 1)));
    const runSeed = seed + 1000 * (r + 1);
    const from = Math.min(options.mergeFrom ?? 0, Math.floor(x.n / 2));
    if (from > kr) {
      const merged = wardMerge(x, sphericalKMeans(x, from, { seed: runSeed, restarts: 1 }).labels, from, kr);
      labelings.push(sphericalKMeansFrom(x, unitMeans(x, merged, kr), kr).labels);
    } else {
      labelings.push(sphericalKMeans(x, kr, { seed: runSeed, restarts: 1 }).labels);
    }
  }
  const distance = coAssociation(labelings, x.n);
  for (let i = 0; i < distance.length; i++) distance[i] = 1 - distance[i]!;
  return averageLinkage(distance, x.n, k);
}
