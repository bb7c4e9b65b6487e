/**
 * The one place that knows the local embedder's API (server/feedback/embed, see server/feedback/README.md): fit on a
 * corpus, (de)serialize the fitted state for the embedding_models table, and wrap it as an Embedder.
 */
import {
  createLocalEmbedder,
  deserializeLocalEmbedder,
  serializeLocalEmbedder,
  trainLocalEmbedder,
} from './embed/local.ts';
import type { Embedder } from './types.ts';

export interface FittedLocal {
  embedder: Embedder;
  state: Buffer;
}

export function fitLocalEmbedder(corpus: readonly string[]): FittedLocal {
  const state = trainLocalEmbedder(corpus);
  return { embedder: createLocalEmbedder(state), state: serializeLocalEmbedder(state) };
}

export function loadLocalEmbedder(state: Uint8Array): Embedder {
  return createLocalEmbedder(deserializeLocalEmbedder(Buffer.from(state.buffer, state.byteOffset, state.byteLength)));
}
