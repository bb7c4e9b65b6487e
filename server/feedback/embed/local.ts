import { createHash } from 'node:crypto';
import type { Embedder } from '../types.ts';
import { extractFeatures, fmix32, type SparseBag } from './features.ts';
import { pack, unpack } from './pack.ts';
import { AppError } from '../../errors.ts';

/**
 * The default local embedder: weight-free, offline, deterministic, English and Chinese.
 *
 * A text becomes two sparse bags of hashed features (words + word/CJK bigrams; character 3–5-grams), each weighted
 * by sublinear TF × IDF (IDF learned from the corpus by `trainLocalEmbedder`, all ones when untrained), L2-normalised
 * per block, and reduced to a dense vector by a signed random projection of the hashed buckets (the hashing trick:
 * inner products are preserved in expectation, Weinberger et al. 2009). The result is L2-normalised.
 */

export const LOCAL_EMBEDDER_VERSION = 1;

export interface LocalEmbedderState {
  version: number;
  dimension: number;
  /** Sparse features are hashed into 2^hashBits buckets. */
  hashBits: number;
  /** Texts the state was fitted on; 0 = the untrained fallback. */
  docCount: number;
  /** Share of the char n-gram block in the final vector (the word block gets the rest). */
  charWeight: number;
  /** Per-bucket inverse document frequency; empty = all ones (untrained). */
  wordIdf: Float32Array;
  charIdf: Float32Array;
}

export interface TrainOptions {
  dimension?: number;
  hashBits?: number;
  charWeight?: number;
}

const DEFAULTS = { dimension: 256, hashBits: 18, charWeight: 0.5 };

/** The fallback before any corpus exists: raw sublinear TF, no IDF. */
export function untrainedLocalEmbedder(options: TrainOptions = {}): LocalEmbedderState {
  const o = { ...DEFAULTS, ...options };
  return { version: LOCAL_EMBEDDER_VERSION, ...o, docCount: 0, wordIdf: new Float32Array(0), charIdf: new Float32Array(0) };
}

/** Smoothed IDF, log((1 + N) / (1 + df)) + 1, as scikit-learn's TfidfVectorizer(smooth_idf=True). */
function idfFrom(df: Uint32Array, n: number): Float32Array {
  const idf = new Float32Array(df.length);
  for (let i = 0; i < df.length; i++) idf[i] = Math.log((1 + n) / (1 + df[i]!)) + 1;
  return idf;
}

/** Fits the embedder to a corpus (unsupervised: text only). */
export function trainLocalEmbedder(corpus: readonly string[], options: TrainOptions = {}): LocalEmbedderState {
  const state = untrainedLocalEmbedder(options);
  const mask = (1 << state.hashBits) - 1;
  const wordDf = new Uint32Array(mask + 1);
  const charDf = new Uint32Array(mask + 1);
  for (const text of corpus) {
    const f = extractFeatures(text);
    countDocumentFrequency(f.words, mask, wordDf);
    countDocumentFrequency(f.chars, mask, charDf);
  }
  return { ...state, docCount: corpus.length, wordIdf: idfFrom(wordDf, corpus.length), charIdf: idfFrom(charDf, corpus.length) };
}

function countDocumentFrequency(bag: SparseBag, mask: number, df: Uint32Array): void {
  const seen = new Set<number>();
  for (const id of bag.ids) seen.add(id & mask);
  for (const bucket of seen) df[bucket]!++;
}

/** Adds one TF-IDF block, L2-normalised and scaled by `weight`, to `out` through the signed hashing projection. */
function projectBlock(bag: SparseBag, idf: Float32Array, mask: number, weight: number, out: Float64Array): void {
  const dims = out.length;
  const values = new Float64Array(bag.ids.length);
  let norm = 0;
  for (let i = 0; i < bag.ids.length; i++) {
    const bucket = bag.ids[i]! & mask;
    const v = (1 + Math.log(bag.counts[i]!)) * (idf.length ? idf[bucket]! : 1);
    values[i] = v;
    norm += v * v;
  }
  if (norm === 0) return;
  const scale = weight / Math.sqrt(norm);
  for (let i = 0; i < bag.ids.length; i++) {
    const h = fmix32((bag.ids[i]! & mask) ^ 0x5bd1e995);
    const sign = h & 1 ? 1 : -1;
    out[(h >>> 1) % dims]! += sign * values[i]! * scale;
  }
}

function embedOne(state: LocalEmbedderState, text: string): Float32Array {
  const mask = (1 << state.hashBits) - 1;
  const f = extractFeatures(text);
  const acc = new Float64Array(state.dimension);
  projectBlock(f.words, state.wordIdf, mask, Math.sqrt(1 - state.charWeight), acc);
  projectBlock(f.chars, state.charIdf, mask, Math.sqrt(state.charWeight), acc);
  return unitFloat32(acc);
}

/** L2-normalised copy; an empty text (no features) gets a fixed unit vector so the output is always unit length. */
export function unitFloat32(v: Float64Array): Float32Array {
  let norm = 0;
  for (let i = 0; i < v.length; i++) norm += v[i]! * v[i]!;
  const out = new Float32Array(v.length);
  if (norm === 0) {
    out[0] = 1;
    return out;
  }
  const inv = 1 / Math.sqrt(norm);
  for (let i = 0; i < v.length; i++) out[i] = v[i]! * inv;
  return out;
}

export function serializeLocalEmbedder(state: LocalEmbedderState): Buffer {
  const { wordIdf, charIdf, ...header } = state;
  return pack({ header, arrays: { wordIdf, charIdf } });
}

export function deserializeLocalEmbedder(buffer: Buffer): LocalEmbedderState {
  const { header, arrays } = unpack(buffer);
  if (header.version !== LOCAL_EMBEDDER_VERSION) {
    throw new AppError('bad_request', `local embedder state version ${String(header.version)} is not supported (expected ${LOCAL_EMBEDDER_VERSION}); retrain it`);
  }
  return { ...(header as Omit<LocalEmbedderState, 'wordIdf' | 'charIdf'>), wordIdf: arrays.wordIdf as Float32Array, charIdf: arrays.charIdf as Float32Array };
}

/** Short content hash of the state, so vectors from different fits never share a model name. */
export function localEmbedderName(state: LocalEmbedderState): string {
  const digest = createHash('sha256').update(serializeLocalEmbedder(state)).digest('hex').slice(0, 10);
  return `local-v${state.version}:${digest}`;
}

export function createLocalEmbedder(state: LocalEmbedderState = untrainedLocalEmbedder()): Embedder {
  const name = localEmbedderName(state);
  return {
    name,
    dimension: state.dimension,
    embed: async (texts) => texts.map((text) => embedOne(state, text)),
  };
}

/** Synchronous batch embedding for callers that do not need the async interface (clustering, evals, bench). */
export function embedTextsSync(state: LocalEmbedderState, texts: readonly string[]): Float32Array[] {
  return texts.map((text) => embedOne(state, text));
}
