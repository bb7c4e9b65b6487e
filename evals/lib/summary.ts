import type { CaseResult } from './runner.ts';
import { percentile as nearestRank } from '../../bench/harness.ts';

/** Accuracy figures for a group of case results. Rates are fractions 0..1, or null when no case applies. */
export interface Metrics {
  cases: number;
  passed: number;
  /** case passes = behaviour, tool, key arguments and numbers all right */
  accuracy: number | null;
  toolAccuracy: number | null;
  argAccuracy: number | null;
  numberAccuracy: number | null;
  /** answer/clarify/refuse as expected, over every case */
  behaviourAccuracy: number | null;
  /** over the cases that expect a clarifying question or a refusal */
  clarifyRefuseAccuracy: number | null;
  /** answers whose every number traces to a tool result */
  groundedRate: number | null;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  /** latency minus time spent in tools */
  plannerP95Ms: number | null;
}

const rate = (xs: (boolean | null)[]): number | null => {
  const applicable = xs.filter((x): x is boolean => x !== null);
  return applicable.length ? applicable.filter(Boolean).length / applicable.length : null;
};

/** Nearest-rank percentile of unsorted samples (the bench's definition), null when there are none. */
export function percentile(values: readonly number[], p: number): number | null {
  return values.length ? nearestRank([...values].sort((a, b) => a - b), p) : null;
}

export function metricsOf(results: readonly CaseResult[]): Metrics {
  const latencies = results.flatMap((r) => r.latencyMs);
  const plannerTimes = results.flatMap((r) => r.plannerMs);
  const round = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);
  return {
    cases: results.length,
    passed: results.filter((r) => r.pass).length,
    accuracy: rate(results.map((r) => r.pass)),
    toolAccuracy: rate(results.map((r) => r.toolOk)),
    argAccuracy: rate(results.map((r) => r.argsOk)),
    numberAccuracy: rate(results.map((r) => r.numbersOk)),
    behaviourAccuracy: rate(results.map((r) => r.behaviour.ok)),
    clarifyRefuseAccuracy: rate(results.map((r) => (r.behaviour.expected === 'answer' ? null : r.behaviour.ok))),
    groundedRate: rate(results.map((r) => r.grounded)),
    latencyP50Ms: round(percentile(latencies, 0.5)),
    latencyP95Ms: round(percentile(latencies, 0.95)),
    plannerP95Ms: round(percentile(plannerTimes, 0.95)),
  };
}

function groupBy(results: readonly CaseResult[], key: (r: CaseResult) => string): Record<string, Metrics> {
  const groups = new Map<string, CaseResult[]>();
  for (const r of results) groups.set(key(r), [...(groups.get(key(r)) ?? []), r]);
  return Object.fromEntries([...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, metricsOf(v)]));
}

export interface SetSummary {
  overall: Metrics;
  byLanguage: Record<string, Metrics>;
  byTool: Record<string, Metrics>;
  byKind: Record<string, Metrics>;
  byDataset: Record<string, Metrics>;
}

export function summarize(results: readonly CaseResult[]): SetSummary {
  return {
    overall: metricsOf(results),
    byLanguage: groupBy(results, (r) => r.language),
    byTool: groupBy(results, (r) => r.expectedTool ?? `(${r.behaviour.expected})`),
    byKind: groupBy(results, (r) => r.kind),
    byDataset: groupBy(results, (r) => r.dataset),
  };
}
