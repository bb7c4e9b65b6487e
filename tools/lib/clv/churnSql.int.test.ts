import { beforeAll, expect, it } from 'vitest';
import { copyText } from '../../../server/db/copy.ts';
import { refreshCustomerSummary } from '../../../server/db/summary.ts';
import { describeEachDriver } from '../../../server/testing/db.ts';
import { mulberry32 } from '../random.ts';
import { bgnbdProbabilityAlive, type BgNbdParams } from './bgnbd.ts';
import { judgeChurn, type ChurnQueryArgs, type ChurnStats } from './churnSql.ts';

/**
 * churnSql.ts against the churn rules written out in JavaScript (what churn_risk computed per customer before the
 * rules moved into SQL), on a random shop read back as raw order rows: per-customer first/last order, order days,
 * revenue and gaps are recomputed here from the orders, P(alive) by the library's bgnbdProbabilityAlive.
 */
const DAY = 86_400_000;
const START = Date.UTC(2023, 0, 1);

interface RawOrder { customer: number | null; kind: 'order' | 'return'; at: number; cents: number }

function randomShop(seed: number): RawOrder[] {
  const random = mulberry32(seed);
  const orders: RawOrder[] = [];
  for (let c = 1; c <= 400; c++) {
    const n = 1 + Math.floor(random() ** 2 * 12);
    let at = START + Math.floor(random() * 540) * DAY + Math.floor(random() * 24) * 3_600_000;
    for (let k = 0; k < n; k++) {
      orders.push({ customer: c, kind: random() < 0.05 ? 'return' : 'order', at, cents: 100 + Math.floor(random() * 20_000) });
      // Same day now and then (merged into one BG/NBD transaction), else a gap of up to ~4 months.
      at += random() < 0.15 ? 3_600_000 : Math.floor(1 + random() * 120) * DAY;
    }
  }
  // Heavy buyers: daily for a year, then silent, so that with a large r the log-odds of P(alive) exceed exp()'s range.
  for (let c = 401; c <= 403; c++) for (let d = 0; d < 365; d++) orders.push({ customer: c, kind: 'order', at: START + d * DAY, cents: 1_000 });
  orders.push({ customer: null, kind: 'order', at: START + 100 * DAY, cents: 99_900 });
  return orders;
}

const dayOf = (ms: number) => Math.floor(ms / DAY);
const dayString = (day: number) => new Date(day * DAY).toISOString().slice(0, 10);

/** The rules of churn_risk, customer by customer, from raw orders. */
function reference(orders: readonly RawOrder[], args: ChurnQueryArgs, params: BgNbdParams | null) {
  const asOf = dayOf(Date.parse(`${args.asOf}T00:00:00Z`));
  const by = new Map<number, RawOrder[]>();
  for (const o of orders) if (o.customer !== null && o.kind === 'order' && dayOf(o.at) <= asOf) by.set(o.customer, [...(by.get(o.customer) ?? []), o]);
  const base = [...by.entries()].map(([id, list]) => {
    const first = Math.min(...list.map((o) => o.at));
    const last = Math.max(...list.map((o) => o.at));
    const orderDays = new Set(list.map((o) => dayOf(o.at))).size;
    const tenureDays = asOf - dayOf(first);
    const daysSince = asOf - dayOf(last);
    const revenue = list.reduce((s, o) => s + o.cents, 0) / 100;
    const avgGap = orderDays > 1 ? (dayOf(last) - dayOf(first)) / (orderDays - 1) : null;
    const x = orderDays - 1;
    const pAlive = params ? bgnbdProbabilityAlive(params, { x, tx: (tenureDays - daysSince) / 7, T: tenureDays / 7 }) : null;
    return { id, orders: list.length, orderDays, tenureDays, daysSince, last: dayString(dayOf(last)), revenue, avgGap, pAlive };
  });
  const gaps = base.filter((b) => b.orderDays >= 2).map((b) => b.avgGap!).sort((a, b) => a - b);
  const mid = gaps.length >> 1;
  const median = gaps.length === 0 ? null : gaps.length % 2 ? gaps[mid]! : (gaps[mid - 1]! + gaps[mid]!) / 2;
  const single = args.singleOrderDays ?? (median === null ? null : 2 * median);
  const judged = base.map((b) => {
    const ratio = b.orderDays >= 2 ? b.daysSince / b.avgGap! : null;
    const gap = ratio !== null && ratio >= args.ratioThreshold;
    const one = b.orderDays === 1 && single !== null && b.daysSince >= single;
    const low = b.pAlive !== null && b.pAlive < args.pAliveThreshold;
    const atRisk = args.match === 'all' ? low && (gap || one) : gap || one || low;
    return { ...b, ratio, gap, one, low, atRisk, stake: b.revenue / Math.max(1, b.tenureDays / 365.25) };
  });
  const lastOrderTo = median === null ? null : dayString(asOf - Math.ceil(args.ratioThreshold * median));
  const sum = (f: (j: (typeof judged)[number]) => boolean) => judged.filter(f).reduce((s, j) => s + j.stake, 0);
  const listed = judged.filter((j) => j.atRisk).sort((a, b) => b.stake - a.stake || a.id - b.id).slice(0, args.limit);
  return {
    median, single, lastOrderTo, judged, listed,
    counts: {
      customers: judged.length, inactiveRepeat: judged.filter((j) => j.gap).length, inactiveSingleOrder: judged.filter((j) => j.one).length,
      lowPAlive: judged.filter((j) => j.low).length, both: judged.filter((j) => j.low && (j.gap || j.one)).length,
      atRisk: judged.filter((j) => j.atRisk).length,
      winBackSize: lastOrderTo === null ? 0 : judged.filter((j) => j.orders >= 2 && j.last <= lastOrderTo).length,
    },
    stakes: { inactivity: sum((j) => j.gap || j.one), lowPAlive: sum((j) => j.low), atRisk: sum((j) => j.atRisk) },
  };
}

function expectSame(got: ChurnStats, want: ReturnType<typeof reference>): void {
  const { customers, inactiveRepeat, inactiveSingleOrder, lowPAlive, both, atRisk, winBackSize } = got;
  expect({ customers, inactiveRepeat, inactiveSingleOrder, lowPAlive, both, atRisk, winBackSize }).toEqual(want.counts);
  expect(got.lastOrderTo).toBe(want.lastOrderTo);
  if (want.median === null) expect(got.median).toBeNull();
  else expect(got.median!).toBeCloseTo(want.median, 9);
  if (want.single === null) expect(got.singleOrderDays).toBeNull();
  else expect(got.singleOrderDays!).toBeCloseTo(want.single, 9);
  expect(got.stakeInactivity).toBeCloseTo(want.stakes.inactivity, 6);
  expect(got.stakeLowPAlive).toBeCloseTo(want.stakes.lowPAlive, 6);
  expect(got.stakeAtRisk).toBeCloseTo(want.stakes.atRisk, 6);
  expect(got.listed.map((l) => [l.id, l.inactive_gap, l.inactive_single, l.low_p, l.last, l.daysSince, l.orders]))
    .toEqual(want.listed.map((j) => [j.id, j.gap, j.one, j.low, j.last, j.daysSince, j.orders]));
  got.listed.forEach((l, i) => {
    const j = want.listed[i]!;
    expect(l.revenue).toBe(j.revenue);
    expect(l.stake).toBeCloseTo(j.stake, 9);
    if (j.ratio === null) expect(l.ratio).toBeNull();
    else expect(l.ratio!).toBeCloseTo(j.ratio, 9);
    if (j.pAlive === null) expect(l.pAlive).toBeNull();
    else expect(Math.abs(l.pAlive! - j.pAlive)).toBeLessThan(1e-12);
  });
}

describeEachDriver('churnSql (churn rules in SQL) vs the rules in JavaScript', (use) => {
  const orders = randomShop(7);
  const lastDay = dayString(Math.max(...orders.filter((o) => o.customer !== null && o.kind === 'order').map((o) => dayOf(o.at))));
  const fitted: BgNbdParams = { r: 0.25, alpha: 4.4, a: 0.79, b: 2.43 };
  const huge: BgNbdParams = { r: 500, alpha: 1, a: 0.79, b: 2.43 };

  beforeAll(async () => {
    const db = use();
    await db.exec(`INSERT INTO customers (id, name, country) SELECT g, 'c' || g, 'X' FROM generate_series(1, 403) g`);
    const rows = orders.map((o, i) => ['t', `o${i}`, o.customer, o.kind, new Date(o.at), (o.cents / 100).toFixed(2)]);
    await db.copyFrom('orders', ['source', 'external_id', 'customer_id', 'kind', 'ordered_at', 'revenue'], copyText(rows));
    await refreshCustomerSummary(db, 'all');
  }, 60_000);

  const cases: [string, ChurnQueryArgs, BgNbdParams | null][] = [
    ['defaults, fitted-looking parameters', { asOf: lastDay, ratioThreshold: 2, pAliveThreshold: 0.5, match: 'any', limit: 50 }, fitted],
    ['match all, a high P(alive) bar', { asOf: lastDay, ratioThreshold: 1.5, pAliveThreshold: 0.9, match: 'all', limit: 1000 }, fitted],
    ['given singleOrderDays, no model', { asOf: lastDay, ratioThreshold: 3, singleOrderDays: 45, pAliveThreshold: 0.5, match: 'any', limit: 1000 }, null],
    ['log-odds beyond exp() (P(alive) = 0)', { asOf: lastDay, ratioThreshold: 2, pAliveThreshold: 0.5, match: 'any', limit: 1000 }, huge],
  ];
  for (const [label, args, params] of cases) {
    it(`customer_summary path: ${label}`, async () => {
      const got = await use().transaction((q) => judgeChurn(q, true, args, params), { readOnly: true });
      expectSame(got, reference(orders, args, params));
      if (params === huge) expect(got.listed.some((l) => l.pAlive === 0)).toBe(true);
    });
  }

  it('orders path for past dates, and both paths agree at the last order day', async () => {
    for (const asOf of ['2023-06-30', '2023-12-31']) {
      const args: ChurnQueryArgs = { asOf, ratioThreshold: 2, pAliveThreshold: 0.6, match: 'any', limit: 1000 };
      expectSame(await use().transaction((q) => judgeChurn(q, false, args, fitted), { readOnly: true }), reference(orders, args, fitted));
    }
    const args: ChurnQueryArgs = { asOf: lastDay, ratioThreshold: 2, pAliveThreshold: 0.5, match: 'any', limit: 1000 };
    const [fromSummary, fromOrders] = await use().transaction(
      async (q) => [await judgeChurn(q, true, args, fitted), await judgeChurn(q, false, args, fitted)],
      { readOnly: true },
    );
    expect(fromOrders.customers).toBe(fromSummary.customers);
    expect(fromOrders.listed.map((l) => l.id)).toEqual(fromSummary.listed.map((l) => l.id));
    expect(fromOrders.stakeAtRisk).toBeCloseTo(fromSummary.stakeAtRisk, 6);
  });
});
