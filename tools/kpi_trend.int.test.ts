import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../server/db/index.ts';
import { refreshRollups } from '../server/db/rollups.ts';
import { refreshCustomerSummary } from '../server/db/summary.ts';
import { runImport } from '../server/import/run.ts';
import { TEST_DRIVERS, describeEachDriver, openTestDb } from '../server/testing/db.ts';
import { loadTinyShop } from '../server/testing/fixtures.ts';
import { hasSharedData, sharedDataPath } from '../server/testing/sharedData.ts';
import { fixedClock } from './lib/clock.ts';
import { aggregateKpi, kpiSource, type Agg, type KpiScope } from './lib/kpi_sql.ts';
import { GLOSSARY } from './lib/glossary.ts';
import { lostAggregate, lostSource } from './lib/kpi_lost.ts';
import { runTool } from './registry.ts';

/**
 * tinyShop (January/February 2024, see fixtures.ts) plus March 2024:
 *   Cy   o6 2024-03-05 web   Home 2×10 = 20, Toys 1×6 = 6, free Toys line 1×0 → 26 (Cy's first order)
 *   Ann  o7 2024-03-20 app   Toys 1×4 = 4
 *   Bob  o8 2024-03-25 web   Home 1×15 = 15
 *   guest o9 2024-03-28 store Toys 2×5 = 10, order country Spain
 *   Cy   r2 2024-03-30 return (Home)
 *   Bob is tagged "vip". April 2024 has no orders.
 *
 * By month (hand-worked):        Jan            Feb          Mar                    Jan–Mar window
 *   orders                       3 (o1 o2 o3)   2 (o4 o5)    4 (o6 o7 o8 o9)        9
 *   revenue                      35             10           55                     100
 *   customers                    1 Ann          1 Bob        3 Cy Ann Bob           3
 *   new_customers                1 Ann          1 Bob        1 Cy                   3
 *   repeat_rate                  1/1 = 1        0/1 = 0      0/3 = 0                2/3 (Ann 4 orders, Bob 2)
 *   aov                          35/3 = 11.67   10/2 = 5     55/4 = 13.75           100/9 = 11.11
 *   revenue_per_customer         35/1           7/1          45/3 = 15              87/3 = 29 (guests 3 + 10 out)
 *   returns                      1              0            1                      2
 */
async function loadShop(db: Db) {
  await loadTinyShop(db);
  await db.exec(`
    INSERT INTO orders (id, source, external_id, customer_id, kind, ordered_at, channel, country, revenue, line_count) VALUES
      (7, 't', 'o6', 3, 'order', '2024-03-05 10:00Z', 'web', NULL, 26, 3),
      (8, 't', 'o7', 1, 'order', '2024-03-20 10:00Z', 'app', NULL, 4, 1),
      (9, 't', 'o8', 2, 'order', '2024-03-25 10:00Z', 'web', NULL, 15, 1),
      (10, 't', 'o9', NULL, 'order', '2024-03-28 10:00Z', 'store', 'Spain', 10, 1),
      (11, 't', 'r2', 3, 'return', '2024-03-30 10:00Z', 'web', NULL, 0, 1);
    INSERT INTO order_lines (order_id, line_no, product_code, category, quantity, unit_price, amount) VALUES
      (7, 1, 'P1', 'Home', 2, 10, 20), (7, 2, 'P2', 'Toys', 1, 6, 6), (7, 3, 'P3', 'Toys', 1, 0, 0),
      (8, 1, 'P2', 'Toys', 1, 4, 4), (9, 1, 'P1', 'Home', 1, 15, 15), (10, 1, 'P2', 'Toys', 2, 5, 10),
      (11, 1, 'P1', 'Home', 1, 10, 10);
    INSERT INTO tags (name) VALUES ('vip');
    INSERT INTO customer_tags (customer_id, tag_id) SELECT 2, id FROM tags WHERE name = 'vip';`);
  await refreshCustomerSummary(db, 'all');
  await refreshRollups(db, 'all'); // the tests below run on the rollups wherever kpi_trend would use them
}

const Q1 = { from: '2024-01-01', to: '2024-03-31' };
const values = (s: any) => s.points.map((p: any) => p.value);

describeEachDriver('kpi_trend', (use) => {
  const run = async (args: object) =>
    (await runTool('kpi_trend', args, { db: use(), clock: fixedClock('2024-05-15'), role: 'analyst' })) as any;
  beforeAll(async () => loadShop(use()));

  it('monthly revenue, orders, customers, new customers, repeat rate, AOV, revenue per customer, returns', async () => {
    const expected: Record<string, [number[], number]> = {
      revenue: [[35, 10, 55], 100], orders: [[3, 2, 4], 9], customers: [[1, 1, 3], 3], new_customers: [[1, 1, 1], 3],
      repeat_rate: [[1, 0, 0], 0.6667], aov: [[11.67, 5, 13.75], 11.11], revenue_per_customer: [[35, 7, 15], 29], returns: [[1, 0, 1], 2],
    };
    for (const [metric, [points, total]] of Object.entries(expected)) {
      const out = await run({ metric, ...Q1 });
      expect(values(out.overall), metric).toEqual(points);
      expect(out.overall.total, metric).toBe(total);
      expect(out.overall.points.map((p: any) => p.period)).toEqual(['2024-01-01', '2024-02-01', '2024-03-01']);
      expect(out.meta.definitions[metric]).toBe(GLOSSARY[metric as keyof typeof GLOSSARY]);
    }
  });

  it('defaults to the last 12 complete months, fills empty months with 0, picks best and worst', async () => {
    const out = await run({ metric: 'orders' });
    expect(out.window).toEqual({ from: '2023-05-01', to: '2024-04-30' });
    expect(out.overall.points).toHaveLength(12);
    expect(values(out.overall)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 3, 2, 4, 0]);
    expect(out.overall.best).toEqual({ period: '2024-03-01', value: 4, change: 2, changePct: 1 });
    expect(out.overall.worst).toEqual({ period: '2023-05-01', value: 0, change: null, changePct: null });
    expect(out.overall.previous).toEqual({ from: '2022-05-01', to: '2023-04-30', value: 0, change: 9, changePct: null });
    expect(out.partialPeriods).toEqual([]);
    expect(out.meta).toMatchObject({ tool: 'kpi_trend', asOf: '2024-05-15', args: { grain: 'month', top: 10, filters: {} } });
    // Ratios skip months without orders for best/worst: AOV Jan 11.67, Feb 5, Mar 13.75.
    const aov = await run({ metric: 'aov' });
    expect([aov.overall.best, aov.overall.worst]).toEqual([
      { period: '2024-03-01', value: 13.75, change: 8.75, changePct: 1.75 }, { period: '2024-02-01', value: 5, change: -6.67, changePct: -0.5716 }]);
  });

  it('compares with the previous window: calendar months when whole, equal days otherwise', async () => {
    // March vs February: revenue 55 vs 10, AOV 13.75 vs 5.
    const march = await run({ metric: 'revenue', from: '2024-03-01', to: '2024-03-31' });
    expect(march.overall.previous).toEqual({ from: '2024-02-01', to: '2024-02-29', value: 10, change: 45, changePct: 4.5 });
    const aov = await run({ metric: 'aov', from: '2024-03-01', to: '2024-03-31' });
    expect(aov.overall.previous).toMatchObject({ value: 5, change: 8.75, changePct: 1.75 });
    // 2024-01-11 … 02-01 (22 days: o3 20 + o4 7 = 27) vs 2023-12-20 … 2024-01-10 (o1 + o2 = 15).
    const ragged = await run({ metric: 'revenue', from: '2024-01-11', to: '2024-02-01' });
    expect(ragged.overall.previous).toEqual({ from: '2023-12-20', to: '2024-01-10', value: 15, change: 12, changePct: 0.8 });
    expect(ragged.partialPeriods).toEqual(['2024-01-01', '2024-02-01']);
    expect(values(ragged.overall)).toEqual([20, 7]);
  });

  it('compares a period to date with the same part of the period before (MTD, QTD, YTD), lost customers with the days before', async () => {
    // February 1–10 against January 1–10: o1 10 + o2 5 = 15 (o3 on the 11th is out); the 10 days before (Jan 22–31)
    // had nothing. February 1–10 itself: o4 7 + o5 3 = 10.
    const feb = await run({ metric: 'revenue', from: '2024-02-01', to: '2024-02-10' });
    expect(feb.overall.previous).toEqual({ from: '2024-01-01', to: '2024-01-10', value: 15, change: -5, changePct: -0.3333 });
    // by channel: store 7 (o4) against none, web 3 (o5) against o1 + o2 on the web = 15
    const byChannel = await run({ metric: 'revenue', from: '2024-02-01', to: '2024-02-10', groupBy: 'channel' });
    expect(byChannel.groups.map((g: any) => [g.group, g.total, g.previous.value])).toEqual([['store', 7, 0], ['web', 3, 15]]);
    // March 1–21 (o6 26 + o7 4 = 30) against February 1–21 (7 + 3 = 10), not Feb 9–29 (nothing)
    expect((await run({ metric: 'revenue', from: '2024-03-01', to: '2024-03-21' })).overall.previous).toMatchObject({ from: '2024-02-01', to: '2024-02-21', value: 10 });
    // March 1–30: February has 29 days, so its part ends on the 29th
    expect((await run({ metric: 'orders', from: '2024-03-01', to: '2024-03-30' })).overall.previous).toMatchObject({ from: '2024-02-01', to: '2024-02-29', value: 2 });
    // Q1 to February 10 against Q4 2023 to November 10 (nothing loaded)
    expect((await run({ metric: 'revenue', grain: 'quarter', from: '2024-01-01', to: '2024-02-10' })).overall.previous).toMatchObject({ from: '2023-10-01', to: '2023-11-10', value: 0 });
    // a span that is no period to date keeps the days just before (Feb 2–10 against Jan 24 – Feb 1: o4 7)
    expect((await run({ metric: 'revenue', from: '2024-02-02', to: '2024-02-10' })).overall.previous).toMatchObject({ from: '2024-01-24', to: '2024-02-01', value: 7 });
    // lost customers need the adjacent window: March 1–21 against the 21 days before (Feb 9–29: nobody ordered) → 0
    expect((await run({ metric: 'lost_customers', from: '2024-03-01', to: '2024-03-21' })).overall.previous).toMatchObject({ from: '2024-02-09', to: '2024-02-29' });
  });

  it('compares with the same days a year earlier (compareWith year_ago), by the group too; not for lost customers', async () => {
    // Q1 2025 (nothing loaded) against Q1 2024: revenue 100 → change −100, −100%
    const q1 = await run({ metric: 'revenue', from: '2025-01-01', to: '2025-03-31', compareWith: 'year_ago' });
    expect(q1.overall.previous).toEqual({ from: '2024-01-01', to: '2024-03-31', value: 100, change: -100, changePct: -1 });
    expect(q1.meta.args.compareWith).toBe('year_ago');
    // January–February 2025 against January–February 2024 (to its month's end, the 29th): o1–o5 = 5 orders; a leap day
    // itself is Feb 28 a year earlier
    const janFeb = await run({ metric: 'orders', from: '2025-01-01', to: '2025-02-28', compareWith: 'year_ago' });
    expect(janFeb.overall.previous).toMatchObject({ from: '2024-01-01', to: '2024-02-29', value: 5 });
    expect((await run({ metric: 'orders', from: '2024-02-29', to: '2024-03-31', compareWith: 'year_ago' })).overall.previous).toMatchObject({ from: '2023-02-28', to: '2023-03-31', value: 0 });
    // by channel, each against its own year-ago value: January 2024 app o3 20, web o1 + o2 = 15
    const byChannel = await run({ metric: 'revenue', from: '2025-01-01', to: '2025-01-31', compareWith: 'year_ago', groupBy: 'channel', rankGroupsBy: 'change' });
    expect(byChannel.groups.map((g: any) => [g.group, g.previous.value, g.previous.change])).toEqual([['app', 20, -20], ['web', 15, -15]]);
    await expect(run({ metric: 'lost_customers', ...Q1, compareWith: 'year_ago' })).rejects.toThrow(/year_ago is not available for lost_customers/);
  });

  it('gives each period its change against the period before (month over month)', async () => {
    // revenue 35, 10, 55 (header): −25 (−71.43%), +45 (+450%); AOV 11.67 → 5 → 13.75: −6.67, +8.75
    const revenue = await run({ metric: 'revenue', ...Q1 });
    expect(revenue.overall.points.map((p: any) => [p.change, p.changePct])).toEqual([[null, null], [-25, -0.7143], [45, 4.5]]);
    expect(revenue.overall.best).toMatchObject({ period: '2024-03-01', value: 55, change: 45 });
    const aov = await run({ metric: 'aov', ...Q1 });
    expect(aov.overall.points.map((p: any) => p.change)).toEqual([null, -6.67, 8.75]);
    // from nothing: no percentage (April 2024 has no orders, May neither; March → April −55)
    const spring = await run({ metric: 'revenue', from: '2024-03-01', to: '2024-04-30' });
    expect(spring.overall.points.map((p: any) => [p.change, p.changePct])).toEqual([[null, null], [-55, -1]]);
    // a ratio has no value in April (no orders): no change to it
    const aovSpring = await run({ metric: 'aov', from: '2024-03-01', to: '2024-04-30' });
    expect(aovSpring.overall.points.map((p: any) => [p.value, p.change])).toEqual([[13.75, null], [0, null]]);
  });

  it('weeks start on Monday', async () => {
    // 2024-01-10 is a Wednesday: its week starts Monday 2024-01-08 and holds o3 (Thursday 01-11, 20).
    const out = await run({ metric: 'revenue', grain: 'week', from: '2024-01-10', to: '2024-01-21' });
    expect(out.overall.points).toEqual([{ period: '2024-01-08', value: 20, change: null, changePct: null }, { period: '2024-01-15', value: 0, change: -20, changePct: -1 }]);
    expect(out.partialPeriods).toEqual(['2024-01-08']);
    const days = await run({ metric: 'orders', grain: 'day', from: '2024-01-01', to: '2024-01-02' });
    expect(values(days.overall)).toEqual([2, 0]);
  });

  it('distinct customers and repeat rate by whole weeks (customer_weeks), hand-worked', async () => {
    // Weeks from Mon 2024-01-01: Ann Jan 1 (2 orders) and Jan 11, Bob Feb 1, Cy Mar 5, Ann Mar 20, Bob Mar 25.
    const W = { grain: 'week', from: '2024-01-01', to: '2024-03-31' };
    const customers = await run({ metric: 'customers', ...W });
    expect(values(customers.overall)).toEqual([1, 1, 0, 0, 1, 0, 0, 0, 0, 1, 0, 1, 1]);
    expect(customers.overall.total).toBe(3);
    expect(customers.meta.rowCounts.orders).toBe(9); // guest orders too, as the raw path counts them
    const repeat = await run({ metric: 'repeat_rate', ...W });
    expect(values(repeat.overall)).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(repeat.overall.total).toBe(0.6667); // Ann (4 orders) and Bob (2) of 3
    expect(kpiSource({ metric: 'customers', grain: 'week', filters: {}, window: { from: W.from, to: W.to },
      prev: { from: '2023-10-02', to: '2023-12-31' } }, true)).toBe('weeks');
  });

  it('groups by channel, top N by window total', async () => {
    // web o1 10 + o2 5 + o5 3 + o6 26 + o8 15 = 59; app o3 20 + o7 4 = 24; store o4 7 + o9 10 = 17.
    const out = await run({ metric: 'revenue', ...Q1, groupBy: 'channel', top: 2 });
    expect(out.groups.map((g: any) => [g.group, g.total, values(g)])).toEqual([
      ['web', 59, [15, 3, 41]],
      ['app', 24, [20, 0, 4]],
    ]);
    expect(out.otherGroups).toBe(1);
    expect(out.overall.total).toBe(100);
    const customers = await run({ metric: 'customers', ...Q1, groupBy: 'channel' });
    // web: Ann, Bob, Cy (guest o5 not a customer); app: Ann; store: Bob.
    expect(customers.groups.map((g: any) => [g.group, g.total])).toEqual([['web', 3], ['app', 1], ['store', 1]]);
  });

  it('ranks a breakdown by the size of its change, counting values active only in the previous window', async () => {
    // February 2024 against January by channel: app 20 → 0 (o3, none in February), web 15 → 3 (o1 o2 → o5),
    // store 0 → 7 (o4). By value February lists store and web only; by change: app −20, web −12, store +7.
    const byValue = await run({ metric: 'revenue', from: '2024-02-01', to: '2024-02-29', groupBy: 'channel' });
    expect(byValue.groups.map((g: any) => g.group)).toEqual(['store', 'web']);
    const byChange = await run({ metric: 'revenue', from: '2024-02-01', to: '2024-02-29', groupBy: 'channel', rankGroupsBy: 'change', top: 2 });
    expect(byChange.groups.map((g: any) => [g.group, g.total, g.previous.value, g.previous.change, g.previous.changePct])).toEqual([
      ['app', 0, 20, -20, -1],
      ['web', 3, 15, -12, -0.8],
    ]);
    expect(byChange.otherGroups).toBe(1);
    expect(byChange.meta.args.rankGroupsBy).toBe('change');
  });

  it('a category filter keeps orders with a line in it and counts only its lines', async () => {
    // Toys: o2 5, o3 20 (Jan); o6 6 (+ free line), o7 4, o9 10 (Mar). Cy's first order o6 has Toys → new; Ann's o1 had none.
    const revenue = await run({ metric: 'revenue', ...Q1, filters: { category: 'Toys' } });
    expect([values(revenue.overall), revenue.overall.total]).toEqual([[25, 0, 20], 45]);
    const orders = await run({ metric: 'orders', ...Q1, filters: { category: 'Toys' } });
    expect(orders.overall.total).toBe(5);
    const fresh = await run({ metric: 'new_customers', ...Q1, filters: { category: 'Toys' } });
    expect(values(fresh.overall)).toEqual([0, 0, 1]);
    // Each line has one category, so category revenue adds up; o6 has both, so category orders do not (5 + 5 > 9).
    const byCategory = await run({ metric: 'orders', ...Q1, groupBy: 'category' });
    expect(byCategory.groups.map((g: any) => [g.group, g.total])).toEqual([['Home', 5], ['Toys', 5]]);
    const returns = await run({ metric: 'returns', ...Q1, filters: { category: 'Home' } });
    expect(values(returns.overall)).toEqual([0, 0, 1]);
  });

  it('groups by product (name, else code): from sales_daily_product, and from the order lines with a dimension filter', async () => {
    // Lines with a price: P1 o1 10 (Jan) · o4 7, o5 3 (Feb) · o6 20, o8 15 (Mar) = 55; P2 o2 5, o3 20 (Jan) · o6 6, o7 4,
    // o9 10 (Mar) = 45; P3 only o6's free line: an order of it with no revenue. 55 + 45 + 0 = the quarter's 100.
    const revenue = await run({ metric: 'revenue', ...Q1, groupBy: 'product' });
    expect(revenue.groups.map((g: any) => [g.group, g.total, values(g)])).toEqual([['P1', 55, [10, 10, 35]], ['P2', 45, [25, 0, 20]], ['P3', 0, [0, 0, 0]]]);
    expect(revenue.overall.total).toBe(100);
    // orders: P1 o1 o4 o5 o6 o8, P2 o2 o3 o6 o7 o9, P3 o6; customers: P1 Ann Bob Cy, P2 Ann Cy, P3 Cy (guests are none)
    const orders = await run({ metric: 'orders', ...Q1, groupBy: 'product' });
    expect(orders.groups.map((g: any) => [g.group, g.total])).toEqual([['P1', 5], ['P2', 5], ['P3', 1]]);
    const customers = await run({ metric: 'customers', ...Q1, groupBy: 'product' });
    expect(customers.groups.map((g: any) => [g.group, g.total])).toEqual([['P1', 3], ['P2', 2], ['P3', 1]]);
    // returns: r1 (January) has a P2 line, r2 (March) a P1 line
    const returns = await run({ metric: 'returns', ...Q1, groupBy: 'product' });
    expect(returns.groups.map((g: any) => [g.group, values(g)])).toEqual([['P1', [0, 0, 1]], ['P2', [1, 0, 0]]]);
    // lost customers by product with a channel filter (whole months: not from the customer months by channel, which
    // have no products): web buyers of P1 in Feb (Bob? no: o4 was in store; the guest o5 is no customer) — none, so
    // March loses nobody of P1 there; of P2 in Feb nobody bought on the web either
    const lost = await run({ metric: 'lost_customers', from: '2024-03-01', to: '2024-03-31', groupBy: 'product', filters: { channel: 'web' } });
    expect(lost.overall.total).toBe(0);
    // by product without filters: January buyers Ann (P1, P2), February buyer Bob (P1); in February Ann ordered nothing
    // → P1 lost Ann, P2 lost Ann
    const lostFeb = await run({ metric: 'lost_customers', from: '2024-02-01', to: '2024-02-29', groupBy: 'product' });
    expect(lostFeb.groups.map((g: any) => [g.group, g.total])).toEqual([['P1', 1], ['P2', 1]]);
    // with a channel filter from the order lines: web orders o1 (P1 10), o2 (P2 5), o5 (P1 3), o6 (P1 20, P2 6, P3 0), o8 (P1 15)
    const web = await run({ metric: 'revenue', ...Q1, groupBy: 'product', filters: { channel: 'web' } });
    expect(web.groups.map((g: any) => [g.group, g.total])).toEqual([['P1', 48], ['P2', 11], ['P3', 0]]);
    // a product's name wins over its code, on both paths (an updated line needs a full rebuild of the rollups, as an
    // import that updates rows does; both put back afterwards: the fixture has codes only)
    await use().exec(`UPDATE order_lines SET product_name = 'Mug' WHERE product_code = 'P1'`);
    await refreshRollups(use(), 'all');
    try {
      expect((await run({ metric: 'revenue', ...Q1, groupBy: 'product', top: 1 })).groups[0]).toMatchObject({ group: 'Mug', total: 55 });
      expect((await run({ metric: 'revenue', ...Q1, groupBy: 'product', top: 1, filters: { channel: 'web' } })).groups[0]).toMatchObject({ group: 'Mug', total: 48 });
    } finally {
      await use().exec(`UPDATE order_lines SET product_name = NULL`);
      await refreshRollups(use(), 'all');
    }
  });

  it('filters by country (order, else customer), channel and tag', async () => {
    expect((await run({ metric: 'revenue', ...Q1, filters: { country: 'United Kingdom' } })).overall.total).toBe(39);
    expect((await run({ metric: 'revenue', ...Q1, filters: { country: 'Spain' } })).overall.total).toBe(10);
    expect((await run({ metric: 'revenue', ...Q1, filters: { tag: 'vip' } })).overall.total).toBe(22);
    const web = await run({ metric: 'orders', ...Q1, filters: { channel: 'web', country: 'Germany' } });
    expect([web.overall.total, web.note]).toEqual([1, null]);
    const none = await run({ metric: 'orders', ...Q1, filters: { channel: 'fax' } });
    expect([none.overall.total, none.note]).toEqual([0, expect.stringContaining('describe_data')]);
  });

  it('filters by RFM tier as scored today, from the stored scores or ranked from the summary', async () => {
    // Customers with orders (n = 3), quintile score 1 + ⌊5·(rank − 1)/3⌋ → ranks 1, 2, 3 score 1, 2, 4:
    //   R (oldest last order first): Cy 03-05 → 1, Ann 03-20 → 2, Bob 03-25 → 4
    //   F (orders): Cy 1 → 1, Bob 2 → 2, Ann 4 → 4;  M (revenue): Bob 22 → 1, Cy 26 → 2, Ann 39 → 4
    //   FM = round((F + M) / 2): Ann 4, Bob round(1.5) = 2, Cy round(1.5) = 2
    //   tiers (docs/metrics.md grid): Ann R2·FM4 At Risk, Bob R4·FM2 Potential Loyalist, Cy R1·FM2 Lost
    const tiered = async (rfmTier: unknown) => (await run({ metric: 'revenue', ...Q1, filters: { rfmTier } })).overall.total;
    const expected = async () => {
      expect(await tiered('At Risk')).toBe(39); // Ann 10 + 5 + 20 + 4
      expect(await tiered(['Potential Loyalist', 'Lost'])).toBe(48); // Bob 7 + 15, Cy 26
      expect(await tiered('Champions')).toBe(0);
    };
    await expected();
    const r = await run({ metric: 'orders', ...Q1, filters: { rfmTier: 'Lost', channel: 'web' } });
    expect([r.overall.total, r.meta.args.filters]).toEqual([1, { rfmTier: ['Lost'], channel: 'web' }]);
    await use().exec('UPDATE rfm_state SET fresh = false');
    try {
      await expected();
    } finally {
      await use().exec('UPDATE rfm_state SET fresh = true');
    }
    await expect(run({ metric: 'revenue', filters: { rfmTier: 'Gold' } })).rejects.toThrow(/unknown RFM tier in "Gold"; tiers: Champions/);
    // With the clock on 2024-03-10 (before Ann's and Bob's March orders) the tiers are ranked from the orders up to
    // that day: R Ann 01-11 → 1, Bob 02-01 → 2, Cy 03-05 → 4; F Bob 1 and Cy 1 tie → 1, Ann 3 → 4; M Bob 7 → 1,
    // Cy 26 → 2, Ann 35 → 4; so Bob is R2·FM1 Hibernating (today he is Potential Loyalist) and his February 7 counts.
    const early = async (rfmTier: string) => ((await runTool('kpi_trend', { metric: 'revenue', from: '2024-01-01', to: '2024-02-29', filters: { rfmTier } },
      { db: use(), clock: fixedClock('2024-03-10'), role: 'analyst' })) as any).overall.total;
    expect([await early('Hibernating'), await early('At Risk'), await early('Potential Loyalist')]).toEqual([7, 35, 0]);
  });

  it('new vs returning customers: first order ever inside the window, or before it', async () => {
    // March 2024: Cy's first order ever (26) is new; Ann (4) and Bob (15) first ordered earlier; the guest's 10 is
    // neither. Previous window February: Bob's first order (7) is new, nobody returned.
    const march = { from: '2024-03-01', to: '2024-03-31', grain: 'month' };
    const fresh = await run({ metric: 'revenue', ...march, filters: { customerType: 'new' } });
    expect([fresh.overall.total, fresh.overall.previous.value]).toEqual([26, 7]);
    const back = await run({ metric: 'revenue', ...march, filters: { customerType: 'returning' } });
    expect([back.overall.total, back.overall.previous.value]).toEqual([19, 0]);
    // what they are part of: all March revenue, the guest's 10 included: 26 + 19 + 10 = 55
    expect(fresh.ofAll).toEqual({ total: 55, share: 0.4727 }); // 26 ÷ 55
    expect(back.ofAll).toEqual({ total: 55, share: 0.3455 }); // 19 ÷ 55
    expect((await run({ metric: 'revenue', ...march })).ofAll).toBeNull(); // no group of customers
    expect((await run({ metric: 'aov', ...march, filters: { customerType: 'new' } })).ofAll).toBeNull(); // a ratio is no part
    expect((await run({ metric: 'orders', ...march, filters: { customerType: 'returning' } })).overall.total).toBe(2);
    // over all of Q1 every customer's first order is inside the window: 39 + 22 + 26
    expect((await run({ metric: 'revenue', ...Q1, filters: { customerType: 'new' } })).overall.total).toBe(87);
    expect((await run({ metric: 'revenue', ...Q1, filters: { customerType: 'returning' } })).overall.total).toBe(0);
    // a monthly series judges each month on its own: new = first order ever that month (Ann Jan, Bob Feb, Cy Mar)
    expect(values((await run({ metric: 'revenue', ...Q1, filters: { customerType: 'new' } })).overall)).toEqual([35, 7, 26]);
    expect(values((await run({ metric: 'revenue', ...Q1, filters: { customerType: 'returning' } })).overall)).toEqual([0, 0, 19]);
    // a category filter counts only its lines: Cy's Toys line (6) of his first order
    expect((await run({ metric: 'revenue', ...march, filters: { customerType: 'new', category: 'Toys' } })).overall.total).toBe(6);
  });

  it('lost customers: ordered in the period before and not in this one (hand-worked)', async () => {
    // Identified customers' order months: Jan Ann · Feb Bob · Mar Ann, Bob, Cy · Apr nobody.
    // Lost per month: Jan 0 (Dec had nobody), Feb 1 (Ann), Mar 0 (Bob came back), Apr 3 (Ann, Bob, Cy).
    const janApr = { metric: 'lost_customers', from: '2024-01-01', to: '2024-04-30' };
    const monthly = await run(janApr);
    expect(values(monthly.overall)).toEqual([0, 1, 0, 3]);
    // the window total: active Sep–Dec 2023 (nobody) and not in Jan–Apr → 0; the same for the window before
    expect([monthly.overall.total, monthly.overall.previous.value]).toEqual([0, 0]);
    expect(monthly.meta.definitions.lost_customers).toBe(GLOSSARY.lost_customers);
    // each month's churn rate, over the customers of the month before: Jan none before (Dec 2023 nobody) · Feb Ann of
    // January's 1 · Mar nobody of February's 1 (Bob came back) · Apr all 3 of March's
    expect(monthly.overall.points.map((pt: any) => pt.churn)).toEqual([
      null, { rate: 1, previousCustomers: 1 }, { rate: 0, previousCustomers: 1 }, { rate: 1, previousCustomers: 3 }]);
    // The orders start on 2024-01-01: January's period before (December) is not loaded, so its 0 is understated, as are
    // the window total (its previous window Sep–Dec 2023) and the previous total. January is left out of the lowest
    // month: the lowest is March (0), not January (0, first in order).
    expect(monthly.lostCoverage).toEqual({ ordersFrom: '2024-01-01', window: true, previous: true, periods: ['2024-01-01'] });
    expect([monthly.overall.best, monthly.overall.worst]).toEqual([
      { period: '2024-04-01', value: 3, churn: { rate: 1, previousCustomers: 3 }, change: 3, changePct: null }, { period: '2024-03-01', value: 0, churn: { rate: 0, previousCustomers: 1 }, change: -1, changePct: -1 }]);
    expect((await run({ ...janApr, metric: 'customers' })).lostCoverage).toBeNull();
    expect((await run({ ...janApr, metric: 'customers' })).overall.points[0]).toEqual({ period: '2024-01-01', value: 1, change: null, changePct: null });
    // Q2 2024 against Q1: all three customers ordered in Q1 and nobody in Q2; Q1 against Q4 2023: nobody to lose
    const q2 = await run({ metric: 'lost_customers', grain: 'quarter', from: '2024-04-01', to: '2024-06-30' });
    expect([q2.overall.total, q2.overall.previous.value]).toEqual([3, 0]);
    // Q1 is loaded from its first day; Q4 2023, Q1's own period before, is not: only the previous total is understated
    expect(q2.lostCoverage).toMatchObject({ window: false, previous: true, periods: [] });
    // April alone: lost 3 (March's Ann, Bob, Cy); March against February: Bob ordered again → 0
    const april = await run({ metric: 'lost_customers', from: '2024-04-01', to: '2024-04-30' });
    expect([april.overall.total, april.overall.previous.value]).toEqual([3, 0]);
    // ISO weeks: Ann ordered in the weeks of Jan 1 and Jan 8 and not in the week of Jan 15 → lost there
    expect(values((await run({ metric: 'lost_customers', grain: 'week', from: '2024-01-01', to: '2024-01-21' })).overall)).toEqual([0, 0, 1]);
    // Web orders only: Jan Ann (o1, o2) · Feb none (Bob's o4 was in store) · Mar Bob (o8), Cy (o6) → Feb 1, Apr 2
    expect(values((await run({ ...janApr, filters: { channel: 'web' } })).overall)).toEqual([0, 1, 0, 2]);
    // by channel in April: March's app customer Ann and web customers Bob and Cy (the store order was a guest's)
    const split = await run({ ...janApr, from: '2024-04-01', groupBy: 'channel' });
    expect(split.groups.map((g: any) => [g.group, g.total])).toEqual([['web', 2], ['app', 1]]);
    // by country (the customers' own: Ann UK in Jan and Mar, Bob Germany in Feb and Mar, Cy France in Mar)
    const countries = await run({ ...janApr, groupBy: 'country' });
    expect(countries.groups.map((g: any) => [g.group, values(g)]).sort()).toEqual([
      ['France', [0, 0, 0, 1]], ['Germany', [0, 0, 0, 1]], ['United Kingdom', [0, 1, 0, 1]]]);
    // the "vip" tag is Bob's: he ordered in Feb and Mar, not in Apr
    expect(values((await run({ ...janApr, filters: { tag: 'vip' } })).overall)).toEqual([0, 0, 0, 1]);
    // A window starting mid-March: March counts from the 10th (Cy's order on the 5th is outside), February (Bob)
    // before it → 0; April loses Ann and Bob → 2. The total, Mar 10 – Apr 30 (52 days) against the 52 days before
    // (Jan 18 – Mar 9: Bob, Cy): Cy is lost → 1.
    const partial = await run({ metric: 'lost_customers', from: '2024-03-10', to: '2024-04-30' });
    expect(values(partial.overall)).toEqual([0, 2]);
    expect(partial.overall.total).toBe(1);
    // March's base is February's Bob (the month before, whole), April's the window's March customers (Ann, Bob)
    expect(partial.overall.points.map((pt: any) => pt.churn)).toEqual([{ rate: 0, previousCustomers: 1 }, { rate: 1, previousCustomers: 2 }]);
    expect(partial.lostCoverage).toMatchObject({ window: false, previous: true, periods: [] }); // Nov 26 – Jan 17 before
    // churn rate: Cy is 1 of the 2 customers of Jan 18 – Mar 9; Q2 loses all 3 of Q1's; Jan–Apr had nobody before it
    expect(partial.overall.churn).toEqual({ rate: 0.5, previousCustomers: 2 });
    expect(q2.overall.churn).toEqual({ rate: 1, previousCustomers: 3 });
    expect(monthly.overall.churn).toBeNull();
    expect(partial.meta.definitions.churn_rate).toBe(GLOSSARY.churn_rate);
    expect((await run({ metric: 'customers', from: '2024-03-10', to: '2024-04-30' })).overall.churn).toBeNull();
    // the same numbers from the orders as from customer_months (stale rollups → orders)
    const scope: KpiScope = { metric: 'lost_customers', grain: 'month', filters: { tag: 'vip' }, window: { from: '2024-01-01', to: '2024-04-30' },
      prev: { from: '2023-09-01', to: '2023-12-31' } };
    const calendar = { first: '2024-01-01', prior: '2023-12-01', before: { from: '2023-05-01', to: '2023-08-31' } };
    const quarters = { grain: 'quarter' as const, window: { from: '2024-01-01', to: '2024-06-30' }, prev: { from: '2023-07-01', to: '2023-12-31' } };
    const quarterCalendar = { first: '2024-01-01', prior: '2023-10-01', before: { from: '2023-01-01', to: '2023-06-30' } };
    // (and from customer_dim_months, by country or channel)
    const questions = [{ filters: {} }, { filters: { tag: 'vip' } }, { filters: { channel: 'web' } }, { filters: {}, groupBy: 'channel' as const },
      { filters: {}, groupBy: 'country' as const }, { filters: { country: 'Germany' } }];
    for (const [shape, cal] of [[{}, calendar], [quarters, quarterCalendar]] as const) {
      for (const question of questions) {
        const q = { ...scope, ...shape, ...question };
        expect(lostSource(q, cal, true).kind).toBe(q.groupBy || 'channel' in q.filters || 'country' in q.filters ? 'dims' : 'months');
        const byMonths = await lostAggregate(use(), q, cal, true);
        const byOrders = await lostAggregate(use(), q, cal, false);
        expect(byMonths, `${JSON.stringify(question)} ${JSON.stringify(shape)}`).toEqual(byOrders);
        expect(byMonths.byPeriod.some((r) => (r.lost ?? 0) > 0), 'a comparison with someone lost').toBe(true);
      }
    }
    // customer_dim_months is append-only: an import adds rows beside existing ones, linked to the key's month so far
    // (here the same month: prev_month = month). Ann's January rows split in two (by country 2 + 1 orders, web 1 + 1)
    // must give the same numbers (rolled back after).
    class Undo extends Error {}
    await use().transaction(async (tx) => {
      await tx.exec(`INSERT INTO customer_dim_months (dims, customer_id, country, channel, month, orders, prev_month)
                       SELECT dims, customer_id, country, channel, month, 1, month FROM customer_dim_months WHERE customer_id = 1 AND month = '2024-01-01' AND orders >= 2;
                     UPDATE customer_dim_months SET orders = orders - 1 WHERE customer_id = 1 AND month = '2024-01-01' AND orders >= 2`);
      const { rows: split } = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM customer_dim_months WHERE customer_id = 1 AND month = '2024-01-01'`);
      expect(split[0]!.n).toBe(5); // UK 2 + 1, web 1 + 1, app 1
      for (const question of questions.filter((q) => q.groupBy || Object.keys(q.filters).some((k) => k !== 'tag'))) {
        const q = { ...scope, ...question };
        expect(await lostAggregate(tx, q, calendar, true), JSON.stringify(question)).toEqual(await lostAggregate(tx, q, calendar, false));
      }
      throw new Undo();
    }).catch((e) => { if (!(e instanceof Undo)) throw e; });
    // a window starting inside its first quarter (Feb–Mar; every window whole months): both paths leave out January
    const midQuarter = { ...scope, grain: 'quarter' as const, window: { from: '2024-02-01', to: '2024-03-31' }, prev: { from: '2023-12-01', to: '2024-01-31' } };
    const midCalendar = { first: '2024-01-01', prior: '2023-10-01', before: { from: '2023-10-01', to: '2023-11-30' } };
    for (const filters of [{}, { tag: 'vip' }]) {
      expect(await lostAggregate(use(), { ...midQuarter, filters }, midCalendar, true)).toEqual(await lostAggregate(use(), { ...midQuarter, filters }, midCalendar, false));
    }
    // Q1 counted from Feb 1: Bob's o4, then o6 o7 o8 in March → 4 orders (Ann's three January orders left out)
    const q1 = (await lostAggregate(use(), { ...midQuarter, filters: {} }, midCalendar, true)).byPeriod.find((r) => r.bucket === '2024-01-01');
    expect([q1?.orders, q1?.customers]).toEqual([4, 3]);
    // April has no orders at all, yet 3 customers were lost: not reported as "nothing matched"
    expect(april.note).toBeNull();
    // a window of part of a month (Mar 1–29, 29 days): the previous window is the 29 days before (Feb 1–29) and the
    // one before that 29 days again (Jan 3–31). Mar against Feb: Bob (Feb 1) is back on Mar 25 → 0. Feb against
    // Jan 3–31: Ann (Jan 11) did not order in February → 1.
    const part = await run({ metric: 'lost_customers', from: '2024-03-01', to: '2024-03-29' });
    expect(part.overall.previous).toMatchObject({ from: '2024-02-01', to: '2024-02-29' });
    expect([part.overall.total, part.overall.previous.value]).toEqual([0, 1]);
    await expect(run({ ...janApr, filters: { customerType: 'new' } })).rejects.toThrow(/customerType does not apply to lost_customers/);
  });

  it('rollups, customer_summary, customer_weeks and customer_months give exactly what the raw orders give, for every metric, filter and group', async () => {
    const metrics = ['revenue', 'orders', 'customers', 'new_customers', 'aov', 'repeat_rate', 'revenue_per_customer', 'returns', 'return_rate'] as const;
    const filterSets = [{}, { category: 'Toys' }, { country: 'United Kingdom' }, { channel: 'web' }, { country: 'Spain', category: 'Toys' },
      { tag: 'vip' }, { customerType: 'new' }, { customerType: 'returning' }, { rfmTier: ['At Risk', 'Lost'] }, { rfmTier: ['Potential Loyalist'], customerType: 'new' }] as const;
    const shapes = [
      { grain: 'month', window: Q1, prev: { from: '2023-10-01', to: '2023-12-31' } },
      { grain: 'month', window: { from: '2024-02-01', to: '2024-03-31' }, prev: { from: '2023-12-01', to: '2024-01-31' } },
      { grain: 'quarter', window: Q1, prev: { from: '2023-10-01', to: '2023-12-31' } },
      // windows starting inside their first quarter / year: that period counts from the window's first month
      { grain: 'quarter', window: { from: '2024-02-01', to: '2024-03-31' }, prev: { from: '2023-12-01', to: '2024-01-31' } },
      { grain: 'year', window: { from: '2024-03-01', to: '2024-03-31' }, prev: { from: '2024-02-01', to: '2024-02-29' } },
      { grain: 'week', window: { from: '2024-01-10', to: '2024-03-28' }, prev: { from: '2023-10-24', to: '2024-01-09' } },
      // Whole ISO weeks (customer_weeks): the previous window empty, and one holding Ann's and Bob's earlier weeks.
      { grain: 'week', window: { from: '2024-01-01', to: '2024-03-31' }, prev: { from: '2023-10-02', to: '2023-12-31' } },
      { grain: 'week', window: { from: '2024-02-05', to: '2024-03-31' }, prev: { from: '2023-12-11', to: '2024-02-04' } },
      { grain: 'day', window: { from: '2024-03-01', to: '2024-03-31' }, prev: { from: '2024-01-30', to: '2024-02-29' } },
    ] as const;
    let checked = 0;
    let months = 0;
    for (const metric of metrics) for (const filters of filterSets) for (const groupBy of [undefined, 'country', 'channel', 'category', 'product'] as const) {
      for (const shape of shapes) {
        const scope: KpiScope = { metric, filters: { ...filters, rfmTier: 'rfmTier' in filters ? [...filters.rfmTier] : undefined }, groupBy, ...shape, rfm: { source: 'stored', asOf: '2024-05-15' } };
        const source = kpiSource(scope, true);
        if (source === 'orders') continue;
        const sort = (p: Awaited<ReturnType<typeof aggregateKpi>>) =>
          Object.fromEntries(Object.entries(p).map(([k, rows]: [string, Agg[]]) => [k, rows
            .map((r) => ({
              grp: r.grp, bucket: r.bucket, revenue: r.revenue, orders: r.orders, ...(metric === 'return_rate' ? { returns: r.returns } : {}),
              ...(source === 'summary' ? { new_customers: r.new_customers } : {}),
              ...(source === 'weeks' ? { customers: r.customers, repeaters: r.repeaters, identified_revenue: r.identified_revenue } : {}),
              // customer_months counts customers only for the metrics that need them (not revenue, orders, aov)
              ...(source === 'months' && !['revenue', 'orders', 'aov'].includes(metric)
                ? { customers: r.customers, new_customers: r.new_customers, repeaters: r.repeaters, identified_revenue: r.identified_revenue } : {}),
            }))
            .sort((a, b) => `${a.grp}|${a.bucket}`.localeCompare(`${b.grp}|${b.bucket}`))]));
        const fast = sort(await aggregateKpi(use(), scope, source));
        const raw = sort(await aggregateKpi(use(), scope, 'orders'));
        expect(fast, `${metric} ${JSON.stringify(filters)} ${groupBy} ${shape.grain} via ${source}`).toEqual(raw);
        checked++;
        // count only comparisons with something in them (a filter can empty a window)
        if (source === 'months' && (raw.total as Agg[]).some((r) => r.orders > 0)) months++;
      }
    }
    expect(checked).toBeGreaterThan(100);
    expect(months, 'customer_months must answer the group filters by month and quarter, on non-empty windows').toBeGreaterThan(40);
  });

  it('return rate: returns ÷ orders of the same window and filters (hand-worked)', async () => {
    // Orders Jan 3 (o1 o2 o3) / Feb 2 (o4 o5) / Mar 4 (o6–o9); returns r1 (Jan 12, web, a Toys line), r2 (Mar 30, web, Home)
    const all = await run({ metric: 'return_rate', ...Q1 });
    expect(values(all.overall)).toEqual([0.3333, 0, 0.25]);
    expect(all.overall.total).toBe(0.2222); // 2 ÷ 9
    expect(all.meta.definitions.return_rate).toBe(GLOSSARY.return_rate);
    // web orders: Jan o1 o2 · Feb o5 · Mar o6 o8; both returns are web → 1/2, 0/1, 1/2; window 2/5
    const web = await run({ metric: 'return_rate', ...Q1, filters: { channel: 'web' } });
    expect([values(web.overall), web.overall.total]).toEqual([[0.5, 0, 0.5], 0.4]);
    // Toys (order, category) units: Jan o2 o3 · Feb none · Mar o6 o7 o9; r1 is a Toys return → 1/2, 0, 0/3; window 1/5
    const toys = await run({ metric: 'return_rate', ...Q1, filters: { category: 'Toys' } });
    expect([values(toys.overall), toys.overall.total]).toEqual([[0.5, 0, 0], 0.2]);
    // by channel over the quarter: web 2/5, app 0/1 (o3 o7 → 0/2), store 0/2 (o4 o9)
    const split = await run({ metric: 'return_rate', ...Q1, groupBy: 'channel' });
    expect(split.groups.map((g: any) => [g.group, g.total]).sort()).toEqual([['app', 0], ['store', 0], ['web', 0.4]]);
    // a customer group reads the orders: Ann (tag-less) and Cy returned; the vip tag is Bob's, who returned nothing
    expect((await run({ metric: 'return_rate', ...Q1, filters: { tag: 'vip' } })).overall.total).toBe(0);
  });

  it('rejects bad arguments with a clear message', async () => {
    await expect(run({ metric: 'profit' })).rejects.toThrow(
      /^invalid arguments for kpi_trend: metric: Invalid option: expected one of "revenue"\|"orders"\|"customers"\|"new_customers"\|"lost_customers"\|"aov"\|"repeat_rate"\|"revenue_per_customer"\|"returns"\|"return_rate"$/,
    );
    await expect(run({ metric: 'orders', from: '2024-03-01', to: '2024-02-01' })).rejects.toThrow(/from: from must be on or before to/);
    await expect(run({ metric: 'orders', from: '2024-05-10' })).rejects.toThrow(/from: 2024-05-10 is after to \(2024-04-30, the default\)/);
    await expect(run({ metric: 'orders', grain: 'hour' })).rejects.toThrow(/grain: Invalid option/);
    await expect(run({ metric: 'orders', groupBy: 'city' })).rejects.toThrow(/groupBy: Invalid option/);
    await expect(run({ metric: 'orders', groupBy: 'channel', top: 21 })).rejects.toThrow(/top: Too big/);
    await expect(run({ metric: 'orders', filters: { segment: 'x' } })).rejects.toThrow(/filters: Unrecognized key: "segment"/);
    await expect(run({ metric: 'orders', filters: { tag: 'gold' } })).rejects.toThrow(/filters.tag: unknown tag "gold"; tags: .*\bvip\b/);
    await expect(run({ metric: 'orders', grain: 'day', from: '2020-01-01', to: '2024-01-01' })).rejects.toThrow(/more than 1000 periods/);
    await expect(run({ from: '2024-01-01' })).rejects.toThrow(/metric: Invalid option/);
  });
});

for (const driver of TEST_DRIVERS) {
  describe.runIf(hasSharedData('online_retail', 'online_retail.csv.gz'))(`kpi_trend on Online Retail [${driver}]`, () => {
    it('November 2011 revenue equals an independent sum over the order lines', async () => {
      const db = await openTestDb(driver);
      try {
        await runImport(db, { entity: 'orders', file: sharedDataPath('online_retail', 'online_retail.csv.gz'), preset: 'online-retail' });
        await refreshCustomerSummary(db, 'all');
        const ctx = { db, clock: fixedClock('2011-12-10'), role: 'analyst' as const };
        const { rows: [facts] } = await db.query<{ revenue: number }>(
          `SELECT sum(l.quantity * l.unit_price) AS revenue
             FROM order_lines l JOIN orders o ON o.id = l.order_id
            WHERE l.quantity > 0 AND l.unit_price > 0 AND o.external_id NOT LIKE 'C%'
              AND o.ordered_at >= '2011-11-01T00:00:00Z' AND o.ordered_at < '2011-12-01T00:00:00Z'`,
        );
        const timed = async (label: string, args: object) => {
          const started = performance.now();
          const out = (await runTool('kpi_trend', args, ctx)) as any;
          console.log(`kpi_trend ${label} on Online Retail [${driver}]: ${Math.round(performance.now() - started)} ms`);
          return out;
        };
        const nov = await timed('revenue Nov 2011', { metric: 'revenue', from: '2011-11-01', to: '2011-11-30' });
        console.log(`Online Retail revenue November 2011: tool ${nov.overall.total}, independent SQL ${facts!.revenue}`);
        expect(nov.overall.total).toBeCloseTo(facts!.revenue, 2);
        // Default window as of 2011-12-10: 2010-12-01 … 2011-11-30, twelve months.
        const year = await timed('revenue by month (default window)', { metric: 'revenue' });
        expect(year.window).toEqual({ from: '2010-12-01', to: '2011-11-30' });
        expect(year.overall.points.find((p: any) => p.period === '2011-11-01').value).toBeCloseTo(facts!.revenue, 2);
        const countries = await timed('revenue by country', { metric: 'revenue', groupBy: 'country', top: 5 });
        expect(countries.groups[0].group).toBe('United Kingdom');
        await timed('new customers by week', { metric: 'new_customers', grain: 'week' });
        await timed('repeat rate by month', { metric: 'repeat_rate' });
      } finally {
        await db.close();
      }
    }, 300_000);
  });
}
