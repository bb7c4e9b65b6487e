import { dotRows, type Rows } from './spherical.ts';

/**
 * Exact m-nearest neighbours by cosine (rows are unit vectors) and neighbourhood smoothing. Smoothing replaces each
 * vector by the normalised sum of itself and the mean of its m nearest neighbours: one step of diffusion on the kNN
 * graph, which pulls texts toward the dense core of their topic before k-means (the same intuition as clustering on
 * a kNN graph, e.g. spectral clustering, von Luxburg 2007, at k-means cost). O(n² · dims): used on ≤ ~10k points.
 */

/**
 * Keeps `index` the most similar candidates seen so far, `sims` their similarities in descending order (both of the
 * list's fixed length): j with similarity s goes in by insertion if it beats the last one.
 */
export function offerNeighbour(sims: Float32Array | Float64Array, index: Int32Array, j: number, s: number): void {
  const k = sims.length;
  if (k === 0 || s <= sims[k - 1]!) return;
  let p = k - 1;
  while (p > 0 && sims[p - 1]! < s) {
    sims[p] = sims[p - 1]!;
    index[p] = index[p - 1]!;
    p--;
  }
  sims[p] = s;
  index[p] = j;
}

/** For each row, the indices of its m most similar other rows (most similar first). */
export function nearestNeighbours(x: Rows, m: number): Int32Array[] {
  const k = Math.min(m, x.n - 1);
  const index = Array.from({ length: x.n }, () => new Int32Array(Math.max(k, 0)).fill(-1));
  const sims = Array.from({ length: x.n }, () => new Float32Array(Math.max(k, 0)).fill(-Infinity));
  const offer = (i: number, j: number, s: number) => offerNeighbour(sims[i]!, index[i]!, j, s);
  if (k <= 0) return index;
  for (let i = 0; i < x.n; i++) {
    for (let j = i + 1; j < x.n; j++) {
      const s = dotRows(x.data, i, x.data, j, x.dims);
      offer(i, j, s);
      offer(j, i, s);
    }
  }
  return index;
}

export function smoothRows(x: Rows, neighbours: readonly Int32Array[]): Rows {
  const data = new Float32Array(x.data.length);
  const acc = new Float64Array(x.dims);
  for (let i = 0; i < x.n; i++) {
    const nb = neighbours[i]!;
    acc.fill(0);
    let count = 0;
    for (const j of nb) {
      if (j < 0) continue;
      for (let d = 0; d < x.dims; d++) acc[d]! += x.data[j * x.dims + d]!;
      count++;
    }
    let norm = 0;
    for (let d = 0; d < x.dims; d++) {
      acc[d] = x.data[i * x.dims + d]! + (count ? acc[d]! / count : 0);
      norm += acc[d]! * acc[d]!;
    }
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let d = 0; d < x.dims; d++) data[i * x.dims + d] = acc[d]! * inv;
  }
  return { n: x.n, dims: x.dims, data };
}

/**
 * Majority vote of each point's label with its m nearest neighbours' labels (its own counts once; ties keep its own),
 * `rounds` times, all points at once: a mode filter on the kNN graph, label propagation (Zhu & Ghahramani 2002) with
 * hard labels. It moves the points k-means left on the wrong side of a boundary to the cluster of their closest texts
 * (index.ts votes on the graph of the unsmoothed vectors, whose neighbours are the texts' own). A point whose cluster
 * would be left empty keeps its label, so no cluster vanishes.
 */
export function voteLabels(labels: ArrayLike<number>, neighbours: readonly Int32Array[], m: number, rounds: number): Int32Array {
  let current = Int32Array.from(labels);
  const votes = new Map<number, number>();
  for (let round = 0; round < rounds; round++) {
    const next = current.slice();
    for (let i = 0; i < current.length; i++) {
      votes.clear();
      votes.set(current[i]!, 1);
      const nb = neighbours[i]!;
      for (let p = 0; p < Math.min(m, nb.length); p++) {
        if (nb[p]! < 0) continue;
        const l = current[nb[p]!]!;
        votes.set(l, (votes.get(l) ?? 0) + 1);
      }
      let best = current[i]!;
      let most = votes.get(best)!;
      for (const [l, v] of votes) if (v > most) (most = v), (best = l);
      next[i] = best;
    }
    // Give any cluster the vote would empty back its first member (which may empty another one: repeat).
    const left = new Map<number, number>();
    for (const l of next) left.set(l, (left.get(l) ?? 0) + 1);
    const first = new Map<number, number>();
    current.forEach((l, i) => first.has(l) || first.set(l, i));
    const missing = [...first.keys()].filter((l) => !left.has(l));
    while (missing.length) {
      const l = missing.pop()!;
      const i = first.get(l)!;
      const took = next[i]!;
      next[i] = l;
      left.set(l, 1);
      left.set(took, left.get(took)! - 1);
      if (left.get(took) === 0) (left.delete(took), missing.push(took));
    }
    if (next.every((l, i) => l === current[i])) break;
    current = next;
  }
  return current;
}
