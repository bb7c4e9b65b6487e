/**
 * customer_lifetime_value: BG/NBD purchase model (Fader, Hardie & Lee 2005, "Counting Your Customers the Easy Way")
 * and Gamma-Gamma spend model (Fader, Hardie & Lee 2005b, "RFM and CLV"), both fitted by maximum likelihood on the
 * customers' calibration history, then CLV = E[purchases over the horizon] × E[value per purchase] per customer.
 * The math lives in lib/clv; this file only gathers x, t_x, T, zbar from the database and shapes the answer.
 */
import { z } from 'zod';
import type { Queryable } from '../server/db/index.ts';
import { AppError } from '../server/errors.ts';
import { addDays } from './lib/clock.ts';
import { lastOrderDay, loadCalibration } from './lib/clv/calibration.ts';
import { DAYS_PER_UNIT, FitCache, saveFits } from './lib/clv/index.ts';
import {
  findScoreSet,
  saveScoreSet,
  scoresOf,
  scoreSetKey,
  summaryDataVersion,
  topScores,
  type PendingScoreSet,
  type StoredScore,
} from './lib/clv/scoreCache.ts';
import { holdoutCheck, round, scoreCustomers, topByClv } from './lib/clv/scoring.ts';
import { buildMeta, metaSchema } from './lib/meta.ts';
import { maskName } from './lib/pii.ts';
import { MAX_ROWS, readOnly } from './lib/readonly.ts';
import { rankedRfmSql } from './lib/rfmCuts.ts';
import { chooseSources } from './lib/segments/compile.ts';
import { defineTool, type ToolFactory } from './types.ts';

/** A calendar day argument, checked to be a real date (2024-02-30 is rejected). */
export const dayArg = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !/^\d{4}-\d{2}-\d{2}$/.test(s) || (!Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s);
  }, 'not a calendar date');

const num = (d: string) => z.number().describe(d);

const GROUP_BY = ['country', 'channel', 'category', 'rfm_tier'] as const;
type GroupBy = (typeof GROUP_BY)[number];
/** Each groupBy's value per scored customer `s` (its customers row `c`, customer_summary row `cs`, RFM row `t`). */
const GROUP_SQL: Record<GroupBy, string> = { country: 'c.country', channel: 'cs.main_channel', category: 'cs.main_category', rfm_tier: 't.tier' };
/** The glossary entry of a groupBy's value, for the receipt. */
const GROUP_METRIC = { country: [], channel: ['main_channel'], category: ['main_category'], rfm_tier: ['rfm_tier'] } as const;

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
    groupBy: z.enum(GROUP_BY).optional().describe('also total the scored customers per value of this: country (the customer’s), channel or category (the customer’s main channel / main category by orders), rfm_tier (the customer’s RFM tier as of calibrationEnd: what each tier is expected to be worth)'),
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
    .object({
      customers: num('customers scored'), expectedPurchases: num('Σ expected transactions over the horizon'), clv: num('Σ CLV'),
      averageClv: num('Σ CLV ÷ customers scored: the average predicted CLV per customer'),
    })
    .describe('totals over all scored customers'),
  customers: z.array(customerRow).describe('top customers by CLV, or the requested ones'),
  groups: z
    .array(z.object({
      group: z.string().describe('value of the groupBy dimension ("(none)" = unknown)'),
      customers: num('customers scored in the group'),
      expectedPurchases: num('Σ expected transactions of the group over the horizon'),
      clv: num('Σ CLV of the group'),
      averageClv: num('Σ CLV ÷ customers of the group'),
      share: num('the group’s share of the total CLV'),
    }))
    .nullable()
    .describe('with groupBy: totals per group, highest CLV first; null otherwise'),
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
      let pendingFits: FitCache['pending'] = [];
      let pendingSet: PendingScoreSet | null = null;
      const result = await readOnly(db, async (q) => {
        const today = clock.today();
        const last = await lastOrderDay(q);
        if (last === null) throw new AppError('not_found', 'no orders of identified customers: import orders first');
        const calibrationEnd = args.calibrationEnd ?? (last < today ? last : today);
        if (calibrationEnd > today) throw new AppError('invalid_argument', `calibrationEnd: ${calibrationEnd} is after today (${today})`);
        // The customer_summary path (see loadCalibration) is the one whose scores can be cached (lib/clv/scoreCache.ts).
        const cacheable = args.mergeSameDay && calibrationEnd >= last;
        const { horizon, unit, discountRate } = args;
        const key = cacheable ? scoreSetKey('customer_lifetime_value', await summaryDataVersion(q), { calibrationEnd, horizon, unit, discountRate }) : null;
        const hit = key === null ? null : await findScoreSet<ClvReport>(q, key);
        let report: ClvReport;
        let listed: StoredScore[];
        let scoredRows: StoredScore[] | undefined;
        if (hit) {
          report = { ...hit.result, model: fromCache(hit.result.model) };
          listed = args.customerIds ? inRequestedOrder(await scoresOf(q, hit.id, args.customerIds), args.customerIds) : await topScores(q, hit.id, args.limit);
        } else {
          const computed = await computeReport(q, args, calibrationEnd, last);
          pendingFits = computed.pendingFits;
          report = computed.report;
          scoredRows = computed.rows;
          listed = args.customerIds ? inRequestedOrder(computed.rows, args.customerIds) : topByClv(computed.rows, args.limit);
          if (key !== null) pendingSet = { tool: 'customer_lifetime_value', key, result: report, customers: computed.rows.length, scores: computed.rows };
        }
        const names = await namesOf(q, listed.map((c) => c.id));
        const groups = args.groupBy ? await groupTotals(q, args.groupBy, hit ? { setId: hit.id } : { rows: scoredRows! }, report.totals.clv, calibrationEnd) : null;
        const scoredIds = new Set(listed.map((c) => c.id));
        return {
          calibration: report.calibration,
          model: report.model,
          // the average from the totals here, not stored with them (score sets stored before it lack it)
          totals: { ...report.totals, averageClv: report.totals.customers ? round(report.totals.clv / report.totals.customers, 2) : 0 },
          customers: listed.map((c) => ({
            id: c.id, name: maskName(names.get(c.id) ?? null, role), x: c.x, tx: round(c.tx, 4), T: round(c.T, 4),
            pAlive: round(c.pAlive, 4), expectedPurchases: round(c.expectedPurchases, 4), expectedValue: round(c.expectedValue, 2), clv: round(c.clv, 2),
          })),
          customersNotScored: [...new Set(args.customerIds)].filter((id) => !scoredIds.has(id)),
          groups,
          holdout: report.holdout,
          meta: buildMeta('customer_lifetime_value', { ...args, calibrationEnd }, {
            window: report.firstPurchase ? { from: report.firstPurchase, to: calibrationEnd } : null,
            rowCounts: {
              [report.calibration.source === 'orders' ? 'transactions' : 'customerSummaries']: report.rowsRead, customersScored: report.totals.customers,
              listed: listed.length, ...(groups ? { groups: groups.length } : {}),
            },
            metrics: ['p_alive', 'expected_purchases', 'expected_value', 'clv', ...(args.groupBy ? GROUP_METRIC[args.groupBy] : [])],
            asOf: today,
          }),
        };
      });
      // After the read-only transaction (tools never write inside it).
      await saveFits(db, pendingFits);
      await saveScoreSet(db, pendingSet);
      return result;
    },
  });

type Args = z.infer<typeof input>;
type Output = z.infer<typeof output>;

/** Everything the tool reports except the listed customers: what a score set stores beside its rows. */
interface ClvReport {
  calibration: Output['calibration'];
  model: Output['model'];
  totals: Omit<Output['totals'], 'averageClv'>;
  holdout: Output['holdout'];
  firstPurchase: string | null;
  rowsRead: number;
}

/** The ordinary path: calibration data, both fits (through the fit cache) and every customer scored. */
async function computeReport(q: Queryable, args: Args, calibrationEnd: string, last: string) {
  const holdoutEnd = calibrationEnd < last ? addDays(calibrationEnd, Math.floor(args.horizon * DAYS_PER_UNIT[args.unit])) : undefined;
  const cal = await loadCalibration(q, { calibrationEnd, unit: args.unit, mergeSameDay: args.mergeSameDay, lastOrderDay: last, holdoutEnd });
  if (cal.customers.length === 0) throw new AppError('invalid_argument', `calibrationEnd: no customer ordered on or before ${calibrationEnd}`);
  const fits = new FitCache(q);
  const scored = await scoreCustomers(cal.customers, args, fits);
  const report: ClvReport = {
    calibration: { end: calibrationEnd, unit: args.unit, source: cal.source, customers: cal.customers.length, repeatCustomers: scored.gg.customers },
    model: scored.model,
    totals: {
      customers: scored.rows.length,
      expectedPurchases: round(scored.rows.reduce((s, c) => s + c.expectedPurchases, 0), 2),
      clv: round(scored.rows.reduce((s, c) => s + c.clv, 0), 2),
    },
    holdout: holdoutEnd === undefined ? null : holdoutCheck(scored, calibrationEnd, holdoutEnd, last, args.unit),
    firstPurchase: cal.firstPurchase,
    rowsRead: cal.rowsRead,
  };
  return { report, rows: scored.rows, pendingFits: fits.pending };
}

/** A stored set's models were fitted by an earlier call: this one reused them. */
const fromCache = (model: Output['model']): Output['model'] => ({
  ...model,
  bgnbd: { ...model.bgnbd, fromCache: true },
  gammaGamma: { ...model.gammaGamma, fromCache: true },
});

/** The requested customers that were scored, in the order asked (duplicates once). */
function inRequestedOrder<T extends { id: number }>(rows: readonly T[], ids: readonly number[]): T[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  return [...new Set(ids)].flatMap((id) => byId.get(id) ?? []);
}

/**
 * CLV totals per group of the scored customers: those of a stored score set, or the rows just scored (passed as arrays).
 * Sums are over the unrounded scores, as the overall totals.
 */
async function groupTotals(
  q: Queryable, groupBy: GroupBy, scores: { setId: number } | { rows: readonly StoredScore[] }, total: number, calibrationEnd: string,
): Promise<NonNullable<Output['groups']>> {
  const from = 'setId' in scores
    ? { sql: 'clv_scores s', where: 'WHERE s.set_id = $1', params: [scores.setId] as unknown[] }
    : { sql: 'unnest($1::int8[], $2::float8[], $3::float8[]) s(customer_id, clv, expected_purchases)', where: '', params: [scores.rows.map((r) => r.id), scores.rows.map((r) => r.clv), scores.rows.map((r) => r.expectedPurchases)] as unknown[] };
  // Tiers as of the calibration end: the customers the models learned from, ranked among themselves (rfm_analysis's
  // tiers for that date), from the stored scores when they are current.
  let tiers = '';
  if (groupBy === 'rfm_tier') {
    const { source, storedRfm } = await chooseSources(q, calibrationEnd);
    from.params.push(calibrationEnd);
    tiers = `LEFT JOIN (${rankedRfmSql(storedRfm ? 'stored' : source, `$${from.params.length}::date`)}) t ON t.customer_id = s.customer_id`;
  }
  const { rows } = await q.query<{ grp: string; customers: number; clv: number; expected_purchases: number }>(
    `SELECT coalesce(${GROUP_SQL[groupBy]}, '(none)') AS grp, count(*)::int AS customers, sum(s.clv)::float8 AS clv, sum(s.expected_purchases)::float8 AS expected_purchases
       FROM ${from.sql} LEFT JOIN customers c ON c.id = s.customer_id LEFT JOIN customer_summary cs ON cs.customer_id = s.customer_id ${tiers}
      ${from.where} GROUP BY 1 ORDER BY 3 DESC, 1 LIMIT ${MAX_ROWS}`,
    from.params,
  );
  return rows.map((r) => ({
    group: r.grp, customers: r.customers, expectedPurchases: round(r.expected_purchases, 2), clv: round(r.clv, 2),
    averageClv: round(r.clv / r.customers, 2), share: total > 0 ? round(r.clv / total, 4) : 0,
  }));
}

async function namesOf(q: Queryable, ids: number[]): Promise<Map<number, string | null>> {
  if (ids.length === 0) return new Map();
  const { rows } = await q.query<{ id: number; name: string | null }>(`SELECT id, name FROM customers WHERE id = ANY($1::int8[])`, [ids]);
  return new Map(rows.map((r) => [Number(r.id), r.name]));
}
