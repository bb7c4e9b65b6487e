import { describe, expect, it } from 'vitest';
import type { CaseResult } from './runner.ts';
import { checkGate, raiseBaseline, type Baseline } from './gate.ts';
import { summarize } from './summary.ts';

/** n cases of a language, `passed` of them passing; clarify cases when behaviour is given. */
function results(language: 'en' | 'zh', n: number, passed: number, behaviour: 'answer' | 'clarify' = 'answer'): CaseResult[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `${language}-${behaviour}-${i}`, set: 'golden', dataset: 'demo', language, kind: behaviour === 'answer' ? 'kpi_period' : 'clarify', tags: [],
    expectedTool: behaviour === 'answer' ? 'kpi_trend' : null,
    behaviour: { expected: behaviour, actual: i < passed ? behaviour : 'answer', ok: i < passed || behaviour === 'answer' },
    toolOk: behaviour === 'answer' ? i < passed : null, argsOk: null, argIssues: [], numbers: [], numbersOk: null,
    grounded: behaviour === 'answer' ? true : null, pass: i < passed, latencyMs: [1], plannerMs: [1], answer: '', calls: [],
  }));
}
const report = (r: CaseResult[]) => ({ sets: { golden: { summary: summarize(r), results: r } } });
const baseline: Baseline = { planner: 'offline', golden: { overall: 0.9, en: 0.85, zh: 0.85, clarifyRefuse: 0.9, grounded: 1 } };

describe('regression gate', () => {
  it('passes at or above every floor', () => {
    const r = [...results('en', 50, 46), ...results('zh', 40, 36), ...results('zh', 10, 10, 'clarify')];
    // overall 92/100, en 0.92, zh 46/50 = 0.92, clarify 1.0, grounded 1.0
    expect(checkGate(report(r), baseline)).toEqual([]);
    // exactly at the floor passes
    expect(checkGate(report([...results('en', 20, 18), ...results('zh', 20, 18)]), { planner: 'offline', golden: { overall: 0.9, en: 0.9, zh: 0.9 } })).toEqual([]);
  });

  it('names each figure that fell below its floor', () => {
    const r = [...results('en', 50, 49), ...results('zh', 50, 41)]; // overall 0.90, en 0.98, zh 0.82
    expect(checkGate(report(r), baseline)).toEqual([
      'golden: Chinese accuracy 82.0% is below the baseline 85.0%',
      'golden: clarify/refuse correctness not measured (baseline 90.0%)',
    ]);
    const worse = [...results('en', 50, 40), ...results('zh', 50, 44), ...results('en', 10, 8, 'clarify')]; // en 48/60
    expect(checkGate(report(worse), baseline)).toEqual([
      'golden: accuracy 83.6% is below the baseline 90.0%', // 92 of 110
      'golden: English accuracy 80.0% is below the baseline 85.0%',
      'golden: clarify/refuse correctness 80.0% is below the baseline 90.0%',
    ]);
  });

  it('the baseline only moves up', () => {
    const better = report([...results('en', 10, 10), ...results('zh', 10, 9)]); // overall 0.95, en 1, zh 0.9
    const raised = raiseBaseline(baseline, better, new Date('2026-11-30T00:00:00Z'));
    expect(raised.golden).toEqual({ overall: 0.95, en: 1, zh: 0.9, clarifyRefuse: 0.9, grounded: 1 });
    expect(raised.updatedAt).toBe('2026-11-30T00:00:00.000Z');
    const worse = report([...results('en', 10, 5), ...results('zh', 10, 5)]);
    expect(raiseBaseline(raised, worse).golden).toEqual(raised.golden);
    // floored, so a rerun of the same planner meets its own baseline
    const third = report([...results('en', 3, 2)]);
    expect(raiseBaseline({ planner: 'offline', golden: { overall: 0 } }, third).golden.overall).toBe(0.6666);
    expect(checkGate(third, raiseBaseline({ planner: 'offline', golden: { overall: 0 } }, third))).toEqual([]);
  });
});
