import { expect, it } from 'vitest';
import type { Db } from '../db/types.ts';
import {
  APP_BUG_SHARE_SQL, CATEGORY_SHARE_SQL, CHECKOUT_CONVERSION_PER_CUSTOMER_SQL, CHECKOUT_CONVERSION_SQL, CHURN_SQL,
  DELIVERY_SHARE_SQL, RETENTION_SQL, TOP_CUSTOMERS_SQL,
} from './queries.ts';
import { DEMO } from './model.ts';

/**
 * The planted truths, found by plain SQL (server/demo/queries.ts, quoted in docs/demo-data.md) on a small shop.
 * Thresholds hold for small shops too (800 customers are noisier than the 5k numbers in the doc).
 */
export function plantedTruthChecks(use: () => Db, customers: number): void {
  it('1. the German marketplace segment stops ordering after 2026-05-31, the rest keeps buying', async () => {
    const { rows } = await use().query<{ in_segment: boolean; buyers_before: number; share_ordering_after: number }>(CHURN_SQL);
    const segment = rows.find((r) => r.in_segment)!;
    const rest = rows.find((r) => !r.in_segment)!;
    expect(segment.buyers_before).toBeGreaterThanOrEqual(Math.floor(customers * 0.025));
    expect(segment.share_ordering_after).toBeLessThan(0.15);
    expect(rest.share_ordering_after).toBeGreaterThan(0.45);
    expect(DEMO.churningSegment).toMatchObject({ country: 'Germany', signupChannel: 'marketplace', lastActiveDay: '2026-05-31' });
  });

  it('2. delivery_delay complaints rise sharply in Aug–Oct 2026, mostly with low ratings, in both languages', async () => {
    const { rows } = await use().query<{
      period: string; delivery_share: number; delivery_avg_rating: number; delivery_zh: number; delivery_en: number;
    }>(DELIVERY_SHARE_SQL);
    const by = Object.fromEntries(rows.map((r) => [r.period, r]));
    expect(by.aug_oct_2026!.delivery_share).toBeGreaterThan(0.2);
    expect(by.aug_oct_2025!.delivery_share).toBeLessThan(0.15);
    expect(by.other!.delivery_share).toBeLessThan(0.12);
    expect(by.aug_oct_2026!.delivery_share).toBeGreaterThan(2 * by.aug_oct_2025!.delivery_share);
    expect(by.aug_oct_2026!.delivery_avg_rating).toBeLessThan(2.5);
    expect(by.aug_oct_2026!.delivery_zh).toBeGreaterThan(5);
    expect(by.aug_oct_2026!.delivery_en).toBeGreaterThan(5);
  });

  it('3. mobile_app checkout → purchase conversion drops in 2026-09 only, with an app_bug complaint spike', async () => {
    const { rows } = await use().query<{ channel: string; month: string; checkouts: number; conversion: number }>(
      CHECKOUT_CONVERSION_SQL,
    );
    const conv = (channel: string, month: string) => rows.find((r) => r.channel === channel && r.month === month)!.conversion;
    const before = ['2026-06', '2026-07', '2026-08'];
    for (const m of before) expect(conv('mobile_app', m)).toBeGreaterThan(0.6);
    expect(conv('mobile_app', '2026-09')).toBeLessThan(0.45);
    expect(conv('mobile_app', '2026-10')).toBeGreaterThan(0.6);
    for (const channel of ['web', 'marketplace', 'store']) expect(conv(channel, '2026-09')).toBeGreaterThan(0.6);

    const { rows: perCustomer } = await use().query<{ channel: string; month: string; conversion: number }>(
      CHECKOUT_CONVERSION_PER_CUSTOMER_SQL,
    );
    const perCustomerConv = (channel: string, month: string) =>
      perCustomer.find((r) => r.channel === channel && r.month === month)!.conversion;
    const mobileBefore = before.reduce((sum, m) => sum + perCustomerConv('mobile_app', m), 0) / before.length;
    expect(perCustomerConv('mobile_app', '2026-09')).toBeLessThan(mobileBefore - 0.15);
    expect(perCustomerConv('web', '2026-09')).toBeGreaterThan(0.75);

    const { rows: bugs } = await use().query<{ month: string; feedback: number; app_bug_share: number }>(APP_BUG_SHARE_SQL);
    const september = bugs.find((r) => r.month === '2026-09')!;
    const others = bugs.filter((r) => r.month !== '2026-09');
    const othersShare =
      others.reduce((sum, r) => sum + r.app_bug_share * r.feedback, 0) / others.reduce((sum, r) => sum + r.feedback, 0);
    expect(september.app_bug_share).toBeGreaterThan(0.15);
    expect(september.app_bug_share).toBeGreaterThan(2.5 * othersShare);
  });

  it('4. the top 5% of customers produce at least 35% of revenue', async () => {
    const { rows } = await use().query<{ top5_revenue_share: number }>(TOP_CUSTOMERS_SQL);
    expect(rows[0]!.top5_revenue_share).toBeGreaterThanOrEqual(DEMO.highValueTier.minRevenueShare);
  });

  it('5. referral customers are retained better, and Beauty grows its revenue share', async () => {
    const { rows } = await use().query<{ signup_channel: string; early_buyers: number; still_buying: number }>(RETENTION_SQL);
    const referral = rows.find((r) => r.signup_channel === 'referral')!;
    const others = rows.filter((r) => r.signup_channel !== 'referral');
    const othersRate =
      others.reduce((sum, r) => sum + r.still_buying * r.early_buyers, 0) / others.reduce((sum, r) => sum + r.early_buyers, 0);
    expect(referral.still_buying).toBeGreaterThan(othersRate + 0.15);
    for (const r of others) expect(referral.still_buying, r.signup_channel).toBeGreaterThan(r.still_buying);

    const { rows: halves } = await use().query<{ half: string; beauty_share: number }>(CATEGORY_SHARE_SQL);
    expect(halves).toHaveLength(4);
    expect(halves[3]!.beauty_share).toBeGreaterThan(1.5 * halves[0]!.beauty_share);
  });
}
