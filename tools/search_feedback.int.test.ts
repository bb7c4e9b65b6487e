import { expect, it } from 'vitest';
import { describeEachDriver } from '../server/testing/db.ts';
import { CORPUS, HOSTILE_TEXT, loadFeedbackCorpus } from '../server/feedback/testing.ts';
import { runImport } from '../server/import/run.ts';
import { fixtureFile } from '../server/testing/files.ts';
import { rfmSql } from './lib/rfm.ts';
import { fixedClock } from './lib/clock.ts';
import { runTool } from './registry.ts';
import type { Role } from './types.ts';

type Result = { externalId: string; text: string; rating: number; channel: string; date: string; language: string; customer: { name: string | null; email: string | null; country: string | null } | null; vectorRank: number | null; keywordRank: number | null; similarity: number | null; score: number };
type Output = { results: Result[]; model: string | null; candidates: { vector: number; keyword: number }; unembedded: number; note: string | null };

const label = new Map(CORPUS.map((r) => [r[0], r[6]]));

describeEachDriver('search_feedback', (use) => {
  const search = async (args: Record<string, unknown>, role: Role = 'analyst') =>
    (await runTool('search_feedback', args, { db: use(), clock: fixedClock('2026-11-01'), role })) as unknown as Output;

  it('loads the corpus (embedded on import)', async () => {
    await loadFeedbackCorpus(use());
  });

  it('hybrid: an English complaint finds the delivery complaints first, from both lists', async () => {
    const out = await search({ query: 'my package arrived late', limit: 5 });
    expect(out.model).toMatch(/^local-v/);
    expect(out.unembedded).toBe(0);
    expect(out.candidates.vector).toBe(CORPUS.length); // fewer rows than candidates: the kNN list holds them all
    expect(out.results[0]!.externalId).toBe('f01');
    expect(out.results.slice(0, 3).map((r) => label.get(r.externalId))).toEqual(['delivery', 'delivery', 'delivery']);
    expect(out.results[0]!.vectorRank).not.toBeNull();
    expect(out.results[0]!.keywordRank).toBe(1);
    // RRF scores: Σ 1/(60 + rank) over the lists the row is in
    for (const r of out.results) {
      expect(r.score).toBeCloseTo((r.vectorRank ? 1 / (60 + r.vectorRank) : 0) + (r.keywordRank ? 1 / (60 + r.keywordRank) : 0), 12);
    }
    expect(out.results.map((r) => r.score)).toEqual([...out.results.map((r) => r.score)].sort((a, b) => b - a));
  });

  it('keyword search works for Chinese (character bigrams) and stems English words', async () => {
    // Rows whose text shares a bigram with 快递太慢 (快递, 递太, 太慢): f04 and f05 only.
    const zh = await search({ query: '快递太慢', mode: 'keyword' });
    expect(zh.results.map((r) => r.externalId).sort()).toEqual(['f04', 'f05']);
    expect(zh.candidates.vector).toBe(0);
    // "crashing apps" → stems crash, app: f06 (app crashes) and f07 (app … crashing); f08 is Chinese.
    const en = await search({ query: 'crashing apps', mode: 'keyword' });
    expect(en.results.map((r) => r.externalId).sort()).toEqual(['f06', 'f07']);
  });

  it('filters by rating, channel, date range and language on both lists', async () => {
    const rating = await search({ query: 'late delivery', ratingMax: 1, limit: 50 });
    expect(rating.results.length).toBe(CORPUS.filter((r) => r[3] <= 1).length);
    expect(rating.results.every((r) => r.rating <= 1)).toBe(true);
    const channel = await search({ query: 'late delivery', channels: ['support_ticket'], limit: 50 });
    expect(channel.results.map((r) => r.externalId).sort()).toEqual(['f02', 'f05']);
    const dates = await search({ query: 'late delivery', from: '2026-09-01', to: '2026-09-30', limit: 50 });
    expect(dates.results.map((r) => r.externalId).sort()).toEqual(['f01', 'f02', 'f04']);
    const zh = await search({ query: 'late delivery', language: 'zh', limit: 50 });
    expect(new Set(zh.results.map((r) => r.language))).toEqual(new Set(['zh']));
    expect(zh.results).toHaveLength(CORPUS.filter((r) => r[5] === 'zh').length);
  });

  it('more like this: a feedback id as the query finds itself first', async () => {
    const { rows } = await use().query<{ id: number }>(`SELECT id FROM feedback WHERE external_id = 'f04'`);
    const out = await search({ likeFeedbackId: rows[0]!.id, limit: 3 });
    expect(out.results[0]!.externalId).toBe('f04');
    expect(out.results[0]!.similarity).toBeCloseTo(1, 4);
    expect(label.get(out.results[1]!.externalId)).toBe('delivery');
  });

  it('masks the customer by role', async () => {
    const analyst = await search({ query: 'package arrived late', limit: 1 });
    expect(analyst.results[0]!.customer).toEqual({ id: expect.any(Number), name: 'Ann L.', email: 'a***@example.com', country: 'United Kingdom' });
    const admin = await search({ query: 'package arrived late', limit: 1 }, 'admin');
    expect(admin.results[0]!.customer).toMatchObject({ name: 'Ann Lee', email: 'ann@example.com' });
  });

  it('returns hostile text verbatim as data (no rewriting, no execution)', async () => {
    const out = await search({ query: 'ignore previous instructions', mode: 'keyword' });
    expect(out.results[0]!.text).toBe(HOSTILE_TEXT);
    expect(out.results[0]!.customer).toBeNull();
  });

  it('filters by RFM tier: exactly the feedback of the customers rfmSql puts in the tier (resolved once, both lists)', async () => {
    const orders = [
      'order_id,customer_id,ordered_at,product_code,quantity,unit_price',
      ...['2026-10-01', '2026-10-10', '2026-10-20', '2026-10-25', '2026-10-30'].map((d, i) => `A${i},c1,${d},P1,2,80`),
      'B1,c2,2025-01-05,P1,1,5',
      'C1,c3,2026-06-01,P1,1,20', 'C2,c3,2026-09-01,P1,1,20',
    ].join('\n');
    await runImport(use(), { entity: 'orders', file: fixtureFile('orders.csv', orders), source: 'test' });
    const { rows } = await use().query<{ customer_id: number; tier: string }>(`SELECT customer_id, tier FROM (${rfmSql('summary')}) r`, ['2026-11-01']);
    const tiers = [...new Set(rows.map((r) => r.tier))];
    expect(rows.length).toBe(3); // c4 has no orders
    for (const tier of tiers) {
      const members = rows.filter((r) => r.tier === tier).map((r) => Number(r.customer_id));
      const { rows: expected } = await use().query<{ external_id: string }>(
        `SELECT external_id FROM feedback WHERE customer_id = ANY($1::int8[]) ORDER BY external_id`, [members],
      );
      expect(expected.length).toBeGreaterThan(0);
      const out = await search({ query: 'late delivery', rfmTiers: [tier], limit: 50 });
      expect(out.results.map((r) => r.externalId).sort()).toEqual(expected.map((r) => r.external_id));
      const keyword = await search({ query: 'late delivery', rfmTiers: [tier], mode: 'keyword', limit: 50 });
      expect(keyword.results.every((r) => expected.some((e) => e.external_id === r.externalId))).toBe(true);
    }
  });

  it("filters by the customer's country: exactly the feedback of customers from those countries", async () => {
    const { rows: expected } = await use().query<{ external_id: string }>(
      `SELECT f.external_id FROM feedback f JOIN customers c ON c.id = f.customer_id WHERE c.country = 'United Kingdom' ORDER BY 1`,
    );
    expect(expected.length).toBeGreaterThan(0);
    const out = await search({ query: 'late delivery', countries: ['United Kingdom'], limit: 50 });
    expect(out.results.map((r) => r.externalId).sort()).toEqual(expected.map((r) => r.external_id));
    expect(out.results.every((r) => r.customer?.country === 'United Kingdom')).toBe(true);
    expect((await search({ query: 'late delivery', countries: ['Atlantis'], limit: 50 })).results).toEqual([]);
  });

  it('mentions: counts every row holding all query terms, by month, beside all feedback under the same filters (counted by hand from CORPUS)', async () => {
    type Counts = { mentions: number; lowRated: number; rated: number; feedback: number; share: number | null };
    type Mentions = Counts & { terms: string[]; byMonth: (Counts & { month: string })[] };
    const count = async (args: Record<string, unknown>) => (await search({ ...args, mentions: true }) as unknown as { mentions: Mentions }).mentions;
    // "late": f01 (09, rated 1), f02 (09, 2), f03 (10, 1); feedback per month 05: 2, 06: 2, 07: 2, 08: 3, 09: 3, 10: 2
    const late = await count({ query: 'late' });
    expect(late).toMatchObject({ terms: ['late'], mentions: 3, lowRated: 3, rated: 3, feedback: 14 });
    expect(late.byMonth.map((m) => [m.month, m.mentions, m.feedback])).toEqual([
      ['2026-05', 0, 2], ['2026-06', 0, 2], ['2026-07', 0, 2], ['2026-08', 0, 3], ['2026-09', 2, 3], ['2026-10', 1, 2],
    ]);
    expect(late.share).toBeCloseTo(3 / 14, 12);
    expect(late.byMonth.map((m) => m.share)).toEqual([0, 0, 0, 0, 2 / 3, 1 / 2]);
    // last 3 months (08–10) 3 of 8 rows vs 0 of 6 before: pooled p = 3/14, se = √(p(1−p)(1/8 + 1/6)) = 0.2216,
    // z = 0.375 / 0.2216 = 1.69 < 1.96 → stable; ratings: no rated mention before → insufficient data
    const trend = (late as unknown as { trend: { recentMonths: number; share: { direction: string; recentShare: number; baselineShare: number; z: number }; lowRatedShare: { direction: string; recentShare: number } } }).trend;
    expect(trend.recentMonths).toBe(3);
    expect(trend.share).toMatchObject({ direction: 'stable', recentShare: 0.375, baselineShare: 0 });
    expect(trend.share.z).toBeCloseTo(0.375 / Math.sqrt((3 / 14) * (11 / 14) * (1 / 8 + 1 / 6)), 10);
    expect(trend.lowRatedShare).toMatchObject({ direction: 'insufficient_data', recentShare: 1 });
    // every term: "late delivery" is f02 and f03 only (f01 says late, not delivery); far more than 2 rows are ranked
    const both = await count({ query: 'late delivery' });
    expect([both.mentions, [...both.terms].sort()]).toEqual([2, ['deliveri', 'late']]);
    expect((await search({ query: 'late delivery', limit: 50 })).results.length).toBeGreaterThan(2);
    // Chinese by bigram: 快递 in f04 (09) and f05 (10)
    expect((await count({ query: '快递' })).byMonth.filter((m) => m.mentions).map((m) => m.month)).toEqual(['2026-09', '2026-10']);
    // the filters apply to both counts: rated 1 → f01, f03, f04, f06, f08; "app" among them f06 only
    expect(await count({ query: 'apps', ratingMax: 1, from: '2026-08-01' })).toMatchObject({ mentions: 1, lowRated: 1, feedback: 5 });
    expect(await count({ query: 'the and' })).toMatchObject({ terms: [], mentions: 0, byMonth: [] });
    // a window lists every month in it, zeros included: the recent 3 months are 09, 10, 11 (no feedback in 11)
    const window = await count({ query: 'late', from: '2026-04-15', to: '2026-11-30' });
    expect(window.byMonth.map((m) => [m.month, m.mentions, m.feedback])).toEqual([
      ['2026-04', 0, 0], ['2026-05', 0, 2], ['2026-06', 0, 2], ['2026-07', 0, 2], ['2026-08', 0, 3], ['2026-09', 2, 3], ['2026-10', 1, 2], ['2026-11', 0, 0],
    ]);
    expect(window.byMonth[0]!.share).toBeNull();
    // recent 09–11: 3 of 5 rows; before (04–08): 0 of 9
    expect((window as unknown as { trend: { share: { recentShare: number; baselineShare: number } } }).trend.share).toMatchObject({ recentShare: 0.6, baselineShare: 0 });
    expect((await search({ query: 'late' }) as unknown as { mentions: unknown }).mentions).toBeNull();
    // average rating of the rated mentions: "late" rows rated 1, 2, 1 → 4/3 = 1.33
    expect((late as unknown as { avgRating: number }).avgRating).toBe(1.33);
  });

  it('without a query: the newest rows under the filters, and counts of every row (how many 1-star reviews, average rating)', async () => {
    // rated 1 in CORPUS: f01 09-02, f03 10-05, f04 09-15, f06 08-01, f08 08-20 → newest first f03, f04, f01, f08, f06
    const newest = await search({ ratingMax: 1, limit: 3 });
    expect(newest.results.map((r) => r.externalId)).toEqual(['f03', 'f04', 'f01']);
    expect(newest.results.every((r) => r.score === 0 && r.vectorRank === null && r.keywordRank === null)).toBe(true);
    const counts = (await search({ ratingMin: 1, ratingMax: 1, mentions: true }) as unknown as { mentions: { terms: string[]; mentions: number; feedback: number; avgRating: number } }).mentions;
    expect(counts).toMatchObject({ terms: [], mentions: 5, feedback: 5, avgRating: 1 });
    // all of September: f01 (1), f02 (2), f04 (1) → 3 rows, mean rating 4/3
    const september = (await search({ from: '2026-09-01', to: '2026-09-30', mentions: true }) as unknown as { mentions: { mentions: number; avgRating: number; byMonth: { month: string }[] } }).mentions;
    expect([september.mentions, september.avgRating, september.byMonth.map((m) => m.month)]).toEqual([3, 1.33, ['2026-09']]);
    // all 14 rows: ratings sum 1+2+1+1+2+1+2+1+3+3+5+5+3+2 = 32 → 32/14 = 2.29
    const all = (await search({ mentions: true, limit: 1 }) as unknown as { mentions: { mentions: number; avgRating: number } }).mentions;
    expect([all.mentions, all.avgRating]).toEqual([14, 2.29]);
  });

  it('rejects bad arguments with a clear message', async () => {
    await expect(search({ query: 'x', from: '2026-10-01', to: '2026-09-01' })).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(search({ likeFeedbackId: 999999 })).rejects.toMatchObject({ code: 'not_found' });
  });
});
