import { describe, expect, it } from 'vitest';
import type { ToolCaller } from '../calls.ts';
import { answerRfm, monthsBefore } from './rfm.ts';

describe('monthsBefore (the earlier day of a tier comparison)', () => {
  it('keeps the day of the month, or takes the shorter month’s last day', () => {
    expect(monthsBefore('2026-11-01', 3)).toBe('2026-08-01');
    expect(monthsBefore('2026-05-31', 3)).toBe('2026-02-28');
    expect(monthsBefore('2024-05-31', 3)).toBe('2024-02-29'); // leap year
    expect(monthsBefore('2026-01-15', 3)).toBe('2025-10-15'); // across a year
  });
});

describe('tier movement: the earlier day compared with', () => {
  const tiers = (champions: number) => ({ tiers: [{ tier: 'Champions', customers: champions, customerShare: champions / 100, revenue: 0, revenueShare: 0 }], asOf: '2026-11-01', meta: {} });
  async function days(slots: Record<string, unknown>, filter: Record<string, string> = { rfm_tier: 'Champions' }) {
    const calls: Record<string, unknown>[] = [];
    const caller = { calls: [], call: async (_tool: string, args: Record<string, unknown>) => (calls.push(args), { result: { ...tiers(calls.length === 1 ? 20 : 10), asOf: args.asOf ?? '2026-11-01' } }) } as unknown as ToolCaller;
    const draft = await answerRfm({ lang: 'en', slots: { filter, ...slots }, caller, values: { country: [], channel: [], category: [], segment: [], currency: null }, today: '2026-11-01', role: 'analyst' });
    return { later: calls[0]?.asOf, earlier: calls[1]?.asOf, answer: draft.answer };
  }
  const earlierDay = async (slots: Record<string, unknown>) => (await days(slots)).earlier;
  it('three months back by default, a year back when "compared to last year" is asked', async () => {
    expect(await earlierDay({ change: 'down' })).toBe('2026-08-01');
    expect(await earlierDay({ mode: 'compare', yearAgo: true })).toBe('2025-11-01');
  });
  it('"compared to last quarter": today against the quarter’s end', async () => {
    const q3 = { from: '2026-07-01', to: '2026-09-30', grain: 'quarter', label: null, matched: 'last quarter' };
    expect(await days({ mode: 'compare', time: q3 })).toMatchObject({ later: undefined, earlier: '2026-09-30' });
  });
  it('customers lost by tier in a quarter: the day before it starts against its last day (today for a period to date), said why', async () => {
    const q3 = { from: '2026-07-01', to: '2026-09-30', grain: 'quarter', label: null, matched: 'last quarter' };
    const lost = await days({ change: 'down', metric: 'lost_customers', time: q3 }, {});
    expect(lost).toMatchObject({ later: '2026-09-30', earlier: '2026-06-30' });
    expect(lost.answer).toContain('Customers lost in a period are not split by tier');
    // the stub's Champions: 10 customers then, 20 now — more in number, so no tier has fewer
    expect(lost.answer).toContain('No tier has fewer customers on 2026-09-30 than on 2026-06-30');
    const ytd = { from: '2026-01-01', to: '2026-11-01', grain: 'year', label: null, matched: 'this year' };
    expect(await days({ change: 'down', metric: 'lost_customers', time: ytd }, {})).toMatchObject({ later: undefined, earlier: '2025-12-31' });
  });
});

describe('two tiers side by side', () => {
  const tier = (name: string, customers: number, revenue: number, avg: [number, number, number] | null) => ({
    tier: name, customers, customerShare: customers / 100, revenue, revenueShare: revenue / 10_000,
    avgRecencyDays: avg?.[0] ?? null, avgFrequency: avg?.[1] ?? null, avgMonetary: avg?.[2] ?? null,
  });
  const RESULT = { asOf: '2026-11-01', customers: 100, revenue: 10_000, meta: {}, tiers: [
    tier('Champions', 10, 5_000, [5, 12, 500]), tier('Loyal', 30, 3_000, [40, 6, 100]), tier('At Risk', 20, 1_500, [200, 4, 75]), tier('New', 0, 0, null),
  ] };
  async function compare(versus: string[]) {
    const calls: string[] = [];
    const caller = { calls: [], call: async (tool: string) => (calls.push(tool), { result: RESULT }) } as unknown as ToolCaller;
    const draft = await answerRfm({ lang: 'en', slots: { filter: {}, versus, mode: 'compare' }, caller, values: { country: [], channel: [], category: [], segment: [], currency: 'USD' }, today: '2026-11-01', role: 'analyst' });
    return { draft, calls };
  }
  it('reads both named tiers from one scoring (no tier movement), in the order asked, an empty tier said so', async () => {
    const { draft, calls } = await compare(['At Risk', 'Champions', 'New']);
    expect(calls).toEqual(['rfm_analysis']);
    expect(draft.answer).toMatch(/^RFM tiers as of 2026-11-01 \(shares of 100 scored customers and their revenue\): At Risk: 20 customers \(20%\), revenue 1,500\.00 USD \(15%\); on average 200 days since the last order, 4 orders and 75\.00 USD each; Champions: 10 customers \(10%\), revenue 5,000\.00 USD \(50%\); on average 5 days since the last order, 12 orders and 500\.00 USD each; New: no customers\./);
    expect(draft.table?.rows.map((r) => r[0])).toEqual(['At Risk', 'Champions', 'New']);
    expect(draft.answer).not.toContain('Loyal');
    // a country beside the tiers is said not to apply (rfm_analysis scores everyone)
    const caller = { calls: [], call: async () => ({ result: RESULT }) } as unknown as ToolCaller;
    const inGermany = await answerRfm({ lang: 'en', slots: { filter: { country: 'Germany' }, versus: ['Champions', 'At Risk'], mode: 'compare' }, caller, values: { country: [], channel: [], category: [], segment: [], currency: 'USD' }, today: '2026-11-01', role: 'analyst' });
    expect(inGermany.answer).toContain('Tiers are scored over all customers: country Germany is not applied.');
  });
});
