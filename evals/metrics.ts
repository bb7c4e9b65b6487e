import munkres from 'munkres';

/**
 * Clustering and retrieval metrics against gold labels. Labels may be any strings or numbers; a predicted cluster id
 * and a gold label are only compared through the contingency table, so their names never need to match.
 */

type Label = string | number;

/** Contingency table: counts[i][j] = items with the i-th distinct gold label and the j-th distinct predicted label. */
export function contingency(gold: readonly Label[], predicted: readonly Label[]): number[][] {
  if (gold.length !== predicted.length) throw new Error(`gold (${gold.length}) and predicted (${predicted.length}) differ in length`);
  const rows = new Map<Label, number>();
  const cols = new Map<Label, number>();
  for (const g of gold) if (!rows.has(g)) rows.set(g, rows.size);
  for (const p of predicted) if (!cols.has(p)) cols.set(p, cols.size);
  const table = Array.from({ length: rows.size }, () => new Array<number>(cols.size).fill(0));
  gold.forEach((g, i) => table[rows.get(g)!]![cols.get(predicted[i]!)!]!++);
  return table;
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

function entropy(counts: readonly number[], n: number): number {
  return -sum(counts.map((c) => (c > 0 ? (c / n) * Math.log(c / n) : 0)));
}

/**
 * Normalised mutual information with the arithmetic-mean normaliser, NMI = I(G; P) / ((H(G) + H(P)) / 2) (Vinh, Epps
 * & Bailey 2010; scikit-learn's default `average_method='arithmetic'`). 1 for identical partitions up to renaming;
 * defined as 1 when both partitions are a single cluster.
 */
export function nmi(gold: readonly Label[], predicted: readonly Label[]): number {
  const table = contingency(gold, predicted);
  const n = gold.length;
  const rowSums = table.map(sum);
  const colSums = table[0]?.map((_, j) => sum(table.map((row) => row[j]!))) ?? [];
  const hg = entropy(rowSums, n);
  const hp = entropy(colSums, n);
  if (hg === 0 && hp === 0) return 1;
  let mi = 0;
  table.forEach((row, i) =>
    row.forEach((c, j) => {
      if (c > 0) mi += (c / n) * Math.log((c * n) / (rowSums[i]! * colSums[j]!));
    }),
  );
  return mi / ((hg + hp) / 2);
}

const pairs = (x: number) => (x * (x - 1)) / 2;

/**
 * Adjusted Rand index (Hubert & Arabie 1985): the Rand index corrected for chance, 1 for identical partitions, about 0
 * for random ones, possibly negative. ARI = (Σ C(n_ij,2) − E) / (½(Σ C(a_i,2) + Σ C(b_j,2)) − E),
 * E = Σ C(a_i,2) · Σ C(b_j,2) / C(n,2).
 */
export function ari(gold: readonly Label[], predicted: readonly Label[]): number {
  const table = contingency(gold, predicted);
  const n = gold.length;
  const index = sum(table.flat().map(pairs));
  const a = sum(table.map((row) => pairs(sum(row))));
  const b = sum((table[0] ?? []).map((_, j) => pairs(sum(table.map((row) => row[j]!)))));
  const expected = (a * b) / pairs(n);
  const max = (a + b) / 2;
  if (max === expected) return 1;
  return (index - expected) / (max - expected);
}

/**
 * Cluster accuracy: the share of items whose cluster, mapped one-to-one to a gold label by the assignment that
 * maximises agreement (Hungarian algorithm, Kuhn 1955 / Munkres 1957), equals their gold label. Clusters left without
 * a label (more clusters than labels) count as wrong.
 */
export function clusterAccuracy(gold: readonly Label[], predicted: readonly Label[]): number {
  const table = contingency(gold, predicted);
  if (table.length === 0) return 0;
  const pairsMatched = munkres(table.map((row) => row.map((c) => -c)));
  return sum(pairsMatched.map(([i, j]) => table[i]![j]!)) / gold.length;
}

/**
 * Mean precision@k of nearest-neighbour search: for each vector as a query, the share of its k most cosine-similar
 * other vectors that carry the query's label (vectors are assumed unit length, so the dot product is the cosine).
 * Ties are broken by lower index, so the result is deterministic.
 */
export function precisionAtK(vectors: readonly Float32Array[], labels: readonly Label[], k: number): number {
  const n = vectors.length;
  if (n !== labels.length) throw new Error('vectors and labels differ in length');
  if (n < 2) return 0;
  const kk = Math.min(k, n - 1);
  let total = 0;
  const sims = new Float64Array(n);
  for (let q = 0; q < n; q++) {
    const a = vectors[q]!;
    for (let j = 0; j < n; j++) {
      if (j === q) {
        sims[j] = -Infinity;
        continue;
      }
      const b = vectors[j]!;
      let s = 0;
      for (let d = 0; d < a.length; d++) s += a[d]! * b[d]!;
      sims[j] = s;
    }
    total += sameLabelInTop(sims, labels, labels[q]!, kk) / kk;
  }
  return total / n;
}

/** Counts label matches among the top `k` similarities (selection by repeated max: k is small). */
function sameLabelInTop(sims: Float64Array, labels: readonly Label[], label: Label, k: number): number {
  const taken = new Uint8Array(sims.length);
  let hits = 0;
  for (let r = 0; r < k; r++) {
    let arg = -1;
    let max = -Infinity;
    for (let j = 0; j < sims.length; j++) {
      if (!taken[j] && sims[j]! > max) {
        max = sims[j]!;
        arg = j;
      }
    }
    if (arg < 0) break;
    taken[arg] = 1;
    if (labels[arg] === label) hits++;
  }
  return hits;
}
