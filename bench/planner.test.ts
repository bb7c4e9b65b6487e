import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AnswerPayload } from '../server/agent/types.ts';
import type { Db } from '../server/db/index.ts';
import { ExpectationCache, runCase } from '../evals/lib/runner.ts';
import { caseSchema } from '../evals/lib/schema.ts';
import { PLANNER_END, PLANNER_START, plannerSection, plannerStatus, plannerTimings, type PlannerBenchResult } from './planner.ts';
import { END, replaceSection, START } from './report.ts';

const MARKERS = { start: PLANNER_START, end: PLANNER_END, before: START };

afterEach(() => vi.restoreAllMocks());

describe('planner latency arithmetic', () => {
  it('subtracts the tools\' own ms from each turn\'s wall time (the eval runner the bench reuses)', async () => {
    // A virtual clock: the fake planner advances it by a scripted wall time per turn and reports scripted tool times.
    let now = 1000;
    vi.spyOn(performance, 'now').mockImplementation(() => now);
    const script = [
      { wall: 120, tools: [30, 50] }, // 120 − 80 = 40 ms outside tools
      { wall: 20, tools: [25] }, // tools report more than the wall (timer granularity): clamped to 0
      { wall: 300, tools: [] }, // no tool: all 300 ms are the planner's
    ];
    let turn = 0;
    const ask = async (question: string): Promise<AnswerPayload> => {
      const step = script[turn++]!;
      now += step.wall;
      return {
        question, language: 'en', planner: 'offline', kind: 'clarify', answer: 'Which period?', followUps: [], grounded: true,
        toolCalls: step.tools.map((ms) => ({ tool: 'kpi_trend', args: {}, result: {}, ms })),
      };
    };
    const c = caseSchema.parse({
      id: 'bench-planner-t', dataset: 'demo', language: 'en', kind: 'clarify', today: '2026-11-01',
      turns: ['one', 'two', 'three'], expect: { behaviour: 'clarify' },
    });
    const dbs = new Map([['demo' as const, {} as Db]]);
    const r = await runCase(c, { ask, dbs, expectations: new ExpectationCache(dbs), set: 'golden' });
    expect(r.error).toBeUndefined();
    expect(r.latencyMs).toEqual([120, 20, 300]);
    expect(r.plannerMs).toEqual([40, 0, 300]);
  });

  it('takes nearest-rank p50/p95 over every question of every case, with and without tools', () => {
    // 20 questions over 3 cases; total = i × 10 ms, outside tools = i ms (i = 1..20), spread unevenly and unsorted.
    const ids = Array.from({ length: 20 }, (_, k) => 20 - k);
    const results = [ids.slice(0, 3), ids.slice(3, 4), ids.slice(4)].map((part) => ({
      latencyMs: part.map((i) => i * 10),
      plannerMs: part.map((i) => i),
    }));
    const t = plannerTimings(results);
    expect(t.cases).toBe(3);
    expect(t.questions).toBe(20);
    // nearest rank: p50 = ceil(0.5·20) = 10th smallest, p95 = ceil(0.95·20) = 19th smallest
    expect(t.total).toMatchObject({ n: 20, p50: 100, p95: 190 });
    expect(t.excludingTools).toMatchObject({ n: 20, p50: 10, p95: 19 });
    // 7 samples: p95 = ceil(6.65) = 7th = the maximum; p50 = ceil(3.5) = 4th
    const seven = plannerTimings([{ latencyMs: [5, 1, 7, 3, 2, 6, 4], plannerMs: [5, 1, 7, 3, 2, 6, 4] }]);
    expect(seven.excludingTools).toMatchObject({ p50: 4, p95: 7 });
  });

  it('meets the target only below 300 ms p95 excluding tools', () => {
    const at = (ms: number) => plannerTimings([{ latencyMs: [ms + 1000], plannerMs: [ms] }]);
    expect(plannerStatus(at(299.9))).toBe('✓');
    expect(plannerStatus(at(300))).toMatch(/^✗/);
  });
});

describe('planner section in docs/benchmarks.md', () => {
  const result: PlannerBenchResult = {
    date: '2026-11-30T20:00:00.000Z', cores: 2, load: { start: 9, mean: 10.5, max: 12 },
    runs: [{
      driver: 'pglite', cases: 3, questions: 5, passed: 3, errors: [], dataset: { origin: 'cached', ms: 1000 }, slowest: [{ id: 'a', ms: 350 }],
      total: { n: 5, p50: 120, p95: 900 }, excludingTools: { n: 5, p50: 40, p95: 350 },
    }],
  };

  it('renders the numbers, the load and the missed target', () => {
    const s = plannerSection(result);
    expect(s).toContain('mean 10.50, max 12.00');
    expect(s).toContain('| PGlite | 3 | 5 | 120 ms | 900 ms | 40.0 ms | 350 ms | 3/3 | ✗ p95 ≥ 300 ms |');
    expect(s.endsWith('slowest outside tools: a 350 ms')).toBe(true);
  });

  it('goes just above the tools section when absent, then replaces only itself', () => {
    const doc = `# Benchmarks\n\n## Import\n\ntext\n\n${START}\ntools v1\n${END}\n\n## Later\n`;
    const first = replaceSection(doc, 'planner v1', MARKERS);
    expect(first).toBe(`# Benchmarks\n\n## Import\n\ntext\n\n${PLANNER_START}\nplanner v1\n${PLANNER_END}\n\n${START}\ntools v1\n${END}\n\n## Later\n`);
    const second = replaceSection(first, 'planner v2', MARKERS);
    expect(second).toBe(first.replace('planner v1', 'planner v2'));
    // the tools writer (default markers) leaves the planner section alone, and vice versa
    const third = replaceSection(second, 'tools v2', { start: START, end: END });
    expect(third).toBe(second.replace('tools v1', 'tools v2'));
    // no tools section either: appended at the end
    expect(replaceSection('# B\n', 'p', MARKERS)).toBe(`# B\n\n${PLANNER_START}\np\n${PLANNER_END}\n`);
  });
});
