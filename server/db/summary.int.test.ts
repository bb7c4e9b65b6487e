import { beforeAll, expect, it } from 'vitest';
import { describeEachDriver } from '../testing/db.ts';
import { loadTinyShop } from '../testing/fixtures.ts';
import { refreshCustomerSummary } from './summary.ts';

describeEachDriver('customer summary', (use) => {
  beforeAll(async () => {
    await loadTinyShop(use());
  });

  const summary = async () =>
    (await use().query(
      `SELECT customer_id, to_char(first_order_at, 'YYYY-MM-DD') AS first, to_char(last_order_at, 'YYYY-MM-DD') AS last,
              orders, order_days, revenue, first_day_revenue, avg_gap_days, returns, main_channel, main_category
         FROM customer_summary ORDER BY customer_id`,
    )).rows;

  it('summarizes each customer with orders, from the hand-worked shop', async () => {
    expect(await refreshCustomerSummary(use(), 'all')).toBe(2);
    expect(await summary()).toEqual([
      // Ann: 3 orders on 2 days (Jan 1 twice), 35 revenue, first day 15; gap = (Jan 11 12:00 − Jan 1 09:00) ÷ 2
      {
        customer_id: 1, first: '2024-01-01', last: '2024-01-11', orders: 3, order_days: 2, revenue: 35,
        first_day_revenue: 15, avg_gap_days: (10 * 24 + 3) / 24 / 2, returns: 1, main_channel: 'web', main_category: 'Toys',
      },
      {
        customer_id: 2, first: '2024-02-01', last: '2024-02-01', orders: 1, order_days: 1, revenue: 7,
        first_day_revenue: 7, avg_gap_days: null, returns: 0, main_channel: 'store', main_category: 'Home',
      },
    ]);
  });

  it('refreshes only the customers it is given', async () => {
    await use().exec(`
      INSERT INTO orders (id, source, external_id, customer_id, ordered_at, channel, revenue, line_count)
        VALUES (7, 't', 'o6', 2, '2024-03-02 12:00Z', 'web', 12, 0), (8, 't', 'o7', 1, '2024-03-05 12:00Z', 'web', 100, 0)`);
    expect(await refreshCustomerSummary(use(), [2])).toBe(1);
    const rows = await summary();
    expect(rows[1]).toMatchObject({ orders: 2, revenue: 19, last: '2024-03-02', avg_gap_days: 30 });
    expect(rows[0]).toMatchObject({ orders: 3, revenue: 35 }); // Ann's new order is not in yet: not refreshed
    await refreshCustomerSummary(use(), [1]);
    expect((await summary())[0]).toMatchObject({ orders: 4, revenue: 135 });
  });
});
