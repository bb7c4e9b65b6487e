import { afterAll, beforeAll, expect, it } from 'vitest';
import { reembedCommand } from '../cli/feedback.ts';
import { loadConfig } from '../config.ts';
import { describeEachDriver } from '../testing/db.ts';
import { fixtureFile } from '../testing/files.ts';
import { runImport } from '../import/run.ts';
import { markerVector, startFakeOpenAI, type FakeOpenAI } from '../testing/fakeOpenAI.ts';
import { reembed } from './lifecycle.ts';
import { embedderFromModel, getActiveModel, HNSW_INDEX } from './store.ts';
import { CORPUS, feedbackCsv, loadFeedbackCorpus } from './testing.ts';
import { parseVector } from './vectors.ts';

let fake: FakeOpenAI;
beforeAll(async () => {
  fake = await startFakeOpenAI();
});
afterAll(async () => fake.close());

describeEachDriver('feedback embeddings: import, backfill, reembed', (use) => {
  const indexDef = async () =>
    (await use().query<{ indexdef: string }>(`SELECT indexdef FROM pg_indexes WHERE indexname = $1`, [HNSW_INDEX])).rows[0]?.indexdef ?? null;

  it('the first import fits the local embedder, stores its state, embeds every row and builds the partial HNSW index', async () => {
    const db = use();
    const summary = await loadFeedbackCorpus(db);
    expect(summary.inserted).toBe(CORPUS.length);
    expect(summary.details.embedded).toBe(CORPUS.length);
    const model = (await getActiveModel(db))!;
    expect(model).toMatchObject({ kind: 'local', dimension: 256 });
    expect(model.name).toMatch(/^local-v\d+:[0-9a-f]+$/);
    const { rows: [state] } = await db.query<{ bytes: number }>(`SELECT length(state) AS bytes FROM embedding_models WHERE name = $1`, [model.name]);
    expect(state!.bytes).toBeGreaterThan(1000);
    const { rows } = await db.query<{ n: number; dims: number; model: string }>(
      `SELECT count(*)::int AS n, min(vector_dims(embedding)) AS dims, min(embedding_model) AS model FROM feedback WHERE embedding IS NOT NULL`,
    );
    expect(rows[0]).toEqual({ n: CORPUS.length, dims: 256, model: model.name });
    // The stored state reproduces the stored vectors (another process embeds queries the same way).
    const embedder = await embedderFromModel(model, loadConfig({}), db);
    const stored = await db.query<{ text: string; embedding: string }>(`SELECT text, embedding::text AS embedding FROM feedback ORDER BY id LIMIT 3`);
    const again = await embedder.embed(stored.rows.map((r) => r.text));
    stored.rows.forEach((r, i) => parseVector(r.embedding).forEach((x, d) => expect(x).toBeCloseTo(again[i]![d]!, 4)));
    const def = await indexDef();
    expect(def).toContain('USING hnsw');
    expect(def).toContain('vector(256)');
    expect(def).toContain(`'${model.name}'`);
  });

  it('the planner can use the HNSW index for the kNN query shape of search (same expression, same model literal)', async () => {
    const db = use();
    const model = (await getActiveModel(db))!;
    const plan = await db.transaction(async (tx) => {
      await tx.exec('SET LOCAL enable_seqscan = off');
      const { rows } = await tx.query<Record<string, string>>(
        `EXPLAIN SELECT f.id FROM feedback f WHERE f.embedding_model = '${model.name}'
          ORDER BY (embedding::vector(256)) <=> (SELECT embedding FROM feedback LIMIT 1)::vector(256) LIMIT 5`,
      );
      return rows.map((r) => Object.values(r)[0]).join('\n');
    });
    expect(plan).toContain(`Index Scan using ${HNSW_INDEX}`);
  });

  it('a later import embeds only its new and edited rows, with the same model', async () => {
    const db = use();
    const before = (await getActiveModel(db))!.name;
    const edited = CORPUS.map((r) => [...r]);
    edited[0]![7] = 'My package arrived a month late.';
    edited.push(['f15', 'c1', 'review', 1, '2026-10-28', 'en', 'delivery', 'Still waiting for my parcel, the delivery is very late.']);
    const summary = await runImport(db, { entity: 'feedback', file: fixtureFile('feedback2.csv', feedbackCsv(edited)), source: 'test' });
    expect({ inserted: summary.inserted, updated: summary.updated, embedded: summary.details.embedded }).toEqual({ inserted: 1, updated: 1, embedded: 2 });
    expect((await getActiveModel(db))!.name).toBe(before);
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM feedback WHERE embedding_model IS DISTINCT FROM $1`, [before]);
    expect(rows[0]!.n).toBe(0);
  });

  it('reembed --model openai switches every vector to the endpoint and rebuilds the index for its dimension; the key is not stored', async () => {
    const db = use();
    const local = (await getActiveModel(db))!.name;
    const config = loadConfig({ EMBEDDINGS_BASE_URL: fake.url, EMBEDDINGS_MODEL: 'fake-embed', LLM_API_KEY: 'sk-secret-123' });
    const result = await reembed(db, config, 'openai');
    expect(result).toMatchObject({ model: 'openai:fake-embed', kind: 'openai', dimension: 8, previous: local, embedded: CORPUS.length + 1, indexed: true });
    const { rows } = await db.query<{ text: string; embedding: string; embedding_model: string }>(
      `SELECT text, embedding::text AS embedding, embedding_model FROM feedback ORDER BY id`,
    );
    for (const r of rows) {
      expect(r.embedding_model).toBe('openai:fake-embed');
      const raw = markerVector(r.text);
      const norm = Math.hypot(...raw);
      parseVector(r.embedding).forEach((x, d) => expect(x).toBeCloseTo(raw[d]! / norm, 4));
    }
    expect(await indexDef()).toContain('vector(8)');
    const models = await db.query<{ name: string; active: boolean; settings: unknown; state: unknown }>(`SELECT name, active, settings, state FROM embedding_models ORDER BY created_at, name`);
    expect(models.rows.map((m) => [m.name, m.active])).toEqual([[local, false], ['openai:fake-embed', true]]);
    expect(JSON.stringify(models.rows)).not.toContain('sk-secret-123');
  });

  it('reembed --model local refits on the current corpus and switches back; openai without configuration is a clear error', async () => {
    const db = use();
    const result = await reembed(db, loadConfig({}), 'local');
    expect(result.kind).toBe('local');
    expect(result.previous).toBe('openai:fake-embed');
    expect(result.embedded).toBe(CORPUS.length + 1);
    expect(await indexDef()).toContain('vector(256)');
    await expect(reembed(db, loadConfig({}), 'openai')).rejects.toMatchObject({ code: 'invalid_config' });
    await expect(reembedCommand(db, loadConfig({}), { model: 'bert' })).rejects.toMatchObject({ code: 'invalid_argument', message: '--model must be one of local, openai' });
    expect((await getActiveModel(db))!.name).toBe(result.model);
  });
});
