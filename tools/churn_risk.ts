/**
 * churn_risk: customers who look lost, by two independent signals.
 * (a) Inactivity against their own rhythm: days since the last order ÷ the customer's average gap between orders
 *     (inactivity_ratio) ≥ ratioThreshold. One-order customers have no rhythm, so they are compared with the shop's:
 *     at risk after singleOrderDays, by default twice the median average gap of repeat customers.
 * (b) BG/NBD P(alive) < pAliveThreshold (Fader, Hardie & Lee 2005; P(alive) as in their note 021), fitted in weeks
 *     on the history up to the as-of date. P(alive) is 1 for one-order customers by construction of the model
 *     (dropout happens only after a purchase), so rule (b) only ever flags repeat customers.
 */
import { z } from 'zod';
import type { Queryable } from '../server/db/index.ts';
import { AppError } from '../server/errors.ts';
import { addDays } from './lib/clock.ts';
import { bgnbdProbabilityAlive, FitCache, saveFits, type BgNbdParams } from './lib/clv/index.ts';
import { buildMeta, metaSchema } from './lib/meta.ts';
import { maskEmail, maskName } from './lib/pii.ts';
import { MAX_ROWS, readOnly } from './lib/readonly.ts';
import { dayArg, fitPurchaseModel, lastOrderDay, loadCalibration, round, sig } from './customer_lifetime_value.ts';
import { defineTool, type ToolFactory } from './types.ts';

const REASONS = ['inactive_vs_own_gap', 'single_order_inactive', 'low_p_alive'] as const;
type Reason = (typeof REASONS)[number];

const input = z
  .object({
    asOf: dayArg.optional().describe('the date to judge inactivity at (YYYY-MM-DD); default today'),
    ratioThreshold: z.number().min(1).max(100).default(2).describe('at risk when days since last order ÷ own average gap ≥ this (repeat customers)'),
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
  })
  .strict()
  .describe('customers at risk of churning');

const num = (d: string) => z.number().describe(d);
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
      definition: z.record(z.string(), z.unknown()).describe('segment filter (customer_segments syntax): orders ≥ orders.min and last order on or before lastOrderTo'),
      size: num('customers matching the definition now'),
      description: z.string().describe('what the segment is'),
    })
    .nullable()
    .describe('suggested win-back segment, to save with a segments tool (null without repeat customers)'),
  notes: z.array(z.string()).describe('caveats'),
  meta: metaSchema,
});

interface Base {
  id: number;
  country: string | null;
  last: string;
  daysSince: number;
  tenureDays: number;
  orders: number;
  orderDays: number;
  revenue: number;
  avgGap: number | null;
}

const COLUMNS = `to_char(last_order_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS last,
  $1::date - (last_order_at AT TIME ZONE 'UTC')::date AS "daysSince",
  $1::date - (first_order_at AT TIME ZONE 'UTC')::date AS "tenureDays",
  orders, order_days AS "orderDays", revenue, avg_gap_days AS "avgGap"`;

/** From customer_summary when it is current for asOf; otherwise the same columns aggregated from orders up to asOf. */
function baseSql(fromSummary: boolean): string {
  const source = fromSummary
    ? 'customer_summary'
    : `(SELECT customer_id, min(ordered_at) AS first_order_at, max(ordered_at) AS last_order_at, count(*)::int AS orders,
               count(DISTINCT (ordered_at AT TIME ZONE 'UTC')::date)::int AS order_days, sum(revenue) AS revenue,
               CASE WHEN count(*) > 1 THEN extract(epoch FROM max(ordered_at) - min(ordered_at)) / 86400.0 / (count(*) - 1) END AS avg_gap_days
          FROM orders WHERE kind = 'order' AND customer_id IS NOT NULL AND ordered_at < ($1::date + 1)::timestamp AT TIME ZONE 'UTC'
         GROUP BY customer_id)`;
  return `SELECT s.customer_id AS id, c.country, ${COLUMNS} FROM ${source} s JOIN customers c ON c.id = s.customer_id`;
}

/** Glossary revenue_at_stake: revenue per year of tenure, tenure from the first order to asOf, at least one year. */
const revenueAtStake = (b: Base): number => b.revenue / Math.max(1, b.tenureDays / 365.25);

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** P(alive) per customer from a BG/NBD fit as of asOf (weeks, same-day orders merged), or null without repeaters. */
async function pAliveByCustomer(q: Queryable, asOf: string, last: string, fits: FitCache) {
  const cal = await loadCalibration(q, { calibrationEnd: asOf, unit: 'weeks', mergeSameDay: true, lastOrderDay: last });
  if (!cal.customers.some((c) => c.x > 0)) return null;
  const { params } = await fitPurchaseModel(cal.customers, fits);
  return { params, fromCache: fits.hits.bgnbd ?? false, pAlive: new Map(cal.customers.map((c) => [c.id, bgnbdProbabilityAlive(params, c)])) };
}

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
      let pending: FitCache['pending'] = [];
      const result = await readOnly(db, async (q) => {
        const today = clock.today();
        const asOf = args.asOf ?? today;
        const last = await lastOrderDay(q);
        if (last === null) throw new AppError('not_found', 'no orders of identified customers: import orders first');
        const fromSummary = asOf >= last;
        const { rows } = await q.query<Base>(baseSql(fromSummary), [asOf]);
        const base = rows.map((r) => ({ ...r, id: Number(r.id), revenue: Number(r.revenue) }));
        if (base.length === 0) throw new AppError('invalid_argument', `asOf: no customer ordered on or before ${asOf}`);
        const notes: string[] = [];
        const medianGap = median(base.filter((b) => b.orderDays >= 2).map((b) => b.avgGap as number));
        const singleOrderDays = args.singleOrderDays ?? (medianGap === null ? null : 2 * medianGap);
        if (singleOrderDays === null) notes.push('no repeat customers: one-order customers are not judged (pass singleOrderDays)');
        const fits = new FitCache(q);
        const model = await pAliveByCustomer(q, asOf, last, fits);
        pending = fits.pending;
        if (!model) notes.push('no repeat purchases: BG/NBD cannot be fitted, P(alive) rule skipped');

        const flagged = base.map((b) => {
          const ratio = b.orderDays >= 2 && (b.avgGap ?? 0) > 0 ? b.daysSince / (b.avgGap as number) : null;
          const pAlive = model?.pAlive.get(b.id) ?? null;
          const reasons: Reason[] = [];
          if (ratio !== null && ratio >= args.ratioThreshold) reasons.push('inactive_vs_own_gap');
          if (b.orderDays === 1 && singleOrderDays !== null && b.daysSince >= singleOrderDays) reasons.push('single_order_inactive');
          if (pAlive !== null && pAlive < args.pAliveThreshold) reasons.push('low_p_alive');
          return { ...b, ratio, pAlive, reasons, stake: revenueAtStake(b) };
        });
        const inactive = flagged.filter((f) => f.reasons.some((r) => r !== 'low_p_alive'));
        const lowP = flagged.filter((f) => f.reasons.includes('low_p_alive'));
        const both = lowP.filter((f) => f.reasons.length > 1);
        const atRisk = args.match === 'all' ? both : flagged.filter((f) => f.reasons.length > 0);
        const sum = (list: typeof flagged) => round(list.reduce((s, f) => s + f.stake, 0), 2);
        const listed = [...atRisk].sort((a, b) => b.stake - a.stake || a.id - b.id).slice(0, args.limit);
        const contacts = await contactsOf(q, listed.map((f) => f.id));
        return {
          asOf,
          thresholds: {
            ratioThreshold: args.ratioThreshold,
            singleOrderDays: singleOrderDays === null ? null : round(singleOrderDays, 2),
            medianRepeatGapDays: medianGap === null ? null : round(medianGap, 2),
            pAliveThreshold: args.pAliveThreshold,
          },
          counts: {
            customers: base.length,
            inactiveRepeat: flagged.filter((f) => f.reasons.includes('inactive_vs_own_gap')).length,
            inactiveSingleOrder: flagged.filter((f) => f.reasons.includes('single_order_inactive')).length,
            lowPAlive: lowP.length,
            both: both.length,
            atRisk: atRisk.length,
          },
          revenueAtStake: { inactivity: sum(inactive), lowPAlive: sum(lowP), atRisk: sum(atRisk) },
          model: model ? { ...roundParams(model.params), fromCache: model.fromCache } : null,
          customers: listed.map((f) => {
            const c = contacts.get(f.id);
            return {
              id: f.id, name: maskName(c?.name ?? null, role), email: maskEmail(c?.email ?? null, role), country: f.country,
              lastOrder: f.last, daysSinceLastOrder: f.daysSince, orders: f.orders, revenue: round(f.revenue, 2),
              inactivityRatio: f.ratio === null ? null : round(f.ratio, 4), pAlive: f.pAlive === null ? null : round(f.pAlive, 4),
              revenueAtStake: round(f.stake, 2), reasons: f.reasons,
            };
          }),
          winBack: winBackSegment(base, asOf, args.ratioThreshold, medianGap),
          notes,
          meta: buildMeta('churn_risk', { ...args, asOf }, {
            window: null,
            rowCounts: { customers: base.length, atRisk: atRisk.length, listed: listed.length },
            metrics: ['inactivity_ratio', 'recency_days', 'p_alive', 'revenue', 'revenue_at_stake'],
            asOf,
          }),
        };
      });
      await saveFits(db, pending); // after the read-only transaction (tools never write inside it)
      return result;
    },
  });

const roundParams = (p: BgNbdParams) => ({ r: sig(p.r), alpha: sig(p.alpha), a: sig(p.a), b: sig(p.b) });

async function contactsOf(q: Queryable, ids: number[]) {
  if (ids.length === 0) return new Map<number, { name: string | null; email: string | null }>();
  const { rows } = await q.query<{ id: number; name: string | null; email: string | null }>(
    `SELECT id, name, email FROM customers WHERE id = ANY($1::int8[])`,
    [ids],
  );
  return new Map(rows.map((r) => [Number(r.id), r]));
}

/**
 * Win-back: repeat customers quiet for at least ratioThreshold × the median repeat gap, written in the segment filter
 * language of tools/lib/segments/filter.ts so customer_segments can save it as is. A fixed date rather than each
 * customer's own ratio or a relative recency, so the definition means the same when re-evaluated on old data.
 * With k that many days, "quiet ≥ k days as of asOf" means last order day ≤ asOf − k.
 */
function winBackSegment(base: Base[], asOf: string, ratioThreshold: number, medianGap: number | null) {
  if (medianGap === null) return null;
  const k = Math.ceil(ratioThreshold * medianGap);
  const lastOrderTo = addDays(asOf, -k);
  const size = base.filter((b) => b.orders >= 2 && b.last <= lastOrderTo).length;
  return {
    definition: { orders: { min: 2 }, lastOrderTo },
    size,
    description: `customers with 2+ orders and no order after ${lastOrderTo} (${k} days ≈ ${ratioThreshold} × the median repeat gap)`,
  };
}
