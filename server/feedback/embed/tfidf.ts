import type { SparseBag, TextFeatures } from './features.ts';

/**
 * A fitted TF-IDF block over hashed features: the kept feature ids (document frequency ≥ minDf, capped at the
 * `maxFeatures` most frequent), their IDF and a per-feature gain (1 until `featureGains` learns one). A text's row is
 * sublinear TF × IDF × gain, L2-normalised (Salton & Buckley 1988; smooth IDF as scikit-learn's TfidfVectorizer).
 */
export interface TfidfBlock {
  ids: Uint32Array;
  idf: Float32Array;
  gain: Float32Array;
}

export interface SparseRow {
  cols: number[];
  values: number[];
}

export function fitTfidfBlock(bags: readonly SparseBag[], minDf: number, maxFeatures: number): TfidfBlock {
  const df = new Map<number, number>();
  for (const bag of bags) for (const id of bag.ids) df.set(id, (df.get(id) ?? 0) + 1);
  // Most frequent first, ties by id: the kept set is deterministic.
  const kept = [...df].filter(([, d]) => d >= minDf).sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, maxFeatures);
  const n = bags.length;
  return {
    ids: Uint32Array.from(kept.map(([id]) => id)),
    idf: Float32Array.from(kept.map(([, d]) => Math.log((1 + n) / (1 + d)) + 1)),
    gain: new Float32Array(kept.length).fill(1),
  };
}

export function indexOf(block: TfidfBlock): Map<number, number> {
  return new Map(Array.from(block.ids, (id, i) => [id, i]));
}

/** The L2-normalised TF-IDF row of one bag (columns are block positions); empty when no feature is known. */
export function tfidfRow(bag: SparseBag, block: TfidfBlock, index: Map<number, number>): SparseRow {
  const cols: number[] = [];
  const values: number[] = [];
  let norm = 0;
  for (let i = 0; i < bag.ids.length; i++) {
    const col = index.get(bag.ids[i]!);
    if (col === undefined) continue;
    const v = (1 + Math.log(bag.counts[i]!)) * block.idf[col]! * block.gain[col]!;
    cols.push(col);
    values.push(v);
    norm += v * v;
  }
  if (norm > 0) {
    const inv = 1 / Math.sqrt(norm);
    for (let i = 0; i < values.length; i++) values[i]! *= inv;
  }
  return { cols, values };
}

/**
 * Learns how topical each feature is from a first, unsupervised clustering of the corpus (the pseudo-labels of
 * iterative feature selection, Liu et al. 2003, "An Evaluation on Feature Selection for Text Clustering", ICML): the
 * gain is the information a feature carries about the cluster, KL(p(c | f) ‖ p(c)) / log K, with p(c | f) smoothed
 * toward p(c) by `alpha` pseudo-documents so a feature seen twice cannot look perfectly topical; `floor` keeps every
 * feature in play. Features spread evenly over all clusters ("my", "the", "<ca") fade; intent words stand out.
 */
export function featureGains(rows: readonly SparseRow[], features: number, labels: ArrayLike<number>, k: number, alpha = 2, floor = 0.05): Float32Array {
  const prior = new Float64Array(k);
  for (let i = 0; i < rows.length; i++) prior[labels[i]!]! += 1 / rows.length;
  const perCluster = Array.from({ length: features }, () => new Map<number, number>());
  const docs = new Float64Array(features);
  rows.forEach((row, i) => {
    for (const col of row.cols) {
      perCluster[col]!.set(labels[i]!, (perCluster[col]!.get(labels[i]!) ?? 0) + 1);
      docs[col]!++;
    }
  });
  const gains = new Float32Array(features);
  for (let f = 0; f < features; f++) {
    const denom = docs[f]! + alpha;
    let kl = 0;
    let seenPrior = 0;
    for (const [c, count] of perCluster[f]!) {
      const p = (count + alpha * prior[c]!) / denom;
      kl += p * Math.log(p / prior[c]!);
      seenPrior += prior[c]!;
    }
    // Clusters without the feature: p(c | f) = alpha·p(c)/denom, so each adds p · log(alpha/denom).
    kl += ((1 - seenPrior) * alpha * Math.log(alpha / denom)) / denom;
    gains[f] = floor + (1 - floor) * Math.min(1, Math.max(0, kl) / Math.log(Math.max(2, k)));
  }
  return gains;
}

/** Each text's word and character rows, and their concatenation weighted √(1 − charWeight) and √charWeight (words first). */
export function combinedRows(features: readonly TextFeatures[], words: TfidfBlock, chars: TfidfBlock, charWeight: number): { word: SparseRow[]; char: SparseRow[]; all: SparseRow[] } {
  const wi = indexOf(words);
  const ci = indexOf(chars);
  const word = features.map((f) => tfidfRow(f.words, words, wi));
  const char = features.map((f) => tfidfRow(f.chars, chars, ci));
  const a = Math.sqrt(1 - charWeight);
  const b = Math.sqrt(charWeight);
  const all = word.map((w, i) => ({
    cols: [...w.cols, ...char[i]!.cols.map((c) => c + words.ids.length)],
    values: [...w.values.map((v) => v * a), ...char[i]!.values.map((v) => v * b)],
  }));
  return { word, char, all };
}
