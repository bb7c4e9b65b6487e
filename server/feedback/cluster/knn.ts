import { dotRows, type Rows } from './spherical.ts';

/**
 * Exact m-nearest neighbours by cosine (rows are unit vectors) and neighbourhood smoothing. Smoothing replaces each
 * vector by the normalised sum of itself and the mean of its m nearest neighbours: one step of diffusion on the kNN
 * graph, which pulls texts toward the dense core of their topic before k-means (the same intuition as clustering on
 * a kNN graph, e.g. spectral clustering, von Luxburg 2007, at k-means cost). O(n² · dims): used on ≤ ~10k points.
 */

/** For each row, the indices of its m most similar other rows (most similar first). */
export function nearestNeighbours(x: Rows, m: number): Int32Array[] {
  const k = Math.min(m, x.n - 1);
  const index = Array.from({ length: x.n }, () => new Int32Array(k).fill(-1));
  const sims = Array.from({ length: x.n }, () => new Float32Array(k).fill(-Infinity));
  const offer = (i: number, j: number, s: number) => {
    const si = sims[i]!;
    if (s <= si[k - 1]!) return;
    const ii = index[i]!;
    let p = k - 1;
    while (p > 0 && si[p - 1]! < s) {
      si[p] = si[p - 1]!;
      ii[p] = ii[p - 1]!;
      p--;
    }
    si[p] = s;
    ii[p] = j;
  };
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
