import { z } from 'zod';
import type { Queryable } from '../server/db/index.ts';
import { addDays, type Clock } from './lib/clock.ts';
import { buildMeta, metaSchema } from './lib/meta.ts';
import { funnelSql, SEQUENCE_LIMITS } from './lib/funnelSql.ts';
import { MAX_ROWS, readOnly } from './lib/readonly.ts';
import { defineTool, type ToolFactory } from './types.ts';

/**
 * Ordered conversion funnel over behaviour events, per user (the rule of Mixpanel/Amplitude "ordered funnels with a
 * conversion window"):
 * - a user is a customer (customer_id), or, for events without a customer, a session (session_id); events with
 *   neither are ignored. A customer's anonymous sessions are not linked to the customer.
 * - the user enters at their FIRST step-1 event whose UTC day is in [from, to];
 * - they reach step k if they have a step-k event at or after the time they reached step k−1 and no later than
 *   windowDays × 24 h after their entering event (earliest such event; later steps may fall after `to`, never after
 *   the as-of day). An event before the previous step (out of order) does not count.
 */

/** from/to day arguments defaulting to the 30 days before the as-of date (the as-of day itself is still under way). */
export function dayRangeShape(clock: Clock) {
  return {
    from: z.iso.date().default(addDays(clock.today(), -30)).describe('first day YYYY-MM-DD (UTC, inclusive; default: 30 days before today)'),
    to: z.iso.date().default(addDays(clock.today(), -1)).describe('last day YYYY-MM-DD (UTC, inclusive; default: yesterday)'),
  };
}
export const fromNotAfterTo: [(a: { from: string; to: string }) => boolean, { message: string; path: string[] }] = [
  (a) => a.from <= a.to,
  { message: 'from must not be after to', path: ['from'] },
];

export const DEFAULT_STEPS = ['visit', 'view', 'cart', 'checkout', 'purchase'];

const NO_VALUE = '(none)';

function inputSchema(clock: Clock) {
  return z
    .object({
      steps: z
        .array(z.string().min(1).max(100).describe('an event type'))
        .min(2)
        .max(8)
        .refine((s) => new Set(s).size === s.length, 'steps must be distinct event types')
        .default(() => [...DEFAULT_STEPS])
        .describe('event types in funnel order, 2–8 (see describe_data eventType); default visit → view → cart → checkout → purchase'),
      windowDays: z.number().int().min(1).max(365).default(7).describe('every later step must happen within this many days of the user’s first step'),
      ...dayRangeShape(clock),
      splitBy: z.enum(['channel', 'country', 'month']).optional().describe('also break the funnel down by the entering event’s channel property, the customer’s country, or the month of the first step'),
      maxSplits: z.number().int().min(1).max(100).default(20).describe('at most this many split values (most users at step 1 first)'),
    })
    .strict()
    .refine(...fromNotAfterTo)
    .describe('funnel steps, conversion window and date range');
}
type Args = z.output<ReturnType<typeof inputSchema>>;

const stepSchema = z.object({
  step: z.number().describe('1-based step number'),
  type: z.string().describe('event type of the step'),
  users: z.number().describe('users who reached the step'),
  stepConversion: z.number().nullable().describe('conversion_rate vs the previous step (1 for step 1); null when the previous step has no users'),
  overallConversion: z.number().nullable().describe('users ÷ users at step 1; null when step 1 has no users'),
  lost: z.number().describe('users of the previous step who did not reach this one (0 for step 1)'),
});
const dropOffSchema = z
  .object({
    step: z.number().describe('the step users failed to reach'),
    from: z.string().describe('event type of the previous step'),
    to: z.string().describe('event type of this step'),
    lost: z.number().describe('users lost between the two'),
    stepConversion: z.number().describe('conversion of this step'),
  })
  .nullable()
  .describe('the step with the lowest step conversion (ties: more users lost, then the earlier step); null without users');

const output = z.object({
  steps: z.array(stepSchema).describe('the funnel over all users'),
  biggestDropOff: dropOffSchema,
  splits: z
    .array(z.object({ value: z.string().describe(`split value (${NO_VALUE} when missing)`), steps: z.array(stepSchema).describe('the funnel for this value'), biggestDropOff: dropOffSchema }))
    .nullable()
    .describe('per split value (most users first), or null without splitBy'),
  meta: metaSchema,
});
type Output = z.input<typeof output>;
type Step = Output['steps'][number];

const round4 = (x: number) => Number(x.toFixed(4));

/** Type codes of event type names in event_keys (0, which no type has, for a type never seen), in the given order. */
export async function eventTypeCodes(q: Queryable, types: readonly string[]): Promise<number[]> {
  const { rows } = await q.query<{ type: string; code: number }>(`SELECT type, code FROM event_types WHERE type = ANY($1::text[])`, [types]);
  const code = new Map(rows.map((r) => [r.type, Number(r.code)]));
  return types.map((t) => code.get(t) ?? 0);
}

export function funnelSteps(types: readonly string[], users: readonly number[]): Step[] {
  return types.map((type, i) => {
    const n = users[i] ?? 0;
    const prev = i === 0 ? n : (users[i - 1] ?? 0);
    const first = users[0] ?? 0;
    return {
      step: i + 1,
      type,
      users: n,
      stepConversion: prev ? round4(n / prev) : null,
      overallConversion: first ? round4(n / first) : null,
      lost: prev - n,
    };
  });
}

export function biggestDropOff(steps: readonly Step[]): Output['biggestDropOff'] {
  let worst: Step | undefined;
  for (const s of steps.slice(1)) {
    if (s.stepConversion === null || s.stepConversion === undefined) continue;
    if (!worst || s.stepConversion < worst.stepConversion! || (s.stepConversion === worst.stepConversion && s.lost > worst.lost)) worst = s;
  }
  if (!worst) return null;
  return { step: worst.step, from: steps[worst.step - 2]!.type, to: worst.type, lost: worst.lost, stepConversion: worst.stepConversion! };
}

async function countUsers(q: Queryable, args: Args, today: string) {
  // Later steps may run past `to` by the window, but never past the as-of day.
  const scanEnd = [addDays(args.to, args.windowDays + 1), addDays(today, 1)].sort()[0]!;
  const codes = await eventTypeCodes(q, args.steps);
  const encodable = codes.every((c) => c <= SEQUENCE_LIMITS.maxTypeCode) && args.from >= SEQUENCE_LIMITS.firstDay && scanEnd <= SEQUENCE_LIMITS.lastDay;
  // The event_keys path: a month of step events is ~240k rows, kept in memory; no nested loops over its CTEs.
  if (!encodable) await q.exec(`SET LOCAL work_mem = '64MB'; SET LOCAL enable_nestloop = off`);
  const { rows } = await q.query<Record<string, number> & { split: string | null }>(
    funnelSql(args.steps.length, args.splitBy ?? 'none', encodable ? 'sequences' : 'keys'),
    [codes, args.from, addDays(args.to, 1), scanEnd, args.windowDays],
  );
  return rows.map((r) => ({ value: r.split ?? NO_VALUE, users: args.steps.map((_, i) => r[`n${i + 1}`] ?? 0) }));
}

export const funnelAnalysis: ToolFactory = ({ db, clock }) =>
  defineTool({
    name: 'funnel_analysis',
    description:
      'Ordered conversion funnel over behaviour events (default visit → view → cart → checkout → purchase): users at each ' +
      'step, step and overall conversion, and the biggest drop-off, optionally split by channel, country or month. A user ' +
      'counts for a step only if it happens at or after the previous step and within windowDays of their first step; users ' +
      'are customers, or sessions for events without a customer.',
    input: inputSchema(clock),
    output,
    async run(args: Args) {
      const today = clock.today();
      const groups = await readOnly(db, (q) => countUsers(q, args, today));
      const totals = args.steps.map((_, i) => groups.reduce((s, g) => s + (g.users[i] ?? 0), 0));
      const steps = funnelSteps(args.steps, totals);
      const splits = args.splitBy
        ? groups
            .sort((a, b) => (b.users[0] ?? 0) - (a.users[0] ?? 0) || a.value.localeCompare(b.value))
            .slice(0, Math.min(args.maxSplits, MAX_ROWS))
            .map((g) => {
              const s = funnelSteps(args.steps, g.users);
              return { value: g.value, steps: s, biggestDropOff: biggestDropOff(s) };
            })
        : null;
      return {
        steps,
        biggestDropOff: biggestDropOff(steps),
        splits,
        meta: buildMeta('funnel_analysis', args, {
          window: { from: args.from, to: args.to },
          rowCounts: { users: totals[0] ?? 0, splitValues: args.splitBy ? groups.length : 0, splitsReturned: splits?.length ?? 0 },
          metrics: ['conversion_rate'],
          asOf: today,
        }),
      } satisfies Output;
    },
  });
