/**
 * Calibration/holdout summary of a transaction log, in the form the "buy 'til you die" (BTYD) models need:
 * per customer the repeat-purchase frequency x, recency t_x, age T and mean repeat spend zbar, computed as in
 * Fader, Hardie & Lee (2005) and the R BTYD package (`dc.ElogToCbsCbt`) / Python lifetimes
 * (`summary_data_from_transaction_data(..., include_first_transaction=False)`).
 *
 * Rules
 * - Dates are calendar days. Strings must be 'YYYY-MM-DD'; `Date` objects are read by their **UTC** calendar day.
 * - `mergeSameDay` (default true): all transactions of one customer on one day count as one transaction whose value
 *   is the sum (BTYD `dc.MergeTransactionsOnSameDate`). Without merging, same-day transactions are separate events
 *   (gap 0) and the "first" transaction is the earliest one in input order.
 * - Calibration period: from each customer's first purchase up to and including `calibrationEnd`.
 *   Customers whose first purchase is after `calibrationEnd` are not part of the calibration cohort; they are left
 *   out of `customers` and counted in `excludedCustomers`.
 * - x = number of calibration transactions after the first (repeat transactions);
 *   t_x = (last calibration transaction − first) and T = (calibrationEnd − first), both in `unit`;
 *   zbar = mean value of the x repeat calibration transactions (the first purchase is excluded), 0 when x = 0.
 * - Holdout: transactions strictly after `calibrationEnd` and, when `holdoutEnd` is given, on or before it
 *   (inclusive). Their count and value sum are reported per customer.
 * - Units: 'days'; 'weeks' = days / 7; 'months' = days / 30.4375 (mean Gregorian month, 365.25 / 12).
 */

export type TimeUnit = 'days' | 'weeks' | 'months';

export interface Transaction {
  customerId: string;
  /** Calendar day: 'YYYY-MM-DD' or a Date (its UTC calendar day is used). */
  date: Date | string;
  /** Monetary value (e.g. dollars). Must be finite. */
  value: number;
}

export interface SummaryOptions {
  /** Last day of the calibration period, inclusive. */
  calibrationEnd: Date | string;
  /** Last day of the holdout period, inclusive. Default: no upper bound. */
  holdoutEnd?: Date | string;
  /** Default 'weeks'. */
  unit?: TimeUnit;
  /** Merge a customer's transactions on the same calendar day into one (values summed). Default true. */
  mergeSameDay?: boolean;
}

export interface CustomerSummary {
  customerId: string;
  /** First purchase day, 'YYYY-MM-DD'. */
  firstPurchase: string;
  /** Repeat transactions in the calibration period. */
  x: number;
  /** Recency: time of the last calibration transaction since the first purchase (0 when x = 0). */
  tx: number;
  /** Age at the end of calibration: time from the first purchase to `calibrationEnd`. */
  T: number;
  /** Mean value of the repeat calibration transactions; 0 when x = 0. */
  zbar: number;
  /** Value of the first purchase (merged day total when merging). */
  firstValue: number;
  /** Transactions after `calibrationEnd` (up to `holdoutEnd` when given). */
  holdoutCount: number;
  /** Sum of the holdout transactions' values. */
  holdoutValue: number;
}

export interface RfmSummary {
  unit: TimeUnit;
  calibrationEnd: string;
  holdoutEnd: string | null;
  /** Holdout length (holdoutEnd − calibrationEnd) in `unit`, or null without `holdoutEnd`. */
  holdoutLength: number | null;
  /** One row per calibration customer, sorted by customerId (plain string order). */
  customers: CustomerSummary[];
  /** Customers whose first transaction is after `calibrationEnd`. */
  excludedCustomers: number;
}

const MS_PER_DAY = 86_400_000;
export const DAYS_PER_UNIT: Readonly<Record<TimeUnit, number>> = { days: 1, weeks: 7, months: 30.4375 };

/** Days since 1970-01-01 of a calendar day given as 'YYYY-MM-DD' or a Date (UTC day). */
export function toDayNumber(date: Date | string): number {
  if (date instanceof Date) {
    const ms = date.getTime();
    if (Number.isNaN(ms)) throw new Error('invalid Date');
    return Math.floor(ms / MS_PER_DAY);
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new Error(`date must be 'YYYY-MM-DD': ${JSON.stringify(date)}`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) {
    throw new Error(`not a calendar date: ${date}`);
  }
  return ms / MS_PER_DAY;
}

/** 'YYYY-MM-DD' of a day number from {@link toDayNumber}. */
export function fromDayNumber(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

interface Event {
  day: number;
  value: number;
}

export function summarizeTransactions(transactions: Iterable<Transaction>, options: SummaryOptions): RfmSummary {
  const unit = options.unit ?? 'weeks';
  const perUnit = DAYS_PER_UNIT[unit];
  if (perUnit === undefined) throw new Error(`unknown time unit: ${String(unit)}`);
  const merge = options.mergeSameDay ?? true;
  const calEnd = toDayNumber(options.calibrationEnd);
  const holdEnd = options.holdoutEnd === undefined ? null : toDayNumber(options.holdoutEnd);
  if (holdEnd !== null && holdEnd < calEnd) throw new Error('holdoutEnd must not be before calibrationEnd');

  // customerId → events (unmerged: list in input order; merged: day → summed value).
  const byCustomer = new Map<string, Event[]>();
  const mergedByCustomer = new Map<string, Map<number, number>>();
  for (const t of transactions) {
    if (typeof t.customerId !== 'string') throw new Error('customerId must be a string');
    if (!Number.isFinite(t.value)) throw new Error(`non-finite value for customer ${t.customerId}`);
    const day = toDayNumber(t.date);
    if (merge) {
      let days = mergedByCustomer.get(t.customerId);
      if (!days) mergedByCustomer.set(t.customerId, (days = new Map()));
      days.set(day, (days.get(day) ?? 0) + t.value);
    } else {
      let list = byCustomer.get(t.customerId);
      if (!list) byCustomer.set(t.customerId, (list = []));
      list.push({ day, value: t.value });
    }
  }
  if (merge) {
    for (const [id, days] of mergedByCustomer) {
      byCustomer.set(id, Array.from(days, ([day, value]) => ({ day, value })));
    }
  }

  const customers: CustomerSummary[] = [];
  let excludedCustomers = 0;
  for (const [customerId, events] of byCustomer) {
    events.sort((a, b) => a.day - b.day); // stable: ties keep input order
    const first = events[0];
    if (!first || first.day > calEnd) {
      excludedCustomers++;
      continue;
    }
    let x = 0;
    let last = first.day;
    let repeatValue = 0;
    let holdoutCount = 0;
    let holdoutValue = 0;
    for (let i = 1; i < events.length; i++) {
      const e = events[i] as Event;
      if (e.day <= calEnd) {
        x++;
        last = e.day;
        repeatValue += e.value;
      } else if (holdEnd === null || e.day <= holdEnd) {
        holdoutCount++;
        holdoutValue += e.value;
      }
    }
    customers.push({
      customerId,
      firstPurchase: fromDayNumber(first.day),
      x,
      tx: (last - first.day) / perUnit,
      T: (calEnd - first.day) / perUnit,
      zbar: x > 0 ? repeatValue / x : 0,
      firstValue: first.value,
      holdoutCount,
      holdoutValue,
    });
  }
  customers.sort((a, b) => (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0));
  return {
    unit,
    calibrationEnd: fromDayNumber(calEnd),
    holdoutEnd: holdEnd === null ? null : fromDayNumber(holdEnd),
    holdoutLength: holdEnd === null ? null : (holdEnd - calEnd) / perUnit,
    customers,
    excludedCustomers,
  };
}
