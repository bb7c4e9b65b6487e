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
  async function earlierDay(slots: Record<string, unknown>): Promise<unknown> {
    const calls: Record<string, unknown>[] = [];
    const caller = { calls: [], call: async (_tool: string, args: Record<string, unknown>) => (calls.push(args), { result: tiers(calls.length === 1 ? 20 : 10) }) } as unknown as ToolCaller;
    await answerRfm({ lang: 'en', slots: { filter: { rfm_tier: 'Champions' }, ...slots }, caller, values: { country: [], channel: [], category: [], segment: [], currency: null }, today: '2026-11-01', role: 'analyst' });
    return calls[1]?.asOf;
  }
  it('three months back by default, a year back when "compared to last year" is asked', async () => {
    expect(await earlierDay({ change: 'down' })).toBe('2026-08-01');
    expect(await earlierDay({ mode: 'compare', yearAgo: true })).toBe('2025-11-01');
  });
});
