import OpenAI from 'openai';
import { AppError } from '../errors.ts';
import type { Embedder } from './types.ts';

export interface OpenAiEmbedderOptions {
  /** Base URL of an OpenAI-compatible API, including the version path: https://api.openai.com/v1, http://localhost:11434/v1 (Ollama), … */
  baseUrl: string;
  model: string;
  apiKey?: string;
  /** Known dimension (from the stored model); probed with one request when omitted. */
  dimension?: number;
  /** Texts per request. */
  batchSize?: number;
  timeoutMs?: number;
}

/** Model name stored with every vector: the endpoint's model id, so the same model behind any server compares. */
export function openAiEmbedderName(model: string): string {
  return `openai:${model}`;
}

function unit(values: readonly number[]): Float32Array {
  let norm = 0;
  for (const v of values) norm += v * v;
  if (!(norm > 0) || !Number.isFinite(norm)) throw new AppError('internal', 'embeddings endpoint returned a zero or invalid vector');
  const inv = 1 / Math.sqrt(norm);
  return Float32Array.from(values, (v) => v * inv);
}

/**
 * An embedder calling POST {baseUrl}/embeddings (OpenAI, Ollama, vLLM, …) through the official client, in batches.
 * Vectors are normalised to unit length (not every server does), so cosine = dot product as with the local one.
 */
export async function createOpenAiEmbedder(options: OpenAiEmbedderOptions): Promise<Embedder> {
  const client = new OpenAI({
    baseURL: options.baseUrl,
    // Local servers (Ollama, vLLM) need no key, but the client insists on one.
    apiKey: options.apiKey ?? 'not-needed',
    maxRetries: 2,
    timeout: options.timeoutMs ?? 60_000,
  });
  const batchSize = options.batchSize ?? 128;

  async function request(texts: readonly string[]): Promise<Float32Array[]> {
    let response;
    try {
      // Some servers reject empty strings; a blank text embeds as a single space.
      const input = texts.map((t) => (t.trim() === '' ? ' ' : t));
      response = await client.embeddings.create({ model: options.model, input, encoding_format: 'float' });
    } catch (err) {
      throw new AppError('db_unavailable', `embeddings endpoint ${options.baseUrl} failed: ${(err as Error).message}`);
    }
    if (!Array.isArray(response.data) || response.data.length !== texts.length) {
      throw new AppError('internal', `embeddings endpoint returned ${response.data?.length ?? 0} vectors for ${texts.length} texts`);
    }
    const out: Float32Array[] = new Array(texts.length);
    for (const item of response.data) {
      if (!Array.isArray(item.embedding) || item.index < 0 || item.index >= texts.length) {
        throw new AppError('internal', 'embeddings endpoint returned a malformed item');
      }
      out[item.index] = unit(item.embedding);
    }
    return out;
  }

  const dimension = options.dimension ?? (await request(['dimension probe']))[0]!.length;
  return {
    name: openAiEmbedderName(options.model),
    dimension,
    async embed(texts) {
      const out: Float32Array[] = [];
      for (let i = 0; i < texts.length; i += batchSize) {
        const vectors = await request(texts.slice(i, i + batchSize));
        for (const v of vectors) {
          if (v.length !== dimension) {
            throw new AppError('internal', `embeddings endpoint returned ${v.length} dimensions, expected ${dimension} (model ${options.model})`);
          }
          out.push(v);
        }
      }
      return out;
    },
  };
}
