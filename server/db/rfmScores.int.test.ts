import { beforeAll, expect, it } from 'vitest';
import { mulberry32 } from '../../tools/lib/random.ts';
import { rfmSql } from '../../tools/lib/rfm.ts';
import { storedRfmSql } from '../../tools/lib/rfmCuts.ts';
import { describeEachDriver } from '../testing/db.ts';
import type { Queryable } from './types.ts';
import { rfmScoresFresh } from './rfmScores.ts';
import { refreshCustomerSummary } from './summary.ts';

/**
 * customer_rfm's values scored under the stored cut values against the independent computation: rfmSql ranking the whole summary
 * with window functions. Random shop with heavy ties (a handful of order counts, amounts in steps of 5, a few days),
 * then imports that move the cuts: new orders for some customers, new customers, a customer losing all orders.
 */
const AS_OF = '2030-01-01'; // after every order: the summary path scores every summary row

async function addOrders(q: Queryable, rand: () => number, customers: number[], prefix: string) {
  const rows = customers.map((c, i) => [
    c, `${prefix}${i}`, `2024-0${1 + Math.floor(rand() * 6)}-1${Math.floor(rand() * 3)} 10:00Z`, 5 * (1 + Math.floor(rand() * 8)),
  ]);
  await q.query(
    `INSERT INTO orders (source, external_id, customer_id, kind, ordered_at, revenue)
     SELECT 't', e, c, 'order', at::timestamptz, v FROM unnest($1::int8[], $2::text[], $3::text[], $4::numeric[]) u(c, e, at, v)`,
    [rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2]), rows.map((r) => r[3])],
  );
}

async function stored(q: Queryable) {
  return (await q.query(`SELECT customer_id, r, f, m, tier FROM (${storedRfmSql('$1::date')}) s ORDER BY customer_id`, [AS_OF])).rows;
}
async function ranked(q: Queryable) {
  return (await q.query(`SELECT customer_id, r, f, m, tier FROM (${rfmSql('summary')}) s ORDER BY customer_id`, [AS_OF])).rows;
}

/**
 * The cut values by hand: the ⌈k·n/5⌉-th smallest last day, order count and revenue of the summary (k = 1..4), sorted
 * in JavaScript, to compare with the cuts rfm_state stores for the next refresh.
 */
async function cutsByHand(q: Queryable) {
  const { rows } = await q.query<{ d: string; f: number; m: string }>(
    `SELECT ((last_order_at AT TIME ZONE 'UTC')::date)::text AS d, orders AS f, revenue::text AS m FROM customer_summary`);
  const at = [1, 2, 3, 4].map((k) => Math.ceil((k * rows.length) / 5) - 1);
  const r = rows.map((x) => x.d).sort();
  const f = rows.map((x) => Number(x.f)).sort((a, b) => a - b);
  const m = rows.map((x) => Number(x.m)).sort((a, b) => a - b);
  return { r: at.map((i) => r[i]), f: at.map((i) => f[i]), m: at.map((i) => m[i]) };
}
async function storedCuts(q: Queryable) {
  const { rows: [c] } = await q.query<{ r: string[]; f: number[]; m: string[] }>(
    `SELECT r_cuts::text[] AS r, f_cuts AS f, m_cuts::text[] AS m FROM rfm_state`);
  return { r: c!.r, f: c!.f.map(Number), m: c!.m.map(Number) };
}

describeEachDriver('customer_rfm', (use) => {
  const rand = mulberry32(11);
  beforeAll(async () => {
    await use().query(`INSERT INTO customers (id, name) SELECT g, 'c' || g FROM generate_series(1, 260) g`);
    const buyers = Array.from({ length: 600 }, () => 1 + Math.floor(rand() * 200)); // customers 201–260: none yet
    await addOrders(use(), rand, buyers, 'a');
  });

  it('equals ranking the whole summary after a full build', async () => {
    await refreshCustomerSummary(use(), 'all');
    const want = await ranked(use());
    expect(want.length).toBeGreaterThan(150);
    expect(new Set(want.map((r: any) => r.tier)).size, 'ties and spread give many tiers').toBeGreaterThan(6);
    expect(await stored(use())).toEqual(want);
    expect(await rfmScoresFresh(use())).toBe(true);
  });

  it('stays equal through incremental refreshes that move the cuts', async () => {
    let moved = 0;
    for (let round = 0; round < 4; round++) {
      const before = await storedCuts(use());
      // Some existing customers buy again, some new ones (201–260) buy for the first time.
      const buyers = Array.from({ length: 40 }, () => 1 + Math.floor(rand() * 260));
      await addOrders(use(), rand, buyers, `r${round}-`);
      await use().transaction((tx) => refreshCustomerSummary(tx, buyers));
      expect(await stored(use()), `round ${round}`).toEqual(await ranked(use()));
      const after = await storedCuts(use());
      expect(after, `round ${round}: the cuts stored for the next refresh`).toEqual(await cutsByHand(use()));
      if (JSON.stringify(after) !== JSON.stringify(before)) moved++;
    }
    // The rounds must move cuts, so that untouched customers' scores change with them (their values stay).
    expect(moved).toBeGreaterThan(1);
    // A customer whose only orders become returns drops out of the summary and of customer_rfm.
    const { rows: [one] } = await use().query<{ id: number }>(
      `SELECT customer_id AS id FROM customer_summary WHERE orders = 1 ORDER BY customer_id LIMIT 1`);
    await use().query(`UPDATE orders SET kind = 'return' WHERE customer_id = $1`, [one!.id]);
    await use().transaction((tx) => refreshCustomerSummary(tx, [one!.id]));
    const after = await stored(use());
    expect(after.some((r: any) => r.customer_id === one!.id)).toBe(false);
    expect(after).toEqual(await ranked(use()));
  });

  it('repairs rows removed or added behind its back: a deleted (merged-away) customer, a refresh without scores', async () => {
    const { rows: [gone] } = await use().query<{ id: number }>(`SELECT max(customer_id) AS id FROM customer_summary`);
    await use().query(`DELETE FROM orders WHERE customer_id = $1`, [gone!.id]);
    await use().query(`DELETE FROM customers WHERE id = $1`, [gone!.id]); // cascades to customer_summary
    const buyers = [1 + Math.floor(rand() * 200)];
    await addOrders(use(), rand, buyers, 'x');
    await refreshCustomerSummary(use(), buyers);
    expect(await stored(use())).toEqual(await ranked(use()));
    // A summary refresh that skips the scores, then an ordinary one for someone else: rebuilt, not patched.
    await use().query(`INSERT INTO customers (id, name) VALUES (900, 'late')`);
    await addOrders(use(), rand, [900], 'y');
    await refreshCustomerSummary(use(), [900], { rfm: false });
    await addOrders(use(), rand, [2], 'z');
    await refreshCustomerSummary(use(), [2]);
    const after = await stored(use());
    expect(after.some((r: any) => r.customer_id === 900)).toBe(true);
    expect(after).toEqual(await ranked(use()));
  });

  it('is marked stale by any other write to customer_summary', async () => {
    expect(await rfmScoresFresh(use())).toBe(true);
    const { rows: [first] } = await use().query<{ id: number }>(`SELECT min(customer_id) AS id FROM customer_summary`);
    await use().query(`UPDATE customer_summary SET orders = orders + 1 WHERE customer_id = $1`, [first!.id]);
    expect(await rfmScoresFresh(use())).toBe(false);
    await refreshCustomerSummary(use(), [first!.id]);
    expect(await rfmScoresFresh(use())).toBe(true);
    expect(await stored(use())).toEqual(await ranked(use()));
  });
});
