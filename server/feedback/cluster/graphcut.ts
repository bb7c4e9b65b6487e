import type { Csr } from './spectral.ts';

/**
 * Normalised-cut refinement of a labelling on a sparse graph by weighted kernel k-means (Dhillon, Guan & Kulis 2004,
 * "Kernel k-means, Spectral Clustering and Normalized Cuts"; the refinement step of Graclus, 2007): with node weights
 * d_i (degrees) and kernel K = σD⁻¹ + D⁻¹WD⁻¹, the weighted kernel k-means objective equals the normalised
 * association Σ_c links(c, c)/deg(c) up to constants, which spectral clustering relaxes. The distance of node i to
 * cluster c reduces to graph sums:
 *   dist(i, c) = −2(σ[i ∈ c] + links(i, c)/d_i)/deg(c) + (σ·deg(c) + links(c, c))/deg(c)²
 * (K_ii dropped: the same for all c), so each round is one pass over the edges. σ ≥ 1 makes K positive semi-definite
 * (S = D^−½WD^−½ has eigenvalues ≥ −1) and each batch round then cannot raise the objective; larger σ makes nodes
 * stickier. Unlike the kNN vote (knn.ts), the cluster's total degree and internal links weigh in, so a node leaves a
 * sprawling cluster for a tight one its links favour. Candidates: i's own cluster and its neighbours' clusters.
 */

export interface GraphCutOptions {
  sigma: number;
  rounds: number;
}

export function graphCutRefine(w: Csr, labels: ArrayLike<number>, k: number, options: GraphCutOptions): Int32Array {
  const { sigma, rounds } = options;
  const n = w.n;
  let current = Int32Array.from(labels);
  const degree = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let p = w.start[i]!; p < w.start[i + 1]!; p++) degree[i]! += w.value[p]!;
  const links = new Float64Array(k);
  const touched: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const deg = new Float64Array(k);
    const inner = new Float64Array(k);
    const counts = new Int32Array(k);
    for (let i = 0; i < n; i++) {
      const c = current[i]!;
      deg[c]! += degree[i]!;
      counts[c]!++;
      for (let p = w.start[i]!; p < w.start[i + 1]!; p++) if (current[w.index[p]!] === c) inner[c]! += w.value[p]!;
    }
    const dist = (i: number, c: number) => {
      if (deg[c]! <= 0) return Infinity;
      const own = current[i] === c ? sigma : 0;
      return (-2 * (own + links[c]! / degree[i]!)) / deg[c]! + (sigma * deg[c]! + inner[c]!) / deg[c]! ** 2;
    };
    const next = current.slice();
    let moved = 0;
    for (let i = 0; i < n; i++) {
      if (degree[i]! <= 0) continue;
      touched.length = 0;
      for (let p = w.start[i]!; p < w.start[i + 1]!; p++) {
        const c = current[w.index[p]!]!;
        if (links[c] === 0) touched.push(c);
        links[c]! += w.value[p]!;
      }
      const own = current[i]!;
      let best = own;
      let bestDist = dist(i, own);
      for (const c of touched) {
        const d = dist(i, c);
        if (d < bestDist - 1e-12) (best = c), (bestDist = d);
      }
      for (const c of touched) links[c] = 0;
      // Never empty a cluster: its last member stays (decided in node order within the batch).
      if (best !== own && counts[own]! > 1) {
        next[i] = best;
        counts[own]!--;
        counts[best]!++;
        moved++;
      }
    }
    current = next;
    if (moved === 0) break;
  }
  return current;
}
