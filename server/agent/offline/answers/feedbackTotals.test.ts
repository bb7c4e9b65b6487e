import { describe, expect, it } from 'vitest';
import type { ToolCaller } from '../calls.ts';
import type { Slots } from '../parse.ts';
import { answerSearch } from './feedback.ts';

/** search_feedback without a query (only the fields the answers read), for a scripted caller. */
const month = (m: string, feedback: number, lowRated: number, rated: number, avgRating: number | null) => ({
  month: m, mentions: feedback, feedback, lowRated, rated, share: 1, lowRatedShare: rated ? lowRated / rated : null, avgRating,
});
const BY_MONTH = [month('2026-09', 40, 10, 40, 3.5), month('2026-10', 60, 30, 50, 2.8)];
const TOTALS = {
  terms: [], mentions: 100, feedback: 100, lowRated: 40, rated: 90, share: 1, lowRatedShare: 40 / 90, avgRating: 3.11, byMonth: BY_MONTH,
  trend: { recentMonths: 1, share: { direction: 'stable', recentShare: 1, baselineShare: 1 }, lowRatedShare: { direction: 'rising', recentShare: 0.6, baselineShare: 0.25 } },
};
const HITS = [{ date: '2026-10-30', rating: 1, text: 'Broken <i>again</i>' }, { date: '2026-10-29', rating: 2, text: 'Late.' }];

async function ask(slots: Partial<Slots>, result: unknown) {
  const calls: Record<string, unknown>[] = [];
  const caller = { calls: [], call: async (_tool: string, args: Record<string, unknown>) => (calls.push(args), { result }) } as unknown as ToolCaller;
  const draft = await answerSearch({ lang: 'en', slots: { filter: {}, ...slots }, caller, values: { country: [], channel: [], category: [], segment: [], currency: null }, today: '2026-11-01', role: 'analyst' });
  return { draft, args: calls[0]! };
}
const OCTOBER = { from: '2026-10-01', to: '2026-10-31', grain: 'month' as const, label: { en: 'October 2026', zh: '2026年10月' }, matched: 'last month' };

describe('feedback without a topic', () => {
  it('complaints counted are the low-rated rows among all rated feedback (no rating filter sent)', async () => {
    const { draft, args } = await ask({ tone: 'negative', mentions: 'count', time: OCTOBER }, { results: [], mentions: TOTALS, meta: {} });
    expect(args).toMatchObject({ mentions: true, from: '2026-10-01', to: '2026-10-31' });
    expect(args).not.toHaveProperty('query');
    expect(args).not.toHaveProperty('ratingMax');
    expect(draft.answer).toBe('40 complaints (feedback rated 2 or below) in October 2026: 44.4% of the 90 rated feedback rows. Average rating 3.11 of 5.');
  });

  it('stars are that rating exactly, counted without an average', async () => {
    const { draft, args } = await ask({ stars: { min: 1, max: 1 }, mentions: 'count', time: OCTOBER }, { results: [], mentions: { ...TOTALS, mentions: 17, feedback: 17 }, meta: {} });
    expect(args).toMatchObject({ ratingMin: 1, ratingMax: 1 });
    expect(draft.answer).toBe('17 1-star reviews in October 2026.');
  });

  it('a trend: the low-rated share recent vs before, monthly table with the average rating', async () => {
    const { draft, args } = await ask({ tone: 'negative', mentions: 'trend' }, { results: [], mentions: TOTALS, meta: {} });
    expect(args).toMatchObject({ from: '2025-11-01', to: '2026-10-31' });
    expect(draft.answer).toContain('Share rated 2 or below in the last 1 months: 60%, against 25% in the months before — rising (worse).');
    expect(draft.table!.rows).toEqual([['2026-09', 40, '25%', 3.5], ['2026-10', 60, '60%', 2.8]]);
  });

  it('the newest rows, quoted safely; none → said; no feedback at all → said', async () => {
    const { draft, args } = await ask({ tone: 'negative', browse: true, time: OCTOBER }, { results: HITS, mentions: null, meta: {} });
    expect(args).toMatchObject({ ratingMax: 2, from: '2026-10-01' });
    expect(draft.answer).toBe('The newest complaints (feedback rated 2 or below) in October 2026: “Broken again” “Late.”');
    expect((await ask({ tone: 'negative', browse: true, time: OCTOBER }, { results: [], mentions: null, meta: {} })).draft.answer).toBe('No complaints (feedback rated 2 or below) in October 2026.');
    const empty = { ...TOTALS, mentions: 0, feedback: 0, rated: 0, lowRated: 0, lowRatedShare: null, avgRating: null };
    expect((await ask({ mentions: 'count', time: OCTOBER }, { results: [], mentions: empty, meta: {} })).draft.answer).toBe('No feedback in October 2026, so nothing to count or average.');
  });
});
