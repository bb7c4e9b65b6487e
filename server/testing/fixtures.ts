import type { Db } from '../db/index.ts';

/**
 * A tiny hand-made shop whose numbers are worked out by hand in the tests that use it:
 *   Ann (UK):  o1 2024-01-01 web  Home 2×5 = 10 | o2 2024-01-01 web Toys 1×5 = 5 | o3 2024-01-11 app Toys 4×5 = 20
 *              r1 2024-01-12 return (not revenue)
 *   Bob (DE):  o4 2024-02-01 store Home 1×7 = 7
 *   Cy  (FR):  no orders
 *   guest:     o5 2024-02-02 web  Home 1×3 = 3 (revenue, no customer)
 */
export async function loadTinyShop(db: Db): Promise<void> {
  await db.exec(`
    INSERT INTO customers (id, name, email, country) VALUES
      (1, 'Ann Lee', 'ann@example.com', 'United Kingdom'), (2, 'Bob Stone', 'bob@example.com', 'Germany'),
      (3, 'Cy Dupont', NULL, 'France');
    SELECT setval('customers_id_seq', 3);
    INSERT INTO orders (id, source, external_id, customer_id, kind, ordered_at, channel, revenue, line_count) VALUES
      (1, 't', 'o1', 1, 'order', '2024-01-01 09:00Z', 'web', 10, 1),
      (2, 't', 'o2', 1, 'order', '2024-01-01 18:00Z', 'web', 5, 1),
      (3, 't', 'o3', 1, 'order', '2024-01-11 12:00Z', 'app', 20, 1),
      (4, 't', 'r1', 1, 'return', '2024-01-12 12:00Z', 'web', 0, 1),
      (5, 't', 'o4', 2, 'order', '2024-02-01 12:00Z', 'store', 7, 1),
      (6, 't', 'o5', NULL, 'order', '2024-02-02 12:00Z', 'web', 3, 1);
    SELECT setval('orders_id_seq', 6);
    INSERT INTO order_lines (order_id, line_no, product_code, category, quantity, unit_price, amount) VALUES
      (1, 1, 'P1', 'Home', 2, 5, 10), (2, 1, 'P2', 'Toys', 1, 5, 5), (3, 1, 'P2', 'Toys', 4, 5, 20),
      (4, 1, 'P2', 'Toys', 1, 5, 5), (5, 1, 'P1', 'Home', 1, 7, 7), (6, 1, 'P1', 'Home', 1, 3, 3);
  `);
}
