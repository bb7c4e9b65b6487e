import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../server/db/index.ts';
import { refreshRollups } from '../server/db/rollups.ts';
import { refreshCustomerSummary } from '../server/db/summary.ts';
import { runImport } from '../server/import/run.ts';
import { describeEachDriver } from '../server/testing/db.ts';
import { hasSharedData, sharedDataPath } from '../server/testing/sharedData.ts';
import { fixedClock } from './lib/clock.ts';
import { GLOSSARY } from './lib/glossary.ts';
import { cellsSource } from './cohort_retention.ts';
import { runTool } from './registry.ts';

/**
 * Hand-made shop, as of 2024-04-15 (April is the partial month):
 *   c1 UK web   01-05 10 | 02-10 20 | 04-02 5 | 04-20 99 (after today: ignored)      → cohort 2024-01
 *   c2 DE app   01-20 30 | 01-25 10                                                  → cohort 2024-01
 *   c3 UK web   01-31 23:30Z 15 | 02-01 00:30Z 5 (UTC months: Jan then Feb)           → cohort 2024-01
 *   c4 UK web   02-14 40 | 03-01 10 | return 03-05 (not an order)                    → cohort 2024-02
 *   c5 FR store 02-28 8  | 04-10 12                                                  → cohort 2024-02
 *   c6 UK web   2023-12-15 50 | 01-03 5                                              → cohort 2023-12
 *   c7 UK web   03-03 9                                                              → cohort 2024-03
 *   c8 UK web   04-20 7 (first order after today: in no cohort); guest order 01-10 (no customer)
 */
async function loadShop(db: Db) {
  await db.exec(`
    INSERT INTO customers (id, name, country) VALUES (1, 'c1', 'United Kingdom'), (2, 'c2', 'Germany'), (3, 'c3', 'United Kingdom'),
      (4, 'c4', 'United Kingdom'), (5, 'c5', 'France'), (6, 'c6', 'United Kingdom'), (7, 'c7', 'United Kingdom'), (8, 'c8', 'United Kingdom');
    INSERT INTO orders (source, external_id, customer_id, kind, ordered_at, channel, revenue) VALUES
      ('t', '1a', 1, 'order', '2024-01-05 10:00Z', 'web', 10), ('t', '1b', 1, 'order', '2024-02-10 10:00Z', 'web', 20),
      ('t', '1c', 1, 'order', '2024-04-02 10:00Z', 'web', 5), ('t', '1d', 1, 'order', '2024-04-20 10:00Z', 'web', 99),
      ('t', '2a', 2, 'order', '2024-01-20 10:00Z', 'app', 30), ('t', '2b', 2, 'order', '2024-01-25 10:00Z', 'app', 10),
      ('t', '3a', 3, 'order', '2024-01-31 23:30Z', 'web', 15), ('t', '3b', 3, 'order', '2024-02-01 00:30Z', 'web', 5),
      ('t', '4a', 4, 'order', '2024-02-14 10:00Z', 'web', 40), ('t', '4b', 4, 'order', '2024-03-01 10:00Z', 'web', 10),
      ('t', '4r', 4, 'return', '2024-03-05 10:00Z', 'web', 0),
      ('t', '5a', 5, 'order', '2024-02-28 10:00Z', 'store', 8), ('t', '5b', 5, 'order', '2024-04-10 10:00Z', 'store', 12),
      ('t', '6a', 6, 'order', '2023-12-15 10:00Z', 'web', 50), ('t', '6b', 6, 'order', '2024-01-03 10:00Z', 'web', 5),
      ('t', '7a', 7, 'order', '2024-03-03 10:00Z', 'web', 9), ('t', '8a', 8, 'order', '2024-04-20 10:00Z', 'web', 7),
      ('t', 'g1', NULL, 'order', '2024-01-10 10:00Z', 'web', 100);
  `);
  await refreshCustomerSummary(db, 'all');
  await refreshRollups(db, 'all');
}

/** Cells as [month, customers, rate, revenue, revenuePerCustomer, partial]. */
const cells = (c: { cells: { month: number; customers: number; rate: number; revenue: number; revenuePerCustomer: number; partial: boolean }[] }) =>
  c.cells.map((x) => [x.month, x.customers, x.rate, x.revenue, x.revenuePerCustomer, x.partial]);

describeEachDriver('cohort_retention', (use) => {
  const ctx = () => ({ db: use(), clock: fixedClock('2024-04-15'), role: 'analyst' as const });
  beforeAll(async () => loadShop(use()));

  it('builds the hand-worked cohort table with defaults (12 cohorts before April 2024)', async () => {
    const out = (await runTool('cohort_retention', {}, ctx())) as any;
    expect(out.cohorts.map((c: any) => [c.cohort, c.size])).toEqual([['2023-12', 1], ['2024-01', 3], ['2024-02', 2], ['2024-03', 1]]);
    // 2023-12: c6 in Dec (50) and Jan (5); months up to April (partial) only, nothing after.
    expect(cells(out.cohorts[0])).toEqual([[0, 1, 1, 50, 50, false], [1, 1, 1, 5, 5, false], [2, 0, 0, 0, 0, false], [3, 0, 0, 0, 0, false], [4, 0, 0, 0, 0, true]]);
    // 2024-01: Jan c1 c2 c3 (10+30+10+15 = 65); Feb c1 c3 (20+5); Mar nobody; Apr c1 (5; the 04-20 order is after today).
    expect(cells(out.cohorts[1])).toEqual([[0, 3, 1, 65, 21.67, false], [1, 2, 0.6667, 25, 8.33, false], [2, 0, 0, 0, 0, false], [3, 1, 0.3333, 5, 1.67, true]]);
    // 2024-02: Feb c4 c5 (40+8); Mar c4 (10; its return is no order); Apr c5 (12).
    expect(cells(out.cohorts[2])).toEqual([[0, 2, 1, 48, 24, false], [1, 1, 0.5, 10, 5, false], [2, 1, 0.5, 12, 6, true]]);
    expect(cells(out.cohorts[3])).toEqual([[0, 1, 1, 9, 9, false], [1, 0, 0, 0, 0, true]]);
    // Average over complete cells, weighted by size: m0 7/7, revenue 172/7; m1 (1+2+1)/(1+3+2), 40/6; m2 0/(1+3); m3 0/1.
    expect(out.average).toEqual([
      { month: 0, cohorts: 4, size: 7, rate: 1, revenuePerCustomer: 24.57 },
      { month: 1, cohorts: 3, size: 6, rate: 0.6667, revenuePerCustomer: 6.67 },
      { month: 2, cohorts: 2, size: 4, rate: 0, revenuePerCustomer: 0 },
      { month: 3, cohorts: 1, size: 1, rate: 0, revenuePerCustomer: 0 },
    ]);
    // Only 2023-12 has a complete month 3.
    expect(out.comparison).toEqual({ month: 3, by: 'rate', best: { cohort: '2023-12', size: 1, value: 0 }, worst: { cohort: '2023-12', size: 1, value: 0 } });
    expect(out.meta).toMatchObject({
      tool: 'cohort_retention',
      args: { from: '2023-04', to: '2024-03', maxMonths: 12, filter: {}, metric: 'customers' },
      window: { from: '2023-04-01', to: '2024-04-15' },
      rowCounts: { cohorts: 4, customers: 7, cells: 14 },
      definitions: { retention_rate: GLOSSARY.retention_rate },
      asOf: '2024-04-15',
    });
  });

  it('compares cohorts at the largest available month, by rate or by revenue per customer', async () => {
    const args = { from: '2023-12', to: '2024-02', maxMonths: 1 };
    const byRate = (await runTool('cohort_retention', args, ctx())) as any;
    // month 1: 2023-12 1/1, 2024-01 2/3, 2024-02 1/2
    expect(byRate.comparison).toEqual({ month: 1, by: 'rate', best: { cohort: '2023-12', size: 1, value: 1 }, worst: { cohort: '2024-02', size: 2, value: 0.5 } });
    expect(byRate.cohorts.map((c: any) => c.cells.length)).toEqual([2, 2, 2]);
    const byRevenue = (await runTool('cohort_retention', { ...args, metric: 'revenue' }, ctx())) as any;
    // month 1 revenue per customer: 5/1, 25/3 = 8.33, 10/2 = 5 → worst is a tie at 5, the larger cohort (2024-02) wins
    expect(byRevenue.comparison).toEqual({
      month: 1, by: 'revenuePerCustomer', best: { cohort: '2024-01', size: 3, value: 8.33 }, worst: { cohort: '2024-02', size: 2, value: 5 },
    });
    expect(byRevenue.meta.definitions).toHaveProperty('revenue_per_cohort_customer', GLOSSARY.revenue_per_cohort_customer);
  });

  it('filters by country and main channel; a cohort month after today is empty', async () => {
    const uk = (await runTool('cohort_retention', { from: '2024-01', to: '2024-01', filter: { country: 'United Kingdom' } }, ctx())) as any;
    // c1 and c3: both order again in February
    expect(uk.cohorts).toHaveLength(1);
    expect(cells(uk.cohorts[0])).toEqual([[0, 2, 1, 25, 12.5, false], [1, 2, 1, 25, 12.5, false], [2, 0, 0, 0, 0, false], [3, 1, 0.5, 5, 2.5, true]]);
    const app = (await runTool('cohort_retention', { from: '2024-01', to: '2024-01', maxMonths: 1, filter: { channel: 'app' } }, ctx())) as any;
    expect(app.cohorts.map((c: any) => [c.cohort, c.size, cells(c)])).toEqual([['2024-01', 1, [[0, 1, 1, 40, 40, false], [1, 0, 0, 0, 0, false]]]]);
    const april = (await runTool('cohort_retention', { from: '2024-04', to: '2024-05' }, ctx())) as any;
    expect(april.cohorts).toEqual([]); // c8's first order (04-20) is after today
    expect(april.comparison).toBeNull();
  });

  it('cells from customer_months equal cells from orders', async () => {
    const cases = [
      { today: '2024-04-30', args: {} }, // April complete: no order after the as-of day within its month
      { today: '2024-06-10', args: { from: '2023-12', to: '2024-04', maxMonths: 3 } },
      { today: '2024-06-10', args: { from: '2024-01', to: '2024-02', filter: { country: 'United Kingdom' }, metric: 'revenue' } },
    ];
    for (const { today, args } of cases) {
      const run = () => runTool('cohort_retention', args, { db: use(), clock: fixedClock(today), role: 'analyst' });
      expect(await cellsSource(use(), today)).toBe('cells');
      const fromMonths = await run();
      await use().exec('DELETE FROM rollup_state'); // stale rollups: the tool reads orders
      expect(await cellsSource(use(), today)).toBe('orders');
      const fromOrders = await run();
      await refreshRollups(use(), 'all');
      expect(fromMonths, `${today} ${JSON.stringify(args)}`).toEqual(fromOrders);
    }
    // 2024-04-15: c1 and c8 ordered on 04-20, after the as-of day but inside April, so the month rows cannot be used.
    expect(await cellsSource(use(), '2024-04-15')).toBe('orders');
  });

  it('rejects bad arguments naming the field', async () => {
    const bad = (args: unknown) => runTool('cohort_retention', args, ctx());
    await expect(bad({ from: '2024-13' })).rejects.toThrow(/^invalid arguments for cohort_retention: from: expected a month as YYYY-MM$/);
    await expect(bad({ from: '2024-03', to: '2024-01' })).rejects.toThrow(/from: from must not be after to/);
    await expect(bad({ from: '2010-01', to: '2024-01' })).rejects.toThrow(/from: at most 60 cohort months/);
    await expect(bad({ maxMonths: 0 })).rejects.toThrow(/maxMonths: Too small/);
    await expect(bad({ metric: 'profit' })).rejects.toThrow(/metric: Invalid option/);
    await expect(bad({ filter: { segment: 'x' } })).rejects.toThrow(/filter: Unrecognized key: "segment"/);
  });
});

describe.runIf(hasSharedData('online_retail', 'online_retail.csv.gz'))('cohort_retention on Online Retail', () => {
  describeEachDriver('real data', (use, driver) => {
    beforeAll(async () => {
      await runImport(use(), { entity: 'orders', file: sharedDataPath('online_retail', 'online_retail.csv.gz'), preset: 'online-retail' });
      await refreshCustomerSummary(use(), 'all');
    }, 300_000);

    it('2010-12 month-1 retention equals an independent SQL count over orders', async () => {
      // Independent: first orders and January 2011 orders by plain date ranges on `orders` (not customer_summary).
      const { rows: [ref] } = await use().query<{ size: number; m1: number }>(
        `WITH firsts AS (SELECT customer_id, min(ordered_at) AS f FROM orders
                          WHERE kind = 'order' AND customer_id IS NOT NULL GROUP BY customer_id),
              dec AS (SELECT customer_id FROM firsts WHERE f >= '2010-12-01T00:00:00Z' AND f < '2011-01-01T00:00:00Z')
         SELECT count(*)::int AS size,
                count(*) FILTER (WHERE EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = dec.customer_id AND o.kind = 'order'
                  AND o.ordered_at >= '2011-01-01T00:00:00Z' AND o.ordered_at < '2011-02-01T00:00:00Z'))::int AS m1
           FROM dec`,
      );
      const started = performance.now();
      const out = (await runTool('cohort_retention', { from: '2010-12', to: '2011-12' }, { db: use(), clock: fixedClock('2011-12-10'), role: 'analyst' })) as any;
      const ms = Math.round(performance.now() - started);
      const dec = out.cohorts[0];
      expect(dec).toMatchObject({ cohort: '2010-12', size: ref!.size });
      expect(dec.cells[1]).toMatchObject({ month: 1, customers: ref!.m1, rate: Number((ref!.m1 / ref!.size).toFixed(4)) });
      expect(out.cohorts.map((c: any) => c.cohort)).toEqual(['2010-12', '2011-01', '2011-02', '2011-03', '2011-04', '2011-05', '2011-06',
        '2011-07', '2011-08', '2011-09', '2011-10', '2011-11', '2011-12']);
      console.log(`[${driver}] Online Retail cohort 2010-12: size ${dec.size}, month 1 ${dec.cells[1].customers} (${dec.cells[1].rate}); tool ${ms} ms`);
    });
  });
});
