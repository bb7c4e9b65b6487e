import { csrFromRows, randomizedSvd } from './linalg.ts';

/**
 * Word vectors learned from the corpus itself: positive PMI of word co-occurrence within ±`window` words, with the
 * context distribution smoothed by α = 0.75, factorised by truncated SVD with eigenvalue weighting p = 0.5 (Levy &
 * Goldberg 2014, "Neural Word Embedding as Implicit Matrix Factorization"; Levy, Goldberg & Dagan 2015, "Improving
 * Distributional Similarity with Lessons Learned from Word Embeddings"). Words are hashed word ids (features.ts), so
 * English words and single Chinese characters are both covered.
 */
export interface WordVectors {
  /** Hashed word ids of the vocabulary. */
  ids: Uint32Array;
  /** Unigram probability of each word in the corpus (for SIF weights). */
  prob: Float32Array;
  /** ids.length × dims, rows L2-normalised. */
  vectors: Float32Array;
  dims: number;
}

export interface PpmiOptions {
  dims: number;
  window?: number;
  minCount?: number;
  seed?: number;
  /** Shifted PPMI: max(PMI − log shift, 0) (Levy & Goldberg 2014 §5: the shift word2vec's k negative samples imply). */
  shift?: number;
  /** Eigenvalue weighting p of the SVD word vectors (U Σ^p; Levy, Goldberg & Dagan 2015 recommend p ≤ 0.5). */
  eigenPower?: number;
  /** Weight of a co-occurrence at distance δ: 1 (flat) or 1/δ (harmonic, as GloVe; Pennington et al. 2014). */
  harmonic?: boolean;
}

export function trainWordVectors(documents: readonly (readonly number[])[], options: PpmiOptions): WordVectors {
  const { dims, window = 5, minCount = 2, seed = 11, shift = 1, eigenPower = 0.5, harmonic = false } = options;
  const logShift = Math.log(shift);
  const counts = new Map<number, number>();
  let total = 0;
  for (const doc of documents) for (const id of doc) (counts.set(id, (counts.get(id) ?? 0) + 1), total++);
  const vocab = [...counts].filter(([, c]) => c >= minCount).sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const index = new Map(vocab.map(([id], i) => [id, i]));
  const v = vocab.length;
  const empty: WordVectors = { ids: new Uint32Array(0), prob: new Float32Array(0), vectors: new Float32Array(0), dims };
  if (v < 2) return empty;

  const cooc = Array.from({ length: v }, () => new Map<number, number>());
  for (const doc of documents) {
    const rows = doc.map((id) => index.get(id));
    rows.forEach((a, i) => {
      if (a === undefined) return;
      for (let j = Math.max(0, i - window); j < Math.min(rows.length, i + window + 1); j++) {
        const b = rows[j];
        if (j !== i && b !== undefined) cooc[a]!.set(b, (cooc[a]!.get(b) ?? 0) + (harmonic ? 1 / Math.abs(j - i) : 1));
      }
    });
  }
  const rowSum = cooc.map((m) => [...m.values()].reduce((s, x) => s + x, 0));
  const all = rowSum.reduce((s, x) => s + x, 0);
  if (all === 0) return empty;
  const smoothed = rowSum.map((s) => s ** 0.75);
  const smoothedSum = smoothed.reduce((s, x) => s + x, 0);
  const ppmiRows = cooc.map((m, a) => {
    const cols: number[] = [];
    const values: number[] = [];
    for (const [b, c] of m) {
      const pmi = Math.log((c / all) / ((rowSum[a]! / all) * (smoothed[b]! / smoothedSum))) - logShift;
      if (pmi > 0) (cols.push(b), values.push(pmi));
    }
    return { cols, values };
  });
  const svd = randomizedSvd(csrFromRows(ppmiRows, v), Math.min(dims, v - 1), { powerIterations: 3, seed });
  const vectors = new Float32Array(v * dims);
  for (let w = 0; w < v; w++) {
    let norm = 0;
    for (let c = 0; c < svd.v.cols; c++) norm += (svd.v.data[w * svd.v.cols + c]! * svd.values[c]! ** eigenPower) ** 2;
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let c = 0; c < svd.v.cols; c++) vectors[w * dims + c] = svd.v.data[w * svd.v.cols + c]! * svd.values[c]! ** eigenPower * inv;
  }
  return {
    ids: Uint32Array.from(vocab.map(([id]) => id)),
    prob: Float32Array.from(vocab.map(([, c]) => c / total)),
    vectors,
    dims,
  };
}

/** SIF weight a / (a + p(w)) (Arora, Liang & Ma 2017, "A Simple but Tough-to-Beat Baseline for Sentence Embeddings"). */
export const SIF_A = 1e-3;

/** SIF-weighted mean of the known words' vectors (zeros when none is known), before common-component removal. */
export function sifAverage(wordIds: readonly number[], words: WordVectors, index: Map<number, number>, out: Float64Array): void {
  out.fill(0);
  let known = 0;
  for (const id of wordIds) {
    const row = index.get(id);
    if (row === undefined) continue;
    const weight = SIF_A / (SIF_A + words.prob[row]!);
    const base = row * words.dims;
    for (let c = 0; c < words.dims; c++) out[c]! += weight * words.vectors[base + c]!;
    known++;
  }
  if (known > 1) for (let c = 0; c < words.dims; c++) out[c]! /= known;
}

/** First principal direction (uncentred, as in Arora et al.) of a set of vectors, by power iteration. */
export function firstPrincipalComponent(vectors: readonly Float64Array[], dims: number, iterations = 50): Float32Array {
  let pc = new Float64Array(dims).fill(1 / Math.sqrt(dims));
  for (let it = 0; it < iterations; it++) {
    const next = new Float64Array(dims);
    for (const v of vectors) {
      let dot = 0;
      for (let c = 0; c < dims; c++) dot += v[c]! * pc[c]!;
      for (let c = 0; c < dims; c++) next[c]! += dot * v[c]!;
    }
    const norm = Math.sqrt(next.reduce((s, x) => s + x * x, 0));
    if (norm === 0) break;
    pc = next.map((x) => x / norm);
  }
  return Float32Array.from(pc);
}
