import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../errors.ts';
import { markerVector, startFakeOpenAI, type FakeOpenAI } from '../testing/fakeOpenAI.ts';
import { createOpenAiEmbedder } from './openai.ts';

describe('OpenAI-compatible embedder against a local fake /v1/embeddings', () => {
  let fake: FakeOpenAI;
  beforeAll(async () => {
    fake = await startFakeOpenAI();
  });
  afterAll(async () => fake.close());

  it('probes the dimension, batches requests, restores input order and normalises to unit length', async () => {
    fake.embeddingRequests.length = 0;
    const embedder = await createOpenAiEmbedder({ baseUrl: fake.url, model: 'fake-embed', batchSize: 2 });
    expect(embedder.name).toBe('openai:fake-embed');
    expect(embedder.dimension).toBe(8);
    const texts = ['package late', 'love it', 'app crash', 'refund please', ''];
    const vectors = await embedder.embed(texts);
    // 1 probe + ceil(5 / 2) = 3 batches
    expect(fake.embeddingRequests).toHaveLength(4);
    expect(fake.requests).toHaveLength(0);
    expect(fake.embeddingRequests.slice(1).map((r) => (r.input as string[]).length)).toEqual([2, 2, 1]);
    expect(fake.embeddingRequests[1]).toMatchObject({ model: 'fake-embed', encoding_format: 'float' });
    // The empty text is sent as a single space (some servers reject empty input).
    expect(fake.embeddingRequests[3]!.input).toEqual([' ']);
    texts.forEach((text, i) => {
      const raw = markerVector(text === '' ? ' ' : text);
      const norm = Math.hypot(...raw);
      // The fake answers in reverse order: each vector must still belong to its own text.
      raw.forEach((x, d) => expect(vectors[i]![d]).toBeCloseTo(x / norm, 6));
      expect(Math.hypot(...vectors[i]!)).toBeCloseTo(1, 6);
    });
  });

  it('uses a known dimension without probing', async () => {
    fake.embeddingRequests.length = 0;
    const embedder = await createOpenAiEmbedder({ baseUrl: fake.url, model: 'm', dimension: 8 });
    expect(fake.embeddingRequests).toHaveLength(0);
    expect((await embedder.embed(['x']))[0]).toHaveLength(8);
  });

  it('turns an endpoint failure into an AppError naming the endpoint', async () => {
    const embedder = await createOpenAiEmbedder({ baseUrl: fake.url, model: 'm', dimension: 8 });
    fake.failWith = 400;
    try {
      const err = await embedder.embed(['x']).catch((e: unknown) => e);
      expect(isAppError(err)).toBe(true);
      expect((err as Error).message).toContain(fake.url);
    } finally {
      fake.failWith = null;
    }
  });

  it('rejects vectors of the wrong dimension', async () => {
    const embedder = await createOpenAiEmbedder({ baseUrl: fake.url, model: 'm', dimension: 16 });
    await expect(embedder.embed(['x'])).rejects.toThrow(/8 dimensions, expected 16/);
  });
});
