import { bulkRows } from './bulkRows.ts';
import type { MonthDelta } from './cohortCells.ts';
import type { Queryable } from './types.ts';

/** Calendar month of a timestamp, UTC. */
export const UTC_MONTH = (col: string) => `date_trunc('month', ${col} AT TIME ZONE 'UTC')::date`;
/** ISO week (Monday) of a timestamp, UTC: kpi_trend's week bucket. */
export const UTC_WEEK = (col: string) => `date_trunc('week', ${col} AT TIME ZONE 'UTC')::date`;

const PERIOD = {
  month: { table: 'customer_months', col: 'month', of: UTC_MONTH, neighbours: 'prev', last: true },
  week: { table: 'customer_weeks', col: 'week', of: UTC_WEEK, neighbours: 'both', last: false },
} as const;

/** A new (customer, period) row and the periods it was linked to. */
interface NewWeek { customer_id: number; period: string; prev: string | null; next: string | null }

/**
 * customer_months / customer_weeks after new orders (ids in ($1, $2]): their orders and revenue are ADDED to the
 * (customer, period) rows (an upsert of ~10k aggregated rows; recomputing each pair from orders took ~9.5k index range
 * scans plus a delete joined against every row). Merge survivors are recomputed whole (their old orders changed
 * customer) and merged-away customers dropped. Rows carry the customer's previous and next period (kpi_trend counts a
 * customer once per window, and lost customers, with them): a new row gets them as it is inserted, and the kept rows
 * beside it are relinked after (linkKeptNeighbours). Returns the rows written and the upsert's delta (pairs, revenue
 * added, new or not: cohort cells).
 */
export async function refreshCustomerPeriods(
  q: Queryable, period: keyof typeof PERIOD, from: number, through: number, survivors: number[], merged: number[],
): Promise<{ written: number; delta: MonthDelta[] }> {
  const { table, col, of, neighbours, last } = PERIOD[period];
  // customer_months also keeps the month's last order (rfm_analysis as of a past day): the later of old and new.
  const lastCol = last ? ', last_order_at' : '';
  const lastAgg = last ? ', max(o.ordered_at)' : '';
  // A new row's neighbours: the nearest of the customer's kept periods (the statement sees the table as it was before
  // its insert: one index probe each way) and of the other new periods (lag/lead over d). greatest/least skip NULLs.
  // customer_months keeps only the previous month (lost_customers needs no more; linking the kept month before each
  // new one, i.e. almost every new month's, cost ~0.1 s per 10k new orders on the bench shop).
  const prevOf = `greatest(lag(d.p) OVER w, (SELECT max(c.${col}) FROM ${table} c WHERE c.customer_id = d.customer_id AND c.${col} < d.p))`;
  const nextOf = `least(lead(d.p) OVER w, (SELECT min(c.${col}) FROM ${table} c WHERE c.customer_id = d.customer_id AND c.${col} > d.p))`;
  const both = neighbours === 'both';
  const links = {
    cols: both ? `, prev_${col}, next_${col}` : `, prev_${col}`,
    select: both ? `, ${prevOf}, ${nextOf}` : `, ${prevOf}`,
    window: 'WINDOW w AS (PARTITION BY d.customer_id ORDER BY d.p)',
    returning: both ? `, t.prev_${col}::text AS prev, t.next_${col}::text AS next` : '',
    out: both ? ', up.prev, up.next' : '',
    all: both ? ', lag(d.p) OVER w, lead(d.p) OVER w' : ', lag(d.p) OVER w',
  };
  const gone = [...merged, ...survivors];
  if (gone.length) await q.query(`DELETE FROM ${table} WHERE customer_id = ANY($1::int8[])`, [gone]);
  // RETURNING says which pairs are new (xmax = 0: inserted, not updated): only they change neighbours.
  // Bulk rows (server/db/bulkRows.ts): ~10k of them after a 10k-order import, json arrays per column on PGlite.
  const added = await bulkRows<MonthDelta & Partial<NewWeek>>(
    q,
    {
      withList: `d (customer_id, p, orders, revenue${lastCol}) AS (
         SELECT o.customer_id, ${of('o.ordered_at')}, count(*), sum(o.revenue)${lastAgg} FROM orders o
          WHERE o.id > $1::int8 AND o.id <= $2::int8 AND o.kind = 'order' AND o.customer_id IS NOT NULL
            AND o.customer_id <> ALL($3::int8[])
          GROUP BY 1, 2),
       up AS (
         INSERT INTO ${table} AS t (customer_id, ${col}, orders, revenue${lastCol}${links.cols})
         SELECT d.customer_id, d.p, d.orders, d.revenue${last ? ', d.last_order_at' : ''}${links.select}
           FROM d ${links.window}
          ORDER BY 1, 2 -- key order: the upsert walks the primary key instead of jumping around it
         ON CONFLICT (customer_id, ${col}) DO UPDATE SET orders = t.orders + excluded.orders, revenue = t.revenue + excluded.revenue
           ${last ? ', last_order_at = greatest(t.last_order_at, excluded.last_order_at)' : ''}
         RETURNING t.customer_id, t.${col} AS p, (t.xmax = 0) AS inserted${links.returning})`,
      select: `SELECT up.customer_id, up.p::text AS period, up.inserted, d.revenue::text AS revenue${links.out}
                 FROM up JOIN d USING (customer_id, p)`,
    },
    [from, through, survivors],
    ['customer_id', 'period', 'inserted', 'revenue', ...(both ? (['prev', 'next'] as const) : [])],
  );
  let written = added.length;
  const inserted = added.filter((r) => r.inserted);
  if (both) await linkKeptNeighbours(q, table, col, inserted as NewWeek[]);
  else await linkKeptAfter(q, table, col, inserted);
  if (survivors.length) {
    // All of a survivor's periods at once (its rows were deleted above): the links by lag/lead among them.
    const all = await q.query(
      `INSERT INTO ${table} (customer_id, ${col}, orders, revenue${lastCol}${links.cols})
       SELECT d.*${links.all}
         FROM (SELECT o.customer_id, ${of('o.ordered_at')} AS p, count(*), sum(o.revenue)${lastAgg} FROM orders o
                WHERE o.customer_id = ANY($1::int8[]) AND o.kind = 'order' GROUP BY 1, 2) d ${links.window}`,
      [survivors],
    );
    written += all.rowCount;
  }
  return { written, delta: added };
}

/**
 * The kept period after each new one (a late import: orders before a period the customer has) takes the new one as its
 * previous period unless it has a later one; after the usual import, of orders after every kept period, there is none
 * (one index probe per new row).
 */
async function linkKeptAfter(q: Queryable, table: string, col: string, inserted: readonly MonthDelta[]): Promise<void> {
  if (inserted.length === 0) return;
  await q.query(
    `UPDATE ${table} t SET prev_${col} = n.p
       FROM (SELECT n.customer_id, n.p, (SELECT min(c.${col}) FROM ${table} c WHERE c.customer_id = n.customer_id AND c.${col} > n.p) AS after
               FROM unnest($1::int8[], $2::date[]) n(customer_id, p)) n
      WHERE t.customer_id = n.customer_id AND t.${col} = n.after AND (t.prev_${col} IS NULL OR t.prev_${col} < n.p)`,
    [inserted.map((r) => r.customer_id), inserted.map((r) => r.period)],
  );
}

/**
 * The kept weeks beside new ones: a new week p whose previous week is kept week E becomes E's next week unless E's
 * next is nearer (several new weeks after E: the earliest wins), and likewise for the next week's previous. New weeks
 * were linked as they were inserted; only rows whose links change are written (~one per new week).
 */
async function linkKeptNeighbours(q: Queryable, table: string, col: string, inserted: readonly NewWeek[]): Promise<void> {
  if (inserted.length === 0) return;
  await q.query(
    `WITH n AS (SELECT * FROM unnest($1::int8[], $2::date[], $3::date[], $4::date[]) n(customer_id, p, prev, next)),
     x AS (SELECT customer_id, w, min(next_new) AS next_new, max(prev_new) AS prev_new
             FROM (SELECT customer_id, prev AS w, p AS next_new, NULL::date AS prev_new FROM n WHERE prev IS NOT NULL
                   UNION ALL
                   SELECT customer_id, next, NULL, p FROM n WHERE next IS NOT NULL) u
            GROUP BY 1, 2)
     UPDATE ${table} t SET next_${col} = least(t.next_${col}, x.next_new), prev_${col} = greatest(t.prev_${col}, x.prev_new)
       FROM x
      WHERE t.customer_id = x.customer_id AND t.${col} = x.w
        AND (t.next_${col} IS DISTINCT FROM least(t.next_${col}, x.next_new) OR t.prev_${col} IS DISTINCT FROM greatest(t.prev_${col}, x.prev_new))`,
    [inserted.map((r) => r.customer_id), inserted.map((r) => r.period), inserted.map((r) => r.prev), inserted.map((r) => r.next)],
  );
}
