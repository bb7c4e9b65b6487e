/**
 * Feedback bench (part of `sightline bench`, or alone: `npx tsx bench/feedback.ts --rows 200000`): synthetic
 * bilingual feedback from the demo templates, then on one database
 *   1. the first `clusterRows` texts: fit the local embedder, embed, write, and time `refreshThemes` (themes for 50k);
 *   2. the rest: embed and write, build the HNSW index over all rows, and time search_feedback (p50/p95).
 * Embed throughput = texts ÷ seconds inside `embed()` (one core, no database time).
 */
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../server/config.ts';
import type { Db } from '../server/db/index.ts';
import { copyText } from '../server/db/copy.ts';
import type { DriverName } from '../server/db/types.ts';
import { PRODUCTS } from '../server/demo/catalog.ts';
import { ASIDES, CONTEXT, TEMPLATES, type Language } from '../server/demo/templates.ts';
import { fitLocalEmbedder } from '../server/feedback/localModel.ts';
import { tidyAfterVectorWrites } from '../server/feedback/lifecycle.ts';
import { activateModel, createHnswIndex, writeVectors } from '../server/feedback/store.ts';
import { refreshThemes } from '../server/feedback/themes.ts';
import type { Embedder } from '../server/feedback/types.ts';
import { mulberry32 } from '../tools/lib/random.ts';
import { fixedClock } from '../tools/lib/clock.ts';
import { runTool } from '../tools/registry.ts';
import { summarize, type Timing } from './harness.ts';

export const FEEDBACK_TARGETS = { postgresP95: 50, pgliteP95: 150, themesMs: 60_000, embedPerSec: 5_000 } as const;

export interface FeedbackBenchOptions {
  rows: number;
  /** Rows present when themes are timed (default min(rows, 50,000)). */
  clusterRows?: number;
  queries?: number;
  seed?: number;
  log?: (line: string) => void;
}

export interface FeedbackBenchResult {
  driver: DriverName;
  rows: number;
  fitMs: number;
  embed: { texts: number; ms: number; perSecond: number };
  writeMs: number;
  themes: { rows: number; k: number; ms: number };
  hnswMs: number;
  /** VACUUM (ANALYZE) after the vectors of the second step were written (tidyAfterVectorWrites). */
  vacuumMs: number;
  search: Timing;
  searchFiltered: Timing;
  /** Further query kinds (keyword or vector list alone, more-like-this, RFM tier filter when there are customers). */
  kinds: { label: string; timing: Timing }[];
}

interface Row { text: string; language: Language; theme: string; rating: number; channel: string; day: number }

const THEMES = Object.keys(TEMPLATES.en) as (keyof typeof TEMPLATES.en)[];
const CHANNELS = ['review', 'support_ticket', 'survey', 'app_store'];
const DAY_MS = 86_400_000;
const START = Date.UTC(2024, 10, 1);

/** Deterministic synthetic feedback: 40% Chinese, a context sentence or an aside now and then, over two years. */
export function generateFeedbackTexts(n: number, seed = 42): Row[] {
  const random = mulberry32(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  return Array.from({ length: n }, () => {
    const language: Language = random() < 0.4 ? 'zh' : 'en';
    const theme = pick(THEMES);
    const product = pick(PRODUCTS);
    const fill = (t: string) => t
      .replace(/\{product\}/g, language === 'zh' ? product.zh : product.name)
      .replace(/\{category\}/g, product.category.toLowerCase())
      .replace(/\{days\}/g, String(9 + Math.floor(random() * 17)))
      .replace(/\{weeks\}/g, String(2 + Math.floor(random() * 2)))
      .replace(/\{n\}/g, String(2 + Math.floor(random() * 4)));
    const parts = [fill(pick(TEMPLATES[language][theme]))];
    if (random() < 0.3) parts.unshift(fill(pick(CONTEXT[language])));
    if (random() < 0.2) parts.push(fill(pick(ASIDES[language])));
    const rating = theme === 'praise' ? 4 + Math.floor(random() * 2) : 1 + Math.floor(random() * 3);
    return { text: parts.join(language === 'zh' ? '' : ' '), language, theme, rating, channel: pick(CHANNELS), day: Math.floor(random() * 730) };
  });
}

async function insertRows(db: Db, rows: readonly Row[], offset: number, customers: number): Promise<void> {
  const random = mulberry32(offset + 7);
  for (let i = 0; i < rows.length; i += 50_000) {
    const chunk = rows.slice(i, i + 50_000).map((r, j) => [
      'bench', `B${String(offset + i + j + 1).padStart(7, '0')}`, customers ? 1 + Math.floor(random() * customers) : null,
      r.channel, r.rating, r.text, r.language, r.theme, new Date(START + r.day * DAY_MS + Math.floor(random() * DAY_MS)),
    ]);
    await db.copyFrom('feedback', ['source', 'external_id', 'customer_id', 'channel', 'rating', 'text', 'language', 'label', 'created_at'], copyText(chunk));
  }
}

/** Embed (timed) and write the rows without a vector, oldest id first. */
async function embedAll(db: Db, embedder: Embedder, timing: { embedMs: number; texts: number; writeMs: number }): Promise<void> {
  for (let after = 0; ; ) {
    const { rows } = await db.query<{ id: number; text: string }>(
      `SELECT id, text FROM feedback WHERE id > $1 AND embedding IS NULL ORDER BY id LIMIT 5000`, [after],
    );
    if (!rows.length) return;
    const t0 = performance.now();
    const vectors = await embedder.embed(rows.map((r) => r.text)); // timed alone: the embedder's own throughput
    const t1 = performance.now();
    await db.transaction((tx) => writeVectors(tx, embedder.name, rows, vectors));
    timing.embedMs += t1 - t0;
    timing.writeMs += performance.now() - t1;
    timing.texts += rows.length;
    after = Number(rows[rows.length - 1]!.id);
  }
}

const QUERIES = [
  'my package arrived late', 'delivery is too slow', 'the app crashes at checkout', 'refund not received',
  'quality is poor, it broke', 'size too small', 'too expensive', 'great service', '快递太慢了', '质量太差', '尺码偏小', '应用闪退',
];

async function timeSearch(db: Db, args: (i: number) => Record<string, unknown>, n: number): Promise<Timing> {
  const ctx = { db, clock: fixedClock('2026-11-01'), role: 'analyst' as const };
  await runTool('search_feedback', args(0), ctx); // warm-up (loads the embedder)
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await runTool('search_feedback', args(i), ctx);
    ms.push(performance.now() - t0);
  }
  return summarize(ms);
}

/** The search timings of the bench (also alone on a kept database: `--search-only <url>`). */
export async function timeSearches(db: Db, rows: number, n: number, customers: boolean): Promise<Pick<FeedbackBenchResult, 'search' | 'searchFiltered' | 'kinds'>> {
  const query = (i: number) => QUERIES[i % QUERIES.length];
  const search = await timeSearch(db, (i) => ({ query: query(i), limit: 10 }), n);
  const searchFiltered = await timeSearch(db, (i) => ({ query: query(i), limit: 10, ratingMax: 2, from: '2026-01-01' }), n);
  const likeIds = mulberry32(11);
  const kinds = [
    { label: 'keyword list only', args: (i: number) => ({ query: query(i), mode: 'keyword' }) },
    { label: 'vector list only', args: (i: number) => ({ query: query(i), mode: 'vector' }) },
    { label: 'more like this (likeFeedbackId)', args: () => ({ likeFeedbackId: 1 + Math.floor(likeIds() * rows) }) },
    ...(customers ? [{ label: 'RFM tier filter (Champions, Loyal)', args: (i: number) => ({ query: query(i), rfmTiers: ['Champions', 'Loyal'] }) }] : []),
  ];
  const timed: FeedbackBenchResult['kinds'] = [];
  for (const k of kinds) timed.push({ label: k.label, timing: await timeSearch(db, k.args, n) });
  return { search, searchFiltered, kinds: timed };
}

export async function runFeedbackBench(db: Db, driver: DriverName, opts: FeedbackBenchOptions): Promise<FeedbackBenchResult> {
  const log = opts.log ?? (() => {});
  const config = loadConfig({});
  const clusterRows = Math.min(opts.rows, opts.clusterRows ?? 50_000);
  const all = generateFeedbackTexts(opts.rows, opts.seed ?? 42);
  const { rows: [c] } = await db.query<{ n: number }>(`SELECT coalesce(max(id), 0)::int AS n FROM customers`);
  await db.exec(`DELETE FROM feedback WHERE source = 'bench'`);

  log(`${driver}: feedback ${clusterRows} rows: fit, embed, themes`);
  await insertRows(db, all.slice(0, clusterRows), 0, c!.n);
  let t = performance.now();
  const { embedder, state } = fitLocalEmbedder(all.slice(0, clusterRows).map((r) => r.text));
  const fitMs = performance.now() - t;
  await db.transaction((tx) => activateModel(tx, { name: embedder.name, kind: 'local', dimension: embedder.dimension, settings: {}, state }));
  const timing = { embedMs: 0, texts: 0, writeMs: 0 };
  await embedAll(db, embedder, timing);
  // As the product's backfill does after writing vectors (lifecycle.ts): VACUUM (ANALYZE), or plain ANALYZE.
  if (!(await tidyAfterVectorWrites(db, timing.texts))) await db.exec('ANALYZE feedback');
  t = performance.now();
  const run = await refreshThemes(db, config, { force: true, recluster: true });
  const themes = { rows: run.rows, k: run.k, ms: performance.now() - t };
  log(`  themes: ${run.k} over ${run.rows} rows in ${(themes.ms / 1000).toFixed(1)} s`);

  log(`${driver}: feedback to ${opts.rows} rows: embed, HNSW, search`);
  await insertRows(db, all.slice(clusterRows), clusterRows, c!.n);
  const before = timing.texts;
  await embedAll(db, embedder, timing);
  t = performance.now();
  await tidyAfterVectorWrites(db, timing.texts - before);
  const vacuumMs = performance.now() - t;
  t = performance.now();
  await db.transaction((tx) => createHnswIndex(tx, { name: embedder.name, dimension: embedder.dimension }));
  const hnswMs = performance.now() - t;
  await db.exec('ANALYZE feedback');
  const { search, searchFiltered, kinds: kindTimings } = await timeSearches(db, opts.rows, opts.queries ?? 50, c!.n > 0);
  log(`  embed ${(timing.texts / (timing.embedMs / 1000)).toFixed(0)} texts/s; VACUUM ${(vacuumMs / 1000).toFixed(1)} s; HNSW ${(hnswMs / 1000).toFixed(1)} s; search p95 ${search.p95.toFixed(1)} ms (filtered ${searchFiltered.p95.toFixed(1)} ms)`);
  for (const k of kindTimings) log(`  ${k.label}: p50 ${k.timing.p50.toFixed(1)} ms, p95 ${k.timing.p95.toFixed(1)} ms`);
  return {
    driver, rows: opts.rows, fitMs,
    embed: { texts: timing.texts, ms: timing.embedMs, perSecond: timing.texts / (timing.embedMs / 1000) },
    writeMs: timing.writeMs, themes, hnswMs, vacuumMs, search, searchFiltered, kinds: kindTimings,
  };
}

const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const ok = (met: boolean) => (met ? '✓' : '✗');

/** Markdown lines for the report (one table row per driver). */
export function feedbackSection(runs: readonly FeedbackBenchResult[]): string {
  if (!runs.length) return '';
  const lines = runs.map((r) => {
    const target = r.driver === 'postgres' ? FEEDBACK_TARGETS.postgresP95 : FEEDBACK_TARGETS.pgliteP95;
    return `| ${r.driver} | ${r.rows.toLocaleString('en')} | ${r.embed.perSecond.toFixed(0)} ${ok(r.embed.perSecond >= FEEDBACK_TARGETS.embedPerSec)} | ${sec(r.fitMs)} | ${sec(r.writeMs)} | ${sec(r.hnswMs)} | ` +
      `${r.search.p50.toFixed(1)} / ${r.search.p95.toFixed(1)} ms ${ok(r.search.p95 < target)} | ${r.searchFiltered.p50.toFixed(1)} / ${r.searchFiltered.p95.toFixed(1)} ms | ` +
      `${sec(r.themes.ms)} (k = ${r.themes.k}, ${r.themes.rows.toLocaleString('en')} texts) ${ok(r.themes.ms < FEEDBACK_TARGETS.themesMs)} |`;
  });
  return [
    '### Feedback: embeddings, HNSW, hybrid search, themes',
    '',
    `Targets: embed ≥ ${FEEDBACK_TARGETS.embedPerSec.toLocaleString('en')} texts/s (local embedder, one core); search p95 < ${FEEDBACK_TARGETS.postgresP95} ms on Postgres, < ${FEEDBACK_TARGETS.pgliteP95} ms on PGlite; themes for 50k texts < 60 s.`,
    '',
    '| driver | feedback rows | embed texts/s | fit | write vectors | HNSW build | search p50 / p95 | filtered search p50 / p95 | themes |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...lines,
    '',
    `VACUUM (ANALYZE) after writing the vectors (as the backfill does): ${runs.map((r) => `${r.driver} ${sec(r.vacuumMs)}`).join(', ')}.`,
    '',
    'Other query kinds (search_feedback, limit 10), p50 / p95:',
    '',
    `| driver | ${runs[0]!.kinds.map((k) => k.label).join(' | ')} |`,
    `| --- |${runs[0]!.kinds.map(() => ' --- |').join('')}`,
    ...runs.map((r) => `| ${r.driver} | ${r.kinds.map((k) => `${k.timing.p50.toFixed(1)} / ${k.timing.p95.toFixed(1)} ms`).join(' | ')} |`),
  ].join('\n');
}

/**
 * Alone: `npx tsx bench/feedback.ts [--rows 200000] [--drivers pglite,postgres] [--queries 50] [--keep]` (fresh databases,
 * dropped after unless --keep); `--search-only <database url>` re-times only the searches on a kept database.
 */
async function main(argv: string[]): Promise<void> {
  const arg = (name: string, fallback: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 && argv[i + 1] ? argv[i + 1]! : fallback;
  };
  const { freshDb, DEFAULT_POSTGRES_URL } = await import('./run.ts');
  const { parseDrivers } = await import('./index.ts');
  const runs: FeedbackBenchResult[] = [];
  const searchOnly = arg('search-only', '');
  if (searchOnly) {
    // Re-time the searches on a database an earlier run kept (--keep): same queries, same protocol.
    const { openDb } = await import('../server/db/index.ts');
    const db = await openDb(searchOnly);
    try {
      const { rows: [c] } = await db.query<{ rows: number; customers: number }>(
        `SELECT (SELECT count(*) FROM feedback)::int AS rows, (SELECT count(*) FROM customers)::int AS customers`,
      );
      // A database just opened has cold caches (PGlite reads its files lazily); the bench times right after the build.
      await timeSearches(db, c!.rows, 10, c!.customers > 0);
      const t = await timeSearches(db, c!.rows, Number(arg('queries', '50')), c!.customers > 0);
      for (const [label, timing] of [['search', t.search], ['filtered search', t.searchFiltered], ...t.kinds.map((k) => [k.label, k.timing] as const)] as const) {
        console.log(`${label}: p50 ${timing.p50.toFixed(1)} ms, p95 ${timing.p95.toFixed(1)} ms`);
      }
    } finally {
      await db.close();
    }
    return;
  }
  const keep = argv.includes('--keep');
  for (const driver of parseDrivers(arg('drivers', 'pglite,postgres'))) {
    const stamp = `${Date.now()}_${process.pid}`;
    const { db, dispose } = await freshDb(driver, stamp, process.env.TEST_DATABASE_URL ?? DEFAULT_POSTGRES_URL);
    try {
      runs.push(await runFeedbackBench(db, driver, { rows: Number(arg('rows', '200000')), queries: Number(arg('queries', '50')), log: (l) => console.error(l) }));
    } finally {
      // --keep leaves the database for profiling (drop it yourself): sightline_bench_<stamp>, or the PGlite temp dir.
      if (keep) console.error(`${driver}: kept ${driver === 'postgres' ? `database sightline_bench_${stamp}` : `pglite dir sightline-bench-${stamp}-pglite in the temp dir`}`);
      else await dispose();
    }
  }
  console.log(feedbackSection(runs));
}

// No top-level await: run.ts imports this module, so waiting here would deadlock the import cycle.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
