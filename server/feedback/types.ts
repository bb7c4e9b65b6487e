/**
 * An embedder turns texts into dense vectors. The model name is stored with every vector (feedback.embedding_model)
 * so vectors of different models are never compared; `sightline reembed` switches models.
 */
export interface Embedder {
  /** Unique per model *and* fitted state (e.g. "local-v1:3f2a9c1e"), stored with every vector. */
  readonly name: string;
  readonly dimension: number;
  /** Unit-length vectors, one per text, in order. */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
}
