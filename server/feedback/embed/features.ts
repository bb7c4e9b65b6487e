import { tokenize } from './tokenize.ts';

/**
 * Hashed sparse features of one text (the "hashing trick", Weinberger et al. 2009, "Feature Hashing for Large Scale
 * Multitask Learning"): every word, word bigram, CJK character bigram and character n-gram maps to a 32-bit hash, so
 * the feature space needs no vocabulary to exist before the first corpus does and never grows.
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 16777619;

/** murmur3's fmix32 finaliser: spreads FNV's weak low bits so that `hash & mask` is near-uniform. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a over UTF-16 code units, seeded by a namespace so a word and a char n-gram of the same text never collide on purpose. */
export function hashString(text: string, namespace: number): number {
  let h = (FNV_OFFSET ^ Math.imul(namespace, 0x9e3779b1)) >>> 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
  return fmix32(h);
}

export const NS_WORD = 1;
export const NS_WORD_BIGRAM = 2;
export const NS_CHAR = 3;

/** Sparse bag of features: parallel arrays of hashed ids and raw counts. */
export interface SparseBag {
  ids: Uint32Array;
  counts: Float32Array;
}

export interface TextFeatures {
  /** Word ids in text order (for co-occurrence windows), including single CJK characters. */
  wordIds: number[];
  /** Words, word bigrams and CJK bigrams. */
  words: SparseBag;
  /** Character 3–5-grams within word boundaries (sklearn's `char_wb`); CJK characters are covered by `words`. */
  chars: SparseBag;
}

function bagOf(ids: number[]): SparseBag {
  const counts = new Map<number, number>();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  const out: SparseBag = { ids: new Uint32Array(counts.size), counts: new Float32Array(counts.size) };
  let i = 0;
  for (const [id, count] of counts) {
    out.ids[i] = id;
    out.counts[i++] = count;
  }
  return out;
}

/** Char n-grams of `<word>` for n in [minN, maxN], hashed incrementally so no substring is allocated. */
function pushCharNgrams(word: string, minN: number, maxN: number, out: number[]): void {
  const padded = `<${word}>`;
  const seed = (FNV_OFFSET ^ Math.imul(NS_CHAR, 0x9e3779b1)) >>> 0;
  for (let start = 0; start < padded.length; start++) {
    let h = seed;
    for (let n = 1; n <= maxN && start + n <= padded.length; n++) {
      h = Math.imul(h ^ padded.charCodeAt(start + n - 1), FNV_PRIME);
      if (n >= minN) out.push(fmix32(h ^ n));
    }
  }
  if (padded.length < minN) out.push(fmix32(hashString(padded, NS_CHAR)));
}

export interface FeatureOptions {
  charMin: number;
  charMax: number;
}

export const DEFAULT_FEATURE_OPTIONS: FeatureOptions = { charMin: 3, charMax: 5 };

export function extractFeatures(text: string, options: FeatureOptions = DEFAULT_FEATURE_OPTIONS): TextFeatures {
  const { words, cjkBigrams, isCjk } = tokenize(text);
  const wordIds = words.map((w) => hashString(w, NS_WORD));
  const wordFeatures = wordIds.slice();
  for (let i = 0; i + 1 < wordIds.length; i++) {
    if (!isCjk[i] && !isCjk[i + 1]) wordFeatures.push(fmix32(Math.imul(wordIds[i]!, 31) ^ wordIds[i + 1]! ^ NS_WORD_BIGRAM));
  }
  for (const bigram of cjkBigrams) wordFeatures.push(hashString(bigram, NS_WORD_BIGRAM));
  const charFeatures: number[] = [];
  words.forEach((w, i) => {
    if (!isCjk[i]) pushCharNgrams(w, options.charMin, options.charMax, charFeatures);
  });
  return { wordIds, words: bagOf(wordFeatures), chars: bagOf(charFeatures) };
}
