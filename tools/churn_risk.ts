/**
 * churn_risk: customers who look lost, by two independent signals.
 * (a) Inactivity against their own rhythm: days since the last order ÷ the customer's average gap between order days
 *     (inactivity_ratio) ≥ ratioThreshold; same-day orders are one purchase occasion, as in BG/NBD. Customers who
 *     ordered on one day only have no rhythm, so they are compared with the shop's: at risk after singleOrderDays, by
 *     default twice the median average gap of repeat customers.
 * (b) BG/NBD P(alive) < pAliveThreshold (Fader, Hardie & Lee 2005; P(alive) as in their note 021), fitted in weeks
 *     on the history up to the as-of date. P(alive) is 1 for one-order customers by construction of the model
 *     (dropout happens only after a purchase), so rule (b) only ever flags repeat customers.
 */
import { z } from 'zod';
import type { Queryable } from '../server/db/index.ts';
import { AppError } from '../server/errors.ts';
import { judgeChurn, type ChurnListed, type ChurnStats } from './lib/clv/churnSql.ts';
import { FitCache, saveFits, type BgNbdParams } from './lib/clv/index.ts';
import { findScoreSet, saveScoreSet, scoreSetKey, summaryDataVersion, type PendingScoreSet } from './lib/clv/scoreCache.ts';
import { buildMeta, metaSchema } from './lib/meta.ts';
import { maskEmail, maskName } from './lib/pii.ts';
import { MAX_ROWS, readOnly } from './lib/readonly.ts';
import { fitPurchaseModel, lastOrderDay, loadCalibration } from './lib/clv/calibration.ts';
import { round, sig } from './lib/clv/scoring.ts';
import { dayArg } from './customer_lifetime_value.ts';
import { segmentFilterSchema, type SegmentFilter } from './lib/segments/filter.ts';
import { prepareSegment } from './lib/segments/resolve.ts';
import { defineTool, type ToolFactory } from './types.ts';

const REASONS = ['inactive_vs_own_gap', 'single_order_inactive', 'low_p_alive'] as const;
type Reason = (typeof REASONS)[number];

const input = z
  .object({
    asOf: dayArg.optional().describe('the date to judge inactivity at (YYYY-MM-DD); default today'),
    ratioThreshold: z.number().min(1).max(100).default(2).describe('at risk when days since last order ÷ own average gap between order days ≥ this (customers with 2+ order days)'),
    singleOrderDays: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .optional()
      .describe('one-order customers are at risk after this many days without an order; default 2 × the median average gap of repeat customers'),
    pAliveThreshold: z.number().gt(0).lt(1).default(0.5).describe('at risk when BG/NBD P(alive) is below this'),
    match: z.enum(['any', 'all']).default('any').describe('list customers flagged by any rule, or by every rule'),
    limit: z.number().int().min(1).max(MAX_ROWS).default(50).describe('how many at-risk customers to list (highest revenue at stake first)'),
    filter: segmentFilterSchema
      .optional()
      .describe('judge only these customers (customer_segments filter: country, mainChannel, mainCategory, rfmTier, tags, a saved segment…); the one-order threshold and the BG/NBD fit stay the whole shop’s, so they are a subset of the unfiltered at-risk customers'),
  })
  .strict()
  .describe('customers at risk of churning');

const num = (d: string) => z.number().describe(d);
type Args = z.infer<typeof input>;

const output = z.object({
  asOf: z.string().describe('date inactivity was judged at'),
  thresholds: z
    .object({
      ratioThreshold: num('inactivity_ratio threshold'),
      singleOrderDays: z.number().nullable().describe('days without an order after which a one-order customer is at risk (null: no repeat customers to derive it from)'),
      medianRepeatGapDays: z.number().nullable().describe('median average gap between orders of repeat customers, in days'),
      pAliveThreshold: num('P(alive) threshold'),
    })
    .describe('thresholds used'),
  counts: z
    .object({
      customers: num('customers with an order on or before asOf'),
      inactiveRepeat: num('repeat customers with inactivity_ratio ≥ threshold'),
      inactiveSingleOrder: num('one-order customers quiet for ≥ singleOrderDays'),
      lowPAlive: num('customers with P(alive) < threshold'),
      both: num('flagged by the inactivity rule and by P(alive)'),
      atRisk: num('flagged according to `match`'),
    })
    .describe('customers flagged per rule and combined'),
  revenueAtStake: z
    .object({ inactivity: num('Σ revenue_at_stake, inactivity rule'), lowPAlive: num('Σ revenue_at_stake, P(alive) rule'), atRisk: num('Σ revenue_at_stake of the at-risk customers') })
    .describe('revenue at stake (revenue_at_stake) per rule'),
  model: z
    .object({ r: num('BG/NBD r'), alpha: num('BG/NBD α (weeks)'), a: num('BG/NBD a'), b: num('BG/NBD b'),
      fromCache: z.boolean().describe('reused from an earlier fit on exactly the same input (model_fit_cache) instead of fitted in this call') })
    .nullable()
    .describe('BG/NBD fit used for P(alive) (null when no customer has a repeat purchase)'),
  customers: z
    .array(
      z.object({
        id: num('customer id'),
        name: z.string().nullable().describe('name (masked unless the role may see it)'),
        email: z.string().nullable().describe('email (masked unless the role may see it)'),
        country: z.string().nullable().describe('country'),
        lastOrder: z.string().describe('day of the last order'),
        daysSinceLastOrder: num('recency_days'),
        orders: num('orders up to asOf'),
        revenue: num('revenue up to asOf'),
        inactivityRatio: z.number().nullable().describe('inactivity_ratio (null for customers who ordered on one day only)'),
        pAlive: z.number().nullable().describe('p_alive (null without a model)'),
        revenueAtStake: num('revenue_at_stake'),
        reasons: z.array(z.enum(REASONS)).describe('rules that flagged the customer'),
      }),
    )
    .describe('at-risk customers, highest revenue at stake first'),
  winBack: z
    .object({
      definition: z.record(z.string(), z.unknown()).describe('segment filter (customer_segments syntax): orders ≥ orders.min and last order on or before lastOrderTo (and the filter given, if any)'),
      size: num('customers matching the definition now'),
      description: z.string().describe('what the segment is'),
    })
    .nullable()
    .describe('suggested win-back segment, to save with a segments tool (null without repeat customers)'),
  notes: z.array(z.string()).describe('caveats'),
  meta: metaSchema,
});

interface ChurnModel {
  params: BgNbdParams | null;
  fromCache: boolean;
}

/**
 * BG/NBD for P(alive), fitted in weeks with same-day orders merged on the history up to asOf; null params without a
 * repeat purchase. With a data version (customer_summary current for asOf), the fitted parameters are kept per
 * version and asOf (lib/clv/scoreCache.ts), so other thresholds need no calibration rows either.
 */
async function churnModel(q: Queryable, asOf: string, last: string, fits: FitCache, version: string | null) {
  const key = version === null ? null : scoreSetKey('churn_risk_model', version, { asOf });
  const hit = key === null ? null : await findScoreSet<{ params: BgNbdParams | null }>(q, key);
  if (hit) return { model: { params: hit.result.params, fromCache: true }, pending: [] };
  const cal = await loadCalibration(q, { calibrationEnd: asOf, unit: 'weeks', mergeSameDay: true, lastOrderDay: last });
  const params = cal.customers.some((c) => c.x > 0) ? (await fitPurchaseModel(cal.customers, fits)).params : null;
  const model: ChurnModel = { params, fromCache: fits.hits.bgnbd ?? false };
  const pending: PendingScoreSet[] = key === null ? [] : [{ tool: 'churn_risk_model', key, result: { params }, customers: cal.customers.length }];
  return { model, pending };
}

interface ChurnAnswer {
  params: BgNbdParams | null;
  stats: ChurnStats;
}

/**
 * The model and the judged counts and list. When customer_summary is current for asOf, the answer for exactly these
 * arguments is kept per data version: a repeated question reads one aggregate of the summary and an index entry.
 */
async function judge(q: Queryable, args: Args, asOf: string, last: string, fits: FitCache) {
  const fromSummary = asOf >= last;
  const version = fromSummary ? await summaryDataVersion(q) : null;
  const { ratioThreshold, singleOrderDays, pAliveThreshold, match, limit, filter } = args;
  // a filter naming a saved segment or tags is resolved (and checked) before anything is looked up
  const segment = filter ? await prepareSegment(q, filter, asOf) : undefined;
  // (a filtered answer is not kept: tags, which a filter may name, are recomputed after the summary's version moved on;
  // the model, which the filter does not change, still is)
  const key = version === null || filter ? null : scoreSetKey('churn_risk', version, { asOf, ratioThreshold, singleOrderDays, pAliveThreshold, match, limit });
  const answer = key === null ? null : await findScoreSet<ChurnAnswer>(q, key);
  if (answer) return { model: { params: answer.result.params, fromCache: true }, stats: answer.result.stats, pending: [] };
  const { model, pending } = await churnModel(q, asOf, last, fits, version);
  const stats = await judgeChurn(q, fromSummary, { ...args, asOf }, model.params, segment);
  if (key !== null && stats.customers > 0) pending.push({ tool: 'churn_risk', key, result: { params: model.params, stats } satisfies ChurnAnswer, customers: stats.customers });
  return { model, stats, pending };
}

const reasonsOf = (l: ChurnListed): Reason[] => [
  ...(l.inactive_gap ? (['inactive_vs_own_gap'] as const) : []),
  ...(l.inactive_single ? (['single_order_inactive'] as const) : []),
  ...(l.low_p ? (['low_p_alive'] as const) : []),
];

export const churnRisk: ToolFactory = ({ db, clock, role }) =>
  defineTool({
    name: 'churn_risk',
    description:
      'Finds customers at risk of churning: repeat customers silent for much longer than their own usual gap between orders, ' +
      'one-order customers silent for long, and customers whose BG/NBD probability of still being active is low. Returns counts ' +
      'per rule, revenue at stake, the at-risk customers ranked by revenue at stake, and a suggested win-back segment definition.',
    input,
    output,
    async run(args) {
      let pendingFits: FitCache['pending'] = [];
      let pendingSets: PendingScoreSet[] = [];
      const result = await readOnly(db, async (q) => {
        const today = clock.today();
        const asOf = args.asOf ?? today;
        const last = await lastOrderDay(q);
        if (last === null) throw new AppError('not_found', 'no orders of identified customers: import orders first');
        const fits = new FitCache(q);
        const { model, stats, pending } = await judge(q, args, asOf, last, fits);
        pendingFits = fits.pending;
        pendingSets = pending;
        if (stats.customers === 0) {
          throw new AppError('invalid_argument', args.filter ? `filter: no customer in it ordered on or before ${asOf}` : `asOf: no customer ordered on or before ${asOf}`);
        }
        const notes: string[] = [];
        if (stats.singleOrderDays === null) notes.push('no repeat customers: one-order customers are not judged (pass singleOrderDays)');
        if (!model.params) notes.push('no repeat purchases: BG/NBD cannot be fitted, P(alive) rule skipped');
        const contacts = await contactsOf(q, stats.listed.map((f) => f.id));
        return {
          asOf,
          thresholds: {
            ratioThreshold: args.ratioThreshold,
            singleOrderDays: stats.singleOrderDays === null ? null : round(stats.singleOrderDays, 2),
            medianRepeatGapDays: stats.median === null ? null : round(stats.median, 2),
            pAliveThreshold: args.pAliveThreshold,
          },
          counts: {
            customers: stats.customers,
            inactiveRepeat: stats.inactiveRepeat,
            inactiveSingleOrder: stats.inactiveSingleOrder,
            lowPAlive: stats.lowPAlive,
            both: stats.both,
            atRisk: stats.atRisk,
          },
          revenueAtStake: { inactivity: round(stats.stakeInactivity, 2), lowPAlive: round(stats.stakeLowPAlive, 2), atRisk: round(stats.stakeAtRisk, 2) },
          model: model.params ? { ...roundParams(model.params), fromCache: model.fromCache } : null,
          customers: stats.listed.map((f) => {
            const c = contacts.get(f.id);
            return {
              id: f.id, name: maskName(c?.name ?? null, role), email: maskEmail(c?.email ?? null, role), country: c?.country ?? null,
              lastOrder: f.last, daysSinceLastOrder: f.daysSince, orders: f.orders, revenue: round(f.revenue, 2),
              inactivityRatio: f.ratio === null ? null : round(f.ratio, 4), pAlive: f.pAlive === null ? null : round(f.pAlive, 4),
              revenueAtStake: round(f.stake, 2), reasons: reasonsOf(f),
            };
          }),
          winBack: winBackSegment(stats, args.ratioThreshold, args.filter),
          notes,
          meta: buildMeta('churn_risk', { ...args, asOf }, {
            window: null,
            rowCounts: { customers: stats.customers, atRisk: stats.atRisk, listed: stats.listed.length },
            metrics: ['inactivity_ratio', 'recency_days', 'p_alive', 'revenue', 'revenue_at_stake'],
            asOf,
          }),
        };
      });
      // After the read-only transaction (tools never write inside it).
      await saveFits(db, pendingFits);
      for (const set of pendingSets) await saveScoreSet(db, set);
      return result;
    },
  });

const roundParams = (p: BgNbdParams) => ({ r: sig(p.r), alpha: sig(p.alpha), a: sig(p.a), b: sig(p.b) });

/** Name, email and country of the listed customers (read here, not for all ~90k judged in SQL). */
async function contactsOf(q: Queryable, ids: number[]) {
  type Contact = { name: string | null; email: string | null; country: string | null };
  if (ids.length === 0) return new Map<number, Contact>();
  const { rows } = await q.query<Contact & { id: number }>(`SELECT id, name, email, country FROM customers WHERE id = ANY($1::int8[])`, [ids]);
  return new Map(rows.map((r) => [Number(r.id), r]));
}

/**
 * Win-back: repeat customers quiet for at least ratioThreshold × the median repeat gap, written in the segment filter
 * language of tools/lib/segments/filter.ts so customer_segments can save it as is. A fixed date rather than each
 * customer's own ratio or a relative recency, so the definition means the same when re-evaluated on old data.
 * With k = ceil(ratioThreshold × median) days, "quiet ≥ k days as of asOf" means last order day ≤ asOf − k
 * (lastOrderTo and the size come from churnSql.ts).
 */
function winBackSegment(stats: ChurnStats, ratioThreshold: number, filter: SegmentFilter | undefined) {
  if (stats.median === null || stats.lastOrderTo === null) return null;
  const k = Math.ceil(ratioThreshold * stats.median);
  return {
    // within the filter's customers (its fields ANDed with the win-back rule, as the size counts them): the tighter
    // of its own order count and last-order bounds and the rule's
    definition: {
      ...filter,
      orders: { ...filter?.orders, min: Math.max(2, filter?.orders?.min ?? 0) },
      lastOrderTo: filter?.lastOrderTo && filter.lastOrderTo < stats.lastOrderTo ? filter.lastOrderTo : stats.lastOrderTo,
    },
    size: stats.winBackSize,
    description: `customers${filter ? ' of the filter' : ''} with 2+ orders and no order after ${stats.lastOrderTo} (${k} days ≈ ${ratioThreshold} × the median repeat gap)`,
  };
}
