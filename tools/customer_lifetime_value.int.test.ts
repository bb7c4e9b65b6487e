import { beforeAll, expect, it } from 'vitest';
import { refreshCustomerSummary } from '../server/db/summary.ts';
import { runImport } from '../server/import/run.ts';
import { describeEachDriver } from '../server/testing/db.ts';
import { hasSharedData, sharedDataPath } from '../server/testing/sharedData.ts';
import { fixedClock } from './lib/clock.ts';
import {
  bgnbdConditionalExpectedPurchases,
  bgnbdProbabilityAlive,
  fitBgNbd,
  gammaGammaConditionalExpectedValue,
  summarizeTransactions,
} from './lib/clv/index.ts';
import { KEEP_SETS_PER_TOOL } from './lib/clv/scoreCache.ts';
import { loadCdnowSampleTransactions } from './lib/clv/testing/cdnow.ts';
import { GLOSSARY } from './lib/glossary.ts';
import { runTool } from './registry.ts';

const relErr = (got: number, want: number): number => Math.abs(got / want - 1);

/**
 * Hand-built shop (all orders at 12:00 UTC), calibration to 2024-02-26, data to 2024-03-10:
 *   Ann (1): 01-01 $10 + 01-01 $5 (same day), 01-15 $20, 02-12 $30 | holdout 03-10 $40
 *   Bob (2): 01-29 $50
 *   Cy  (3): 01-08 $8, 01-22 $12
 *   Di  (4): 03-01 $9 (first order after calibration: not in the cohort)
 * Merged, in weeks: Ann x = 2 (01-15, 02-12), t_x = 42/7 = 6, T = 56/7 = 8, zbar = (20 + 30)/2 = 25;
 *   Bob x = 0, t_x = 0, T = 28/7 = 4; Cy x = 1, t_x = 14/7 = 2, T = 49/7 = 7, zbar = 12.
 * Unmerged, Ann's second 01-01 order is a repeat: x = 3, t_x = 6, T = 8.
 */
async function loadShop(db: import('../server/db/index.ts').Db): Promise<void> {
  await db.exec(`
    INSERT INTO customers (id, name, email) VALUES (1, 'Ann Lee', 'ann@example.com'), (2, 'Bob Stone', NULL),
      (3, 'Cy Dupont', NULL), (4, 'Di Wu', NULL);
    INSERT INTO orders (source, external_id, customer_id, kind, ordered_at, revenue) VALUES
      ('t', 'a1', 1, 'order', '2024-01-01 12:00Z', 10), ('t', 'a2', 1, 'order', '2024-01-01 12:00Z', 5),
      ('t', 'a3', 1, 'order', '2024-01-15 12:00Z', 20), ('t', 'a4', 1, 'order', '2024-02-12 12:00Z', 30),
      ('t', 'a5', 1, 'order', '2024-03-10 12:00Z', 40), ('t', 'a6', 1, 'return', '2024-03-10 13:00Z', 0),
      ('t', 'b1', 2, 'order', '2024-01-29 12:00Z', 50),
      ('t', 'c1', 3, 'order', '2024-01-08 12:00Z', 8), ('t', 'c2', 3, 'order', '2024-01-22 12:00Z', 12),
      ('t', 'd1', 4, 'order', '2024-03-01 12:00Z', 9),
      ('t', 'g1', NULL, 'order', '2024-02-01 12:00Z', 99);
  `);
  await refreshCustomerSummary(db, 'all');
}

describeEachDriver('customer_lifetime_value', (use) => {
  const ctx = (role: 'analyst' | 'admin' = 'analyst') => ({ db: use(), clock: fixedClock('2024-04-01'), role });
  beforeAll(async () => loadShop(use()));

  it('computes x, t_x, T from orders per customer-day for a past calibration end, with a holdout check', async () => {
    const args = { calibrationEnd: '2024-02-26', horizon: 4, customerIds: [2, 1, 3, 4], discountRate: 0.01 };
    const out = (await runTool('customer_lifetime_value', args, ctx())) as any;
    expect(out.calibration).toEqual({ end: '2024-02-26', unit: 'weeks', source: 'orders', customers: 3, repeatCustomers: 2 });
    expect(out.customers.map((c: any) => [c.id, c.name, c.x, c.tx, c.T])).toEqual([
      [2, 'Bob S.', 0, 0, 4],
      [1, 'Ann L.', 2, 6, 8],
      [3, 'Cy D.', 1, 2, 7],
    ]);
    expect(out.customersNotScored).toEqual([4]);
    // The model's own formulas at the fitted parameters (6 significant digits in the output).
    const bg = out.model.bgnbd;
    const gg = out.model.gammaGamma;
    const ann = { x: 2, tx: 6, T: 8, zbar: 25 };
    expect(out.customers[1].pAlive).toBeCloseTo(bgnbdProbabilityAlive(bg, ann), 3);
    expect(out.customers[1].expectedPurchases).toBeCloseTo(bgnbdConditionalExpectedPurchases(bg, 4, ann), 3);
    expect(out.customers[1].expectedValue).toBeCloseTo(gammaGammaConditionalExpectedValue(gg, ann), 1);
    expect(out.customers[0].pAlive).toBe(1); // x = 0: no purchase to drop out after
    // Discounted at 1% a week, CLV lies between the undiscounted value and that value discounted for the full horizon.
    for (const c of out.customers) {
      expect(c.clv).toBeLessThanOrEqual(c.expectedPurchases * c.expectedValue + 0.01);
      expect(c.clv).toBeGreaterThanOrEqual((c.expectedPurchases * c.expectedValue) / 1.01 ** 4 - 0.01);
    }
    expect(gg.customers).toBe(2);
    // Holdout (02-26, 03-25] but the data ends 03-10: actual = Ann's 03-10 order (Di is not in the cohort),
    // predicted over the 13 observed days.
    expect(out.holdout).toMatchObject({ from: '2024-02-27', to: '2024-03-10', complete: false, actualTransactions: 1 });
    const span = 13 / 7;
    const predicted = [ann, { x: 0, tx: 0, T: 4 }, { x: 1, tx: 2, T: 7 }].reduce(
      (s, c) => s + bgnbdConditionalExpectedPurchases(bg, span, c),
      0,
    );
    expect(out.holdout.predictedTransactions).toBeCloseTo(predicted, 1);
    expect(out.totals.customers).toBe(3);
    expect(out.meta).toMatchObject({
      tool: 'customer_lifetime_value',
      window: { from: '2024-01-01', to: '2024-02-26' },
      args: { calibrationEnd: '2024-02-26', horizon: 4, unit: 'weeks', mergeSameDay: true, limit: 20 },
      definitions: { clv: GLOSSARY.clv, p_alive: GLOSSARY.p_alive },
      asOf: '2024-04-01',
    });
  });

  it('keeps same-day orders apart when mergeSameDay is false', async () => {
    const args = { calibrationEnd: '2024-02-26', mergeSameDay: false, customerIds: [1] };
    const out = (await runTool('customer_lifetime_value', args, ctx('admin'))) as any;
    expect(out.customers[0]).toMatchObject({ id: 1, name: 'Ann Lee', x: 3, tx: 6, T: 8 });
  });

  it('reads customer_summary when calibrating to the last order day (the default) and lists the top customers', async () => {
    // Default end = last order day 03-10 (before today 04-01). Ann: days 01-01, 01-15, 02-12, 03-10 → x = 3,
    // t_x = T = 69/7; Bob T = 41/7; Cy x = 1, t_x = 2, T = 62/7; Di x = 0, T = 9/7.
    const out = (await runTool('customer_lifetime_value', { limit: 2 }, ctx())) as any;
    expect(out.calibration).toMatchObject({ end: '2024-03-10', source: 'customer_summary', customers: 4, repeatCustomers: 2 });
    expect(out.holdout).toBeNull();
    expect(out.customers).toHaveLength(2);
    expect(out.customers[0].clv).toBeGreaterThanOrEqual(out.customers[1].clv);
    const all = (await runTool('customer_lifetime_value', { customerIds: [1, 2, 3, 4] }, ctx())) as any;
    expect(all.customers.map((c: any) => [c.x, c.tx, c.T])).toEqual([
      [3, 9.8571, 9.8571],
      [0, 0, 5.8571],
      [1, 2, 8.8571],
      [0, 0, 1.2857],
    ]);
    // Same numbers as the lib's own summary of the same transactions (fit on the same x, t_x, T).
    const fit = fitBgNbd([{ x: 3, tx: 69 / 7, T: 69 / 7 }, { x: 0, tx: 0, T: 41 / 7 }, { x: 1, tx: 2, T: 62 / 7 }, { x: 0, tx: 0, T: 9 / 7 }]);
    expect(relErr(all.model.bgnbd.r, fit.params.r)).toBeLessThan(1e-3);
    expect(all.model.bgnbd.logLikelihood).toBeCloseTo(fit.logLikelihood, 3);
    expect(all.totals.clv).toBeCloseTo(all.customers.reduce((s: number, c: any) => s + c.clv, 0), 1);
    // the average per customer: the listed customers are all four scored ones
    expect(all.customers).toHaveLength(4);
    expect(all.totals.averageClv).toBeCloseTo(all.customers.reduce((s: number, c: any) => s + c.clv, 0) / 4, 1);
  });

  it('rejects bad arguments with a message naming the field', async () => {
    const bad = (args: unknown) => runTool('customer_lifetime_value', args, ctx());
    await expect(bad({ horizon: 0 })).rejects.toThrow(/^invalid arguments for customer_lifetime_value: horizon: /);
    await expect(bad({ unit: 'years' })).rejects.toThrow(/unit: Invalid option/);
    await expect(bad({ calibrationEnd: '2024-02-30' })).rejects.toThrow(/calibrationEnd: not a calendar date/);
    await expect(bad({ calibrationEnd: '26/02/2024' })).rejects.toThrow(/calibrationEnd: expected a date as YYYY-MM-DD/);
    await expect(bad({ limit: 5000 })).rejects.toThrow(/limit: Too big/);
    await expect(bad({ discountRate: -0.1 })).rejects.toThrow(/discountRate: Too small/);
    await expect(bad({ customerIds: ['x'] })).rejects.toThrow(/customerIds\.0: /);
    await expect(bad({ horizn: 3 })).rejects.toThrow(/Unrecognized key: "horizn"/);
    await expect(bad({ calibrationEnd: '2024-05-01' })).rejects.toMatchObject({ code: 'invalid_argument', message: /calibrationEnd: 2024-05-01 is after today/ });
    await expect(bad({ calibrationEnd: '2023-12-31' })).rejects.toThrow(/calibrationEnd: no customer ordered on or before 2023-12-31/);
    // Only Ann's and Cy's first orders by 01-10: nobody has repeated yet.
    await expect(bad({ calibrationEnd: '2024-01-10' })).rejects.toThrow(/at least one customer with a repeat purchase/);
  });

  // Runs last in this block: it adds an order.
  it('reuses a fitted model only for exactly the same input (model_fit_cache), and refits when the data changes', async () => {
    // An input no earlier test in this block fits (days, orders kept apart, calibration to the last order day).
    const args = { unit: 'days' as const, mergeSameDay: false, customerIds: [1, 2, 3] };
    const cached = async () => (await use().query<{ n: number }>(`SELECT count(*)::int AS n FROM model_fit_cache`)).rows[0]!.n;
    const before = await cached();
    const first = (await runTool('customer_lifetime_value', args, ctx())) as any;
    expect([first.model.bgnbd.fromCache, first.model.gammaGamma.fromCache]).toEqual([false, false]);
    expect(await cached()).toBe(before + 2); // one BG/NBD and one Gamma-Gamma entry
    const second = (await runTool('customer_lifetime_value', args, ctx())) as any;
    expect([second.model.bgnbd.fromCache, second.model.gammaGamma.fromCache]).toEqual([true, true]);
    const strip = (o: any) => ({ ...o, model: { ...o.model, bgnbd: { ...o.model.bgnbd, fromCache: null }, gammaGamma: { ...o.model.gammaGamma, fromCache: null } }, meta: null });
    expect(strip(second)).toEqual(strip(first)); // a hit answers exactly what fitting again did
    // Same data in weeks: another BG/NBD input (t_x, T in other units), fitted anew; Gamma-Gamma's input (x, zbar)
    // does not depend on the unit, so its fit is reused.
    const weeks = (await runTool('customer_lifetime_value', { ...args, unit: 'weeks' }, ctx())) as any;
    expect([weeks.model.bgnbd.fromCache, weeks.model.gammaGamma.fromCache]).toEqual([false, true]);
    // A new order for Cy changes his x, t_x: the key changes, the model is refitted and differs.
    await use().exec(`INSERT INTO orders (source, external_id, customer_id, kind, ordered_at, revenue) VALUES ('t', 'c3', 3, 'order', '2024-03-05 12:00Z', 11)`);
    await refreshCustomerSummary(use(), [3]);
    const after = (await runTool('customer_lifetime_value', args, ctx())) as any;
    expect(after.model.bgnbd.fromCache).toBe(false);
    expect(after.model.bgnbd.r).not.toBe(first.model.bgnbd.r);
    expect(after.customers.find((c: any) => c.id === 3).x).toBe(2);
    // Independent check of the reused numbers: the lib fitted on the same x, t_x, T (days, unmerged) gives them too.
    const fit = fitBgNbd([{ x: 4, tx: 69, T: 69 }, { x: 0, tx: 0, T: 41 }, { x: 1, tx: 14, T: 62 }, { x: 0, tx: 0, T: 9 }]); // Ann, Bob, Cy, Di
    expect(relErr(second.model.bgnbd.r, fit.params.r)).toBeLessThan(1e-4);
  });

  // Runs after the model_fit_cache test (it added an order for Cy): changes the data once more itself.
  it('reuses stored scores per data version (clv_score_sets), identical to scoring again, and recomputes after a refresh', async () => {
    const db = use();
    const sets = async () => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM clv_score_sets WHERE tool = 'customer_lifetime_value'`)).rows[0]!.n;
    const forget = () => db.exec('DELETE FROM clv_scores; DELETE FROM clv_score_sets');
    const strip = (o: any) => ({ ...o, model: { ...o.model, bgnbd: { ...o.model.bgnbd, fromCache: null }, gammaGamma: { ...o.model.gammaGamma, fromCache: null } }, meta: null });
    const call = async (args: object) => (await runTool('customer_lifetime_value', args, ctx())) as any;
    await forget();
    const computed = await call({ limit: 3 });
    expect(await sets()).toBe(1);
    const stored = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM clv_scores`)).rows[0]!.n;
    expect(stored).toBe(computed.totals.customers); // every scored customer, not just the listed ones
    const reused = await call({ limit: 3 });
    expect([reused.model.bgnbd.fromCache, reused.model.gammaGamma.fromCache]).toEqual([true, true]);
    expect(strip(reused)).toEqual(strip(computed));
    expect(await sets()).toBe(1);
    // Requested ids from the stored rows equal the ordinary path's (scored again after the sets are gone).
    const ids = { customerIds: [3, 99, 1, 3] };
    const idsReused = await call(ids);
    await forget();
    const idsComputed = await call(ids);
    expect(strip(idsReused)).toEqual(strip(idsComputed));
    expect(idsReused.customers.map((c: any) => c.id)).toEqual([3, 1]);
    expect(idsReused.customersNotScored).toEqual([99]);
    // Another horizon is another set; sets are pruned to the newest KEEP_SETS_PER_TOOL, their rows with them.
    for (const horizon of [4, 8, 12, 16, 20]) await call({ horizon });
    expect(await sets()).toBe(KEEP_SETS_PER_TOOL);
    const orphans = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM clv_scores s WHERE NOT EXISTS (SELECT 1 FROM clv_score_sets t WHERE t.id = s.set_id)`);
    expect(orphans.rows[0]!.n).toBe(0);
    // New data: Bob buys again on the last order day. The data version changes, so the scores are computed anew.
    const before = await call({ customerIds: [2] });
    await db.exec(`INSERT INTO orders (source, external_id, customer_id, kind, ordered_at, revenue) VALUES ('t', 'b2', 2, 'order', '2024-03-10 12:00Z', 60)`);
    await refreshCustomerSummary(db, [2]);
    const after = await call({ customerIds: [2] });
    expect(before.customers[0].x).toBe(0);
    expect(after.customers[0].x).toBe(1);
    expect(after.model.bgnbd.fromCache).toBe(false);
    await forget();
    expect(strip(await call({ customerIds: [2] }))).toEqual(strip(after));
  });
});

describeEachDriver('customer_lifetime_value by group', (use) => {
  const ctx = () => ({ db: use(), clock: fixedClock('2024-04-01'), role: 'analyst' as const });
  beforeAll(async () => {
    await loadShop(use());
    await use().exec(`UPDATE customers SET country = CASE id WHEN 1 THEN 'Germany' WHEN 3 THEN 'Germany' WHEN 4 THEN 'France' END`);
  });

  it('totals the scored customers per country (Bob without one: "(none)"), from fresh and from stored scores alike', async () => {
    const call = async (args: object) => (await runTool('customer_lifetime_value', args, ctx())) as any;
    await use().exec('DELETE FROM clv_scores; DELETE FROM clv_score_sets');
    const each = await call({ customerIds: [1, 2, 3, 4] }); // scores everyone and stores the set
    const clv = new Map<number, number>(each.customers.map((c: any) => [c.id, c.clv]));
    expect([...clv.keys()].sort()).toEqual([1, 2, 3, 4]);
    const stored = await call({ groupBy: 'country' });
    await use().exec('DELETE FROM clv_scores; DELETE FROM clv_score_sets');
    const fresh = await call({ groupBy: 'country' }); // scored again (no stored set), and stored anew
    expect((await use().query(`SELECT 1 FROM clv_score_sets`)).rows).toHaveLength(1);
    expect(stored.groups).toEqual(fresh.groups);
    // Hand-grouped from the per-customer scores: Germany = Ann + Cy, France = Di, (none) = Bob; highest total first.
    const expected = [
      { group: 'Germany', ids: [1, 3] }, { group: 'France', ids: [4] }, { group: '(none)', ids: [2] },
    ].map(({ group, ids }) => ({ group, customers: ids.length, clv: ids.reduce((s, id) => s + clv.get(id)!, 0) }))
      .sort((a, b) => b.clv - a.clv);
    expect(fresh.groups.map((g: any) => g.group)).toEqual(expected.map((g) => g.group));
    fresh.groups.forEach((g: any, i: number) => {
      expect(g.customers).toBe(expected[i]!.customers);
      expect(g.clv).toBeCloseTo(expected[i]!.clv, 1); // per-customer scores are rounded to cents
      expect(g.averageClv).toBeCloseTo(g.clv / g.customers, 1);
      expect(g.share).toBeCloseTo(g.clv / fresh.totals.clv, 3);
    });
    expect(fresh.meta.args.groupBy).toBe('country');
    expect((await call({})).groups).toBeNull();
    // No orders carry a channel here: one group, everyone.
    const byChannel = await call({ groupBy: 'channel' });
    expect(byChannel.groups).toHaveLength(1);
    expect(byChannel.groups[0]).toMatchObject({ group: '(none)', customers: 4, share: 1 });
    await expect(runTool('customer_lifetime_value', { groupBy: 'tier' }, ctx())).rejects.toThrow(/groupBy/);
  });

  it('totals per RFM tier as of the calibration end, tiers worked by hand', async () => {
    const call = async (args: object) => (await runTool('customer_lifetime_value', args, ctx())) as any;
    const each = await call({ customerIds: [1, 2, 3, 4] });
    const clv = new Map<number, number>(each.customers.map((c: any) => [c.id, c.clv]));
    // As of the default calibration end, the last order day 03-10, quintile score = 1 + floor(5 (rank − 1) / 4):
    //   R by days since the last order, most days first: Cy 48 → 1, Bob 41 → 2, Di 9 → 3, Ann 0 → 4;
    //   F by orders: Bob 1 and Di 1 tie → 1, Cy 2 → 3, Ann 5 → 4;  M by revenue: Di 9 → 1, Cy 20 → 2, Bob 50 → 3, Ann 105 → 4;
    //   FM = round((F + M) / 2): Ann 4, Bob 2, Cy 2.5 → 3, Di 1.
    //   Tiers (docs/metrics.md grid): Ann R4 FM4 Loyal, Bob R2 FM2 Hibernating, Cy R1 FM3 At Risk, Di R3 FM1 About to Sleep.
    const tierOf: Record<number, string> = { 1: 'Loyal', 2: 'Hibernating', 3: 'At Risk', 4: 'About to Sleep' };
    const out = await call({ groupBy: 'rfm_tier' });
    expect(out.calibration.end).toBe('2024-03-10');
    // one customer per tier: each tier's total is that customer's CLV (scores rounded to cents), highest first
    expect(out.groups.map((g: any) => g.group).sort()).toEqual(Object.values(tierOf).sort());
    for (const [id, group] of Object.entries(tierOf)) {
      expect(out.groups.find((g: any) => g.group === group)).toMatchObject({ customers: 1, clv: expect.closeTo(clv.get(Number(id))!, 1) });
    }
    expect(out.groups.map((g: any) => g.clv)).toEqual(out.groups.map((g: any) => g.clv).sort((a: number, b: number) => b - a));
    expect(out.meta.definitions.rfm_tier).toBe(GLOSSARY.rfm_tier);
    // An earlier calibration end ranks only the customers who had ordered by then: Ann, Bob and Cy on 02-12
    // (three values: score = 1 + floor(5 (rank − 1) / 3) = 1, 2, 4; R: Cy 21 → 1, Bob 14 → 2, Ann 0 → 4; F: Bob 1 → 1,
    // Cy 2 → 2, Ann 4 → 4; M: Cy 20 → 1, Bob 50 → 2, Ann 65 → 4).
    const early = await call({ calibrationEnd: '2024-02-12', groupBy: 'rfm_tier' });
    const groups = Object.fromEntries(early.groups.map((g: any) => [g.group, g.customers]));
    // Ann R4 FM4 Loyal; Bob R2 FM round(1.5) = 2 Hibernating; Cy R1 FM round(1.5) = 2 Lost
    expect(groups).toEqual({ Loyal: 1, Hibernating: 1, Lost: 1 });
  });
});

describeEachDriver('customer_lifetime_value on CDNOW (Fader, Hardie & Lee 2005)', (use) => {
  const ctx = () => ({ db: use(), clock: fixedClock('2024-01-01'), role: 'analyst' as const });
  const run = hasSharedData('cdnow', 'CDNOW_sample.txt');
  beforeAll(async () => {
    if (!run) return;
    await runImport(use(), { entity: 'orders', file: sharedDataPath('cdnow', 'CDNOW_sample.txt'), preset: 'cdnow' });
    await refreshCustomerSummary(use(), 'all');
  }, 120_000);

  it.runIf(run)('reproduces the published BG/NBD and Gamma-Gamma fits and customer 0001’s E[Y(39)] = 1.226', async () => {
    const { rows } = await use().query<{ id: number }>(
      `SELECT customer_id AS id FROM customer_identities WHERE kind = 'external_id' AND source = 'cdnow' AND value = '0001'`,
    );
    const id = Number(rows[0]!.id);
    const args = { calibrationEnd: '1997-09-30', unit: 'weeks', mergeSameDay: true, horizon: 39, customerIds: [id] };
    const t0 = performance.now();
    const out = (await runTool('customer_lifetime_value', args, ctx())) as any;
    console.log(`CDNOW via tool (${(performance.now() - t0).toFixed(0)} ms): ${JSON.stringify(out.model)} ` +
      `customer 0001: ${JSON.stringify(out.customers[0])} holdout: ${JSON.stringify(out.holdout)}`);
    const { bgnbd, gammaGamma } = out.model;
    expect(out.calibration).toMatchObject({ source: 'orders', customers: 2357, repeatCustomers: 946 });
    expect(relErr(bgnbd.r, 0.2426)).toBeLessThan(0.01);
    expect(relErr(bgnbd.alpha, 4.4135)).toBeLessThan(0.01);
    expect(relErr(bgnbd.a, 0.7929)).toBeLessThan(0.01);
    expect(relErr(bgnbd.b, 2.4258)).toBeLessThan(0.01);
    expect(bgnbd.logLikelihood).toBeCloseTo(-9582.4, 0);
    expect(relErr(gammaGamma.p, 6.25)).toBeLessThan(0.01);
    expect(relErr(gammaGamma.q, 3.74)).toBeLessThan(0.01);
    expect(relErr(gammaGamma.v, 15.44)).toBeLessThan(0.01);
    expect(gammaGamma.customers).toBe(946);
    expect(out.customers[0]).toMatchObject({ id, x: 2, tx: 30.4286, T: 38.8571 });
    expect(Math.abs(out.customers[0].expectedPurchases - 1.226)).toBeLessThanOrEqual(0.01);
    // Holdout 1997-10-01..1998-06-30 (39 weeks): 1,882 repeat customer-days (data README).
    expect(out.holdout).toMatchObject({ from: '1997-10-01', to: '1998-06-30', complete: true, actualTransactions: 1882 });
    expect(out.holdout.predictedTransactions).toBeGreaterThan(1600);
    expect(out.holdout.predictedTransactions).toBeLessThan(1700);
  }, 60_000);

  it.runIf(run)('the customer_summary fast path fits the same model as the lib on the raw file (calibration to the end)', async () => {
    const out = (await runTool('customer_lifetime_value', { calibrationEnd: '1998-06-30' }, ctx())) as any;
    expect(out.calibration.source).toBe('customer_summary');
    const summary = summarizeTransactions(loadCdnowSampleTransactions(), { calibrationEnd: '1998-06-30', unit: 'weeks' });
    const fit = fitBgNbd(summary.customers);
    expect(out.calibration.customers).toBe(summary.customers.length);
    expect(out.model.bgnbd.logLikelihood).toBeCloseTo(fit.logLikelihood, 2);
    for (const k of ['r', 'alpha', 'a', 'b'] as const) expect(relErr(out.model.bgnbd[k], fit.params[k])).toBeLessThan(1e-4);
  }, 60_000);
});
