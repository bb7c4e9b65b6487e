import { mulberry32 } from '../../../tools/lib/random.ts';
import { sphericalKMeans, toRows } from '../cluster/spherical.ts';
import { extractFeatures } from './features.ts';
import { csrFromRows, randomizedSvd } from './linalg.ts';
import { LOCAL_EMBEDDER_VERSION, lsaPart, prepare, untrainedLocalEmbedder, unitFloat32, wordVectorPart, type LocalEmbedderState } from './local.ts';
import { firstPrincipalComponent, trainWordVectors } from './ppmi.ts';
import { combinedRows, featureGains, fitTfidfBlock, type SparseRow } from './tfidf.ts';

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
  const features = texts.map((t) => extractFeatures(t, { charMin: o.charMin, charMax: o.charMax }));
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
    lsaDims,
    words,
    chars,
  };
  let rows = combinedRows(features, words, chars, o.charWeight);
  state.lsa = fitLsa(rows.all, featureCount, lsaDims, o.seed, o.powerIterations, o.reweightRounds > 0 ? o.pseudoTopicDims : lsaDims);

  const k0 = o.pseudoTopics ?? Math.max(8, Math.min(100, Math.round(Math.sqrt(texts.length))));
  for (let round = 0; round < o.reweightRounds && texts.length > k0 * 2; round++) {
    const prepared = prepare(state);
    const vectors = features.map((f) => {
      const v = new Float64Array(lsaDims);
      lsaPart(prepared, f, v);
      return unitFloat32(v);
    });
    const { labels } = sphericalKMeans(toRows(vectors), k0, { seed: o.seed + round, restarts: 2 });
    words.gain = featureGains(rows.word, words.ids.length, labels, k0);
    chars.gain = featureGains(rows.char, chars.ids.length, labels, k0);
    rows = combinedRows(features, words, chars, o.charWeight);
    state = { ...state, lsa: fitLsa(rows.all, featureCount, lsaDims, o.seed + round + 1, o.powerIterations, round + 1 < o.reweightRounds ? o.pseudoTopicDims : lsaDims) };
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
