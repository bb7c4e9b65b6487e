/**
 * Planner latency (issue 6 acceptance: offline planner answer p95 < 300 ms on the demo data, excluding tool time).
 *
 * Every golden case of the demo dataset (every turn of each conversation) goes through the offline planner by the
 * eval runner itself (evals/lib/evaluate.ts → runner.ts → answerQuestion, the API's path), on the cached eval
 * database (evals/lib/datasets.ts). The runner times each turn (wall) and subtracts the tools' own ms
 * (plannerMs = wall − Σ toolCalls[].ms); here those per-turn samples become p50/p95 (nearest rank).
 *
 * Alone: `npx tsx bench/planner.ts [--drivers pglite,postgres] [--out docs/benchmarks.md | -]`.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DriverName } from '../server/db/types.ts';
import { openDataset } from '../evals/lib/datasets.ts';
import { runEval } from '../evals/lib/evaluate.ts';
import type { CaseResult } from '../evals/lib/runner.ts';
import { fmtMs, summarize, type Timing } from './harness.ts';
import { replaceSection } from './report.ts';

export const PLANNER_TARGET_P95_MS = 300;
export const PLANNER_START = '<!-- bench:planner:start -->';
export const PLANNER_END = '<!-- bench:planner:end -->';
/** A missing planner section goes just above the tools section. */
const TOOLS_START = '<!-- bench:tools:start -->';
const DEMO_GOLDEN = 'dataset=demo';

export interface PlannerTimings {
  cases: number;
  /** turns asked (a conversation case asks 2–3) */
  questions: number;
  /** wall time per question, tools included */
  total: Timing;
  /** wall time minus the tools' own time, per question */
  excludingTools: Timing;
}

/** Per-question samples of the runner's results → p50/p95 with and without tool time. */
export function plannerTimings(results: readonly Pick<CaseResult, 'latencyMs' | 'plannerMs'>[]): PlannerTimings {
  return {
    cases: results.length,
    questions: results.reduce((n, r) => n + r.latencyMs.length, 0),
    total: summarize(results.flatMap((r) => r.latencyMs)),
    excludingTools: summarize(results.flatMap((r) => r.plannerMs)),
  };
}

export interface PlannerDriverRun extends PlannerTimings {
  driver: DriverName;
  passed: number;
  /** cases whose run threw (their turns before the error are still timed) */
  errors: string[];
  dataset: { origin: 'built' | 'cached'; ms: number };
  /** the five slowest questions by time outside tools: where to look first */
  slowest: { id: string; ms: number }[];
}

export interface PlannerBenchResult {
  date: string;
  cores: number;
  load: { start: number; mean: number; max: number };
  runs: PlannerDriverRun[];
}

export interface PlannerBenchOptions {
  drivers: readonly DriverName[];
  /** Postgres server for the eval database (kept there, as `sightline eval` does); default TEST_DATABASE_URL. */
  postgresUrl?: string;
  log?: (line: string) => void;
}

async function runOnDriver(driver: DriverName, opts: PlannerBenchOptions): Promise<PlannerDriverRun> {
  const log = opts.log ?? (() => {});
  const databaseUrl = driver === 'postgres' ? (opts.postgresUrl ?? process.env.TEST_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test') : undefined;
  const opened = await openDataset('demo', { databaseUrl, log });
  log(`planner (${driver}): demo dataset ${opened.origin} in ${(opened.ms / 1000).toFixed(1)} s`);
  try {
    const dbs = new Map([['demo' as const, opened.db]]);
    // One untimed case first (module loading, JIT, query plans), as the tool bench does one warm-up per tool.
    await runEval({ planner: 'offline', sets: ['golden'], filter: DEMO_GOLDEN, dbs, select: (_c, i) => i === 0 });
    const report = await runEval({ planner: 'offline', sets: ['golden'], filter: DEMO_GOLDEN, dbs });
    const results = report.sets.golden?.results ?? [];
    const timings = plannerTimings(results);
    log(`planner (${driver}): ${timings.questions} questions, excluding tools p50 ${fmtMs(timings.excludingTools.p50)}, p95 ${fmtMs(timings.excludingTools.p95)}`);
    const slowest = results
      .map((r) => ({ id: r.id, ms: Math.max(...r.plannerMs, 0) }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 5);
    return {
      driver, ...timings, passed: results.filter((r) => r.pass).length,
      errors: results.flatMap((r) => (r.error ? [`${r.id}: ${r.error}`] : [])),
      dataset: { origin: opened.origin, ms: opened.ms }, slowest,
    };
  } finally {
    await opened.close();
  }
}

export async function runPlannerBench(opts: PlannerBenchOptions): Promise<PlannerBenchResult> {
  const start = loadavg()[0]!;
  const samples: number[] = [];
  const sampler = setInterval(() => samples.push(loadavg()[0]!), 5_000).unref();
  try {
    const runs: PlannerDriverRun[] = [];
    for (const driver of opts.drivers) runs.push(await runOnDriver(driver, opts));
    const all = samples.length ? samples : [loadavg()[0]!];
    return {
      date: new Date().toISOString(), cores: cpus().length, runs,
      load: { start, mean: all.reduce((a, b) => a + b, 0) / all.length, max: Math.max(...all) },
    };
  } finally {
    clearInterval(sampler);
  }
}

const NAMES: Record<DriverName, string> = { pglite: 'PGlite', postgres: 'Postgres' };

export function plannerStatus(run: PlannerTimings): string {
  return run.excludingTools.p95 < PLANNER_TARGET_P95_MS ? '✓' : `✗ p95 ≥ ${PLANNER_TARGET_P95_MS} ms`;
}

/** Failed cases, grouped by message; a failing turn is not timed, so they are counted here. */
function errorNotes(x: PlannerDriverRun): string[] {
  const byMessage = new Map<string, string[]>();
  for (const e of x.errors) {
    const at = e.indexOf(': ');
    byMessage.set(e.slice(at + 2), [...(byMessage.get(e.slice(at + 2)) ?? []), e.slice(0, at)]);
  }
  return [...byMessage].map(([msg, ids]) => `- ${NAMES[x.driver]}: ${ids.length} case(s) failed (failing turn not timed): ${msg} — ${ids.join(', ')}`);
}

export function plannerSection(r: PlannerBenchResult): string {
  const rows = r.runs.map((x) =>
    `| ${NAMES[x.driver]} | ${x.cases} | ${x.questions} | ${fmtMs(x.total.p50)} | ${fmtMs(x.total.p95)} | ${fmtMs(x.excludingTools.p50)} | ${fmtMs(x.excludingTools.p95)} | ${x.passed}/${x.cases} | ${plannerStatus(x)} |`);
  const notes = r.runs.flatMap((x) => [
    `- ${NAMES[x.driver]}: demo dataset ${x.dataset.origin} in ${(x.dataset.ms / 1000).toFixed(1)} s; slowest outside tools: ${x.slowest.map((s) => `${s.id} ${fmtMs(s.ms)}`).join(', ')}`,
    ...errorNotes(x),
  ]);
  return [
    '## Planner',
    '',
    `Generated by \`npx tsx bench/planner.ts\` (or \`sightline bench\`, bench/README.md) on ${r.date.slice(0, 16).replace('T', ' ')} UTC, ${r.cores} cores. ` +
      `1-minute load average during the run: mean ${r.load.mean.toFixed(2)}, max ${r.load.max.toFixed(2)} (${r.load.start.toFixed(2)} at the start); other work on the machine inflates timings.`,
    '',
    'Every golden case of the demo dataset (5,000 customers, seed 42), every turn, through the offline planner via the eval runner ' +
      '(`answerQuestion`, grounding included) after one warm-up case. "Excluding tools" = wall time minus the tool calls\' own ms, per question; ' +
      `p95 = nearest rank. Target (issue 6): p95 excluding tools < ${PLANNER_TARGET_P95_MS} ms.`,
    '',
    '| Driver | cases | questions | p50 total | p95 total | p50 excl. tools | p95 excl. tools | cases passed | target met? |',
    `|${' --- |'.repeat(9)}`,
    ...rows,
    '',
    ...notes,
  ].join('\n');
}

/** Replace only the planner section (read right before writing: other sections may be rewritten concurrently). */
export function writePlannerReport(path: string, r: PlannerBenchResult): void {
  const current = existsSync(path) ? readFileSync(path, 'utf8') : null;
  writeFileSync(path, replaceSection(current, plannerSection(r), { start: PLANNER_START, end: PLANNER_END, before: TOOLS_START }));
}

async function main(argv: string[]): Promise<void> {
  const { parseDrivers } = await import('./index.ts');
  const arg = (name: string, fallback: string) => {
    const i = argv.indexOf(name);
    return i >= 0 && argv[i + 1] ? argv[i + 1]! : fallback;
  };
  const out = arg('--out', 'docs/benchmarks.md');
  const result = await runPlannerBench({ drivers: parseDrivers(arg('--drivers', 'pglite')), log: (l) => console.error(l) });
  console.log(plannerSection(result));
  if (out !== '-') {
    writePlannerReport(resolve(out), result);
    console.error(`written to ${out}`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(() => process.exit(0), (err) => {
    console.error((err as Error).message);
    process.exit(1);
  });
}
