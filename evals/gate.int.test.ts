import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../server/db/index.ts';
import type { Planner } from '../server/agent/types.ts';
import { startFakeOpenAI } from '../server/testing/fakeOpenAI.ts';
import { hasSharedData } from '../server/testing/sharedData.ts';
import { runTool } from '../tools/registry.ts';
import { openDataset, type OpenedDataset } from './lib/datasets.ts';
import { runEval } from './lib/evaluate.ts';
import { checkGate, readBaseline } from './lib/gate.ts';
import { formatFailures, formatTable, type EvalReport } from './lib/report.ts';
import { loadCases, type DatasetName } from './lib/schema.ts';

/**
 * The accuracy gate in `npm test`: the golden and paraphrase sets through the offline planner (answerQuestion, as the
 * API runs it) must score at least evals/baseline.json. Runs on PGlite (cached eval datasets, built on first use);
 * with TEST_DATABASE_URL the datasets live on that Postgres server instead. Online Retail cases need the shared data
 * set (mandatory under CI=true).
 */
const opened: OpenedDataset[] = [];
const dbs = new Map<DatasetName, Db>();
let report: EvalReport;

/** A planner that always picks the wrong tool: whatever is asked, it describes the data. */
const wrongToolPlanner: Planner = {
  name: 'offline',
  async ask(question, _conversation, ctx) {
    const started = Date.now();
    const result = await runTool('describe_data', {}, ctx.tools);
    const counts = result.counts as { customers: number };
    return {
      question, language: /[\u4e00-\u9fff]/.test(question) ? 'zh' : 'en', planner: 'offline', kind: 'answer',
      toolCalls: [{ tool: 'describe_data', args: {}, result, ms: Date.now() - started }],
      answer: `The data has ${counts.customers} customers.`, followUps: [], grounded: true,
    };
  },
};

beforeAll(async () => {
  const log = (line: string) => console.warn(`[evals] ${line}`);
  for (const d of ['demo', 'online_retail'] as const) {
    if (d === 'online_retail' && !hasSharedData('online_retail', 'online_retail.csv.gz')) continue;
    const o = await openDataset(d, { databaseUrl: process.env.TEST_DATABASE_URL, log });
    log(`${d}: ${o.origin} in ${(o.ms / 1000).toFixed(1)} s`);
    opened.push(o);
    dbs.set(d, o.db);
  }
  report = await runEval({ planner: 'offline', dbs });
  for (const [set, s] of Object.entries(report.sets)) if (s) log(`\n${formatTable(set, s.summary)}\n${formatFailures(s.results, 15)}`);
}, 20 * 60_000);

afterAll(async () => {
  for (const o of opened) await o.close();
});

describe('eval expectations', () => {
  it('every expectation query ran on the datasets and returned a sensible number', () => {
    const numbers = Object.values(report.sets).flatMap((s) => s!.results.flatMap((r) => r.numbers.map((n) => ({ id: r.id, ...n }))));
    expect(numbers.length).toBeGreaterThan(250);
    for (const n of numbers) {
      expect(n.expected, `${n.id}: ${n.label}`).not.toBeNull();
      const v = n.expected!;
      if (/change/.test(n.label)) expect(Math.abs(v), `${n.id}: ${n.label}`).toBeLessThan(5);
      else if (/retention|conversion|share|rate/.test(n.label)) expect(v > 0 && v <= 1, `${n.id}: ${n.label} = ${v}`).toBe(true);
      else expect(v, `${n.id}: ${n.label}`).toBeGreaterThan(0);
    }
  });

  it('reproduce the demo numbers documented in docs/demo-data.md (seed 42, 5,000 customers)', () => {
    const value = (id: string, label: string) => report.sets.golden!.results.find((r) => r.id === id)!.numbers.find((n) => n.label === label)!.expected;
    expect(value('demo-kpi-en-02', 'orders Sep 2026')).toBe(2226); // "Orders per month … 2026-09 2,226"
    expect(value('demo-fu-en-02', 'orders Oct')).toBe(2752); // "2026-10 2,752"
    expect(value('demo-dsc-en-01', 'customers')).toBe(5000);
    expect(value('demo-dsc-en-02', 'orders')).toBe(51681); // "51,681 orders + 1,727 returns"
    expect(value('demo-clv-en-01', 'customers scored')).toBe(4106); // customer_summary rows = customers with orders
  });
});

describe('accuracy gate (offline planner)', () => {
  it('scores at least the baseline in evals/baseline.json', () => {
    expect(checkGate(report, readBaseline())).toEqual([]);
  });

  it('every answer is grounded', () => {
    expect(report.sets.golden!.summary.overall.groundedRate).toBe(1);
  });

  it('fails for a planner that picks the wrong tool', async () => {
    // every 4th golden case keeps the check quick while covering both languages and datasets
    const broken = await runEval({ planner: wrongToolPlanner, dbs, sets: ['golden'], select: (_c, i) => i % 4 === 0 });
    const problems = checkGate(broken, { planner: 'offline', golden: readBaseline().golden });
    expect(broken.sets.golden!.summary.overall.toolAccuracy).toBeLessThan(0.1);
    expect(problems.some((p) => p.startsWith('golden: accuracy'))).toBe(true);
    expect(problems.some((p) => p.startsWith('golden: English accuracy'))).toBe(true);
    expect(problems.some((p) => p.startsWith('golden: Chinese accuracy'))).toBe(true);
  });
});

describe('LLM planner path (scripted OpenAI-compatible server, as in CI)', () => {
  it('runs a golden case through the LLM planner and scores its tool, arguments and number', async () => {
    const fake = await startFakeOpenAI();
    const llm = { baseUrl: fake.url, apiKey: 'test', model: 'scripted', maxRetries: 0 };
    try {
      const c = loadCases('golden').find((x) => x.id === 'demo-kpi-en-01')!;
      const { rows } = await dbs.get('demo')!.query<{ v: number }>(`SELECT (${c.expect.numbers[0]!.sql}) AS v`);
      const revenue = Number(rows[0]!.v);
      fake.script([
        { toolCalls: [{ name: 'kpi_trend', arguments: { metric: 'revenue', grain: 'month', from: '2026-10-01', to: '2026-10-31' } }] },
        { content: `Revenue in October 2026 was ${revenue.toLocaleString('en-US')} USD.` },
      ]);
      const good = await runEval({ planner: 'llm', llm, dbs, sets: ['golden'], filter: 'id=demo-kpi-en-01' });
      expect(good.planner).toBe('llm');
      expect(good.sets.golden!.results.map((r) => [r.id, r.error ?? null, r.answer, r.pass, r.grounded])).toEqual([
        ['demo-kpi-en-01', null, `Revenue in October 2026 was ${revenue.toLocaleString('en-US')} USD.`, true, true],
      ]);

      // a model that picks the wrong tool and states a number no tool returned fails the case
      fake.script([{ toolCalls: [{ name: 'rfm_analysis', arguments: {} }] }, { content: 'Revenue in October 2026 was 1,234,567 USD.' }]);
      const bad = (await runEval({ planner: 'llm', llm, dbs, sets: ['golden'], filter: 'id=demo-kpi-en-01' })).sets.golden!.results[0]!;
      expect([bad.pass, bad.toolOk, bad.numbersOk]).toEqual([false, false, false]);
    } finally {
      await fake.close();
    }
  });
});
