import { createHash } from 'node:crypto';
import { AppError } from '../../errors.ts';
import type { Embedder } from '../types.ts';
import { DEFAULT_FEATURE_OPTIONS, extractFeatures, type TextFeatures } from './features.ts';
import { hashedVector } from './hashed.ts';
import { pack, unpack } from './pack.ts';
import { indexOf, tfidfRow, type TfidfBlock } from './tfidf.ts';
import { sifAverage, type WordVectors } from './ppmi.ts';

/**
 * The default local embedder: weight-free, offline, deterministic, English and Chinese. A trained state (train.ts)
 * maps a text to the concatenation of
 *  - LSA (Deerwester et al. 1990) of its TF-IDF over words + word/CJK bigrams and over character 3–5-grams, the
 *    features re-weighted by how topical they proved in the corpus (tfidf.ts featureGains), and
 *  - the SIF-weighted average of corpus-trained PPMI-SVD word vectors with the common component removed (ppmi.ts);
 * the untrained fallback is a hashed random projection (hashed.ts). Every output is unit length.
 */

export const LOCAL_EMBEDDER_VERSION = 2;

export interface LocalEmbedderState {
  version: number;
  dimension: number;
  /** Texts the state was fitted on; 0 = the untrained (hashed) fallback. */
  docCount: number;
  /** Share of the character n-gram block inside the LSA input (the word block gets the rest). */
  charWeight: number;
  /** Character n-gram lengths (within word boundaries). */
  charMin: number;
  charMax: number;
  /** Share (of squared norm) of the word-vector part in the output; the LSA part gets the rest. */
  wordVectorShare: number;
  lsaDims: number;
  words: TfidfBlock;
  chars: TfidfBlock;
  /** (words.ids.length + chars.ids.length) × lsaDims: each feature's LSA direction. */
  lsa: Float32Array;
  wordVectors: WordVectors;
  /** Common component of the SIF averages, removed from every text (Arora et al. 2017). */
  commonComponent: Float32Array;
}

const emptyBlock = (): TfidfBlock => ({ ids: new Uint32Array(0), idf: new Float32Array(0), gain: new Float32Array(0) });

/** The fallback before any corpus exists. */
export function untrainedLocalEmbedder(options: { dimension?: number; charWeight?: number; charMin?: number; charMax?: number } = {}): LocalEmbedderState {
  const dimension = options.dimension ?? 256;
  return {
    version: LOCAL_EMBEDDER_VERSION,
    dimension,
    docCount: 0,
    charWeight: options.charWeight ?? 0.5,
    charMin: options.charMin ?? DEFAULT_FEATURE_OPTIONS.charMin,
    charMax: options.charMax ?? DEFAULT_FEATURE_OPTIONS.charMax,
    wordVectorShare: 0,
    lsaDims: dimension,
    words: emptyBlock(),
    chars: emptyBlock(),
    lsa: new Float32Array(0),
    wordVectors: { ids: new Uint32Array(0), prob: new Float32Array(0), vectors: new Float32Array(0), dims: 0 },
    commonComponent: new Float32Array(0),
  };
}

/** Lookup tables built once per embedder. */
interface Prepared {
  state: LocalEmbedderState;
  wordIndex: Map<number, number>;
  charIndex: Map<number, number>;
  vocabIndex: Map<number, number>;
}

export function prepare(state: LocalEmbedderState): Prepared {
  return { state, wordIndex: indexOf(state.words), charIndex: indexOf(state.chars), vocabIndex: new Map(Array.from(state.wordVectors.ids, (id, i) => [id, i])) };
}

/** LSA part: Σ over known features of weight × the feature's LSA row (word columns first, then char columns). */
export function lsaPart(p: Prepared, f: TextFeatures, out: Float64Array): void {
  const { state } = p;
  out.fill(0);
  const w = tfidfRow(f.words, state.words, p.wordIndex);
  const ch = tfidfRow(f.chars, state.chars, p.charIndex);
  addRows(state.lsa, state.lsaDims, w.cols, w.values, 0, Math.sqrt(1 - state.charWeight), out);
  addRows(state.lsa, state.lsaDims, ch.cols, ch.values, state.words.ids.length, Math.sqrt(state.charWeight), out);
}

/** out += Σ_i scale·values[i] · matrix[cols[i] + offset] (the hot loop of embedding: plain, monomorphic, no closures). */
function addRows(matrix: Float32Array, dims: number, cols: number[], values: number[], offset: number, scale: number, out: Float64Array): void {
  for (let i = 0; i < cols.length; i++) {
    const v = values[i]! * scale;
    const base = (cols[i]! + offset) * dims;
    let c = 0;
    for (; c + 3 < dims; c += 4) {
      out[c] = out[c]! + v * matrix[base + c]!;
      out[c + 1] = out[c + 1]! + v * matrix[base + c + 1]!;
      out[c + 2] = out[c + 2]! + v * matrix[base + c + 2]!;
      out[c + 3] = out[c + 3]! + v * matrix[base + c + 3]!;
    }
    for (; c < dims; c++) out[c] = out[c]! + v * matrix[base + c]!;
  }
}

/** Word-vector part: SIF average minus its projection on the common component. */
export function wordVectorPart(p: Prepared, f: TextFeatures, out: Float64Array): void {
  sifAverage(f.wordIds, p.state.wordVectors, p.vocabIndex, out);
  const pc = p.state.commonComponent;
  if (pc.length === 0) return;
  let dot = 0;
  for (let c = 0; c < pc.length; c++) dot += out[c]! * pc[c]!;
  for (let c = 0; c < pc.length; c++) out[c]! -= dot * pc[c]!;
}

function normalizeInPlace(v: Float64Array): void {
  let norm = 0;
  for (let i = 0; i < v.length; i++) norm += v[i]! * v[i]!;
  if (norm === 0) return;
  const inv = 1 / Math.sqrt(norm);
  for (let i = 0; i < v.length; i++) v[i]! *= inv;
}

function embedOne(p: Prepared, text: string): Float32Array {
  const { state } = p;
  const f = extractFeatures(text, { charMin: state.charMin, charMax: state.charMax });
  const out = new Float64Array(state.dimension);
  if (state.docCount === 0) {
    hashedVector(f, state.charWeight, out);
    return unitFloat32(out);
  }
  const lsa = out.subarray(0, state.lsaDims);
  lsaPart(p, f, lsa);
  normalizeInPlace(lsa);
  const wvDims = state.wordVectors.dims;
  if (wvDims > 0 && state.wordVectorShare > 0) {
    const wv = out.subarray(state.lsaDims, state.lsaDims + wvDims);
    wordVectorPart(p, f, wv);
    normalizeInPlace(wv);
    const a = Math.sqrt(1 - state.wordVectorShare);
    const b = Math.sqrt(state.wordVectorShare);
    for (let c = 0; c < state.lsaDims; c++) out[c]! *= a;
    for (let c = 0; c < wvDims; c++) wv[c]! *= b;
  }
  return unitFloat32(out);
}

/** L2-normalised copy; a text without any known feature gets a fixed unit vector so the output is always unit length. */
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
  const { words, chars, lsa, wordVectors, commonComponent, ...scalars } = state;
  return pack({
    header: { ...scalars, wordVectorDims: wordVectors.dims },
    arrays: {
      wordIds: words.ids, wordIdf: words.idf, wordGain: words.gain,
      charIds: chars.ids, charIdf: chars.idf, charGain: chars.gain,
      lsa, vocabIds: wordVectors.ids, vocabProb: wordVectors.prob, vocabVectors: wordVectors.vectors, commonComponent,
    },
  });
}

export function deserializeLocalEmbedder(buffer: Buffer): LocalEmbedderState {
  const { header, arrays: a } = unpack(buffer);
  if (header.version !== LOCAL_EMBEDDER_VERSION) {
    throw new AppError('bad_request', `local embedder state version ${String(header.version)} is not supported (expected ${LOCAL_EMBEDDER_VERSION}); retrain it`);
  }
  const { wordVectorDims, ...scalars } = header as Record<string, number>;
  const f32 = (name: string) => a[name] as Float32Array;
  const u32 = (name: string) => a[name] as Uint32Array;
  return {
    ...(scalars as unknown as Pick<LocalEmbedderState, 'version' | 'dimension' | 'docCount' | 'charWeight' | 'charMin' | 'charMax' | 'wordVectorShare' | 'lsaDims'>),
    words: { ids: u32('wordIds'), idf: f32('wordIdf'), gain: f32('wordGain') },
    chars: { ids: u32('charIds'), idf: f32('charIdf'), gain: f32('charGain') },
    lsa: f32('lsa'),
    wordVectors: { ids: u32('vocabIds'), prob: f32('vocabProb'), vectors: f32('vocabVectors'), dims: wordVectorDims! },
    commonComponent: f32('commonComponent'),
  };
}

/** Short content hash of the state, so vectors from different fits never share a model name. */
export function localEmbedderName(state: LocalEmbedderState): string {
  const digest = createHash('sha256').update(serializeLocalEmbedder(state)).digest('hex').slice(0, 10);
  return `local-v${state.version}:${digest}`;
}

/** Synchronous batch embedding (clustering, evals, bench); `createLocalEmbedder` wraps it in the Embedder interface. */
export function localEmbedFunction(state: LocalEmbedderState): (texts: readonly string[]) => Float32Array[] {
  const prepared = prepare(state);
  return (texts) => texts.map((text) => embedOne(prepared, text));
}

export function createLocalEmbedder(state: LocalEmbedderState = untrainedLocalEmbedder()): Embedder {
  const embed = localEmbedFunction(state);
  return { name: localEmbedderName(state), dimension: state.dimension, embed: async (texts) => embed(texts) };
}

/** Embeds with a state directly (builds the lookup tables per call: prefer localEmbedFunction for many batches). */
export function embedTextsSync(state: LocalEmbedderState, texts: readonly string[]): Float32Array[] {
  return localEmbedFunction(state)(texts);
}

export { trainLocalEmbedder, type TrainOptions } from './train.ts';
