import { UTC_MONTH } from './customerPeriods.ts';
import type { Queryable } from './types.ts';

/**
 * customer_dim_months (migration 0018): orders per customer, UTC month and country or channel (dims 1 = country,
 * 2 = channel). Built in full with the other rollups; after an import the new
 * orders are appended, and customers whose orders may have moved between rows — merge survivors (their
 * orders changed customer, so orders without a country take the survivor's) and customers whose country changed
 * (their orders without a country of their own move) — are recomputed from all their orders.
 */

const LEVELS = `(1 - GROUPING(country)) + (1 - GROUPING(channel)) * 2`;
const GROUPING_SETS = `GROUP BY customer_id, month, GROUPING SETS ((country), (channel))`;
const COLUMNS = 'dims, customer_id, country, channel, month, orders';

/** Every customer's rows from all orders (the table must be empty), one per (customer, level, country, channel, month). */
export async function buildCustomerDimMonths(q: Queryable): Promise<number> {
  const { rowCount } = await q.query(
    `INSERT INTO customer_dim_months (${COLUMNS})
     SELECT ${LEVELS} AS dims, customer_id, country, channel, month, count(*)
       FROM (SELECT o.customer_id, coalesce(o.country, c.country) AS country, o.channel, ${UTC_MONTH('o.ordered_at')} AS month
               FROM orders o LEFT JOIN customers c ON c.id = o.customer_id
              WHERE o.kind = 'order' AND o.customer_id IS NOT NULL) u
      ${GROUPING_SETS}`,
  );
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
  await q.query(
    `INSERT INTO customer_dim_months (${COLUMNS})
     SELECT ${LEVELS}, customer_id, country, channel, month, count(*)
       FROM (SELECT o.customer_id, ${country} AS country, o.channel, ${UTC_MONTH('o.ordered_at')} AS month
               FROM orders o
              WHERE o.id > $1::int8 AND o.id <= $2::int8 AND o.kind = 'order' AND o.customer_id IS NOT NULL
                AND o.customer_id <> ALL($3::int8[])) u
      ${GROUPING_SETS}`,
    [from, through, replaced],
  );
  if (recompute.length === 0) return;
  await q.query(
    `INSERT INTO customer_dim_months (${COLUMNS})
     SELECT ${LEVELS}, customer_id, country, channel, month, count(*)
       FROM (SELECT o.customer_id, ${country} AS country, o.channel, ${UTC_MONTH('o.ordered_at')} AS month
               FROM orders o WHERE o.customer_id = ANY($1::int8[]) AND o.kind = 'order') u
      ${GROUPING_SETS}`,
    [recompute],
  );
}
