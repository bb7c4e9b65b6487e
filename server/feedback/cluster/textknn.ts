import { extractFeatures } from '../embed/features.ts';
import { combinedRows, fitTfidfBlock } from '../embed/tfidf.ts';
import { offerNeighbour } from './knn.ts';

/**
 * Nearest neighbours of texts by the cosine of their sparse TF-IDF over words (+ word/CJK bigrams) and character
 * 3–5-grams (the local embedder's hashed features, fitted here on the texts being clustered, so it works whatever
 * embedder made the vectors). A dense embedding keeps a few hundred directions of this space and blurs rare, decisive
 * words ("cancel" vs "refund"); the sparse view keeps them. index.ts lets both views vote on each text's label
 * (knn.ts voteLabels): a second, independent view of who the neighbours are (multi-view clustering, Bickel &
 * Scheffer 2004). Computed exactly with an inverted index (only pairs sharing a feature are scored).
 */

export interface TextKnnOptions {
  /** Share of the word block in the features (the character block gets the rest). */
  wordWeight?: number;
  /**
   * Features found in more than this share of the texts are skipped when scoring pairs (1 = exact, the default: on
   * BANKING77 train samples skipping those above 2% / 5% lost most of the vote's gain, and exact costs 1.3 s CPU
   * for 3,080 texts).
   */
  maxDfShare?: number;
}

/** L2-normalised word and character TF-IDF rows, the blocks weighted √w and √(1 − w); columns: words first. */
export function textRows(texts: readonly string[], wordWeight = 0.5): { cols: number; rows: { cols: number[]; values: number[] }[] } {
  const features = texts.map((t) => extractFeatures(t));
  const minDf = texts.length >= 50 ? 2 : 1;
  const words = fitTfidfBlock(features.map((f) => f.words), minDf, 50_000);
  const chars = fitTfidfBlock(features.map((f) => f.chars), minDf, 100_000);
  return { cols: words.ids.length + chars.ids.length, rows: combinedRows(features, words, chars, 1 - wordWeight).all };
}

/** For each text, the indices of its m most similar other texts (most similar first; −1 where there are fewer). */
export function textNeighbours(texts: readonly string[], m: number, options: TextKnnOptions = {}): Int32Array[] {
  const { wordWeight = 0.5, maxDfShare = 1 } = options;
  const n = texts.length;
  const { cols, rows } = textRows(texts, wordWeight);
  // Inverted index over the features kept for scoring.
  const df = new Int32Array(cols);
  for (const r of rows) for (const col of r.cols) df[col]!++;
  const maxDf = Math.max(2, Math.floor(maxDfShare * n));
  const start = new Int32Array(cols + 1);
  for (let col = 0; col < cols; col++) start[col + 1] = start[col]! + (df[col]! <= maxDf ? df[col]! : 0);
  const postDoc = new Int32Array(start[cols]!);
  const postVal = new Float32Array(start[cols]!);
  const fill = start.slice(0, cols);
  rows.forEach((r, i) => r.cols.forEach((col, p) => {
    if (df[col]! > maxDf) return;
    postDoc[fill[col]!] = i;
    postVal[fill[col]!++] = r.values[p]!;
  }));

  const k = Math.min(m, n - 1);
  const sims = new Float64Array(n);
  const touched: number[] = [];
  return rows.map((r, i) => {
    const best = new Int32Array(Math.max(k, 0)).fill(-1);
    const bestSim = new Float64Array(Math.max(k, 0)).fill(-Infinity);
    touched.length = 0;
    r.cols.forEach((col, p) => {
      if (df[col]! > maxDf) return;
      const v = r.values[p]!;
      for (let q = start[col]!; q < start[col + 1]!; q++) {
        const j = postDoc[q]!;
        if (sims[j] === 0) touched.push(j);
        sims[j]! += v * postVal[q]!;
      }
    });
    for (const j of touched) {
      const s = sims[j]!;
      sims[j] = 0;
      if (j !== i) offerNeighbour(bestSim, best, j, s);
    }
    return best;
  });
}
