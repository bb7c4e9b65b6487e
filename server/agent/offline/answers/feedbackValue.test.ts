import { describe, expect, it } from 'vitest';
import type { ToolCaller } from '../calls.ts';
import type { Slots } from '../parse.ts';
import { answerThemes } from './feedback.ts';

/** feedback_themes for a scripted caller: only the fields the answer reads. */
const theme = (id: number, name: string, rated: number, low: number, customers: { count: number; revenue: number; yearlyRevenue: number }) => ({
  id, name, size: rated, share: 0.1, ratings: { rated, low, lowShare: low / rated }, customers, quotes: [],
});
const THEMES = [
  theme(1, 'late delivery', 20, 15, { count: 12, revenue: 3000, yearlyRevenue: 1500 }), // complaint
  theme(2, 'great value', 30, 0, { count: 25, revenue: 9000, yearlyRevenue: 4000 }), // praise, the most revenue
  theme(3, 'broken on arrival', 10, 9, { count: 8, revenue: 6000, yearlyRevenue: 2500 }), // complaint, more than 1 a year
  theme(4, 'guest notes', 6, 6, { count: 0, revenue: 0, yearlyRevenue: 0 }), // complaint of no known customer
];

async function ask(slots: Partial<Slots>, themes = THEMES) {
  const caller = { calls: [], call: async () => ({ result: { themes, rising: [], meta: { args: {} } } }) } as unknown as ToolCaller;
  return answerThemes({ lang: 'en', slots: { filter: {}, ...slots }, caller, values: { country: [], channel: [], category: [], segment: [], currency: 'USD' }, today: '2026-11-01', role: 'analyst' });
}

describe('themes ranked by the revenue behind them', () => {
  it('complaints: by the writers\' revenue a year, highest first; a theme without known customers is left out', async () => {
    const d = await ask({ themesByValue: true, tone: 'negative' });
    expect(d.answer).toMatch(/^Complaint themes by the revenue of the customers behind them: broken on arrival: 8 customers, 2,500\.00 USD a year \(6,000\.00 USD to date\); late delivery: 12 customers, 1,500\.00 USD a year \(3,000\.00 USD to date\)\./);
    expect(d.answer).not.toMatch(/great value|guest notes/);
    expect(d.table?.rows).toEqual([['broken on arrival', 10, 8, 2500, 6000], ['late delivery', 20, 12, 1500, 3000]]);
    expect(d.chart?.data.series[0]!.values).toEqual([2500, 1500]);
  });

  it('all themes when no complaint is asked; no known writer at all is said, not ranked', async () => {
    const all = await ask({ themesByValue: true });
    expect(all.table?.rows.map((r) => r[0])).toEqual(['great value', 'broken on arrival', 'late delivery']);
    const none = await ask({ themesByValue: true }, [THEMES[3]!]);
    expect(none.answer).toMatch(/^None of the feedback themes was written by a known customer/);
  });
});

describe('themes ranked by their ratings', () => {
  // averages: late delivery 1.6, great value 4.8, broken on arrival 1.3, guest notes (6 rated, all 1–2) 1.0, thin (3 rated) 1.0
  const rated = (id: number, name: string, rated: number, low: number, average: number) => ({ id, name, size: rated, share: 0.1, ratings: { rated, low, lowShare: low / rated, average }, quotes: [] });
  const THEMES_RATED = [
    rated(1, 'late delivery', 20, 15, 1.6), rated(2, 'great value', 30, 0, 4.8), rated(3, 'broken on arrival', 10, 9, 1.3),
    rated(4, 'guest notes', 6, 6, 1), rated(5, 'thin', 3, 3, 1),
  ];
  it('most complaints: by rows rated 1–2; lowest rating: by average; fewer than 5 rated rows left out', async () => {
    const most = await ask({ themesByRating: 'complaints' }, THEMES_RATED as never);
    expect(most.answer).toMatch(/^late delivery has the most complaints\. Themes by their feedback rated 1–2: late delivery: 15 rated 1–2 \(75% of 20 rated\), average 1\.6; broken on arrival: 9 rated 1–2 \(90% of 10 rated\), average 1\.3; guest notes: 6 rated 1–2 \(100% of 6 rated\), average 1; great value: 0 rated 1–2 \(0% of 30 rated\), average 4\.8\./);
    const lowest = await ask({ themesByRating: 'low' }, THEMES_RATED as never);
    expect(lowest.answer).toMatch(/^guest notes has the lowest average rating\. Themes by average rating, lowest first: guest notes: .*; broken on arrival: .*; late delivery: .*; great value: /);
    expect(lowest.answer).not.toContain('thin');
  });
});
