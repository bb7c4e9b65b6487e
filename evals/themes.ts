/**
 * `npm run eval:themes [-- --quick] [-- --in-memory]`: clustering quality of the local embedder + themes on BANKING77
 * (test split, 3,080 customer queries, 77 gold intents; ../shared/data/banking77).
 *
 * Default path = the product: import the split into a temporary PGlite database with the `banking77` preset (the
 * import fits the local embedder on these texts only — unsupervised, never the labels — and stores the vectors), run
 * `sightline themes refresh` at k = 77 and at the automatic k, and score the `sightline themes assignments` CSV:
 * NMI, ARI and Hungarian-matched accuracy against the gold intents. `--in-memory` runs the same embedder and
 * clustering without a database. Both report search precision@10 (share of a text's 10 nearest neighbours with its
 * intent) and the speed figures: texts embedded per second on one core, and clustering (automatic k) + keywords for
 * 50k synthetic texts (skipped with --quick). Prints a table and writes evals/reports/themes.json; exits 0 with a
 * message when the data set is missing.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Papa from 'papaparse';
import { hasSharedData, sharedDataPath } from '../server/testing/sharedData.ts';
import { localEmbedFunction, localEmbedderName, trainLocalEmbedder } from '../server/feedback/embed/local.ts';
import { clusterVectors } from '../server/feedback/cluster/index.ts';
import { themeKeywords } from '../server/feedback/cluster/keywords.ts';
import { benchLocalThemes, measureEmbedThroughput, syntheticFeedback } from '../server/feedback/cluster/bench.ts';
import { ari, clusterAccuracy, nmi, precisionAtK } from './metrics.ts';
import { loadConfig } from '../server/config.ts';
import { openDb } from '../server/db/index.ts';
import { migrate } from '../server/db/migrate.ts';
import { runImport } from '../server/import/run.ts';
import { themesAssignmentsCommand, themesRefreshCommand } from '../server/cli/feedback.ts';
import { ensureEmbeddings } from '../server/feedback/lifecycle.ts';

const GOLD_K = 77;
const REPORT = join(dirname(fileURLToPath(import.meta.url)), 'reports', 'themes.json');

interface ClusterScore {
  run: string;
  k: number;
  nmi: number;
  ari: number;
  accuracy: number;
  ms: number;
}

export function loadBanking77Test(): { texts: string[]; labels: string[] } | undefined {
  if (!hasSharedData('banking77', 'test.csv')) return undefined;
  const parsed = Papa.parse<{ text: string; category: string }>(readFileSync(sharedDataPath('banking77', 'test.csv'), 'utf8'), {
    header: true,
    skipEmptyLines: true,
  });
  return { texts: parsed.data.map((r) => r.text), labels: parsed.data.map((r) => r.category) };
}

export function scoreClusters(run: string, labels: readonly string[], assignments: readonly number[], k: number, ms: number): ClusterScore {
  const r = (x: number) => Math.round(x * 10_000) / 10_000;
  return { run, k, nmi: r(nmi(labels, assignments)), ari: r(ari(labels, assignments)), accuracy: r(clusterAccuracy(labels, assignments)), ms: Math.round(ms) };
}

function time<T>(run: () => T): { value: T; ms: number } {
  const start = performance.now();
  const value = run();
  return { value, ms: performance.now() - start };
}

interface PathResult {
  path: 'product' | 'in-memory';
  embedder: string;
  setupMs: number;
  scores: ClusterScore[];
  vectors: Float32Array[];
  /** Gold labels in the order of `vectors`. */
  labels: string[];
  automaticK: unknown;
  keywords: string[][];
}

/** In memory: train, embed, cluster at k = 77 and automatic k. */
function inMemory(texts: readonly string[], labels: readonly string[]): PathResult {
  const trained = time(() => trainLocalEmbedder(texts));
  const vectors = localEmbedFunction(trained.value)(texts);
  const fixed = time(() => clusterVectors(vectors, { k: GOLD_K, texts }));
  const auto = time(() => clusterVectors(vectors, { texts }));
  return {
    path: 'in-memory',
    embedder: localEmbedderName(trained.value),
    setupMs: trained.ms,
    scores: [
      scoreClusters('k = 77', labels, fixed.value.assignments, fixed.value.k, fixed.ms),
      scoreClusters('automatic k', labels, auto.value.assignments, auto.value.k, auto.ms),
    ],
    vectors,
    labels: labels.slice(),
    automaticK: { k: auto.value.k, selection: auto.value.kSelection },
    keywords: themeKeywords(texts, fixed.value.assignments, fixed.value.k, 5),
  };
}

/** The `feedback_id,external_id,label,theme_id` CSV → gold label and theme per row (every row must have a theme). */
export function parseAssignments(csv: string): { labels: string[]; themes: number[] } {
  const rows = Papa.parse<Record<string, string>>(csv.trim(), { header: true, skipEmptyLines: true }).data;
  const missing = rows.filter((r) => !r.theme_id).length;
  if (missing > 0) throw new Error(`${missing} feedback rows have no theme`);
  return { labels: rows.map((r) => r.label!), themes: rows.map((r) => Number(r.theme_id)) };
}

/** Through the product: import with the banking77 preset into a temporary PGlite, refresh themes, score assignments. */
async function throughProduct(): Promise<PathResult> {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-eval-themes-'));
  const config = loadConfig({ ...process.env, DATABASE_URL: `pglite://${dir}` });
  const db = await openDb(config.DATABASE_URL);
  try {
    await migrate(db);
    const started = performance.now();
    await runImport(db, { entity: 'feedback', file: sharedDataPath('banking77', 'test.csv'), preset: 'banking77' });
    const embedder = await ensureEmbeddings(db, config);
    const setupMs = performance.now() - started;
    const scores: ClusterScore[] = [];
    let automaticK: unknown;
    for (const k of [GOLD_K, undefined]) {
      const refresh = await themesRefreshCommand(db, config, { k, force: true });
      const ms = Number(/\(([\d.]+) s,/.exec(refresh)?.[1] ?? NaN) * 1000;
      const { labels, themes } = parseAssignments(await themesAssignmentsCommand(db, { format: 'csv' }));
      const found = new Set(themes).size;
      scores.push(scoreClusters(k ? 'k = 77' : 'automatic k', labels, themes, found, ms));
      if (!k) {
        const { rows: run } = await db.query<{ k_selection: unknown }>('SELECT k_selection FROM feedback_theme_runs ORDER BY id DESC LIMIT 1');
        automaticK = { k: found, refresh, selection: run[0]?.k_selection };
      }
    }
    const { rows } = await db.query<{ text: string; label: string }>('SELECT text, label FROM feedback ORDER BY id');
    const vectors = await embedder.embed(rows.map((r) => r.text));
    return { path: 'product', embedder: embedder.name, setupMs, scores, vectors, labels: rows.map((r) => r.label), automaticK, keywords: [] };
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const data = loadBanking77Test();
  if (!data) {
    console.log('eval:themes skipped: BANKING77 not found under ../shared/data/banking77');
    return;
  }
  const { texts, labels } = data;
  const result = process.argv.includes('--in-memory') ? inMemory(texts, labels) : await throughProduct();
  const p10 = precisionAtK(result.vectors, result.labels, 10);
  // Speed: embedding and 50k themes with an in-memory fit on the same texts (training on 50k is not part of it).
  const state = trainLocalEmbedder(texts);
  const throughput = measureEmbedThroughput(state, texts);
  const big = quick ? undefined : benchLocalThemes(syntheticFeedback(texts, 50_000), { state });

  console.log(`BANKING77 test split: ${texts.length} texts, ${new Set(labels).size} gold intents; path: ${result.path}; embedder ${result.embedder} (fit + embed ${(result.setupMs / 1000).toFixed(1)} s)`);
  console.table(result.scores);
  console.log(`search precision@10: ${p10.toFixed(4)}`);
  console.log(`embed: ${Math.round(throughput.perCpuSecond)} texts per CPU second on one core (${Math.round(throughput.perWallSecond)} per wall second)`);
  if (big) {
    console.log(`50k synthetic texts: clustering (automatic k = ${big.cluster.k}) + keywords ${(big.themes.cpuMs / 1000).toFixed(1)} s CPU (${(big.themes.wallMs / 1000).toFixed(1)} s wall); embed ${Math.round(big.embed.perCpuSecond)} texts/CPU-s`);
  }
  if (result.keywords.length) console.log('sample themes (k = 77):', result.keywords.slice(0, 3).map((k) => k.join(' ')).join(' | '));

  mkdirSync(dirname(REPORT), { recursive: true });
  const report = {
    dataset: 'banking77/test.csv',
    texts: texts.length,
    goldK: GOLD_K,
    path: result.path,
    embedder: result.embedder,
    setupMs: Math.round(result.setupMs),
    clustering: result.scores,
    automaticK: result.automaticK,
    precisionAt10: Math.round(p10 * 10_000) / 10_000,
    embedTextsPerCpuSecond: Math.round(throughput.perCpuSecond),
    bench50k: big ?? null,
  };
  writeFileSync(REPORT, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`wrote ${REPORT}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
