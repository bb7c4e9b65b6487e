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
