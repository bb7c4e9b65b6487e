import { beforeAll, expect, it } from 'vitest';
import type { Db } from '../server/db/index.ts';
import { cohortCellsFresh } from '../server/db/cohortCells.ts';
import { refreshRollups } from '../server/db/rollups.ts';
import { refreshCustomerSummary } from '../server/db/summary.ts';
import { describeEachDriver } from '../server/testing/db.ts';
import { fixedClock } from './lib/clock.ts';
import { readOnly } from './lib/readonly.ts';
import { RFM_TIERS } from './lib/rfm.ts';
import { cellsSource } from './cohort_retention.ts';
import { runTool } from './registry.ts';
import { rfmReport } from './rfm_analysis.ts';

/**
 * The rollup paths of cohort_retention (cohort_cells) and of rfm_analysis with a past as-of (customer_months + the
 * as-of month's orders) must give exactly what the raw-orders paths give, after a full build and after each kind of
 * incremental import the refresh handles differently: new customers, customers ordering again (new and existing
 * months), a back-dated order that moves a customer's cohort, orders that flip a customer's main channel, and a merge.
 * Each import refreshes as afterImport does: the summary of the touched customers, then the rollups, in one transaction.
 */

type Order = [ext: string, customer: number | null, kind: 'order' | 'return', at: string, channel: string | null, revenue: number];

const CUSTOMERS: [number, string | null][] = [
  [1, 'United Kingdom'], [2, 'Germany'], [3, 'United Kingdom'], [4, null], [5, 'France'], [6, 'Germany'],
  [7, 'United Kingdom'], [8, 'France'], [9, 'Germany'],
];
const FIRST: Order[] = [
  ['1a', 1, 'order', '2024-01-05 10:00Z', 'web', 10], ['1b', 1, 'order', '2024-02-10 10:00Z', 'web', 20],
  ['2a', 2, 'order', '2024-01-20 10:00Z', 'app', 30], ['2b', 2, 'order', '2024-03-25 10:00Z', 'app', 10],
  ['3a', 3, 'order', '2024-01-31 23:30Z', 'web', 15], ['3b', 3, 'order', '2024-02-01 00:30Z', 'store', 5], // UTC months
  ['4a', 4, 'order', '2024-02-14 10:00Z', null, 40], ['4r', 4, 'return', '2024-03-05 10:00Z', null, 0],
  ['5a', 5, 'order', '2024-02-28 10:00Z', 'store', 8], ['5b', 5, 'order', '2024-04-10 10:00Z', 'store', 12],
  ['5c', 5, 'order', '2024-04-10 18:00Z', 'store', 3], // same day
  ['6a', 6, 'order', '2024-03-03 10:00Z', 'app', 9], ['g1', null, 'order', '2024-01-10 10:00Z', 'web', 100],
];

async function importOrders(db: Db, orders: Order[]): Promise<void> {
  for (const [ext, customer, kind, at, channel, revenue] of orders) {
    await db.query(
      `INSERT INTO orders (source, external_id, customer_id, kind, ordered_at, channel, revenue) VALUES ('t', $1, $2, $3, $4, $5, $6)`,
      [ext, customer, kind, at, channel, revenue],
    );
  }
  const touched = [...new Set(orders.map((o) => o[1]).filter((c): c is number => c !== null))];
  await db.transaction(async (tx) => {
    await refreshCustomerSummary(tx, touched);
    await refreshRollups(tx, 'incremental');
  });
}

const COHORT_CASES = [
  { today: '2024-06-30', args: { from: '2023-12', to: '2024-06', maxMonths: 6 } },
  { today: '2024-06-30', args: { from: '2024-01', to: '2024-03', maxMonths: 4, filter: { country: 'United Kingdom' } } },
  { today: '2024-06-30', args: { from: '2024-01', to: '2024-05', filter: { channel: 'app' }, metric: 'revenue' } },
  { today: '2024-06-30', args: { from: '2024-01', to: '2024-04', filter: { country: 'Germany', channel: 'store' } } },
  { today: '2024-03-31', args: { from: '2023-12', to: '2024-03', maxMonths: 2 } }, // later orders exist, none in March after the 31st
];
const RFM_AS_OF = ['2023-11-30', '2024-01-31', '2024-02-01', '2024-02-29', '2024-03-15', '2024-04-10', '2024-05-31'];

describeEachDriver('cohort_retention and past-dated rfm_analysis from rollups', (use) => {
  beforeAll(async () => {
    for (const [id, country] of CUSTOMERS) await use().query(`INSERT INTO customers (id, name, country) VALUES ($1, $2, $3)`, [id, `c${id}`, country]);
    await importOrders(use(), FIRST.slice(0, 3));
    await refreshCustomerSummary(use(), 'all');
    await refreshRollups(use(), 'all');
    await importOrders(use(), FIRST.slice(3));
  });

  /**
   * The cohort_cells table equals a GROUP BY over raw orders (cohort and channel of the summary row, country of the
   * customer); then every cohort case: the rollup answer, and the same call with the cells marked stale (orders path).
   */
  async function expectCohortsFromCellsEqualOrders(): Promise<number> {
    const table = async (sql: string) => (await use().query(sql)).rows.map((r) => JSON.stringify(Object.values(r))).sort();
    expect(await table(`SELECT cohort::text, month::text, country, channel, customers, revenue::float8 FROM cohort_cells`)).toEqual(
      await table(
        `SELECT to_char(s.first_order_at AT TIME ZONE 'UTC', 'YYYY-MM-01') AS cohort, to_char(o.ordered_at AT TIME ZONE 'UTC', 'YYYY-MM-01') AS month,
                c.country, s.main_channel, count(DISTINCT o.customer_id)::int AS n, sum(o.revenue)::float8 AS revenue
           FROM orders o JOIN customer_summary s ON s.customer_id = o.customer_id JOIN customers c ON c.id = o.customer_id
          WHERE o.kind = 'order' GROUP BY 1, 2, 3, 4`,
      ),
    );
    let cells = 0;
    for (const { today, args } of COHORT_CASES) {
      const run = () => runTool('cohort_retention', args, { db: use(), clock: fixedClock(today), role: 'analyst' }) as Promise<any>;
      expect(await cellsSource(use(), today), today).toBe('cells');
      const fromCells = await run();
      const { rows: [state] } = await use().query<{ w: string }>(`SELECT summary_writes::text AS w FROM rollup_state`);
      await use().query(`UPDATE rollup_state SET summary_writes = -1`); // as if the summary changed after the refresh
      try {
        expect(await cellsSource(use(), today)).toBe('orders');
        expect(fromCells, `${today} ${JSON.stringify(args)}`).toEqual(await run());
      } finally {
        await use().query(`UPDATE rollup_state SET summary_writes = $1::bigint`, [state!.w]);
      }
      cells += fromCells.cohorts.reduce((s: number, c: any) => s + c.cells.filter((x: any) => x.customers > 0).length, 0);
    }
    return cells;
  }

  async function expectRfmFromMonthsEqualsOrders(): Promise<void> {
    for (const asOf of RFM_AS_OF) {
      for (const tier of [undefined, ...RFM_TIERS]) {
        const args = { asOf, tier, limit: 5 };
        const [months, orders] = await readOnly(use(), async (q) => [
          await rfmReport(q, 'months', args, 'analyst'), await rfmReport(q, 'orders', args, 'analyst'),
        ]);
        expect({ ...months, source: 'orders' }, `${asOf} ${tier}`).toEqual(orders);
      }
    }
  }

  it('after a full build and a first incremental import', async () => {
    expect(await expectCohortsFromCellsEqualOrders()).toBeGreaterThan(10); // non-empty tables, not [] = []
    await expectRfmFromMonthsEqualsOrders();
    // The tool picks the rollup path for a past as-of day while the rollups are fresh.
    const out = (await runTool('rfm_analysis', { asOf: '2024-02-29' }, { db: use(), clock: fixedClock('2024-06-30'), role: 'analyst' })) as any;
    // As of 02-29: c1 (2 orders, 30), c2 (1, 30), c3 (2, 20), c4 (1, 40), c5 (1, 8); c6's first order is in March.
    expect(out).toMatchObject({ source: 'months', customers: 5, revenue: 128 });
  });

  it('after new customers and existing customers ordering again (new and existing months)', async () => {
    await importOrders(use(), [
      ['7a', 7, 'order', '2024-04-02 10:00Z', 'web', 7], ['7b', 7, 'order', '2024-05-30 10:00Z', 'web', 4], // new customer
      ['1c', 1, 'order', '2024-02-20 10:00Z', 'web', 6], // existing month
      ['2c', 2, 'order', '2024-05-01 00:00Z', 'app', 11], // new month
      ['g2', null, 'order', '2024-05-02 10:00Z', 'web', 50],
    ]);
    await expectCohortsFromCellsEqualOrders();
    await expectRfmFromMonthsEqualsOrders();
  });

  it('after a back-dated first order that moves a customer to an earlier cohort', async () => {
    // c5 joined in 2024-02; an order from December 2023 makes it a 2023-12 cohort member (and changes nothing else).
    const before = (await runTool('cohort_retention', COHORT_CASES[0]!.args, { db: use(), clock: fixedClock('2024-06-30'), role: 'analyst' })) as any;
    await importOrders(use(), [['5z', 5, 'order', '2023-12-24 10:00Z', 'store', 2]]);
    await expectCohortsFromCellsEqualOrders();
    await expectRfmFromMonthsEqualsOrders();
    const after = (await runTool('cohort_retention', COHORT_CASES[0]!.args, { db: use(), clock: fixedClock('2024-06-30'), role: 'analyst' })) as any;
    const size = (out: any, cohort: string) => out.cohorts.find((c: any) => c.cohort === cohort)?.size ?? 0;
    expect([size(before, '2023-12'), size(after, '2023-12')]).toEqual([0, 1]);
    expect(size(after, '2024-02')).toBe(size(before, '2024-02') - 1);
  });

  it('after orders that change a customer’s main channel, and a merge', async () => {
    // c3: web, store → two app orders make app its most frequent channel.
    await importOrders(use(), [['3c', 3, 'order', '2024-03-10 10:00Z', 'app', 1], ['3d', 3, 'order', '2024-05-11 10:00Z', 'app', 2]]);
    const { rows: [s] } = await use().query<{ main_channel: string }>(`SELECT main_channel FROM customer_summary WHERE customer_id = 3`);
    expect(s!.main_channel).toBe('app');
    await expectCohortsFromCellsEqualOrders();
    await expectRfmFromMonthsEqualsOrders();
    // c6 is merged into c2 (its orders move), with a new order of the survivor in the same import.
    await use().exec(`UPDATE orders SET customer_id = 2 WHERE customer_id = 6;
                      INSERT INTO customer_merges (merged_id, survivor_id, reason) VALUES (6, 2, 'test')`);
    await importOrders(use(), [['2d', 2, 'order', '2024-05-15 10:00Z', 'web', 3], ['8a', 8, 'order', '2024-05-16 10:00Z', 'web', 5]]);
    // The merged-away customer has no orders left: its summary row goes. Written after the rollups, the summary makes
    // the cells stale until the next refresh.
    await refreshCustomerSummary(use(), [6]);
    expect(await cohortCellsFresh(use())).toBe(false);
    expect(await cellsSource(use(), '2024-06-30')).toBe('orders');
    await use().transaction(async (tx) => {
      await refreshCustomerSummary(tx, [2, 6]);
      await refreshRollups(tx, 'incremental');
    });
    expect(await cohortCellsFresh(use())).toBe(true);
    await expectCohortsFromCellsEqualOrders();
    await expectRfmFromMonthsEqualsOrders();
    // And the incrementally kept tables equal a full rebuild.
    const snapshot = async () => (await use().query(`SELECT * FROM cohort_cells ORDER BY 1, 2, 3, 4`)).rows;
    const incremental = await snapshot();
    await refreshRollups(use(), 'all');
    expect(await snapshot()).toEqual(incremental);
  });
});
