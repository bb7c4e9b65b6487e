import { describe, expect, it } from 'vitest';
import type { ToolCaller } from '../calls.ts';
import type { Slots } from '../parse.ts';
import { answerThemes } from './feedback.ts';

/** A feedback_themes result as the tool returns it (only the fields the answer reads), for a scripted caller. */
const theme = (id: number, name: string, size: number, share: number, rated: number, low: number, quote: string) => ({
  id, name, size, share, ratings: { rated, low, lowShare: rated ? low / rated : null }, trend: { direction: 'stable', periods: [] }, quotes: [{ text: quote }],
});
const RESULT = {
  themes: [
    theme(1, 'great value', 50, 0.5, 50, 5, 'Great value for money.'), // 10% rated 1–2: praise
    theme(2, 'late parcel', 30, 0.3, 20, 15, 'The parcel came two weeks late.'), // 75%
    theme(3, 'app error', 20, 0.2, 10, 5, 'The app crashed at payment.'), // exactly half
    theme(4, 'tickets', 40, 0.4, 4, 4, 'Where is my refund?'), // all rated rows 1–2, but only 4 of 40 rated
  ],
  rising: [{ id: 1, name: 'great value' }, { id: 3, name: 'app error' }, { id: 4, name: 'tickets' }],
  meta: {},
};

function caller(result: unknown): ToolCaller {
  return { calls: [], call: async () => ({ result }) } as unknown as ToolCaller;
}
const ask = (slots: Partial<Slots>, result: unknown = RESULT) =>
  answerThemes({ lang: 'en', slots: { filter: {}, ...slots }, caller: caller(result), values: { country: [], channel: [], category: [], segment: [], currency: null }, today: '2026-11-01', role: 'analyst' });

describe('feedback themes answer', () => {
  it('complaints: only the themes whose rated feedback is at least half 1–2 stars, with the rule stated', async () => {
    const d = await ask({ tone: 'negative' });
    expect(d.answer).toContain('Main complaint themes (feedback count, share of all feedback): late parcel (30, 30%); app error (20, 20%).');
    expect(d.answer).toContain('Rising in recent months: app error.'); // the rising praise theme is not a complaint
    expect(d.answer).toContain('at least half of their rated feedback has one of the two lowest ratings');
    expect(d.answer).not.toContain('tickets'); // too few of its rows rated to call it
    expect(d.answer).toContain('“The parcel came two weeks late.”');
    expect(d.answer).not.toContain('great value');
  });

  it('a split feedback does not have is said: no product category on feedback, no ranking of themes by country', async () => {
    expect((await ask({ tone: 'negative', groupBy: 'category' })).answer).toContain('Feedback is not linked to orders or products, so it cannot be split by product category');
    expect((await ask({ tone: 'negative', groupBy: 'channel' })).answer).toContain('The themes are not ranked by channel; ask about one group instead');
    expect((await ask({ tone: 'negative' })).answer).not.toContain('not ranked by');
  });

  it('without a complaint word every theme is listed; with no mostly-negative theme it says so', async () => {
    expect((await ask({})).answer).toContain('Main feedback themes (feedback count, share of all feedback): great value (50, 50%); late parcel (30, 30%); app error (20, 20%); tickets (40, 40%).');
    const happy = { ...RESULT, themes: [RESULT.themes[0]] };
    const d = await ask({ tone: 'negative' }, happy);
    expect(d.answer).toContain('No theme is mostly rated at the bottom of the scale, so all themes are listed.');
    expect(d.answer).toContain('great value (50, 50%)');
  });
});

describe('rising themes answer', () => {
  const withTrend = (th: ReturnType<typeof theme>, recentShare: number, baselineShare: number) => ({ ...th, trend: { direction: 'rising', recentShare, baselineShare, periods: [] } });
  const rising = {
    ...RESULT,
    themes: [withTrend(RESULT.themes[0]!, 0.4, 0.3), RESULT.themes[1]!, withTrend(RESULT.themes[2]!, 0.25, 0.1), RESULT.themes[3]!],
    // the tool's order: biggest change first
    rising: [{ id: 3, name: 'app error' }, { id: 1, name: 'great value' }],
    meta: { args: { recentPeriods: 3 } },
  };

  it('lists the rising complaint themes in the tool’s order with their recent and earlier shares', async () => {
    const d = await ask({ tone: 'negative', risingThemes: true }, rising);
    expect(d.answer).toContain('Rising complaint themes (share of all feedback in the last 3 months vs the months before): app error (25% vs 10%).');
    expect(d.answer).not.toContain('great value'); // rising, but praise
    expect(d.answer).toContain('“The app crashed at payment.”');
    expect((await ask({ risingThemes: true }, rising)).answer).toContain('app error (25% vs 10%); great value (40% vs 30%).');
  });

  it('says when nothing rises, with the largest themes', async () => {
    const d = await ask({ tone: 'negative', risingThemes: true }, { ...RESULT, rising: [], meta: { args: { recentPeriods: 3 } } });
    expect(d.answer).toContain('None of the complaint themes is rising: no theme has a significantly larger share of feedback in the last 3 months than in the months before. The largest: late parcel (30, 30%); app error (20, 20%).');
  });
});

describe('feedback by country', () => {
  // search_feedback's counts per country, as the tool returns them for a countries filter
  const counts: Record<string, { feedback: number; rated: number; lowRated: number; avgRating: number }> = {
    Germany: { feedback: 12, rated: 10, lowRated: 6, avgRating: 2.4 }, France: { feedback: 30, rated: 20, lowRated: 8, avgRating: 3.1 }, Japan: { feedback: 3, rated: 0, lowRated: 0, avgRating: 0 },
  };
  const byCountry: ToolCaller = {
    calls: [],
    call: async (_tool: string, args: { countries: string[] }) => {
      const c = counts[args.countries[0]!]!;
      return { result: { mentions: { ...c, lowRatedShare: c.rated ? c.lowRated / c.rated : null, avgRating: c.rated ? c.avgRating : null }, meta: {} } };
    },
  } as unknown as ToolCaller;
  const askBy = (slots: Partial<Slots>) => answerThemes({ lang: 'en', slots: { filter: {}, groupBy: 'country', ...slots }, caller: byCountry,
    values: { country: ['Germany', 'France', 'Japan'], channel: [], category: [], segment: [], currency: null }, today: '2026-11-01', role: 'analyst' });

  it('names the country with the most complaints, or the least happy by share, or the best rated; countries without ratings left out', async () => {
    expect((await askBy({ tone: 'negative' })).answer).toContain('Customers in France sent the most complaints: 8.');
    const unhappy = (await askBy({ tone: 'negative', satisfaction: 'unhappy' })).answer;
    expect(unhappy).toContain('Customers in Germany are the least happy: 60% of their rated feedback is rated 2 or below.'); // 6 of 10
    expect(unhappy).toContain('Germany 6 (60%, average 2.4); France 8 (40%, average 3.1)'); // 8 of 20
    expect(unhappy).not.toContain('Japan');
    expect((await askBy({ satisfaction: 'happy' })).answer).toContain('Customers in France rate us highest: 3.1 of 5 on average (lowest: Germany, 2.4).');
  });
});
