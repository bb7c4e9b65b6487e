import type { Db } from '../../../server/db/index.ts';
import { refreshCustomerSummary } from '../../../server/db/summary.ts';

/**
 * A hand-made shop for segment and tag tests; every number below is worked out by hand, as of 2024-03-01.
 * Orders are at 12:00 UTC. (2024 is a leap year: February has 29 days.)
 *
 *  id name                 country  orders (channel category revenue)                          orders rev  aov last        recency tenure gap   ratio
 *  1  Ann Lee              UK       01-05 web Home 100, 02-05 web Home 50, 02-25 app Toys 30       3   180   60 2024-02-25    5      56   25.5  0.20
 *                                   (+ a return on 02-26: not an order)
 *  2  Bob Stone            Germany  2023-06-01 store Garden 400, 2023-07-01 store Garden 200      2   600  300 2023-07-01  244     274   30    8.13
 *  3  Cy Dupont            France   02-20 web Toys 20                                              1    20   20 2024-02-20   10      10    –
 *  4  Dee Moss             UK       2023-09-01 web Home 60, 2023-12-01 web Home 40                 2   100   50 2023-12-01   91     182   91    1.00
 *  5  =Eve "Evie" Park, Jr Germany  2023-03-01 app Toys 10 (no email)                              1    10   10 2023-03-01  366     366   –
 *  6  Fay Wu               UK       01-15 web Home 90, 01-20 web Toys 60                           2   150   75 2024-01-20   41      46    5    8.2
 *  7  Gus Grey             UK       no orders: never in a segment
 *  guest order 02-10 web Home 70: no customer, in no segment
 *
 * main channel: Ann web, Bob store, Cy web, Dee web, Eve app, Fay web. main category: Ann Home, Bob Garden, Cy Toys,
 * Dee Home, Eve Toys, Fay Home. Totals over the 6 customers with orders: revenue 1060, orders 11.
 * RFM as of 2024-03-01 (quintile = 1 + ⌊5·(rank − 1)/6⌋):
 *   R (recency desc): Eve 1, Bob 1, Dee 2, Fay 3, Cy 4, Ann 5;  F: Cy 1, Eve 1, Bob 2, Dee 2, Fay 2, Ann 5;
 *   M: Eve 1, Cy 1, Dee 2, Fay 3, Ann 4, Bob 5;  FM = round((F + M)/2): Ann 5, Bob 4, Cy 1, Dee 2, Eve 1, Fay 3
 *   tiers: Ann Champions, Bob At Risk, Cy Promising, Dee Hibernating, Eve Lost, Fay Need Attention.
 * Revenue percentile (share strictly lower): Eve 0, Cy 1/6, Dee 2/6, Fay 3/6, Ann 4/6, Bob 5/6.
 * Manual tags: vip = Ann, Bob; newsletter = Ann, Cy.
 */
export async function loadSegmentShop(db: Db): Promise<void> {
  await db.exec(`
    INSERT INTO customers (id, name, email, country) VALUES
      (1, 'Ann Lee', 'ann@example.com', 'United Kingdom'), (2, 'Bob Stone', 'bob@example.com', 'Germany'),
      (3, 'Cy Dupont', 'cy@example.com', 'France'), (4, 'Dee Moss', 'dee@example.com', 'United Kingdom'),
      (5, '=Eve "Evie" Park, Jr', NULL, 'Germany'), (6, 'Fay Wu', 'fay@example.com', 'United Kingdom'),
      (7, 'Gus Grey', 'gus@example.com', 'United Kingdom');
    SELECT setval('customers_id_seq', 7);
    INSERT INTO orders (id, source, external_id, customer_id, kind, ordered_at, channel, revenue, line_count) VALUES
      (1, 't', 'a1', 1, 'order', '2024-01-05 12:00Z', 'web', 100, 1),
      (2, 't', 'a2', 1, 'order', '2024-02-05 12:00Z', 'web', 50, 1),
      (3, 't', 'a3', 1, 'order', '2024-02-25 12:00Z', 'app', 30, 1),
      (4, 't', 'ar', 1, 'return', '2024-02-26 12:00Z', 'web', 0, 1),
      (5, 't', 'b1', 2, 'order', '2023-06-01 12:00Z', 'store', 400, 1),
      (6, 't', 'b2', 2, 'order', '2023-07-01 12:00Z', 'store', 200, 1),
      (7, 't', 'c1', 3, 'order', '2024-02-20 12:00Z', 'web', 20, 1),
      (8, 't', 'd1', 4, 'order', '2023-09-01 12:00Z', 'web', 60, 1),
      (9, 't', 'd2', 4, 'order', '2023-12-01 12:00Z', 'web', 40, 1),
      (10, 't', 'e1', 5, 'order', '2023-03-01 12:00Z', 'app', 10, 1),
      (11, 't', 'f1', 6, 'order', '2024-01-15 12:00Z', 'web', 90, 1),
      (12, 't', 'f2', 6, 'order', '2024-01-20 12:00Z', 'web', 60, 1),
      (13, 't', 'g1', NULL, 'order', '2024-02-10 12:00Z', 'web', 70, 1);
    SELECT setval('orders_id_seq', 13);
    INSERT INTO order_lines (order_id, line_no, category, quantity, unit_price, amount) VALUES
      (1, 1, 'Home', 1, 100, 100), (2, 1, 'Home', 1, 50, 50), (3, 1, 'Toys', 1, 30, 30), (4, 1, 'Toys', 1, 30, 30),
      (5, 1, 'Garden', 1, 400, 400), (6, 1, 'Garden', 1, 200, 200), (7, 1, 'Toys', 1, 20, 20),
      (8, 1, 'Home', 1, 60, 60), (9, 1, 'Home', 1, 40, 40), (10, 1, 'Toys', 1, 10, 10),
      (11, 1, 'Home', 1, 90, 90), (12, 1, 'Toys', 1, 60, 60), (13, 1, 'Home', 1, 70, 70);
    INSERT INTO tags (name, kind) VALUES ('vip', 'manual'), ('newsletter', 'manual');
    INSERT INTO customer_tags (customer_id, tag_id)
      SELECT c, (SELECT id FROM tags WHERE name = 'vip') FROM unnest(ARRAY[1, 2]) c
      UNION ALL SELECT c, (SELECT id FROM tags WHERE name = 'newsletter') FROM unnest(ARRAY[1, 3]) c;
  `);
  await refreshCustomerSummary(db, 'all');
}

/**
 * Three behaviour groups of 10 customers that any sensible clustering separates:
 *   101–110 "regulars": 20 orders of 100 + i every 15 days from 2023-05-01 + i days (Home), last ≈ 2024-02-10
 *   201–210 "lapsed one-offs": one order of 10 + i on 2023-04-01 + i days (Toys)
 *   301–310 "newcomers": one order of 50 + i on 2024-02-20 + (i mod 5) days (Garden)
 */
export async function loadClusterShop(db: Db): Promise<void> {
  await db.exec(`
    INSERT INTO customers (id, name, country)
      SELECT g * 100 + i, 'Customer ' || (g * 100 + i), 'United Kingdom' FROM generate_series(1, 3) g, generate_series(1, 10) i;
    INSERT INTO orders (source, external_id, customer_id, ordered_at, channel, revenue, line_count)
      SELECT 't', 'r' || i || '-' || j, 100 + i, timestamptz '2023-05-01 12:00Z' + (i + 15 * j) * interval '1 day', 'web', 100 + i, 1
        FROM generate_series(1, 10) i, generate_series(0, 19) j
      UNION ALL
      SELECT 't', 'l' || i, 200 + i, timestamptz '2023-04-01 12:00Z' + i * interval '1 day', 'web', 10 + i, 1 FROM generate_series(1, 10) i
      UNION ALL
      SELECT 't', 'n' || i, 300 + i, timestamptz '2024-02-20 12:00Z' + (i % 5) * interval '1 day', 'web', 50 + i, 1 FROM generate_series(1, 10) i;
    INSERT INTO order_lines (order_id, line_no, category, quantity, unit_price, amount)
      SELECT id, 1, CASE customer_id / 100 WHEN 1 THEN 'Home' WHEN 2 THEN 'Toys' ELSE 'Garden' END, 1, revenue, revenue FROM orders;
  `);
  await refreshCustomerSummary(db, 'all');
}

/** n points around (cx, cy), spread ±0.5 on a fixed grid (no randomness in the data), for the clustering tests. */
export const blob = (cx: number, cy: number, n = 9) => Array.from({ length: n }, (_, i) => [cx + ((i % 3) - 1) * 0.5, cy + (Math.floor(i / 3) - 1) * 0.5]);
