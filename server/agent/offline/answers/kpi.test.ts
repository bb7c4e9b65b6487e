import { describe, expect, it } from 'vitest';
import type { ToolCaller } from '../calls.ts';
import type { Slots } from '../parse.ts';
import { checkGrounding } from '../../grounding.ts';
import { answerKpi } from './kpi.ts';

/** kpi_trend for a scripted caller: `n` products with orders n, n−1, …, and `others` beyond the tool's top values. */
function result(n: number, others: number) {
  const series = (group: string | null, total: number) => ({ group, total, points: [], previous: { from: '2026-09-01', to: '2026-09-30', value: 0, change: total, changePct: null }, best: null, worst: null });
  return {
    grain: 'month', window: { from: '2026-10-01', to: '2026-10-31' }, partialPeriods: [], note: null, ofAll: null, meta: {},
    overall: series(null, 1000), otherGroups: others,
    groups: Array.from({ length: n }, (_, i) => series(`P${i + 1}`, n - i)),
  };
}

async function ask(slots: Partial<Slots>, tool: ReturnType<typeof result>) {
  const calls: Record<string, unknown>[] = [];
  const caller = { calls: [], call: async (_t: string, args: Record<string, unknown>) => (calls.push(args), { result: tool }) } as unknown as ToolCaller;
  const draft = await answerKpi({ lang: 'en', slots: { filter: {}, metric: 'orders', groupBy: 'product', ...slots }, caller, values: { country: [], channel: [], category: [], segment: [], currency: null }, today: '2026-11-01', role: 'analyst' });
  return { draft, args: calls[0]! };
}

describe('a ranked breakdown', () => {
  it('says how many values are not shown only when that count is the tool\'s', async () => {
    // a superlative asks the tool for 20 values and lists 10: 12 returned + 3 beyond; 5 is no tool number (grounding)
    const { draft, args } = await ask({ superlative: 'max' }, result(12, 3));
    expect(args.top).toBe(20);
    expect(draft.answer).toMatch(/^P1 had the highest orders: 12\. .*P10 3 \(more not shown\)\./);
    const grounded = checkGrounding(draft.answer, [{ tool: 'kpi_trend', args, result: result(12, 3), ms: 1 }] as never, { question: 'x', language: 'en' });
    expect(grounded.ungrounded).toEqual([]);
    // a top N asked: the tool returns N, the rest are beyond it
    const top = await ask({ top: 3 }, result(3, 9));
    expect(top.args.top).toBe(3);
    expect(top.draft.answer).toContain('P3 1 (9 more not shown).');
  });
});

describe('month over month (stepChangeSentence)', () => {
  const label = (p: string) => p.slice(0, 7);
  const fmtChange = (v: number) => `${v > 0 ? '+' : ''}${v}`;
  const points = [
    { period: '2026-06-01', value: 0, change: null, changePct: null }, // before the loaded orders
    { period: '2026-07-01', value: 100, change: 100, changePct: null }, // from nothing: left out
    { period: '2026-08-01', value: 80, change: -20, changePct: -0.2 },
    { period: '2026-09-01', value: 120, change: 40, changePct: 0.5 },
    { period: '2026-10-01', value: 60, change: -60, changePct: -0.5 }, // partly covered: left out
  ];
  it('lists each change with its percentage, then the largest rise and fall; skips periods from nothing and partial ones', async () => {
    const { stepChangeSentence } = await import('./kpiPeriods.ts');
    expect(stepChangeSentence('en', points, { grain: 'month', partial: ['2026-10-01'], label, fmtChange, rate: false })).toBe(
      ' Month over month: 2026-08 -20%, 2026-09 +50%; largest rise 2026-09 (+40, +50%); largest fall 2026-08 (-20, -20%).');
    expect(stepChangeSentence('zh', points, { grain: 'month', partial: [], label, fmtChange, rate: false })).toBe(
      '月环比：2026-08 -20%，2026-09 +50%，2026-10 -50%；增幅最大：2026-09（+40, +50%）；降幅最大：2026-10（-60, -50%）。');
    // a rate changes in percentage points: the difference, no relative change
    expect(stepChangeSentence('en', points.slice(0, 4), { grain: 'month', partial: [], label, fmtChange, rate: true })).toBe(
      ' Month over month: 2026-08 -20, 2026-09 +40; largest rise 2026-09 (+40); largest fall 2026-08 (-20).');
    // nothing to compare: no sentence
    expect(stepChangeSentence('en', points.slice(0, 2), { grain: 'month', partial: [], label, fmtChange, rate: false })).toBe('');
  });
});

describe('year over year (yearAgoSentence)', () => {
  const series = (total: number, previous: { from: string; to: string; value: number; change: number; changePct: number | null }) => ({
    grain: 'month', window: { from: '2025-03-01', to: '2025-03-31' }, partialPeriods: [], note: null, ofAll: null, meta: {}, groups: null, otherGroups: 0,
    overall: { group: null, total, points: [], previous, best: null, worst: null },
  });
  async function yoy(slots: Partial<Slots>, ordersFrom: string) {
    const calls: Record<string, unknown>[] = [];
    const describe = { tool: 'describe_data', args: {}, result: { ranges: { orders: { from: ordersFrom, to: '2026-10-31' } } } };
    const caller = {
      calls: [describe],
      call: async (_t: string, args: Record<string, unknown>) => {
        calls.push(args);
        return { result: args.compareWith === 'year_ago'
          ? series(120, { from: '2024-03-01', to: '2024-03-31', value: 100, change: 20, changePct: 0.2 })
          : series(120, { from: '2025-02-01', to: '2025-02-28', value: 90, change: 30, changePct: 0.3333 }) };
      },
    } as unknown as ToolCaller;
    const time = { from: '2025-03-01', to: '2025-03-31', grain: 'month' as const, label: null, matched: 'march 2025' };
    const draft = await answerKpi({ lang: 'en', slots: { filter: {}, metric: 'orders', mode: 'compare', yearAgo: true, time, ...slots }, caller, values: { country: [], channel: [], category: [], segment: [], currency: null }, today: '2026-11-01', role: 'analyst' });
    return { answer: draft.answer, yearAgoCalled: calls.some((a) => a.compareWith === 'year_ago') };
  }
  it('states the tool’s change against the same days a year earlier', async () => {
    const { answer, yearAgoCalled } = await yoy({}, '2024-01-01');
    expect(yearAgoCalled).toBe(true);
    expect(answer).toContain('Year over year: the same days a year earlier (2024-03-01 to 2024-03-31) had 100, so up, a change of +20 (+20%).');
  });
  it('says there is no comparison when the year-ago days are before (or partly before) the loaded orders, or new customers cannot be told apart', async () => {
    const before = await yoy({}, '2024-11-01');
    expect(before.yearAgoCalled).toBe(false);
    expect(before.answer).toContain('No year-over-year comparison: the same days a year earlier (2024-03-01 to 2024-03-31) are not comparable, as they are before the loaded orders (first order 2024-11-01).');
    expect((await yoy({}, '2024-03-15')).answer).toContain('as the loaded orders start inside them');
    const newOnes = await yoy({ metric: 'new_customers' }, '2024-03-01');
    expect(newOnes.answer).toContain('No year-over-year comparison: the orders start on 2024-03-01, so nobody can be told apart as new or returning');
  });
});
