import { UTC_MONTH } from './customerPeriods.ts';
import type { Queryable } from './types.ts';

/**
 * customer_dim_months (migrations 0018, 0019): orders per customer, UTC month and country or channel (dims 1 = country,
 * 2 = channel), with the previous month of the same key (prev_month). Built in full with the other rollups; after an
 * import the new orders are appended, and customers whose orders may have moved between rows — merge survivors (their
 * orders changed customer, so orders without a country take the survivor's), customers whose country changed (their
 * orders without a country of their own move) and customers with new orders before a month they already have (the
 * later rows' prev_month would change) — are recomputed from all their orders.
 */

/** A key's rows in month order: rows of the same key are those with equal (dims, customer, country, channel). */
const KEY = 'PARTITION BY d.dims, d.customer_id, d.country, d.channel ORDER BY d.month';

/**
 * The level rows (dims, customer_id, country, channel, month, orders) of the orders `o` (kind = order, of identified
 * customers) matching `where`, with `country` as each order's country: one row per (customer, level, country, channel,
 * month).
 */
function levelRows(from: string, country: string, where: string): string {
  return `SELECT (1 - GROUPING(country)) + (1 - GROUPING(channel)) * 2 AS dims, customer_id, country, channel, month, count(*)::int AS orders
       FROM (SELECT o.customer_id, ${country} AS country, o.channel, ${UTC_MONTH('o.ordered_at')} AS month
               FROM ${from} WHERE o.kind = 'order' AND o.customer_id IS NOT NULL AND ${where}) u
      GROUP BY customer_id, month, GROUPING SETS ((country), (channel))`;
}

const INSERT = 'INSERT INTO customer_dim_months (dims, customer_id, country, channel, month, orders, prev_month)';

/** Every row of the customers' orders matching `where`, linked among themselves (all of each customer's orders). */
function insertAllSql(from: string, country: string, where: string): string {
  return `${INSERT} SELECT d.*, lag(d.month) OVER (${KEY}) FROM (${levelRows(from, country, where)}) d`;
}

/** Every customer's rows from all orders (the table must be empty). */
export async function buildCustomerDimMonths(q: Queryable): Promise<number> {
  const { rowCount } = await q.query(insertAllSql('orders o LEFT JOIN customers c ON c.id = o.customer_id', 'coalesce(o.country, c.country)', 'true'));
  return rowCount;
}

/**
 * After new orders (ids in (from, through]): `recompute` customers' rows rebuilt from all their orders, `gone`
 * customers' rows deleted, everyone else's new orders appended as rows of their own (the table is append-only, without
 * a key: migration 0018), each linked to the key's latest month so far (the same month when the key has it already:
 * then it is not the key's first row of that month). A customer with a new order before its key's latest month is
 * recomputed instead (rare: a late import of old orders). The DELETE scans the table (no index to maintain on every
 * import); it runs only after merges, country changes or late orders.
 */
export async function refreshCustomerDimMonths(q: Queryable, from: number, through: number, recompute: number[], gone: number[]): Promise<void> {
  let replaced = [...new Set([...recompute, ...gone])];
  if (replaced.length) await q.query(`DELETE FROM customer_dim_months WHERE customer_id = ANY($1::int8[])`, [replaced]);
  // The customer's country by primary key per order (a join hashed every customer for a week of new orders: rollups.ts).
  const country = 'coalesce(o.country, (SELECT c.country FROM customers c WHERE c.id = o.customer_id))';
  // One scan for the keys' latest months: the new rows' links, and the customers with late orders (appended nothing).
  const { rows } = await q.query<{ customer_id: string }>(
    `WITH d AS (${levelRows('orders o', country, 'o.id > $1::int8 AND o.id <= $2::int8 AND o.customer_id <> ALL($3::int8[])')}),
     e AS (SELECT dims, customer_id, country, channel, max(month) AS last FROM customer_dim_months
            WHERE customer_id IN (SELECT customer_id FROM d) GROUP BY 1, 2, 3, 4),
     j AS (SELECT d.*, greatest(lag(d.month) OVER (${KEY}), e.last) AS prev_month, d.month < e.last AS late
             FROM d LEFT JOIN e ON e.dims = d.dims AND e.customer_id = d.customer_id
                   AND e.country IS NOT DISTINCT FROM d.country AND e.channel IS NOT DISTINCT FROM d.channel),
     late AS (SELECT DISTINCT customer_id FROM j WHERE late),
     appended AS (${INSERT} SELECT dims, customer_id, country, channel, month, orders, prev_month FROM j
                   WHERE customer_id NOT IN (SELECT customer_id FROM late) RETURNING 1)
     SELECT customer_id::text FROM late`,
    [from, through, replaced],
  );
  const late = rows.map((r) => Number(r.customer_id));
  if (late.length) await q.query(`DELETE FROM customer_dim_months WHERE customer_id = ANY($1::int8[])`, [late]);
  replaced = [...new Set([...recompute, ...late])];
  if (replaced.length) await q.query(insertAllSql('orders o', country, 'o.customer_id = ANY($1::int8[])'), [replaced]);
}
