/**
 * customer_lifetime_value: BG/NBD purchase model (Fader, Hardie & Lee 2005, "Counting Your Customers the Easy Way")
 * and Gamma-Gamma spend model (Fader, Hardie & Lee 2005b, "RFM and CLV"), both fitted by maximum likelihood on the
 * customers' calibration history, then CLV = E[purchases over the horizon] × E[value per purchase] per customer.
 * The math lives in lib/clv; this file only gathers x, t_x, T, zbar from the database and shapes the answer.
 */
import { z } from 'zod';
import type { Queryable } from '../server/db/index.ts';
import { AppError } from '../server/errors.ts';
import { addDays, daysBetween } from './lib/clock.ts';
import {
  DAYS_PER_UNIT,
  bgnbdConditionalExpectedPurchases,
  bgnbdProbabilityAlive,
  customerLifetimeValue as estimateClv,
  FitCache,
  saveFits,
  gammaGammaPopulationMean,
  summarizeTransactions,
  type BgNbdFit,
  type TimeUnit,
} from './lib/clv/index.ts';
import { buildMeta, metaSchema } from './lib/meta.ts';
import { maskName } from './lib/pii.ts';
import { MAX_ROWS, readOnly } from './lib/readonly.ts';
import { defineTool, type ToolFactory } from './types.ts';

/** A calendar day argument, checked to be a real date (2024-02-30 is rejected). */
export const dayArg = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !/^\d{4}-\d{2}-\d{2}$/.test(s) || (!Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s);
  }, 'not a calendar date');

export const round = (v: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
};
/** Model parameters span orders of magnitude (r ≈ 0.2, α ≈ 4, v ≈ 15): keep 6 significant digits, not decimals. */
export const sig = (v: number): number => Number(v.toPrecision(6));

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

const num = (d: string) => z.number().describe(d);

const input = z
  .object({
    calibrationEnd: dayArg
      .optional()
      .describe('last day (inclusive) of the history the models learn from; default: the last order day or today, whichever is earlier'),
    horizon: z.number().gt(0).max(1000).default(52).describe('how far ahead to predict, in `unit`s'),
    unit: z.enum(['days', 'weeks', 'months']).default('weeks').describe('time unit of the model, horizon and t_x/T (months = 30.4375 days)'),
    mergeSameDay: z.boolean().default(true).describe('count all orders of a customer on one day as one transaction (standard for BG/NBD)'),
    discountRate: z.number().min(0).lt(1).optional().describe('discount rate per unit (e.g. weekly); default: undiscounted'),
    limit: z.number().int().min(1).max(MAX_ROWS).default(20).describe('how many top customers by CLV to list'),
    customerIds: z.array(z.number().int().positive()).min(1).max(MAX_ROWS).optional().describe('score and list these customers (internal ids) instead of the top ones'),
  })
  .strict()
  .describe('customer lifetime value (BG/NBD + Gamma-Gamma)');

const customerRow = z.object({
  id: num('customer id'),
  name: z.string().nullable().describe('customer name (masked unless the role may see it)'),
  x: num('repeat transactions in calibration'),
  tx: num('time of the last transaction since the first, in units'),
  T: num('time from the first transaction to calibrationEnd, in units'),
  pAlive: num('P(alive) (p_alive)'),
  expectedPurchases: num('expected transactions over the horizon (expected_purchases)'),
  expectedValue: num('expected value per transaction (expected_value)'),
  clv: num('expected value of the horizon’s transactions (clv)'),
});

const output = z.object({
  calibration: z
    .object({
      end: z.string().describe('last calibration day'),
      unit: z.string().describe('time unit'),
      source: z.enum(['customer_summary', 'orders']).describe('where x, t_x, T came from'),
      customers: num('customers with a first order on or before the end (the fitted cohort)'),
      repeatCustomers: num('customers with x > 0 and repeat revenue > 0 (the Gamma-Gamma sample)'),
    })
    .describe('calibration data'),
  model: z
    .object({
      bgnbd: z
        .object({ r: num('gamma shape of purchase rates'), alpha: num('gamma rate (per unit)'), a: num('beta a of dropout'), b: num('beta b of dropout'),
          logLikelihood: num('maximized log-likelihood'), converged: z.boolean().describe('optimizer converged'),
          fromCache: z.boolean().describe('reused from an earlier fit on exactly the same input (model_fit_cache) instead of fitted in this call') })
        .describe('BG/NBD parameters (Fader, Hardie & Lee 2005)'),
      gammaGamma: z
        .object({ p: num('shape of transaction values'), q: num('shape of the rate mixing'), v: num('scale of the rate mixing'),
          logLikelihood: num('maximized log-likelihood'), customers: num('repeat customers used'),
          converged: z.boolean().describe('optimizer converged'), populationMeanValue: num('p·v/(q−1), mean value per transaction'),
          fromCache: z.boolean().describe('reused from an earlier fit on exactly the same input (model_fit_cache)') })
        .describe('Gamma-Gamma parameters (Fader, Hardie & Lee 2005b)'),
      spendFrequencyCorrelation: z.number().nullable().describe('Pearson correlation of x and zbar among repeat customers; Gamma-Gamma assumes ≈ 0'),
    })
    .describe('fitted models'),
  totals: z
    .object({ customers: num('customers scored'), expectedPurchases: num('Σ expected transactions over the horizon'), clv: num('Σ CLV') })
    .describe('totals over all scored customers'),
  customers: z.array(customerRow).describe('top customers by CLV, or the requested ones'),
  customersNotScored: z.array(z.number()).describe('requested ids with no order on or before calibrationEnd'),
  holdout: z
    .object({
      from: z.string().describe('first holdout day'), to: z.string().describe('last holdout day with data (≤ calibrationEnd + horizon)'),
      complete: z.boolean().describe('data covers the whole horizon'),
      actualTransactions: num('repeat transactions of the cohort in the holdout'),
      predictedTransactions: num('Σ expected transactions over the same span'),
    })
    .nullable()
    .describe('check against orders after calibrationEnd, when there are any'),
  meta: metaSchema,
});

export const customerLifetimeValue: ToolFactory = ({ db, clock, role }) =>
  defineTool({
    name: 'customer_lifetime_value',
    description:
      'Predicts each customer’s future purchases, probability of still being active and lifetime value (CLV) over a horizon ' +
      'with the BG/NBD and Gamma-Gamma models fitted on order history up to calibrationEnd. Lists the top customers by CLV ' +
      '(or given ids) and, when orders exist after calibrationEnd, compares predicted with actual repeat purchases.',
    input,
    output,
    async run(args) {
      const cache = { pending: [] as FitCache['pending'] };
      const result = await readOnly(db, async (q) => {
        const today = clock.today();
        const last = await lastOrderDay(q);
        if (last === null) throw new AppError('not_found', 'no orders of identified customers: import orders first');
        const calibrationEnd = args.calibrationEnd ?? (last < today ? last : today);
        if (calibrationEnd > today) throw new AppError('invalid_argument', `calibrationEnd: ${calibrationEnd} is after today (${today})`);
        const holdoutEnd = calibrationEnd < last ? addDays(calibrationEnd, Math.floor(args.horizon * DAYS_PER_UNIT[args.unit])) : undefined;
        const cal = await loadCalibration(q, { calibrationEnd, unit: args.unit, mergeSameDay: args.mergeSameDay, lastOrderDay: last, holdoutEnd });
        if (cal.customers.length === 0) throw new AppError('invalid_argument', `calibrationEnd: no customer ordered on or before ${calibrationEnd}`);
        const fits = new FitCache(q);
        const scored = await scoreCustomers(cal.customers, args, fits);
        cache.pending = fits.pending;
        const listed = pickListed(scored.rows, args);
        const names = await namesOf(q, listed.map((c) => c.id));
        const holdout = holdoutEnd === undefined ? null : holdoutCheck(scored, calibrationEnd, holdoutEnd, last, args.unit);
        return {
          calibration: { end: calibrationEnd, unit: args.unit, source: cal.source, customers: cal.customers.length, repeatCustomers: scored.gg.customers },
          model: scored.model,
          totals: {
            customers: scored.rows.length,
            expectedPurchases: round(scored.rows.reduce((s, c) => s + c.expectedPurchases, 0), 2),
            clv: round(scored.rows.reduce((s, c) => s + c.clv, 0), 2),
          },
          customers: listed.map((c) => ({
            id: c.id, name: maskName(names.get(c.id) ?? null, role), x: c.x, tx: round(c.tx, 4), T: round(c.T, 4),
            pAlive: round(c.pAlive, 4), expectedPurchases: round(c.expectedPurchases, 4), expectedValue: round(c.expectedValue, 2), clv: round(c.clv, 2),
          })),
          customersNotScored: [...new Set(args.customerIds)].filter((id) => !scored.byId.has(id)),
          holdout,
          meta: buildMeta('customer_lifetime_value', { ...args, calibrationEnd }, {
            window: cal.firstPurchase ? { from: cal.firstPurchase, to: calibrationEnd } : null,
            rowCounts: { [cal.source === 'orders' ? 'transactions' : 'customerSummaries']: cal.rowsRead, customersScored: scored.rows.length, listed: listed.length },
            metrics: ['p_alive', 'expected_purchases', 'expected_value', 'clv'],
            asOf: today,
          }),
        };
      });
      await saveFits(db, cache.pending); // after the read-only transaction (tools never write inside it)
      return result;
    },
  });

type Scored = CalibrationCustomer & { pAlive: number; expectedPurchases: number; expectedValue: number; clv: number };

/** Fit both models on the whole cohort and score every customer (totals need all of them, not just the listed). */
async function scoreCustomers(customers: CalibrationCustomer[], args: { horizon: number; discountRate?: number | undefined }, fits: FitCache) {
  const bg = await fitPurchaseModel(customers, fits);
  // Gamma-Gamma needs zbar > 0; a repeat customer whose repeat days all had zero revenue carries no spend information.
  const spenders = customers.filter((c) => c.x > 0 && c.zbar > 0);
  if (spenders.length === 0) throw new AppError('invalid_argument', 'Gamma-Gamma needs a repeat purchase with revenue > 0 before calibrationEnd');
  const gg = await fits.gammaGamma(spenders);
  const params = { bgnbd: bg.params, gammaGamma: gg.params };
  // Discounting evaluates E[Y(t)] once per step; at most 120 steps keeps large cohorts fast at little cost in accuracy.
  const steps = Math.min(120, Math.max(1, Math.ceil(args.horizon)));
  const rows: Scored[] = customers.map((c) => {
    const est = estimateClv(params, c, { horizon: args.horizon, discountRate: args.discountRate, steps });
    return { ...c, pAlive: bgnbdProbabilityAlive(bg.params, c), ...est };
  });
  // q ≤ 1 means an infinite mean spend (gammaGammaPopulationMean): the data cannot pin the spend model down.
  if (gg.params.q <= 1 || rows.some((r) => !Number.isFinite(r.clv))) throw new AppError('invalid_argument', `the spend model is degenerate (q = ${sig(gg.params.q)} ≤ 1): too little repeat-purchase data`);
  return {
    rows,
    byId: new Map(rows.map((r) => [r.id, r])),
    gg,
    bg,
    model: {
      bgnbd: { r: sig(bg.params.r), alpha: sig(bg.params.alpha), a: sig(bg.params.a), b: sig(bg.params.b), logLikelihood: round(bg.logLikelihood, 4), converged: bg.converged, fromCache: fits.hits.bgnbd ?? false },
      gammaGamma: {
        p: sig(gg.params.p), q: sig(gg.params.q), v: sig(gg.params.v), logLikelihood: round(gg.logLikelihood, 4), customers: gg.customers,
        converged: gg.converged, populationMeanValue: round(gammaGammaPopulationMean(gg.params), 2), fromCache: fits.hits['gamma-gamma'] ?? false,
      },
      spendFrequencyCorrelation: correlation(spenders.map((c) => c.x), spenders.map((c) => c.zbar)),
    },
  };
}

function pickListed(rows: Scored[], args: { limit: number; customerIds?: number[] | undefined }): Scored[] {
  if (args.customerIds) {
    const byId = new Map(rows.map((r) => [r.id, r]));
    return [...new Set(args.customerIds)].flatMap((id) => byId.get(id) ?? []);
  }
  return topByClv(rows, args.limit);
}

/** The `limit` highest CLVs (ties: lower id first) without sorting every customer: a small sorted buffer. */
function topByClv(rows: readonly Scored[], limit: number): Scored[] {
  const before = (a: Scored, b: Scored) => b.clv < a.clv || (b.clv === a.clv && a.id < b.id);
  const top: Scored[] = [];
  for (const r of rows) {
    if (top.length === limit && !before(r, top[limit - 1]!)) continue;
    let i = Math.min(top.length, limit - 1);
    while (i > 0 && before(r, top[i - 1]!)) i--;
    top.splice(i, 0, r);
    if (top.length > limit) top.pop();
  }
  return top;
}

async function namesOf(q: Queryable, ids: number[]): Promise<Map<number, string | null>> {
  if (ids.length === 0) return new Map();
  const { rows } = await q.query<{ id: number; name: string | null }>(`SELECT id, name FROM customers WHERE id = ANY($1::int8[])`, [ids]);
  return new Map(rows.map((r) => [Number(r.id), r.name]));
}

/**
 * Actual vs predicted repeat transactions of the calibration cohort after calibrationEnd (FHL 2005 §4 compare the
 * same aggregate over their 39-week holdout). When the data ends before calibrationEnd + horizon, both sides cover
 * only the observed span.
 */
function holdoutCheck(scored: Awaited<ReturnType<typeof scoreCustomers>>, calibrationEnd: string, holdoutEnd: string, last: string, unit: TimeUnit) {
  const to = holdoutEnd < last ? holdoutEnd : last;
  const span = daysBetween(calibrationEnd, to) / DAYS_PER_UNIT[unit];
  let predicted = 0;
  let actual = 0;
  for (const c of scored.rows) {
    predicted += bgnbdConditionalExpectedPurchases(scored.bg.params, span, c);
    actual += c.holdoutCount;
  }
  return { from: addDays(calibrationEnd, 1), to, complete: holdoutEnd <= last, actualTransactions: actual, predictedTransactions: round(predicted, 2) };
}

/** Pearson r of x and zbar among repeaters: Gamma-Gamma assumes spend independent of frequency (FHL 2005b §4). */
function correlation(xs: number[], ys: number[]): number | null {
  const n = xs.length;
  const mean = (v: number[]) => v.reduce((s, a) => s + a, 0) / n;
  const [mx, my] = [mean(xs), mean(ys)];
  let [sxy, sxx, syy] = [0, 0, 0];
  xs.forEach((x, i) => {
    const [dx, dy] = [x - mx, (ys[i] as number) - my];
    [sxy, sxx, syy] = [sxy + dx * dy, sxx + dx * dx, syy + dy * dy];
  });
  return n >= 3 && sxx > 0 && syy > 0 ? round(sxy / Math.sqrt(sxx * syy), 4) : null;
}
