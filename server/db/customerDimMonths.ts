import { UTC_MONTH } from './customerPeriods.ts';
import type { Queryable } from './types.ts';

/**
 * customer_dim_months (migration 0018): orders per customer, UTC month and country or channel (dims 1 = country,
 * 2 = channel). Built in full with the other rollups; after an import the new
 * orders are appended, and customers whose orders may have moved between rows — merge survivors (their
 * orders changed customer, so orders without a country take the survivor's) and customers whose country changed
 * (their orders without a country of their own move) — are recomputed from all their orders.
 */

/**
 * INSERT of the level rows of the orders `o` (kind = order, of identified customers) matching `where`, with
 * `country` as each order's country: one row per (customer, level, country, channel, month).
 */
function insertSql(from: string, country: string, where: string): string {
  return `INSERT INTO customer_dim_months (dims, customer_id, country, channel, month, orders)
     SELECT (1 - GROUPING(country)) + (1 - GROUPING(channel)) * 2, customer_id, country, channel, month, count(*)
       FROM (SELECT o.customer_id, ${country} AS country, o.channel, ${UTC_MONTH('o.ordered_at')} AS month
               FROM ${from} WHERE o.kind = 'order' AND o.customer_id IS NOT NULL AND ${where}) u
      GROUP BY customer_id, month, GROUPING SETS ((country), (channel))`;
}

/** Every customer's rows from all orders (the table must be empty). */
export async function buildCustomerDimMonths(q: Queryable): Promise<number> {
  const { rowCount } = await q.query(insertSql('orders o LEFT JOIN customers c ON c.id = o.customer_id', 'coalesce(o.country, c.country)', 'true'));
  return rowCount;
}

/**
 * After new orders (ids in (from, through]): `recompute` customers' rows rebuilt from all their orders, `gone`
 * customers' rows deleted, everyone else's new orders appended as rows of their own (the table is append-only, without
 * a key: migration 0018). The DELETE scans the table (no index to maintain on every import); it runs only after merges
 * or country changes.
 */
export async function refreshCustomerDimMonths(q: Queryable, from: number, through: number, recompute: number[], gone: number[]): Promise<void> {
  const replaced = [...new Set([...recompute, ...gone])];
  if (replaced.length) await q.query(`DELETE FROM customer_dim_months WHERE customer_id = ANY($1::int8[])`, [replaced]);
  // The customer's country by primary key per order (a join hashed every customer for a week of new orders: rollups.ts).
  const country = 'coalesce(o.country, (SELECT c.country FROM customers c WHERE c.id = o.customer_id))';
  await q.query(insertSql('orders o', country, 'o.id > $1::int8 AND o.id <= $2::int8 AND o.customer_id <> ALL($3::int8[])'), [from, through, replaced]);
  if (recompute.length) await q.query(insertSql('orders o', country, 'o.customer_id = ANY($1::int8[])'), [recompute]);
}
