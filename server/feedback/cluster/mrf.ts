import { denseCentroids } from './multiview.ts';
import { dotRows, type Rows } from './spherical.ts';

/**
 * k-means with a Potts prior on the kNN graph (HMRF-KMeans, Basu, Bilenko & Mooney 2004, "A Probabilistic Framework
 * for Semi-Supervised Clustering", with the must-link penalties replaced by kNN edges; the assignment by iterated
 * conditional modes, Besag 1986): node i's score for cluster c is
 *   cos(x_i, μ_c) + γ · |{j ∈ N(i) : label_j = c}| / |N(i)|,
 * N(i) its neighbour list (index.ts: the vote's embedding + TF-IDF neighbours). γ = 0 is spherical k-means, γ → ∞
 * the kNN vote (knn.ts) that index.ts runs before; in between, the centroid pull and the neighbours' labels are
 * weighed together. Each round assigns all nodes from the previous round's labels, then re-computes the centroids.
 * A cluster is never emptied (its last member stays, decided in node order).
 */

export interface MrfOptions {
  gamma: number;
  rounds: number;
}

export function mrfRefine(x: Rows, neighbours: readonly Int32Array[], labels: ArrayLike<number>, k: number, options: MrfOptions): Int32Array {
  let current = Int32Array.from(labels);
  const scores = new Float64Array(k);
  for (let round = 0; round < options.rounds; round++) {
    const mu = denseCentroids(x, current, k);
    const counts = new Int32Array(k);
    for (const l of current) counts[l]!++;
    const next = current.slice();
    let moved = 0;
    for (let i = 0; i < x.n; i++) {
      for (let c = 0; c < k; c++) scores[c] = dotRows(x.data, i, mu, c, x.dims);
      const nb = neighbours[i]!;
      let valid = 0;
      for (const j of nb) if (j >= 0) valid++;
      for (const j of nb) if (j >= 0) scores[current[j]!]! += options.gamma / valid;
      const own = current[i]!;
      let best = own;
      for (let c = 0; c < k; c++) if (scores[c]! > scores[best]! + 1e-12) best = c;
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
