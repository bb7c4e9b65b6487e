import { mulberry32 } from '../../../tools/lib/random.ts';
import { extractFeatures } from '../embed/features.ts';
import { fitTfidfBlock, indexOf, tfidfRow } from '../embed/tfidf.ts';
import { dotRows, type Rows } from './spherical.ts';

/**
 * Self-training of a clustering on the texts' full sparse features (Hadifar et al. 2019, "A Self-Training Approach
 * for Short Text Clustering", RepL4NLP; Xu et al. 2017, STC²): the dense embedding k-means works on keeps only a
 * few hundred directions of the word and character n-gram space, so two intents sharing one rare, decisive word
 * ("cancel" vs "refund") can sit close in it. A multinomial logistic regression (softmax, L2, SGD) on the sparse
 * TF-IDF features is trained on each cluster's most confident members (those closest to their centroid) and then
 * labels the others; `rounds` repeats this with the new clusters. Confident members keep their label, so no cluster
 * can vanish. Works for any embedder and language (the features are the local embedder's hashed words, word/CJK
 * bigrams and character n-grams, fitted here on the texts being clustered).
 */

export interface SelfTrainOptions {
  /** Rounds of train-on-confident / relabel-the-rest. */
  rounds?: number;
  /** Share of each cluster (closest to its centroid) used as training labels. */
  keep?: number;
  /** SGD passes over the training labels per round. */
  epochs?: number;
  /** L2 penalty λ of the softmax (per example). */
  l2?: number;
  /** Initial SGD step η₀ (step t: η₀ / (1 + η₀·λ·t), Bottou 2012). */
  learningRate?: number;
  /** Share of the character n-gram block in the features (the word block gets the rest). */
  charWeight?: number;
  /** Weight of the dense embedding appended to the sparse features (0 = sparse only). */
  denseWeight?: number;
  /** Also relabel the confident members by the classifier (they may then leave their cluster). */
  relabelConfident?: boolean;
  /**
   * β of the relabelling rule argmax_c log p(c | text) + β · cos(vector, centroid_c): 0 = the classifier alone; larger
   * values keep more of the embedding's own nearest-centroid choice.
   */
  embeddingWeight?: number;
  seed?: number;
}

const DEFAULTS: Required<SelfTrainOptions> = {
  rounds: 2, keep: 0.5, epochs: 5, l2: 1e-4, learningRate: 0.5, charWeight: 0.5, denseWeight: 0, relabelConfident: false, embeddingWeight: 0, seed: 42,
};

/** Sparse rows in CSR form (columns and values of row i at ptr[i] … ptr[i+1]). */
export interface SparseMatrix {
  n: number;
  cols: number;
  ptr: Int32Array;
  index: Int32Array;
  values: Float32Array;
}

/**
 * Word (+ bigram) and character n-gram TF-IDF of the texts, each block L2-normalised and weighted √(1−w), √w, with
 * the dense rows (scaled by `denseWeight`) appended as extra columns. Features seen in one text only are dropped.
 */
export function textFeatures(texts: readonly string[], charWeight: number, dense?: Rows, denseWeight = 0): SparseMatrix {
  const features = texts.map((t) => extractFeatures(t));
  const minDf = texts.length >= 50 ? 2 : 1;
  const words = fitTfidfBlock(features.map((f) => f.words), minDf, 50_000);
  const chars = fitTfidfBlock(features.map((f) => f.chars), minDf, 100_000);
  const wi = indexOf(words);
  const ci = indexOf(chars);
  const denseCols = dense && denseWeight > 0 ? dense.dims : 0;
  const ptr = new Int32Array(texts.length + 1);
  const index: number[] = [];
  const values: number[] = [];
  const a = Math.sqrt(1 - charWeight);
  const b = Math.sqrt(charWeight);
  features.forEach((f, i) => {
    const w = tfidfRow(f.words, words, wi);
    const c = tfidfRow(f.chars, chars, ci);
    w.cols.forEach((col, j) => (index.push(col), values.push(w.values[j]! * a)));
    c.cols.forEach((col, j) => (index.push(words.ids.length + col), values.push(c.values[j]! * b)));
    const offset = words.ids.length + chars.ids.length;
    for (let d = 0; d < denseCols; d++) (index.push(offset + d), values.push(dense!.data[i * dense!.dims + d]! * denseWeight));
    ptr[i + 1] = index.length;
  });
  return { n: texts.length, cols: words.ids.length + chars.ids.length + denseCols, ptr, index: Int32Array.from(index), values: Float32Array.from(values) };
}

/** Softmax regression weights: `w` is cols × k (a feature's k weights contiguous) times `scale`, plus a bias per class. */
export interface Softmax {
  k: number;
  w: Float32Array;
  scale: number;
  bias: Float64Array;
}

/** Class scores z = bias + scale · Σ_j x_j W_j of row i (written into `out`). */
export function scores(model: Softmax, x: SparseMatrix, i: number, out: Float64Array): void {
  const { k, w } = model;
  out.set(model.bias);
  for (let p = x.ptr[i]!; p < x.ptr[i + 1]!; p++) {
    const v = x.values[p]! * model.scale;
    const base = x.index[p]! * k;
    for (let c = 0; c < k; c++) out[c] = out[c]! + v * w[base + c]!;
  }
}

function logSoftmaxInPlace(z: Float64Array): void {
  let max = -Infinity;
  for (const v of z) max = Math.max(max, v);
  let sum = 0;
  for (const v of z) sum += Math.exp(v - max);
  const log = max + Math.log(sum);
  for (let c = 0; c < z.length; c++) z[c]! -= log;
}

function softmaxInPlace(z: Float64Array): void {
  let max = -Infinity;
  for (const v of z) max = Math.max(max, v);
  let sum = 0;
  for (let c = 0; c < z.length; c++) sum += z[c] = Math.exp(z[c]! - max);
  for (let c = 0; c < z.length; c++) z[c]! /= sum;
}

/**
 * Multinomial logistic regression by SGD on the rows `train` with labels `y`, minimising cross-entropy + λ/2‖W‖²
 * (the bias is not penalised). The L2 shrinkage is applied lazily through `scale` (W_eff = scale · W), so a step
 * touches only the row's non-zero features (Bottou 2012, "Stochastic Gradient Descent Tricks").
 */
export function trainSoftmax(x: SparseMatrix, train: readonly number[], y: ArrayLike<number>, k: number, o: Required<SelfTrainOptions>): Softmax {
  const model: Softmax = { k, w: new Float32Array(x.cols * k), scale: 1, bias: new Float64Array(k) };
  const z = new Float64Array(k);
  const order = train.slice();
  const random = mulberry32(o.seed ^ 0x5eed);
  let t = 0;
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const i of order) {
      const eta = o.learningRate / (1 + o.learningRate * o.l2 * t++);
      scores(model, x, i, z);
      softmaxInPlace(z);
      z[y[i]!]! -= 1; // gradient of the cross-entropy w.r.t. the scores: p − onehot(y)
      model.scale *= 1 - eta * o.l2;
      const step = eta / model.scale;
      for (let p = x.ptr[i]!; p < x.ptr[i + 1]!; p++) {
        const v = x.values[p]! * step;
        const base = x.index[p]! * k;
        for (let c = 0; c < k; c++) model.w[base + c] = model.w[base + c]! - v * z[c]!;
      }
      for (let c = 0; c < k; c++) model.bias[c]! -= eta * z[c]!;
      if (model.scale < 1e-6) {
        for (let j = 0; j < model.w.length; j++) model.w[j]! *= model.scale;
        model.scale = 1;
      }
    }
  }
  return model;
}

/** Per cluster, the ⌈keep · size⌉ members with the highest confidence (at least one per non-empty cluster). */
export function confidentMembers(labels: ArrayLike<number>, confidence: ArrayLike<number>, k: number, keep: number): number[] {
  const members = Array.from({ length: k }, () => [] as number[]);
  for (let i = 0; i < labels.length; i++) members[labels[i]!]!.push(i);
  return members.flatMap((m) => m.sort((a, b) => confidence[b]! - confidence[a]! || a - b).slice(0, Math.max(1, Math.ceil(keep * m.length)))).sort((a, b) => a - b);
}

/** k × dims normalised member means (zero rows for empty clusters). */
export function unitCentroids(x: Rows, labels: ArrayLike<number>, k: number): Float32Array {
  const sums = new Float64Array(k * x.dims);
  for (let i = 0; i < x.n; i++) for (let d = 0; d < x.dims; d++) sums[labels[i]! * x.dims + d]! += x.data[i * x.dims + d]!;
  for (let c = 0; c < k; c++) {
    let norm = 0;
    for (let d = 0; d < x.dims; d++) norm += sums[c * x.dims + d]! ** 2;
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let d = 0; d < x.dims; d++) sums[c * x.dims + d]! *= inv;
  }
  return Float32Array.from(sums);
}

/** Cosine of each row to its cluster's normalised member mean. */
export function centroidConfidence(x: Rows, labels: ArrayLike<number>, k: number): Float64Array {
  const centroids = unitCentroids(x, labels, k);
  return Float64Array.from({ length: x.n }, (_, i) => dotRows(x.data, i, centroids, labels[i]!, x.dims));
}

/**
 * Refines `labels` (k clusters of the texts, e.g. from k-means on `vectors`, the texts' unit embeddings): each round
 * picks the confident members by cosine to their centroid in the embedding space, trains the softmax on them and
 * gives every other text the classifier's most probable cluster.
 */
export function selfTrain(texts: readonly string[], vectors: Rows, labels: ArrayLike<number>, k: number, options: SelfTrainOptions = {}): Int32Array {
  const o = { ...DEFAULTS, ...options };
  let current = Int32Array.from(labels);
  if (texts.length !== vectors.n || texts.length !== current.length) throw new Error('selfTrain: texts, vectors and labels differ in length');
  if (k < 2 || o.rounds < 1) return current;
  const x = textFeatures(texts, o.charWeight, vectors, o.denseWeight);
  const z = new Float64Array(k);
  for (let round = 0; round < o.rounds; round++) {
    const confident = confidentMembers(current, centroidConfidence(vectors, current, k), k, o.keep);
    const model = trainSoftmax(x, confident, current, k, { ...o, seed: o.seed + round });
    const fixed = new Uint8Array(x.n);
    if (!o.relabelConfident) for (const i of confident) fixed[i] = 1;
    const centroids = o.embeddingWeight > 0 ? unitCentroids(vectors, current, k) : null;
    const next = current.slice();
    for (let i = 0; i < x.n; i++) {
      if (fixed[i]) continue;
      scores(model, x, i, z);
      logSoftmaxInPlace(z);
      if (centroids) for (let c = 0; c < k; c++) z[c]! += o.embeddingWeight * dotRows(vectors.data, i, centroids, c, vectors.dims);
      let arg = 0;
      for (let c = 1; c < k; c++) if (z[c]! > z[arg]!) arg = c;
      next[i] = arg;
    }
    current = next;
  }
  return current;
}
