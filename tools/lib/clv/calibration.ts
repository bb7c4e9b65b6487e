/**
 * Calibration data for the BTYD models from the database: x, t_x, T, zbar per customer (Fader, Hardie & Lee 2005
 * notation), read from customer_summary when it holds everything, else summed per customer-day from orders.
 * Shared by customer_lifetime_value and churn_risk.
 */
import type { Queryable } from '../../../server/db/index.ts';
import { AppError } from '../../../server/errors.ts';
import type { BgNbdFit } from './bgnbd.ts';
import type { FitCache } from './fitCache.ts';
import { DAYS_PER_UNIT, summarizeTransactions, type TimeUnit } from './summary.ts';
/** One customer's calibration history in model time units (FHL 2005 notation), plus holdout repeat transactions. */
export interface CalibrationCustomer {
  id: number;
  x: number;
  tx: number;
  T: number;
  zbar: number;
  holdoutCount: number;
}

export interface Calibration {
  customers: CalibrationCustomer[];
  /** 'customer_summary' (fast path) or 'orders' (customer-day aggregation). */
  source: 'customer_summary' | 'orders';
  /** Transactions (customer-days when merged) read from orders; customers read on the fast path. */
  rowsRead: number;
  firstPurchase: string | null;
}

/** Last UTC day with an order of an identified customer (null without any). */
export async function lastOrderDay(q: Queryable): Promise<string | null> {
  const { rows } = await q.query<{ day: string | null }>(
    `SELECT to_char(max(last_order_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day FROM customer_summary`,
  );
  return rows[0]?.day ?? null;
}

/**
 * x, t_x, T, zbar per customer with a first order on or before `calibrationEnd`. When the calibration runs to the
 * end of the data and same-day orders are merged, customer_summary already holds everything (x = order_days − 1,
 * zbar = repeat-day revenue ÷ x); otherwise orders are summed per customer-day in SQL and summarized in lib/clv,
 * which also counts repeat transactions in (calibrationEnd, holdoutEnd].
 */
export async function loadCalibration(
  q: Queryable,
  opts: { calibrationEnd: string; unit: TimeUnit; mergeSameDay: boolean; lastOrderDay: string; holdoutEnd?: string },
): Promise<Calibration> {
  const perUnit = DAYS_PER_UNIT[opts.unit];
  if (opts.mergeSameDay && opts.calibrationEnd >= opts.lastOrderDay) {
    // Numbers arrive as float8 (parsed straight to JS numbers; ids < 2^53 are exact), and the first day is one
    // aggregate rather than a to_char per row: at ~90k customers row decoding was most of this path's time.
    const { rows } = await q.query<{ id: number; x: number; tx: number; t: number; repeat: number }>(
      `SELECT customer_id::float8 AS id, order_days - 1 AS x,
              (last_order_at AT TIME ZONE 'UTC')::date - (first_order_at AT TIME ZONE 'UTC')::date AS tx,
              $1::date - (first_order_at AT TIME ZONE 'UTC')::date AS t, (revenue - first_day_revenue)::float8 AS repeat
         FROM customer_summary ORDER BY customer_id`,
      [opts.calibrationEnd],
    );
    const first = await q.query<{ day: string | null }>(
      `SELECT to_char(min(first_order_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day FROM customer_summary`,
    );
    const customers = rows.map((r) => ({
      id: r.id,
      x: r.x,
      tx: r.tx / perUnit,
      T: r.t / perUnit,
      zbar: r.x > 0 ? r.repeat / r.x : 0,
      holdoutCount: 0,
    }));
    return { customers, source: 'customer_summary', rowsRead: rows.length, firstPurchase: first.rows[0]?.day ?? null };
  }
  const until = opts.holdoutEnd ?? opts.calibrationEnd;
  // Merged: one transaction per customer-day (BTYD dc.MergeTransactionsOnSameDate); else one per order, in time order.
  const sql = opts.mergeSameDay
    ? `SELECT customer_id AS id, to_char(day, 'YYYY-MM-DD') AS day, sum(revenue) AS value
         FROM (SELECT customer_id, (ordered_at AT TIME ZONE 'UTC')::date AS day, revenue FROM orders
                WHERE kind = 'order' AND customer_id IS NOT NULL
                  AND ordered_at < ($1::date + 1)::timestamp AT TIME ZONE 'UTC') o
        GROUP BY customer_id, day`
    : `SELECT customer_id AS id, to_char(ordered_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, revenue AS value
         FROM orders WHERE kind = 'order' AND customer_id IS NOT NULL
          AND ordered_at < ($1::date + 1)::timestamp AT TIME ZONE 'UTC'
        ORDER BY customer_id, ordered_at, id`;
  const { rows } = await q.query<{ id: number; day: string; value: number }>(sql, [until]);
  const summary = summarizeTransactions(
    rows.map((r) => ({ customerId: String(r.id), date: r.day, value: Number(r.value) })),
    { calibrationEnd: opts.calibrationEnd, holdoutEnd: until, unit: opts.unit, mergeSameDay: opts.mergeSameDay },
  );
  const customers = summary.customers.map((c) => ({
    id: Number(c.customerId),
    x: c.x,
    tx: c.tx,
    T: c.T,
    zbar: c.zbar,
    holdoutCount: c.holdoutCount,
  }));
  return { customers, source: 'orders', rowsRead: rows.length, firstPurchase: minFirst(summary.customers.map((c) => c.firstPurchase)) };
}

const minFirst = (days: string[]): string | null => days.reduce<string | null>((m, d) => (m === null || d < m ? d : m), null);

/**
 * BG/NBD MLE through the fit cache (lib/clv/fitCache.ts: keyed by the exact input, so a hit equals a refit); refuses
 * data with no repeat purchases, where the likelihood has no interior maximum.
 */
export async function fitPurchaseModel(customers: readonly CalibrationCustomer[], cache: FitCache): Promise<BgNbdFit> {
  if (!customers.some((c) => c.x > 0)) {
    throw new AppError('invalid_argument', 'BG/NBD needs at least one customer with a repeat purchase before calibrationEnd');
  }
  return cache.bgnbd(customers);
}
