import type { Db } from '../../server/db/index.ts';
import type { LlmSettings } from '../../server/agent/llm/planner.ts';
import type { Planner, PlannerName } from '../../server/agent/types.ts';
import { datasetAvailable, openDataset, type OpenedDataset } from './datasets.ts';
import { resolvePlanner } from './planners.ts';
import type { EvalReport } from './report.ts';
import { ExpectationCache, runCases, type CaseResult } from './runner.ts';
import { loadCases, type DatasetName, type EvalCase, type SetName } from './schema.ts';
import { summarize } from './summary.ts';

/**
 * `--filter`: comma-separated conditions, all of which must hold: key=value for id, dataset, language (or lang),
 * kind, tool, tag; a bare word matches anywhere in the id.
 */
export function parseFilter(filter: string | undefined): (c: EvalCase) => boolean {
  if (!filter) return () => true;
  const tests = filter.split(',').map((part) => part.trim()).filter(Boolean).map((part) => {
    const eq = part.indexOf('=');
    if (eq < 0) return (c: EvalCase) => c.id.includes(part);
    const [key, value] = [part.slice(0, eq).trim(), part.slice(eq + 1).trim()];
    const get: Record<string, (c: EvalCase) => string[]> = {
      id: (c) => [c.id], dataset: (c) => [c.dataset], language: (c) => [c.language], lang: (c) => [c.language],
      kind: (c) => [c.kind], tool: (c) => [c.expect.tool ?? ''], tag: (c) => c.tags,
    };
    const field = get[key];
    if (!field) throw new Error(`--filter: unknown key "${key}" (id, dataset, language, kind, tool, tag)`);
    return (c: EvalCase) => field(c).some((v) => (key === 'id' ? v.includes(value) : v === value));
  });
  return (c) => tests.every((t) => t(c));
}

export interface EvalOptions {
  planner: PlannerName | Planner;
  sets?: readonly SetName[];
  filter?: string;
  /** Further narrowing by code (tests): keep a case when this returns true. */
  select?: (c: EvalCase, index: number) => boolean;
  databaseUrl?: string;
  /** Already-open databases (tests); otherwise the cached datasets are opened and closed here. */
  dbs?: ReadonlyMap<DatasetName, Db>;
  /** LLM endpoint for planner 'llm' (default: from LLM_BASE_URL etc.). */
  llm?: LlmSettings;
  log?: (line: string) => void;
  onResult?: (r: CaseResult) => void;
}

export async function runEval(opts: EvalOptions): Promise<EvalReport> {
  const sets = opts.sets ?? ['golden', 'paraphrases'];
  const keep = parseFilter(opts.filter);
  const planner = resolvePlanner(opts.planner, opts.llm);
  const casesBySet = new Map(sets.map((s) => [s, loadCases(s).filter(keep).filter((c, i) => opts.select?.(c, i) ?? true)]));
  const needed = new Set([...casesBySet.values()].flat().map((c) => c.dataset));
  const opened: OpenedDataset[] = [];
  const dbs = new Map<DatasetName, Db>(opts.dbs ?? []);
  const datasets: EvalReport['datasets'] = {};
  try {
    for (const d of needed) {
      if (dbs.has(d)) continue;
      if (!datasetAvailable(d)) {
        opts.log?.(`skipping ${d} cases: its data file is missing`);
        continue;
      }
      const o = await openDataset(d, { databaseUrl: opts.databaseUrl, log: opts.log });
      opts.log?.(`${d}: ${o.origin} in ${(o.ms / 1000).toFixed(1)} s`);
      opened.push(o);
      dbs.set(d, o.db);
      datasets[d] = { origin: o.origin, ms: o.ms };
    }
    const expectations = new ExpectationCache(dbs);
    const report: EvalReport = {
      startedAt: new Date().toISOString(),
      planner: planner.name,
      driver: [...dbs.values()][0]?.driver ?? 'none',
      datasets,
      filter: opts.filter ?? null,
      sets: {},
    };
    for (const [set, cases] of casesBySet) {
      const runnable = cases.filter((c) => dbs.has(c.dataset));
      const results = await runCases(runnable, { ask: planner.ask, dbs, expectations, set, onResult: opts.onResult });
      report.sets[set] = { summary: summarize(results), results };
    }
    return report;
  } finally {
    for (const o of opened) await o.close();
  }
}
