import { describe, expect, it } from 'vitest';
import type { ToolCaller } from '../calls.ts';
import type { Slots } from '../parse.ts';
import { answerSearch } from './feedback.ts';
import { trendWindow } from './feedbackMentions.ts';

/** search_feedback's output with mentions (only the fields the answers read), for a scripted caller. */
const month = (m: string, mentions: number, feedback: number, lowRated: number, rated: number) => ({
  month: m, mentions, feedback, lowRated, rated, share: mentions / feedback, lowRatedShare: rated ? lowRated / rated : null,
});
const BY_MONTH = [month('2026-07', 2, 40, 1, 2), month('2026-08', 3, 50, 1, 3), month('2026-09', 6, 40, 4, 6), month('2026-10', 9, 50, 6, 8)];
const MENTIONS = {
  terms: ['deliveri'], mentions: 20, feedback: 180, lowRated: 12, rated: 19, share: 20 / 180, lowRatedShare: 12 / 19, byMonth: BY_MONTH,
  trend: {
    recentMonths: 2,
    share: { direction: 'rising', recentShare: 15 / 90, baselineShare: 5 / 90 },
    lowRatedShare: { direction: 'stable', recentShare: 10 / 14, baselineShare: 2 / 5 },
  },
};
const RESULT = { results: [{ date: '2026-10-02', rating: 1, text: 'Late delivery <b>again</b>.' }], mentions: MENTIONS, meta: {} };

function scripted(result: unknown) {
  const calls: { tool: string; args: Record<string, unknown> }[] = [];
  const caller = { calls, call: async (tool: string, args: Record<string, unknown>) => (calls.push({ tool, args }), { result }) } as unknown as ToolCaller;
  return { caller, calls };
}
const values = { country: [], channel: [], category: [], segment: [], currency: null };
async function ask(slots: Partial<Slots>, lang: 'en' | 'zh' = 'en', result: unknown = RESULT) {
  const { caller, calls } = scripted(result);
  const draft = await answerSearch({ lang, slots: { filter: {}, query: 'delivery', ...slots }, caller, values, today: '2026-11-01', role: 'analyst' });
  return { draft, args: calls[0]!.args };
}
const OCTOBER = { from: '2026-10-01', to: '2026-10-31', grain: 'month' as const, label: { en: 'October 2026', zh: '2026年10月' }, matched: 'last month' };

describe('feedback mentions answers', () => {
  it('the default trend window is the 12 whole months before today’s month', () => {
    expect(trendWindow('2026-11-01')).toEqual({ from: '2025-11-01', to: '2026-10-31' });
    expect(trendWindow('2024-03-15')).toEqual({ from: '2023-03-01', to: '2024-02-29' });
  });

  it('a count: the mentions, their share of the period’s complaints, the rule, and a quote (tags stripped)', async () => {
    const { draft, args } = await ask({ mentions: 'count', tone: 'negative', time: OCTOBER });
    expect(args).toMatchObject({ query: 'delivery', mentions: true, ratingMax: 2, from: '2026-10-01', to: '2026-10-31' });
    expect(draft.answer).toContain('20 complaints (feedback rated 2 or below) in October 2026 mention "delivery" — 11.1% of the 180 complaints in October 2026.');
    expect(draft.answer).toContain('every word of "delivery"');
    expect(draft.answer).toContain('“Late delivery again.”');
    expect(draft.answer).not.toContain('rated 2 or below (');
  });

  it('a count of all feedback also says how many of the mentions are rated low; in Chinese too', async () => {
    const { draft, args } = await ask({ mentions: 'count' });
    expect(args).not.toHaveProperty('from');
    expect(draft.answer).toContain('20 feedback rows to date mention "delivery" — 11.1% of the 180 feedback rows to date. 12 of them are rated 2 or below (63.2% of the rated ones).');
    const zh = await ask({ mentions: 'count', query: '退款', time: OCTOBER }, 'zh');
    expect(zh.draft.answer).toContain('2026年10月共有 20 条反馈提到“退款”，占同期 180 条反馈的 11.1%。');
  });

  it('a trend: last 12 months by default, the share recent vs before with its verdict, the low-rated share, a monthly table and chart', async () => {
    const { draft, args } = await ask({ mentions: 'trend' });
    expect(args).toMatchObject({ mentions: true, from: '2025-11-01', to: '2026-10-31' });
    expect(draft.answer).toContain('Feedback mentioning "delivery", 2026-07 – 2026-10: 20 rows, 11.1% of all feedback.');
    expect(draft.answer).toContain('Last 2 months: 16.7% of feedback vs 5.6% in the months before — rising.');
    expect(draft.answer).toContain('Rated 2 or below: 71.4% of the rated mentions recently vs 40% before — no significant change.');
    expect(draft.table!.rows).toEqual([['2026-07', 2, '5%', '50%'], ['2026-08', 3, '6%', '33.3%'], ['2026-09', 6, '15%', '66.7%'], ['2026-10', 9, '18%', '75%']]);
    expect(draft.chart).toMatchObject({ type: 'line', data: { categories: ['2026-07', '2026-08', '2026-09', '2026-10'], series: [{ values: [2, 3, 6, 9] }] } });
  });

  it('a trend of complaints states the share among complaints; too few months → no verdict', async () => {
    const { draft } = await ask({ mentions: 'trend', tone: 'negative' });
    expect(draft.answer).toContain('among complaints (rated 2 or below)');
    expect(draft.answer).not.toContain('Rated 2 or below:'); // every complaint is rated low: no second test
    const short = { ...RESULT, mentions: { ...MENTIONS, byMonth: BY_MONTH.slice(-1), trend: null } };
    expect((await ask({ mentions: 'trend' }, 'en', short)).draft.answer).toContain('Too few months to compare');
    // no feedback at all in the window: said, with no share made up
    const none = { ...RESULT, mentions: { ...MENTIONS, mentions: 0, feedback: 0, rated: 0, lowRated: 0, share: null, lowRatedShare: null, byMonth: BY_MONTH.map((m) => ({ ...m, mentions: 0, feedback: 0, share: null })), trend: null } };
    const empty = (await ask({ mentions: 'trend' }, 'en', none)).draft.answer;
    expect(empty).toBe('There is no feedback in the period to follow "delivery" in.');
  });
});
