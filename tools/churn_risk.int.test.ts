import { beforeAll, expect, it } from 'vitest';
import type { Db } from '../server/db/index.ts';
import { refreshCustomerSummary } from '../server/db/summary.ts';
import { describeEachDriver } from '../server/testing/db.ts';
import { fixedClock } from './lib/clock.ts';
import { bgnbdProbabilityAlive } from './lib/clv/index.ts';
import { GLOSSARY } from './lib/glossary.ts';
import { segmentFilterSchema } from './lib/segments/filter.ts';
import { runTool } from './registry.ts';

/**
 * Hand-built customers, orders at 12:00 UTC unless noted, judged as of 2024-06-30:
 *   1 Ann (UK)  every 10 days: 04-16, 04-26, 05-06, 05-16, 05-26 at $20. Gap 40/4 = 10, quiet 35 days → ratio 3.5.
 *               Tenure 75 days (< 1 year) → revenue at stake = revenue = $100.
 *   2 Bob (DE)  every 30 days: 04-11, 05-11, 06-10 at $50. Quiet 20 days → ratio 20/30 = 0.6667: fine.
 *   3 Cy  (FR)  one order 2023-01-01, $500. Quiet 365 + 181 = 546 days. Stake = 500 / (546/365.25) = 334.48.
 *   4 Dee (US)  2023-06-30 and 2024-06-29 at $100. Gap 365, quiet 1 day → ratio 0.0027.
 *   5 Eve (US)  one order 06-01, $40. Quiet 29 days.
 *   6 Fay (UK)  two orders on 03-01 (10:00 $30, 18:00 $40): one order day, so judged as a one-order customer
 *               (her 8-hour "gap" would give a meaningless ratio of 363). Quiet 121 days, stake $70.
 * Repeat customers' gaps: 10, 30, 365 → median 30 → one-order customers at risk after 2 × 30 = 60 days: Cy, Fay.
 */
async function loadCustomers(db: Db): Promise<void> {
  await db.exec(`
    INSERT INTO customers (id, name, email, country) VALUES
      (1, 'Ann Lee', 'ann@example.com', 'United Kingdom'), (2, 'Bob Stone', 'bob@example.com', 'Germany'),
      (3, 'Cy Dupont', 'cy@example.fr', 'France'), (4, 'Dee Ray', NULL, 'United States'),
      (5, 'Eve Fox', NULL, 'United States'), (6, 'Fay Lu', NULL, 'United Kingdom');
    INSERT INTO orders (source, external_id, customer_id, kind, ordered_at, revenue) VALUES
      ('t', 'a1', 1, 'order', '2024-04-16 12:00Z', 20), ('t', 'a2', 1, 'order', '2024-04-26 12:00Z', 20),
      ('t', 'a3', 1, 'order', '2024-05-06 12:00Z', 20), ('t', 'a4', 1, 'order', '2024-05-16 12:00Z', 20),
      ('t', 'a5', 1, 'order', '2024-05-26 12:00Z', 20),
      ('t', 'b1', 2, 'order', '2024-04-11 12:00Z', 50), ('t', 'b2', 2, 'order', '2024-05-11 12:00Z', 50),
      ('t', 'b3', 2, 'order', '2024-06-10 12:00Z', 50),
      ('t', 'c1', 3, 'order', '2023-01-01 12:00Z', 500),
      ('t', 'd1', 4, 'order', '2023-06-30 12:00Z', 100), ('t', 'd2', 4, 'order', '2024-06-29 12:00Z', 100),
      ('t', 'e1', 5, 'order', '2024-06-01 12:00Z', 40),
      ('t', 'f1', 6, 'order', '2024-03-01 10:00Z', 30), ('t', 'f2', 6, 'order', '2024-03-01 18:00Z', 40),
      ('t', 'g1', NULL, 'order', '2024-06-20 12:00Z', 999);
  `);
  await refreshCustomerSummary(db, 'all');
}

describeEachDriver('churn_risk', (use) => {
  const ctx = (role: 'analyst' | 'support' = 'analyst') => ({ db: use(), clock: fixedClock('2024-06-30'), role });
  const run = (args: unknown, role?: 'analyst' | 'support') => runTool('churn_risk', args, ctx(role)) as Promise<any>;
  beforeAll(async () => loadCustomers(use()));

  it('flags customers quiet for twice their own gap, and one-order customers after twice the median gap', async () => {
    // A P(alive) threshold no one is below isolates the inactivity rule.
    const out = await run({ pAliveThreshold: 1e-12 });
    expect(out.asOf).toBe('2024-06-30');
    expect(out.thresholds).toEqual({ ratioThreshold: 2, singleOrderDays: 60, medianRepeatGapDays: 30, pAliveThreshold: 1e-12 });
    expect(out.counts).toEqual({ customers: 6, inactiveRepeat: 1, inactiveSingleOrder: 2, lowPAlive: 0, both: 0, atRisk: 3 });
    expect(out.customers.map((c: any) => [c.id, c.revenueAtStake, c.inactivityRatio, c.reasons])).toEqual([
      [3, 334.48, null, ['single_order_inactive']],
      [1, 100, 3.5, ['inactive_vs_own_gap']],
      [6, 70, null, ['single_order_inactive']],
    ]);
    expect(out.customers[1]).toMatchObject({
      name: 'Ann L.', email: 'a***@example.com', country: 'United Kingdom', lastOrder: '2024-05-26', daysSinceLastOrder: 35, orders: 5, revenue: 100,
    });
    expect(out.customers[0]).toMatchObject({ daysSinceLastOrder: 546, orders: 1, pAlive: 1 }); // x = 0 → P(alive) = 1
    expect(out.revenueAtStake).toEqual({ inactivity: 504.48, lowPAlive: 0, atRisk: 504.48 });
    // Win-back: 2+ orders, quiet ≥ ceil(2 × 30) = 60 days → last order on or before 06-30 − 60 = 05-01: only Fay.
    expect(out.winBack).toMatchObject({ definition: { orders: { min: 2 }, lastOrderTo: '2024-05-01' }, size: 1 });
    expect(segmentFilterSchema.parse(out.winBack.definition)).toEqual(out.winBack.definition); // customer_segments can save it
    expect(out.meta).toMatchObject({
      tool: 'churn_risk', asOf: '2024-06-30', args: { asOf: '2024-06-30', ratioThreshold: 2, match: 'any', limit: 50 },
      definitions: { inactivity_ratio: GLOSSARY.inactivity_ratio, revenue_at_stake: GLOSSARY.revenue_at_stake },
    });
  });

  it('judges only the customers of a filter, against the whole shop’s thresholds', async () => {
    // UK: Ann (ratio 3.5) and Fay (one order day, 121 days quiet). Fay is judged against the shop's 2 × 30 = 60 days,
    // not the UK's own rhythm (Ann's 10-day gap would make it 20): the UK's at-risk customers are the overall ones in the UK.
    const uk = await run({ pAliveThreshold: 1e-12, filter: { country: 'United Kingdom' } });
    expect(uk.thresholds).toMatchObject({ singleOrderDays: 60, medianRepeatGapDays: 30 });
    expect(uk.counts).toEqual({ customers: 2, inactiveRepeat: 1, inactiveSingleOrder: 1, lowPAlive: 0, both: 0, atRisk: 2 });
    expect(uk.customers.map((c: any) => [c.id, c.revenueAtStake])).toEqual([[1, 100], [6, 70]]);
    expect(uk.revenueAtStake.atRisk).toBe(170);
    // win-back within the filter: Fay (2 orders, last 03-01 ≤ 05-01); the definition keeps the country
    expect(uk.winBack).toMatchObject({ definition: { country: 'United Kingdom', orders: { min: 2 }, lastOrderTo: '2024-05-01' }, size: 1 });
    expect(uk.meta.args.filter).toEqual({ country: 'United Kingdom' });
    // Germany: Bob (ratio 0.67) is fine
    expect((await run({ pAliveThreshold: 1e-12, filter: { country: 'germany' } })).counts).toMatchObject({ customers: 1, atRisk: 0 });
    // the filter's own bounds stay the tighter ones: 3+ orders leaves Ann (5 orders, last 05-26 after 05-01): size 0
    const three = await run({ pAliveThreshold: 1e-12, filter: { country: 'United Kingdom', orders: { min: 3 } } });
    expect(three.winBack).toMatchObject({ definition: { country: 'United Kingdom', orders: { min: 3 }, lastOrderTo: '2024-05-01' }, size: 0 });
    expect(three.counts).toMatchObject({ customers: 1, atRisk: 1 });
    await expect(run({ filter: { country: 'Spain' } })).rejects.toThrow(/filter: no customer in it ordered on or before 2024-06-30/);
    await expect(run({ filter: { segment: 'nope' } })).rejects.toThrow(/unknown saved segment "nope"/);
  });

  it('applies the thresholds given, and shows contact details to support staff', async () => {
    const out = await run({ ratioThreshold: 4, singleOrderDays: 29, pAliveThreshold: 1e-12, limit: 2 }, 'support');
    // Ann's 3.5 < 4; Eve (29 days) joins Cy and Fay; the list keeps the top 2 by stake.
    expect(out.counts).toMatchObject({ inactiveRepeat: 0, inactiveSingleOrder: 3, atRisk: 3 });
    expect(out.customers.map((c: any) => [c.id, c.name, c.email])).toEqual([[3, 'Cy Dupont', 'cy@example.fr'], [6, 'Fay Lu', null]]);
  });

  it('uses P(alive) at the fitted BG/NBD parameters and combines the rules', async () => {
    const out = await run({ pAliveThreshold: 0.999, limit: 10 });
    // Ann as of 06-30 in weeks: x = 4, t_x = 40/7, T = 75/7; Bob: x = 2, t_x = 60/7, T = 80/7.
    const ann = out.customers.find((c: any) => c.id === 1);
    expect(ann.pAlive).toBeCloseTo(bgnbdProbabilityAlive(out.model, { x: 4, tx: 40 / 7, T: 75 / 7 }), 3);
    expect(out.counts.lowPAlive).toBeGreaterThan(0); // the fit on this tiny shop puts Ann, Bob and Dee below 0.999
    expect(out.counts.both).toBeGreaterThan(0);
    const all = await run({ pAliveThreshold: 0.999, match: 'all', limit: 10 });
    for (const c of out.customers) expect(c.reasons.includes('low_p_alive')).toBe(c.pAlive < 0.999);
    expect(all.counts.atRisk).toBe(out.counts.both);
    expect(all.customers.every((c: any) => c.reasons.includes('low_p_alive') && c.reasons.length === 2)).toBe(true);
    expect(out.counts.atRisk).toBe(out.counts.inactiveRepeat + out.counts.inactiveSingleOrder + out.counts.lowPAlive - out.counts.both);
  });

  it('judges a past date from the orders up to it', async () => {
    // As of 06-01: Ann quiet 6 days (ratio 0.6); Bob 04-11, 05-11 (gap 30, quiet 21); Dee has one order (2023-06-30,
    // quiet 337 days); Eve ordered that day. Median repeat gap (10, 30) = 20 → one-order cut-off 40 days: Cy, Dee, Fay.
    const out = await run({ asOf: '2024-06-01', pAliveThreshold: 1e-12 });
    expect(out.thresholds).toMatchObject({ singleOrderDays: 40, medianRepeatGapDays: 20 });
    expect(out.counts).toMatchObject({ customers: 6, inactiveRepeat: 0, inactiveSingleOrder: 3 });
    expect(out.customers.map((c: any) => [c.id, c.daysSinceLastOrder, c.orders])).toEqual([[3, 517, 1], [4, 337, 1], [6, 92, 2]]);
    const early = await run({ asOf: '2023-03-01', pAliveThreshold: 1e-12 });
    expect(early.counts.customers).toBe(1);
    expect(early.thresholds.singleOrderDays).toBeNull();
    expect(early.notes.join(' ')).toMatch(/no repeat customers/);
  });

  it('reuses the answer and the model per data version (clv_score_sets), identical to judging again', async () => {
    const db = use();
    const forget = () => db.exec('DELETE FROM clv_score_sets');
    const strip = (o: any) => ({ ...o, model: { ...o.model, fromCache: null }, meta: null });
    const args = { pAliveThreshold: 0.999, limit: 10 };
    await forget();
    const computed = await run(args);
    const reused = await run(args);
    expect(reused.model.fromCache).toBe(true);
    expect(strip(reused)).toEqual(strip(computed));
    const { rows } = await db.query<{ tool: string }>(`SELECT tool FROM clv_score_sets ORDER BY tool`);
    expect(rows.map((r) => r.tool)).toEqual(['churn_risk', 'churn_risk_model']);
    // Other thresholds: judged anew with the stored model, the same as without it.
    const other = await run({ ...args, ratioThreshold: 3 });
    expect(other.model.fromCache).toBe(true);
    await forget();
    expect(strip(await run({ ...args, ratioThreshold: 3 }))).toEqual(strip(other));
    // New data (Eve orders again on 06-20): the data version changes and the answer follows the data.
    await db.exec(`INSERT INTO orders (source, external_id, customer_id, kind, ordered_at, revenue) VALUES ('t', 'e2', 5, 'order', '2024-06-20 12:00Z', 40)`);
    await refreshCustomerSummary(db, [5]);
    const after = await run(args);
    expect(after.thresholds.medianRepeatGapDays).not.toBe(computed.thresholds.medianRepeatGapDays); // Eve's 19-day gap joins 10, 30, 365
    expect(after.thresholds.medianRepeatGapDays).toBe(24.5);
    await db.exec(`DELETE FROM orders WHERE external_id = 'e2'`);
    await refreshCustomerSummary(db, [5]);
  });

  it('measures the own gap between order days: same-day orders are one purchase occasion', async () => {
    // Fay orders again on 04-30 12:00. Her order days: 03-01 (two orders), 04-30 → gap 60 days, quiet 61 days →
    // ratio 61/60 = 1.0167: not overdue. Between timestamps the gap would be (04-30 12:00 − 03-01 10:00) ÷ 2 ≈ 30.04
    // days and the ratio 2.03: overdue. Repeat gaps now 10, 30, 60, 365 → median 45 → one-order cut-off 90 days: Cy.
    const db = use();
    await db.exec(`INSERT INTO orders (source, external_id, customer_id, kind, ordered_at, revenue) VALUES ('t', 'f3', 6, 'order', '2024-04-30 12:00Z', 10)`);
    await refreshCustomerSummary(db, [6]);
    try {
      const out = await run({ pAliveThreshold: 1e-12 });
      expect(out.thresholds).toMatchObject({ medianRepeatGapDays: 45, singleOrderDays: 90 });
      expect(out.customers.map((c: any) => [c.id, c.inactivityRatio, c.reasons])).toEqual([
        [3, null, ['single_order_inactive']],
        [1, 3.5, ['inactive_vs_own_gap']],
      ]);
      const fay = await run({ pAliveThreshold: 1e-12, ratioThreshold: 1, limit: 10 });
      expect(fay.customers.find((c: any) => c.id === 6)).toMatchObject({ inactivityRatio: 1.0167, orders: 3, daysSinceLastOrder: 61 });
      // customer_segments' churnRisk filter (and so the "overdue" tag) judges by the same ratio.
      const segment = await runTool('customer_segments', { filter: { churnRisk: { minInactivityRatio: 1 } }, sample: 10 }, ctx()) as any;
      expect(segment.profile.sample.map((m: any) => m.customerId).sort()).toEqual([1, 6]); // Ann 3.5, Fay 1.0167; Bob 0.67, Dee 0.003
      // As of 06-28 (before Dee's last order, so from the orders): Ann 33/10; Fay 59/60 = 0.983 < 1 (≈ 1.96 by
      // timestamps); Dee has one order day then.
      const past = await runTool('customer_segments', { filter: { churnRisk: { minInactivityRatio: 1 } }, asOf: '2024-06-28', sample: 10 }, ctx()) as any;
      expect(past.profile.sample.map((m: any) => m.customerId)).toEqual([1]);
    } finally {
      await db.exec(`DELETE FROM orders WHERE external_id = 'f3'`);
      await refreshCustomerSummary(db, [6]);
    }
  });

  it('rejects bad arguments with a message naming the field', async () => {
    await expect(run({ ratioThreshold: 0.5 })).rejects.toThrow(/^invalid arguments for churn_risk: ratioThreshold: Too small/);
    await expect(run({ pAliveThreshold: 1 })).rejects.toThrow(/pAliveThreshold: Too big/);
    await expect(run({ singleOrderDays: 1.5 })).rejects.toThrow(/singleOrderDays: /);
    await expect(run({ asOf: '2024-13-01' })).rejects.toThrow(/asOf: not a calendar date/);
    await expect(run({ match: 'some' })).rejects.toThrow(/match: Invalid option/);
    await expect(run({ limit: 0 })).rejects.toThrow(/limit: Too small/);
    await expect(run({ treshold: 2 })).rejects.toThrow(/Unrecognized key: "treshold"/);
    await expect(run({ asOf: '2020-01-01' })).rejects.toThrow(/asOf: no customer ordered on or before 2020-01-01/);
  });
});
