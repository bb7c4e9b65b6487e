import { fmix32, type TextFeatures, type SparseBag } from './features.ts';

/**
 * The untrained fallback, usable before any corpus exists: each block of hashed features (words, characters) gets
 * sublinear TF weights, is L2-normalised, and is reduced to `dims` by a signed random projection of the hashes (the
 * hashing trick, Weinberger et al. 2009: inner products are preserved in expectation). No IDF, so common words weigh
 * as much as rare ones: train the embedder as soon as there is a corpus.
 */
function projectBlock(bag: SparseBag, weight: number, out: Float64Array): void {
  let norm = 0;
  for (let i = 0; i < bag.ids.length; i++) norm += (1 + Math.log(bag.counts[i]!)) ** 2;
  if (norm === 0) return;
  const scale = weight / Math.sqrt(norm);
  for (let i = 0; i < bag.ids.length; i++) {
    const h = fmix32(bag.ids[i]! ^ 0x5bd1e995);
    const sign = h & 1 ? 1 : -1;
    out[(h >>> 1) % out.length]! += sign * (1 + Math.log(bag.counts[i]!)) * scale;
  }
}

export function hashedVector(features: TextFeatures, charWeight: number, out: Float64Array): void {
  out.fill(0);
  projectBlock(features.words, Math.sqrt(1 - charWeight), out);
  projectBlock(features.chars, Math.sqrt(charWeight), out);
}
