/**
 * `npm run eval:themes [-- --quick]`: clustering quality of the local embedder + themes on BANKING77 (test split,
 * 3,080 customer queries, 77 gold intents; ../shared/data/banking77). The embedder is trained on these texts only
 * (unsupervised, never the labels); we then cluster at k = 77 and at the automatic k and score NMI, ARI and
 * Hungarian-matched accuracy against the gold intents, plus search precision@10. Speed: embedding texts per second
 * on one core, and clustering (automatic k) + keywords for 50k synthetic texts (skipped with --quick).
 * Prints a table and writes evals/reports/themes.json. Exits 0 with a message when the data set is missing.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Papa from 'papaparse';
import { hasSharedData, sharedDataPath } from '../server/testing/sharedData.ts';
import { localEmbedFunction, localEmbedderName, trainLocalEmbedder } from '../server/feedback/embed/local.ts';
import { clusterVectors } from '../server/feedback/cluster/index.ts';
import { themeKeywords } from '../server/feedback/cluster/keywords.ts';
import { benchLocalThemes, measureEmbedThroughput, syntheticFeedback } from '../server/feedback/cluster/bench.ts';
import { ari, clusterAccuracy, nmi, precisionAtK } from './metrics.ts';

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

function main(): void {
  const quick = process.argv.includes('--quick');
  const data = loadBanking77Test();
  if (!data) {
    console.log('eval:themes skipped: BANKING77 not found under ../shared/data/banking77');
    return;
  }
  const { texts, labels } = data;
  const trained = time(() => trainLocalEmbedder(texts));
  const state = trained.value;
  const vectors = localEmbedFunction(state)(texts);
  const throughput = measureEmbedThroughput(state, texts);
  const p10 = precisionAtK(vectors, labels, 10);

  const scores: ClusterScore[] = [];
  const fixed = time(() => clusterVectors(vectors, { k: GOLD_K }));
  scores.push(scoreClusters('k = 77', labels, fixed.value.assignments, fixed.value.k, fixed.ms));
  const auto = time(() => clusterVectors(vectors));
  scores.push(scoreClusters('automatic k', labels, auto.value.assignments, auto.value.k, auto.ms));
  const keywords = themeKeywords(texts, fixed.value.assignments, fixed.value.k, 5);

  const big = quick ? undefined : benchLocalThemes(syntheticFeedback(texts, 50_000));

  console.log(`BANKING77 test split: ${texts.length} texts, ${new Set(labels).size} gold intents; embedder ${localEmbedderName(state)} (trained in ${(trained.ms / 1000).toFixed(1)} s)`);
  console.table(scores);
  console.log(`search precision@10: ${p10.toFixed(4)}`);
  console.log(`embed: ${Math.round(throughput.perCpuSecond)} texts per CPU second on one core (${Math.round(throughput.perWallSecond)} per wall second)`);
  if (big) {
    console.log(`50k synthetic texts: clustering (k = ${big.cluster.k}) + keywords ${(big.themes.cpuMs / 1000).toFixed(1)} s CPU (${(big.themes.wallMs / 1000).toFixed(1)} s wall); training ${(big.train.cpuMs / 1000).toFixed(1)} s CPU; embed ${Math.round(big.embed.perCpuSecond)} texts/CPU-s`);
  }
  console.log('sample themes (k = 77):', keywords.slice(0, 3).map((k) => k.join(' ')).join(' | '));

  mkdirSync(dirname(REPORT), { recursive: true });
  const report = {
    dataset: 'banking77/test.csv',
    texts: texts.length,
    goldK: GOLD_K,
    embedder: localEmbedderName(state),
    trainMs: Math.round(trained.ms),
    clustering: scores,
    automaticK: { k: auto.value.k, selection: auto.value.kSelection },
    precisionAt10: Math.round(p10 * 10_000) / 10_000,
    embedTextsPerCpuSecond: Math.round(throughput.perCpuSecond),
    bench50k: big ?? null,
  };
  writeFileSync(REPORT, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`wrote ${REPORT}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
