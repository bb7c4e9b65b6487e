import { mulberry32 } from '../../../tools/lib/random.ts';
import { nearestNeighbours } from '../cluster/knn.ts';
import { sphericalKMeans, toRows } from '../cluster/spherical.ts';
import { extractFeatures, type TextFeatures } from './features.ts';
import { csrFromRows, randomizedSvd } from './linalg.ts';
import { LOCAL_EMBEDDER_VERSION, lsaPart, prepare, untrainedLocalEmbedder, unitFloat32, wordVectorPart, type LocalEmbedderState } from './local.ts';
import { firstPrincipalComponent, SIF_A, trainWordVectors } from './ppmi.ts';
import { featureGains, fitTfidfBlock, indexOf, tfidfRow, type SparseRow, type TfidfBlock } from './tfidf.ts';

/**
 * Fits the local embedder to a corpus, unsupervised (text only, never labels):
 *  1. TF-IDF blocks over words (+ bigrams) and character n-grams; LSA of their weighted concatenation by randomized
 *     truncated SVD.
 *  2. One round of iterative feature weighting: spherical k-means of the corpus in a 64-d LSA space into K₀ = √n
 *     pseudo-topics, each feature's gain = how much it tells about the pseudo-topic (tfidf.ts featureGains), LSA refit.
 *     (Pseudo-topics from the smoothed clustering, a second round, 384 dimensions, Porter stemming of the word block
 *     and a larger word-vector share all scored the same or lower on BANKING77: see evals/README.md.)
 *  3. PPMI-SVD word vectors from the same corpus and the common component of its SIF sentence averages.
 * Corpora above `maxTrainTexts` (8,000) are fitted on a fixed, seeded sample of that size (the fitted state embeds any
 * text), which bounds the fit's cost for large imports (20k texts: 91 → 42 s CPU on the loaded dev machine).
 */

export interface TrainOptions {
  /** Output dimension (LSA dims + word-vector dims). */
  dimension?: number;
  wordVectorDims?: number;
  wordVectorShare?: number;
  charWeight?: number;
  charMin?: number;
  charMax?: number;
  /** Rounds of pseudo-topic feature weighting (0 = plain TF-IDF LSA). */
  reweightRounds?: number;
  /** Pseudo-topics for the feature weighting; default √n clamped to [8, 100]. */
  pseudoTopics?: number;
  maxTrainTexts?: number;
  /** LSA dimensions of the space the pseudo-topics are found in (only feeds the feature weighting). */
  pseudoTopicDims?: number;
  /** Power iterations of the randomized SVDs (Halko et al. 2011 §4.5). */
  powerIterations?: number;
  maxWordFeatures?: number;
  maxCharFeatures?: number;
  seed?: number;
  /** PPMI word-vector options (ppmi.ts): co-occurrence window, shift, eigenvalue weighting, harmonic weighting. */
  ppmiWindow?: number;
  ppmiShift?: number;
  ppmiEigenPower?: number;
  ppmiHarmonic?: boolean;
  /** Exponent of each word's gain in its SIF weight for the word-vector part (local.ts; 0 = plain SIF). */
  wordVectorGain?: number;
  /** Gains are raised to this power after featureGains (> 1 sharpens the contrast between topical and common features). */
  gainPower?: number;
  /** Pseudo-topic clusterings at K₀ × each scale; the gains are averaged over them (a steadier estimate than one run). */
  pseudoTopicScales?: number[];
  /** The final LSA is fitted on rows expanded by the mean of each text's m nearest texts (0 = off; Rocchio-style). */
  lsaSmooth?: number;
  /** As lsaSmooth, but with neighbours in the final LSA space and one more LSA fit on the expanded rows. */
  lsaSmoothFinal?: number;
  /** With lsaSmooth: fit the pseudo-topic LSA on expanded rows too (neighbours from a plain first LSA). */
  lsaSmoothPseudo?: boolean;
  /** Skip-bigram gaps in the word block (features.ts; 0 = adjacent bigrams only). */
  wordSkip?: number;
  /** SIF's a (ppmi.ts SIF_A by default). */
  sifA?: number;
}

const DEFAULTS: Required<Omit<TrainOptions, 'pseudoTopics'>> = {
  dimension: 256,
  wordVectorDims: 64,
  wordVectorShare: 1 / 3,
  charWeight: 0.5,
  charMin: 3,
  charMax: 5,
  reweightRounds: 1,
  maxTrainTexts: 8_000,
  pseudoTopicDims: 64,
  powerIterations: 2,
  maxWordFeatures: 20_000,
  maxCharFeatures: 40_000,
  seed: 42,
  ppmiWindow: 5,
  ppmiShift: 1,
  ppmiEigenPower: 0.5,
  ppmiHarmonic: false,
  wordVectorGain: 0,
  gainPower: 1,
  pseudoTopicScales: [1],
  lsaSmooth: 0,
  lsaSmoothFinal: 0,
  lsaSmoothPseudo: false,
  wordSkip: 0,
  sifA: SIF_A,
};

/** Below this many texts there is nothing to learn from: the untrained fallback is returned. */
export const MIN_TRAIN_TEXTS = 2;

function sample<T>(items: readonly T[], size: number, seed: number): T[] {
  if (items.length <= size) return items.slice();
  const random = mulberry32(seed);
  const index = Array.from(items, (_, i) => i);
  for (let i = 0; i < size; i++) {
    const j = i + Math.floor(random() * (index.length - i));
    [index[i], index[j]] = [index[j]!, index[i]!];
  }
  return index.slice(0, size).sort((a, b) => a - b).map((i) => items[i]!);
}

function combinedRows(features: readonly TextFeatures[], words: TfidfBlock, chars: TfidfBlock, charWeight: number): { word: SparseRow[]; char: SparseRow[]; all: SparseRow[] } {
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

/** The unit LSA parts of the training texts under the current state. */
function lsaVectors(state: LocalEmbedderState, features: readonly TextFeatures[]) {
  const prepared = prepare(state);
  return toRows(features.map((f) => {
    const v = new Float64Array(state.lsaDims);
    lsaPart(prepared, f, v);
    return unitFloat32(v);
  }));
}

/** Each row plus the mean of its neighbours' rows (document expansion from the texts nearest to it). */
function expandRows(rows: readonly SparseRow[], neighbours: readonly Int32Array[]): SparseRow[] {
  return rows.map((row, i) => {
    const acc = new Map<number, number>();
    row.cols.forEach((c, p) => acc.set(c, row.values[p]!));
    const nb = neighbours[i]!.filter((j) => j >= 0);
    for (const j of nb) rows[j]!.cols.forEach((c, p) => acc.set(c, (acc.get(c) ?? 0) + rows[j]!.values[p]! / nb.length));
    return { cols: [...acc.keys()], values: [...acc.values()] };
  });
}

/** Feature × lsaDims projection (right singular vectors), zero-padded when the corpus supports fewer dimensions. */
function fitLsa(rows: readonly SparseRow[], features: number, lsaDims: number, seed: number, powerIterations: number, rank = lsaDims): Float32Array {
  const out = new Float32Array(features * lsaDims);
  if (features === 0) return out;
  const svd = randomizedSvd(csrFromRows(rows, features), Math.min(rank, lsaDims, rows.length, features), { powerIterations, seed });
  for (let f = 0; f < features; f++) for (let c = 0; c < svd.v.cols; c++) out[f * lsaDims + c] = svd.v.data[f * svd.v.cols + c]!;
  return out;
}

export function trainLocalEmbedder(corpus: readonly string[], options: TrainOptions = {}): LocalEmbedderState {
  const o = { ...DEFAULTS, ...options };
  const texts = sample(corpus.filter((t) => t.trim().length > 0), o.maxTrainTexts, o.seed);
  if (texts.length < MIN_TRAIN_TEXTS) return untrainedLocalEmbedder({ dimension: o.dimension, charWeight: o.charWeight, charMin: o.charMin, charMax: o.charMax });
  const features = texts.map((t) => extractFeatures(t, { charMin: o.charMin, charMax: o.charMax, wordSkip: o.wordSkip }));
  // A feature seen in one text only says nothing about similarity between texts; tiny corpora keep everything.
  const minDf = texts.length >= 50 ? 2 : 1;
  const wordVectorDims = Math.min(o.wordVectorDims, o.dimension - 1);
  const lsaDims = o.dimension - wordVectorDims;
  const words = fitTfidfBlock(features.map((f) => f.words), minDf, o.maxWordFeatures);
  const chars = fitTfidfBlock(features.map((f) => f.chars), minDf, o.maxCharFeatures);
  const featureCount = words.ids.length + chars.ids.length;

  let state: LocalEmbedderState = {
    ...untrainedLocalEmbedder({ dimension: o.dimension, charWeight: o.charWeight, charMin: o.charMin, charMax: o.charMax }),
    version: LOCAL_EMBEDDER_VERSION,
    docCount: texts.length,
    wordVectorShare: o.wordVectorShare,
    ...(o.wordVectorGain !== 0 ? { wordVectorGain: o.wordVectorGain } : {}),
    ...(o.wordSkip !== 0 ? { wordSkip: o.wordSkip } : {}),
    ...(o.sifA !== SIF_A ? { sifA: o.sifA } : {}),
    lsaDims,
    words,
    chars,
  };
  let rows = combinedRows(features, words, chars, o.charWeight);
  state.lsa = fitLsa(rows.all, featureCount, lsaDims, o.seed, o.powerIterations, o.reweightRounds > 0 ? o.pseudoTopicDims : lsaDims);

  const k0 = o.pseudoTopics ?? Math.max(8, Math.min(100, Math.round(Math.sqrt(texts.length))));
  for (let round = 0; round < o.reweightRounds && texts.length > k0 * 2; round++) {
    let vectors = lsaVectors(state, features);
    if (o.lsaSmoothPseudo && o.lsaSmooth > 0) {
      // The pseudo-topic space, too, from rows expanded by their neighbours in the first LSA.
      state = { ...state, lsa: fitLsa(expandRows(rows.all, nearestNeighbours(vectors, o.lsaSmooth)), featureCount, lsaDims, o.seed + 53, o.powerIterations, o.pseudoTopicDims) };
      vectors = lsaVectors(state, features);
    }
    const wordGain = new Float32Array(words.ids.length);
    const charGain = new Float32Array(chars.ids.length);
    o.pseudoTopicScales.forEach((scale, s) => {
      const k = Math.max(2, Math.round(k0 * scale));
      const { labels } = sphericalKMeans(vectors, k, { seed: o.seed + round + 101 * s, restarts: 2 });
      const add = (sum: Float32Array) => (g: number, f: number) => (sum[f]! += g ** o.gainPower / o.pseudoTopicScales.length);
      featureGains(rows.word, words.ids.length, labels, k).forEach(add(wordGain));
      featureGains(rows.char, chars.ids.length, labels, k).forEach(add(charGain));
    });
    words.gain = wordGain;
    chars.gain = charGain;
    rows = combinedRows(features, words, chars, o.charWeight);
    const last = round + 1 === o.reweightRounds;
    const lsaRows = last && o.lsaSmooth > 0 ? expandRows(rows.all, nearestNeighbours(vectors, o.lsaSmooth)) : rows.all;
    state = { ...state, lsa: fitLsa(lsaRows, featureCount, lsaDims, o.seed + round + 1, o.powerIterations, last ? lsaDims : o.pseudoTopicDims) };
  }
  if (o.lsaSmoothFinal > 0 && texts.length > o.lsaSmoothFinal * 2) {
    const lsaRows = expandRows(rows.all, nearestNeighbours(lsaVectors(state, features), o.lsaSmoothFinal));
    state = { ...state, lsa: fitLsa(lsaRows, featureCount, lsaDims, o.seed + 97, o.powerIterations) };
  }

  state.wordVectors = trainWordVectors(features.map((f) => f.wordIds), { dims: wordVectorDims, seed: o.seed, window: o.ppmiWindow, shift: o.ppmiShift, eigenPower: o.ppmiEigenPower, harmonic: o.ppmiHarmonic });
  const prepared = prepare(state);
  const averages = features.map((f) => {
    const v = new Float64Array(wordVectorDims);
    wordVectorPart(prepared, f, v);
    return v;
  });
  state.commonComponent = firstPrincipalComponent(averages, wordVectorDims);
  return state;
}
