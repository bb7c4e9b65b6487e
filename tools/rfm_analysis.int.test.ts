import { beforeAll, describe, expect, it } from 'vitest';
import { refreshRollups } from '../server/db/rollups.ts';
import { refreshCustomerSummary } from '../server/db/summary.ts';
import { runImport } from '../server/import/run.ts';
import { TEST_DRIVERS, describeEachDriver, openTestDb } from '../server/testing/db.ts';
import { hasSharedData, sharedDataPath } from '../server/testing/sharedData.ts';
import { fixedClock } from './lib/clock.ts';
import { readOnly } from './lib/readonly.ts';
import { RFM_TIERS } from './lib/rfm.ts';
import { runTool } from './registry.ts';
import { rfmReport } from './rfm_analysis.ts';
import type { Role } from './types.ts';

/**
 * Ten customers with distinct recency, frequency and monetary, so with N = 10 the quintile score of rank k is
 * 1 + floor(5(k − 1)/10): ranks 1–2 → 1, 3–4 → 2, …, 9–10 → 5 (exactly two customers per score).
 * Customer i places `n` orders of `v` each, one a week, the last on `last` (12:00 UTC).
 *
 *  id  n   v  last        | as of 2024-06-30: recency F   M    R F M  FM  tier
 *   1  9  30  2024-06-30  |                      0    9  270  5 5 5  5   Champions
 *   2  1  10  2024-06-29  |                      1    1   10  5 1 1  1   New
 *   3  7  20  2024-06-20  |                     10    7  140  4 4 4  4   Loyal
 *   4  3  10  2024-06-15  |                     15    3   30  4 2 1  2   Potential Loyalist (round(1.5) = 2)
 *   5  5  20  2024-05-31  |                     30    5  100  3 3 3  3   Need Attention
 *   6  2  20  2024-05-21  |                     40    2   40  3 1 2  2   About to Sleep
 *   7 10  50  2024-04-01  |                     90   10  500  2 5 5  5   Can't Lose
 *   8  4  15  2024-03-22  |                    100    4   60  2 2 2  2   Hibernating
 *   9  8  15  2024-01-01  |                    181    8  120  1 4 3  4   At Risk (round(3.5) = 4)
 *  10  6  30  2023-12-02  |                    211    6  180  1 3 4  4   At Risk
 * Plus a guest order (2024-06-30, 999) and a return of customer 2 (2024-06-30): in no RFM number.
 */
const SHOP = [
  [1, 9, 30, '2024-06-30', 'United Kingdom'], [2, 1, 10, '2024-06-29', 'France'], [3, 7, 20, '2024-06-20', 'Germany'],
  [4, 3, 10, '2024-06-15', 'France'], [5, 5, 20, '2024-05-31', 'Spain'], [6, 2, 20, '2024-05-21', 'Spain'],
  [7, 10, 50, '2024-04-01', 'Italy'], [8, 4, 15, '2024-03-22', 'Italy'], [9, 8, 15, '2024-01-01', 'Norway'],
  [10, 6, 30, '2023-12-02', 'Norway'],
] as const;
const NAMES = ['One', 'Two', 'Three', 'Four', 'Five', 'Six', 'Seven', 'Eight', 'Nine', 'Ten'];

const EXPECTED_2024_06_30: Record<number, [number, number, number, string]> = {
  1: [5, 5, 5, 'Champions'], 2: [5, 1, 1, 'New'], 3: [4, 4, 4, 'Loyal'], 4: [4, 2, 1, 'Potential Loyalist'],
  5: [3, 3, 3, 'Need Attention'], 6: [3, 1, 2, 'About to Sleep'], 7: [2, 5, 5, "Can't Lose"], 8: [2, 2, 2, 'Hibernating'],
  9: [1, 4, 3, 'At Risk'], 10: [1, 3, 4, 'At Risk'],
};

describeEachDriver('rfm_analysis', (use) => {
  const ctx = (role: Role = 'analyst') => ({ db: use(), clock: fixedClock('2024-06-30'), role });
  const run = async (args: object, role?: Role) => (await runTool('rfm_analysis', args, ctx(role))) as any;
  /** customer id → [r, f, m, tier], by listing every tier. */
  const scoresOf = async (asOf: string) => {
    const out: Record<number, [number, number, number, string]> = {};
    for (const tier of RFM_TIERS) {
      for (const c of (await run({ asOf, tier })).tierCustomers.rows) out[c.customerId] = [c.r, c.f, c.m, tier];
    }
    return out;
  };

  beforeAll(async () => {
    const db = use();
    for (const [id, , , , country] of SHOP) {
      await db.query(`INSERT INTO customers (id, name, email, country) VALUES ($1, $2, $3, $4)`, [
        id, `Cust ${NAMES[id - 1]}`, `c${id}@shop.test`, country,
      ]);
    }
    for (const [id, n, v, last] of SHOP) {
      await db.query(
        `INSERT INTO orders (source, external_id, customer_id, kind, ordered_at, channel, revenue, line_count)
         SELECT 't', 'c' || $1 || '-' || k, $1::int8, 'order', (($4::date - 7 * k) + time '12:00') AT TIME ZONE 'UTC', 'web', $3, 1
           FROM generate_series(0, $2 - 1) k`,
        [id, n, v, last],
      );
    }
    await db.exec(`
      INSERT INTO orders (source, external_id, customer_id, kind, ordered_at, revenue) VALUES
        ('t', 'guest', NULL, 'order', '2024-06-30 08:00Z', 999), ('t', 'ret', 2, 'return', '2024-06-30 09:00Z', 0);`);
    await refreshCustomerSummary(db, 'all');
  });

  it('scores the ten hand-worked customers into the expected quintiles and tiers (summary path)', async () => {
    const out = await run({});
    expect(out).toMatchObject({ asOf: '2024-06-30', source: 'summary', customers: 10, revenue: 1450 });
    expect(await scoresOf('2024-06-30')).toEqual(EXPECTED_2024_06_30);
    for (const dim of ['r', 'f', 'm'] as const) expect(out.scores[dim].map((s: any) => s.customers)).toEqual([2, 2, 2, 2, 2]);
    expect(out.scores.r.map((s: any) => [s.min, s.max])).toEqual([[181, 211], [90, 100], [30, 40], [10, 15], [0, 1]]);
    expect(out.scores.f.map((s: any) => [s.min, s.max])).toEqual([[1, 2], [3, 4], [5, 6], [7, 8], [9, 10]]);
    expect(out.scores.m.map((s: any) => [s.min, s.max])).toEqual([[10, 30], [40, 60], [100, 120], [140, 180], [270, 500]]);
    expect(out.tiers.map((t: any) => t.tier)).toEqual([...RFM_TIERS]);
    // At Risk = customers 9 and 10: 2 of 10, revenue 120 + 180 = 300 of 1450 = 0.20690, recency (181 + 211) / 2.
    expect(out.tiers.find((t: any) => t.tier === 'At Risk')).toEqual({
      tier: 'At Risk', customers: 2, customerShare: 0.2, revenue: 300, revenueShare: 0.2069,
      avgRecencyDays: 196, avgFrequency: 7, avgMonetary: 150,
    });
    expect(out.tiers.find((t: any) => t.tier === 'Champions')).toMatchObject({ customers: 1, revenue: 270, revenueShare: 0.1862 });
    expect(out.tiers.find((t: any) => t.tier === 'Lost')).toEqual({
      tier: 'Lost', customers: 0, customerShare: 0, revenue: 0, revenueShare: 0, avgRecencyDays: null, avgFrequency: null, avgMonetary: null,
    });
    expect(out.method).toContain('docs/metrics.md');
    expect(out.tierCustomers).toBeNull();
    expect(out.meta).toMatchObject({ tool: 'rfm_analysis', asOf: '2024-06-30', args: { asOf: '2024-06-30', limit: 50 } });
    expect(Object.keys(out.meta.definitions)).toEqual(expect.arrayContaining(['rfm_score', 'rfm_tier', 'revenue_share']));
  });

  it('lists a tier by monetary, masked for analysts and in full for admins', async () => {
    const analyst = await run({ tier: 'At Risk', limit: 1 });
    expect(analyst.tierCustomers).toEqual({
      tier: 'At Risk',
      total: 2,
      rows: [{ customerId: 10, name: 'Cust T.', email: 'c***@shop.test', country: 'Norway', r: 1, f: 3, m: 4, recencyDays: 211, frequency: 6, monetary: 180 }],
    });
    const admin = await run({ tier: 'At Risk' }, 'admin');
    expect(admin.tierCustomers.rows.map((c: any) => [c.customerId, c.name, c.email])).toEqual([
      [10, 'Cust Ten', 'c10@shop.test'],
      [9, 'Cust Nine', 'c9@shop.test'],
    ]);
  });

  it('gives identical results from customer_summary and from orders on the last order date', async () => {
    const args = { asOf: '2024-06-30', tier: 'At Risk' as const, limit: 10 };
    const [summary, orders] = await readOnly(use(), async (q) => [
      await rfmReport(q, 'summary', args, 'analyst'),
      await rfmReport(q, 'orders', args, 'analyst'),
    ]);
    expect({ ...orders, source: 'summary' }).toEqual(summary);
  });

  it('the scores stored at refresh (customer_rfm) give exactly what ranking the summary gives, for every tier', async () => {
    for (const tier of [undefined, ...RFM_TIERS]) {
      const args = { asOf: '2024-07-15', tier, limit: 3 };
      const [stored, ranked] = await readOnly(use(), async (q) => [
        await rfmReport(q, 'summary', args, 'analyst', true),
        await rfmReport(q, 'summary', args, 'analyst', false),
      ]);
      expect(stored, tier).toEqual(ranked);
    }
  });

  it('a past as-of date ignores later orders and scores ties alike', async () => {
    /*
     * As of 2024-05-31 (orders path): customers 2 and 4 have no order yet; 1 keeps 4 orders (05-05 … 05-26, 120),
     * 3 keeps 4 (05-09 … 05-30, 80). N = 8, score of rank k = 1 + floor(5(k − 1)/8): ranks 1,2 → 1; 3,4 → 2; 5 → 3;
     * 6,7 → 4; 8 → 5; tied values share the lowest rank.
     *  id recency F   M   | R: by recency desc   F: 2,4,4,4 tie at rank 2   M: 120 tie (1 and 9) at rank 5
     *   1     5   4 120   | R4 F1 M3 → FM 2 → Potential Loyalist
     *   3     1   4  80   | R4 F1 M2 → FM 2 → Potential Loyalist
     *   5     0   5 100   | R5 F3 M2 → FM 3 → Potential Loyalist
     *   6    10   2  40   | R3 F1 M1 → About to Sleep
     *   7    60  10 500   | R2 F5 M5 → Can't Lose
     *   8    70   4  60   | R2 F1 M1 → Hibernating
     *   9   151   8 120   | R1 F4 M3 → FM 4 → At Risk
     *  10   181   6 180   | R1 F4 M4 → At Risk
     */
    const out = await run({ asOf: '2024-05-31', tier: 'Potential Loyalist' });
    expect(out).toMatchObject({ source: 'orders', customers: 8, revenue: 1200 });
    expect(await scoresOf('2024-05-31')).toEqual({
      1: [4, 1, 3, 'Potential Loyalist'], 3: [4, 1, 2, 'Potential Loyalist'], 5: [5, 3, 2, 'Potential Loyalist'],
      6: [3, 1, 1, 'About to Sleep'], 7: [2, 5, 5, "Can't Lose"], 8: [2, 1, 1, 'Hibernating'], 9: [1, 4, 3, 'At Risk'], 10: [1, 4, 4, 'At Risk'],
    });
    expect(out.tierCustomers.rows.map((c: any) => [c.customerId, c.recencyDays, c.frequency, c.monetary])).toEqual([
      [1, 5, 4, 120], [5, 0, 5, 100], [3, 1, 4, 80],
    ]);
    expect(out.scores.f).toEqual([
      { score: 1, customers: 4, min: 2, max: 4 }, { score: 2, customers: 0, min: null, max: null },
      { score: 3, customers: 1, min: 5, max: 5 }, { score: 4, customers: 2, min: 6, max: 8 }, { score: 5, customers: 1, min: 10, max: 10 },
    ]);
    expect(out.scores.m.find((s: any) => s.score === 3)).toEqual({ score: 3, customers: 2, min: 120, max: 120 });
    expect(out.scores.r.map((s: any) => s.customers)).toEqual([2, 2, 1, 2, 1]);
  });

  it('before the first order there is nobody to score', async () => {
    const out = await run({ asOf: '2023-01-01', tier: 'Lost' });
    expect(out).toMatchObject({ customers: 0, revenue: 0, tierCustomers: { tier: 'Lost', total: 0, rows: [] } });
    expect(out.scores.r.every((s: any) => s.customers === 0 && s.min === null)).toBe(true);
  });

  it('falls back to scanning orders when customer_summary has not been refreshed', async () => {
    const fresh = await run({ tier: 'At Risk' });
    await use().exec('DELETE FROM customer_summary');
    try {
      const stale = await run({ tier: 'At Risk' });
      expect(stale.source).toBe('orders');
      expect({ ...stale, source: 'summary', meta: null }).toEqual({ ...fresh, meta: null });
    } finally {
      await refreshCustomerSummary(use(), 'all');
    }
  });

  it('once the rollups are built, a past as-of reads customer_months: the same hand-worked scores as the orders scan', async () => {
    const fromOrders = await run({ asOf: '2024-05-31', tier: 'Potential Loyalist' });
    await refreshRollups(use(), 'all');
    try {
      const fromMonths = await run({ asOf: '2024-05-31', tier: 'Potential Loyalist' });
      expect(fromMonths).toMatchObject({ source: 'months', customers: 8, revenue: 1200 });
      expect({ ...fromMonths, source: 'orders', meta: null }).toEqual({ ...fromOrders, meta: null });
      expect(await scoresOf('2024-05-31')).toEqual({
        1: [4, 1, 3, 'Potential Loyalist'], 3: [4, 1, 2, 'Potential Loyalist'], 5: [5, 3, 2, 'Potential Loyalist'],
        6: [3, 1, 1, 'About to Sleep'], 7: [2, 5, 5, "Can't Lose"], 8: [2, 1, 1, 'Hibernating'], 9: [1, 4, 3, 'At Risk'], 10: [1, 4, 4, 'At Risk'],
      });
    } finally {
      await use().exec('DELETE FROM rollup_state'); // later tests expect the orders fallback
    }
  });

  it('rejects bad arguments with a message naming the field', async () => {
    await expect(run({ asOf: '2024-13-01' })).rejects.toThrow(/invalid arguments for rfm_analysis: asOf: /);
    await expect(run({ tier: 'Whales' })).rejects.toThrow(/tier: Invalid option: expected one of "Champions"\|"Loyal"/);
    await expect(run({ limit: 0 })).rejects.toThrow(/limit: Too small/);
    await expect(run({ limit: 1001 })).rejects.toThrow(/limit: Too big/);
    await expect(run({ segment: 'vip' })).rejects.toThrow(/Unrecognized key: "segment"/);
  });
});

for (const driver of TEST_DRIVERS) {
  describe.runIf(hasSharedData('online_retail', 'online_retail.csv.gz'))(`rfm_analysis on Online Retail [${driver}]`, () => {
    it('scores every identified buyer and accounts for all their revenue as of 2011-12-10', async () => {
      const db = await openTestDb(driver);
      try {
        await runImport(db, { entity: 'orders', file: sharedDataPath('online_retail', 'online_retail.csv.gz'), preset: 'online-retail' });
        await refreshCustomerSummary(db, 'all');
        const started = performance.now();
        const out = (await runTool('rfm_analysis', { asOf: '2011-12-10', tier: 'Champions', limit: 20 },
          { db, clock: fixedClock('2011-12-10'), role: 'analyst' })) as any;
        console.log(`rfm_analysis on Online Retail [${driver}]: ${Math.round(performance.now() - started)} ms`);
        // Independent of orders.kind/revenue and of the summary: straight from the invoice numbers and lines.
        const { rows: [facts] } = await db.query<{ buyers: number; revenue: number }>(
          `SELECT count(DISTINCT o.customer_id) AS buyers,
                  sum(l.amount) FILTER (WHERE l.quantity > 0 AND l.unit_price > 0) AS revenue
             FROM orders o JOIN order_lines l ON l.order_id = o.id
            WHERE o.customer_id IS NOT NULL AND o.external_id NOT LIKE 'C%'`,
        );
        expect(out.source).toBe('summary');
        expect(out.customers).toBe(facts!.buyers);
        expect(out.tiers.reduce((s: number, t: any) => s + t.customers, 0)).toBe(facts!.buyers);
        expect(out.tiers.reduce((s: number, t: any) => s + t.revenue, 0)).toBeCloseTo(facts!.revenue, 1);
        expect(out.revenue).toBeCloseTo(facts!.revenue, 2);
        expect(out.tierCustomers.rows).toHaveLength(20);
        const scanStarted = performance.now();
        const orders = await readOnly(db, (q) => rfmReport(q, 'orders', { asOf: '2011-12-10', tier: 'Champions', limit: 20 }, 'analyst'));
        console.log(`rfm_analysis orders path on Online Retail [${driver}]: ${Math.round(performance.now() - scanStarted)} ms`);
        const { meta: _meta, ...summaryResult } = out;
        expect({ ...orders, source: 'summary' }).toEqual(summaryResult);
      } finally {
        await db.close();
      }
    }, 300_000);
  });
}
