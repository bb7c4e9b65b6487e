import type { Db } from '../server/db/index.ts';
import { fixedClock } from '../tools/lib/clock.ts';
import { rfmSql } from '../tools/lib/rfm.ts';
import { runTool, TOOL_FACTORIES } from '../tools/registry.ts';
import type { ToolContext } from '../tools/types.ts';
import { casesFor, type BenchCase } from './cases.ts';
import { BENCH_TODAY } from './shop.ts';

export interface Timing {
  /** Timed calls (after one warm-up). */
  n: number;
  p50: number;
  p95: number;
  /** The warm-up or a timed call failed: its message (timings of calls before it are kept). */
  error?: string;
}

/** Nearest-rank percentile of ascending samples (no interpolation: with 20 calls p95 is the 19th fastest). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

export function summarize(samples: readonly number[], error?: string): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95), ...(error ? { error } : {}) };
}

/**
 * Time one case may take: a call slower than budget ÷ repeats is timed fewer times (at least 3), so one slow tool
 * cannot stretch a run by an hour. The report lists cases timed fewer times than asked.
 */
export const CASE_BUDGET_MS = 60_000;

/** One untimed warm-up (plans, caches, JIT), then `repeats` timed calls; the last result is kept for cross-checks. */
export async function timeCalls<T>(fn: () => Promise<T>, repeats: number, budgetMs = CASE_BUDGET_MS): Promise<{ timing: Timing; last?: T }> {
  const samples: number[] = [];
  let last: T | undefined;
  try {
    const warm = performance.now();
    last = await fn();
    const warmMs = performance.now() - warm;
    const n = warmMs * repeats > budgetMs ? Math.min(repeats, Math.max(3, Math.floor(budgetMs / warmMs))) : repeats;
    for (let i = 0; i < n; i++) {
      const started = performance.now();
      last = await fn();
      samples.push(performance.now() - started);
    }
    return { timing: summarize(samples), last };
  } catch (err) {
    return { timing: summarize(samples, (err as Error).message.split('\n')[0]) };
  }
}

export interface CaseResult {
  label: string;
  tool: string;
  args: Record<string, unknown>;
  duck?: string;
  timing: Timing;
  /** The tool's last output, kept only for cases with a DuckDB counterpart (to check both answer alike). */
  result?: Record<string, unknown>;
}

export function benchContext(db: Db): ToolContext {
  return { db, clock: fixedClock(BENCH_TODAY), role: 'analyst' };
}

export function registeredTools(ctx: ToolContext): string[] {
  return TOOL_FACTORIES.map((factory) => factory(ctx).name);
}

/** Every case for the registered tools, through runTool (argument and output validation + audit row included). */
export async function timeTools(
  db: Db,
  opts: { repeats: number; cases?: readonly BenchCase[]; log?: (line: string) => void },
): Promise<CaseResult[]> {
  const ctx = benchContext(db);
  const cases = opts.cases ?? casesFor(registeredTools(ctx));
  const out: CaseResult[] = [];
  for (const c of cases) {
    const repeats = Math.min(opts.repeats, c.maxRepeats ?? Infinity);
    const { timing, last } = await timeCalls(() => runTool(c.tool, c.args, ctx), repeats);
    out.push({ label: c.label, tool: c.tool, args: c.args, ...(c.duck ? { duck: c.duck, result: last } : {}), timing });
    opts.log?.(`  ${c.label}: ${timing.error ? `ERROR ${timing.error}` : `p50 ${fmtMs(timing.p50)} p95 ${fmtMs(timing.p95)}`}`);
  }
  return out;
}

/** RFM tiers as one aggregate over rfmSql: the same question the rfm_analysis tool answers, as plain SQL. */
export const rfmTierCountsSql = (source: 'summary' | 'orders') =>
  `SELECT tier, count(*)::int AS customers, sum(monetary) AS revenue FROM (${rfmSql(source)}) s GROUP BY tier ORDER BY tier`;

export interface RfmPeers {
  scan: Timing;
  summary: Timing;
  tiers?: { tier: string; customers: number }[];
}

/** The summary's gain: the same RFM from a full scan of orders vs from customer_summary. */
export async function timeRfmPeers(db: Db, repeats: number): Promise<RfmPeers> {
  const run = (source: 'summary' | 'orders') => () =>
    db.transaction((q) => q.query<{ tier: string; customers: number }>(rfmTierCountsSql(source), [BENCH_TODAY]), { readOnly: true });
  const scan = await timeCalls(run('orders'), repeats);
  const summary = await timeCalls(run('summary'), repeats);
  return { scan: scan.timing, summary: summary.timing, tiers: scan.last?.rows.map((r) => ({ tier: r.tier, customers: r.customers })) };
}

export const fmtMs = (x: number) => (Number.isNaN(x) ? '—' : x >= 10_000 ? `${(x / 1000).toFixed(1)} s` : `${x >= 100 ? Math.round(x) : x.toFixed(1)} ms`);
