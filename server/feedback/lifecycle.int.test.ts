import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest';
import { loadConfig } from '../config.ts';
import type { Db } from '../db/index.ts';
import { seedDemo } from '../demo/seed.ts';
import { afterImport } from '../import/afterImport.ts';
import { describeEachDriver } from '../testing/db.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../testing/fakeOpenAI.ts';
import { fixedClock } from '../../tools/lib/clock.ts';
import { embedNewFeedback, tidyAfterVectorWrites } from './lifecycle.ts';
import { getActiveModel, HNSW_INDEX, hasHnswIndex } from './store.ts';
import { CORPUS, loadFeedbackCorpus } from './testing.ts';

/** Feedback rows, rows with a vector, and rows whose vector is of the active model: three independent counts. */
async function vectorCounts(db: Db) {
  const { rows } = await db.query<{ rows: number; embedded: number; active: number }>(
    `SELECT count(*)::int AS rows, count(embedding)::int AS embedded,
            count(*) FILTER (WHERE embedding_model = (SELECT name FROM embedding_models WHERE active))::int AS active
       FROM feedback`,
  );
  return rows[0]!;
}

const clock = fixedClock('2026-11-01');

describeEachDriver('feedback vectors after the demo seed (afterImport)', (use) => {
  it('seed-demo + afterImport leaves every feedback row with a vector of the active model, and the HNSW index', async () => {
    const db = use();
    await seedDemo(db, { customers: 150, seed: 3 });
    const seeded = await vectorCounts(db);
    expect(seeded.rows).toBeGreaterThan(0);
    expect(seeded.embedded).toBe(0); // the seed itself writes no vectors: the hook does
    const result = await afterImport(db, [], clock, loadConfig({}));
    const after = await vectorCounts(db);
    expect(after).toEqual({ rows: seeded.rows, embedded: seeded.rows, active: seeded.rows });
    expect(result.embeddings).toMatchObject({ embedded: seeded.rows, pending: 0, error: null });
    expect(result.embeddings.model).toBe((await getActiveModel(db))!.name);
    expect((await getActiveModel(db))!.kind).toBe('local');
    expect(await hasHnswIndex(db)).toBe(true);
  });

  it('is idempotent: a second run embeds nothing and keeps the model and the vectors', async () => {
    const db = use();
    const model = (await getActiveModel(db))!.name;
    const { rows: before } = await db.query<{ id: number; e: string }>(`SELECT id, embedding::text AS e FROM feedback ORDER BY id LIMIT 20`);
    const again = await embedNewFeedback(db, loadConfig({}));
    expect(again).toEqual({ model, embedded: 0, pending: 0, error: null });
    const { rows: after } = await db.query<{ id: number; e: string }>(`SELECT id, embedding::text AS e FROM feedback ORDER BY id LIMIT 20`);
    expect(after).toEqual(before);
  });

  it('vacuums after writing ≥ 1,000 vectors or ≥ 10% of the rows (the VACUUM runs outside a transaction)', async () => {
    const db = use();
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM feedback`);
    const n = rows[0]!.n;
    expect(n).toBeGreaterThan(20);
    expect(await tidyAfterVectorWrites(db, 0)).toBe(false);
    expect(await tidyAfterVectorWrites(db, Math.ceil(0.1 * n) - 1)).toBe(false);
    expect(await tidyAfterVectorWrites(db, Math.ceil(0.1 * n))).toBe(true);
    expect(await tidyAfterVectorWrites(db, 1_000)).toBe(true);
  });
});

let fake: FakeOpenAI;
beforeAll(async () => {
  fake = await startFakeOpenAI();
});
afterAll(async () => fake.close());
afterEach(() => {
  vi.unstubAllEnvs();
  fake.failWith = null;
});

describeEachDriver('feedback import with a failing embeddings endpoint', (use) => {
  it('keeps the imported rows without vectors (no model chosen), logs, and a later backfill fills them in', async () => {
    const db = use();
    // The importer reads the configuration from the environment: point it at the endpoint, which answers 500.
    vi.stubEnv('EMBEDDINGS_BASE_URL', fake.url);
    vi.stubEnv('EMBEDDINGS_MODEL', 'fake-embed');
    fake.failWith = 500;
    const warnings: string[] = [];
    const warn = vi.spyOn(console, 'warn').mockImplementation((line: string) => void warnings.push(line));
    try {
      const summary = await loadFeedbackCorpus(db);
      expect(summary.inserted).toBe(CORPUS.length);
      expect(summary.details.embedded).toBe(0);
    } finally {
      warn.mockRestore();
    }
    expect(await vectorCounts(db)).toEqual({ rows: CORPUS.length, embedded: 0, active: 0 });
    expect(await getActiveModel(db)).toBeNull();
    expect(warnings.some((w) => w.includes(`${CORPUS.length} rows left without a vector`))).toBe(true);

    fake.failWith = null;
    const config = loadConfig({ EMBEDDINGS_BASE_URL: fake.url, EMBEDDINGS_MODEL: 'fake-embed' });
    const filled = await embedNewFeedback(db, config);
    expect(filled).toEqual({ model: 'openai:fake-embed', embedded: CORPUS.length, pending: 0, error: null });
    expect(await vectorCounts(db)).toEqual({ rows: CORPUS.length, embedded: CORPUS.length, active: CORPUS.length });
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_indexes WHERE indexname = $1`, [HNSW_INDEX]);
    expect(rows[0]!.n).toBe(1);
  });

  it('an endpoint failing on a later import leaves only the new rows for the backfill', async () => {
    const db = use();
    vi.stubEnv('EMBEDDINGS_BASE_URL', fake.url);
    vi.stubEnv('EMBEDDINGS_MODEL', 'fake-embed');
    fake.failWith = 503;
    const extra = [...CORPUS, ['f15', 'c1', 'review', 1, '2026-10-28', 'en', 'delivery', 'Still waiting for my parcel.'] as const];
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const summary = await loadFeedbackCorpus(db, extra, 'feedback2.csv');
      expect(summary.inserted).toBe(1);
    } finally {
      warn.mockRestore();
    }
    expect(await vectorCounts(db)).toEqual({ rows: CORPUS.length + 1, embedded: CORPUS.length, active: CORPUS.length });
    fake.failWith = null;
    const filled = await embedNewFeedback(db, loadConfig({ EMBEDDINGS_BASE_URL: fake.url, EMBEDDINGS_MODEL: 'fake-embed' }));
    expect(filled).toMatchObject({ embedded: 1, pending: 0, error: null });
    expect(await vectorCounts(db)).toEqual({ rows: CORPUS.length + 1, embedded: CORPUS.length + 1, active: CORPUS.length + 1 });
  });
});

describeEachDriver('feedback import with a parsed configuration', (use) => {
  it('an import given a parsed configuration embeds with it and does not read the environment again', async () => {
    const db = use();
    // The environment names no endpoint (the local embedder); the configuration passed to the import does.
    vi.stubEnv('EMBEDDINGS_BASE_URL', '');
    vi.stubEnv('EMBEDDINGS_MODEL', '');
    const config = loadConfig({ EMBEDDINGS_BASE_URL: fake.url, EMBEDDINGS_MODEL: 'fake-embed' });
    const summary = await loadFeedbackCorpus(db, CORPUS, 'feedback.csv', config);
    expect(summary.details.embedded).toBe(CORPUS.length);
    expect(await vectorCounts(db)).toEqual({ rows: CORPUS.length, embedded: CORPUS.length, active: CORPUS.length });
    expect((await getActiveModel(db))?.name).toBe('openai:fake-embed');
  });
});
