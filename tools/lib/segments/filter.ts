import { z } from 'zod';
import { RFM_TIERS } from '../rfm.ts';

/**
 * The segment filter DSL: a plain JSON object whose fields are all optional and ANDed. The same object is a saved
 * segment's definition (segments.definition) and a rule tag's rule (tags.rule), so it must stay data — no code, no
 * SQL. Members are always customers with at least one order as of the as-of date (customer_summary rows).
 */

const isDate = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) && new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) === s;
export const dateString = z.string().refine((s) => !Number.isNaN(Date.parse(s)) && isDate(s), 'must be a date YYYY-MM-DD');

/** One RFM tier or several (any of them), by the standard names (tools/lib/rfm.ts). */
export const rfmTierList = z.union([z.enum(RFM_TIERS), z.array(z.enum(RFM_TIERS)).min(1)], {
  error: (iss) => `unknown RFM tier in ${JSON.stringify(iss.input)}; tiers: ${RFM_TIERS.join(', ')}`,
});

const oneOrMany = (what: string) =>
  z
    .union([z.string().min(1).max(200), z.array(z.string().min(1).max(200)).min(1).max(100)])
    .optional()
    .describe(`${what}: one value or a list (any of them); case-insensitive exact match`);

const range = (what: string, integer = false) => {
  const n = () => (integer ? z.number().int() : z.number());
  return z
    .object({
      min: n().min(0).optional().describe(`lowest ${what} (inclusive)`),
      max: n().min(0).optional().describe(`highest ${what} (inclusive)`),
    })
    .strict()
    .superRefine((r, ctx) => {
      if (r.min === undefined && r.max === undefined) ctx.addIssue({ code: 'custom', message: 'give min, max or both' });
      if (r.min !== undefined && r.max !== undefined && r.min > r.max) {
        ctx.addIssue({ code: 'custom', message: `min (${r.min}) must be ≤ max (${r.max})` });
      }
    })
    .optional()
    .describe(`${what} between min and max (inclusive)`);
};

export const PERCENTILE_METRICS = ['revenue', 'orders', 'aov'] as const;

export const segmentFilterFields = {
  country: oneOrMany('customer country (customers.country, e.g. "United Kingdom")'),
  mainChannel: oneOrMany('the customer’s most frequent order channel (e.g. "web")'),
  mainCategory: oneOrMany('the product category with most of the customer’s revenue'),
  revenue: range('customer revenue (money, returns excluded)'),
  orders: range('number of orders', true),
  aov: range('the customer’s average order value (their revenue ÷ their orders)'),
  recencyDays: range('days since the last order, as of the as-of date', true),
  tenureDays: range('days since the first order, as of the as-of date', true),
  firstOrderWithinDays: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe('first order at most this many days before the as-of date (new customers; a relative rule, same as tenureDays.max)'),
  firstOrderFrom: dateString.optional().describe('first order on or after this day (YYYY-MM-DD, UTC)'),
  firstOrderTo: dateString.optional().describe('first order on or before this day (YYYY-MM-DD, UTC)'),
  lastOrderFrom: dateString.optional().describe('last order on or after this day (YYYY-MM-DD, UTC)'),
  lastOrderTo: dateString.optional().describe('last order on or before this day (YYYY-MM-DD, UTC)'),
  rfmTier: rfmTierList
    .optional()
    .describe(`RFM tier(s) as of the as-of date (any of them): ${RFM_TIERS.join(', ')}`),
  churnRisk: z
    .object({
      minInactivityRatio: z
        .number()
        .positive()
        .describe('days since the last order ÷ the customer’s average gap between order days is at least this (e.g. 2 = twice overdue)'),
    })
    .strict()
    .optional()
    .describe('overdue repeat customers (inactivity_ratio, as churn_risk): only customers who ordered on 2 or more days'),
  percentile: z
    .object({
      metric: z.enum(PERCENTILE_METRICS).describe('metric to rank customers by'),
      min: z.number().min(0).max(1).optional().describe('lowest percentile (inclusive), e.g. 0.9 = top 10%'),
      max: z.number().min(0).max(1).optional().describe('percentile below which (exclusive), e.g. 0.5 = bottom half'),
    })
    .strict()
    .superRefine((p, ctx) => {
      if (p.min === undefined && p.max === undefined) ctx.addIssue({ code: 'custom', message: 'give min, max or both' });
      if (p.min !== undefined && p.max !== undefined && p.min >= p.max) {
        ctx.addIssue({ code: 'custom', message: `min (${p.min}) must be < max (${p.max})` });
      }
    })
    .optional()
    .describe(
      'rank among all customers with orders as of the as-of date: percentile = share of them with a strictly lower value ' +
        '(0 = lowest); members have min ≤ percentile < max. {"metric":"revenue","min":0.9} = top 10% by revenue',
    ),
  tags: z.array(z.string().min(1).max(200)).min(1).max(20).optional().describe('customer has ALL of these tags (names, case-insensitive)'),
  segment: z.string().min(1).max(200).optional().describe('name of a saved segment whose definition is ANDed in'),
};

export const segmentFilterSchema = z
  .object(segmentFilterFields)
  .strict()
  .superRefine((f, ctx) => {
    for (const [from, to] of [['firstOrderFrom', 'firstOrderTo'], ['lastOrderFrom', 'lastOrderTo']] as const) {
      if (f[from] && f[to] && f[from] > f[to]) {
        ctx.addIssue({ code: 'custom', path: [from], message: `${from} (${f[from]}) must be on or before ${to} (${f[to]})` });
      }
    }
  })
  .describe(
    'who is in the segment: every given field must hold (AND); omit a field to not filter on it; {} = all customers with orders',
  );

export type SegmentFilter = z.infer<typeof segmentFilterSchema>;

/** A list of values as given (one or many), as a list. */
export function asList<T>(v: T | readonly T[] | undefined): T[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? [...(v as readonly T[])] : [v as T];
}
