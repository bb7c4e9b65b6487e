import { z } from 'zod';
import type { Queryable } from '../server/db/index.ts';
import { addDays, type Clock } from './lib/clock.ts';
import { buildMeta, metaSchema } from './lib/meta.ts';
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

/** SQL for the user key of an event row aliased `e` (customer first, else session). Shared with journey_paths. */
export const EVENT_USER_KEY = `CASE WHEN e.customer_id IS NOT NULL THEN 'c:' || e.customer_id ELSE 's:' || e.session_id END`;
/** 'YYYY-MM-DD' parameter → the UTC instant that day starts, whatever the session time zone. */
export const utcDay = (param: string) => `(${param}::timestamp AT TIME ZONE 'UTC')`;

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

/**
 * Split dimension → SQL over the per-user row `p` (its entering event's channel, its first-step time) and its
 * customer `cu` (constants; never argument text).
 */
const SPLIT_SQL = {
  none: `'all'`,
  channel: `p.channel`,
  country: `cu.country`,
  month: `to_char(p.t1 AT TIME ZONE 'UTC', 'YYYY-MM')`,
} as const;
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

/**
 * Where the funnel reads its events. `keys` (what the tool runs): event_keys (migration 0006), one narrow row per
 * event with an integer user key `actor` (customer id, or −session number) and an integer type code, kept in step
 * with `events` by triggers; steps are bound as type codes ($1 int[]). `events`: the same question straight from the
 * raw table with a text user key — the portable reference DuckDB runs in the bench (bench/duckdb.ts) and the tests
 * compare with, so the compact path is checked against an independent formulation of the same rule.
 */
const SOURCES = {
  keys: {
    steps: '$1::int[]',
    ev: `SELECT k.actor AS u, CASE WHEN k.actor > 0 THEN k.actor END AS customer_id, k.type_code AS type, k.occurred_at, k.channel
           FROM event_keys k
          WHERE k.type_code = ANY($1::int[]) AND k.occurred_at >= ${utcDay('$2')} AND k.occurred_at < ${utcDay('$4')}`,
  },
  events: {
    steps: '$1::text[]',
    ev: `SELECT ${EVENT_USER_KEY} AS u, e.customer_id, e.type, e.occurred_at, e.properties->>'channel' AS channel FROM events e
          WHERE e.type = ANY($1::text[]) AND e.occurred_at >= ${utcDay('$2')} AND e.occurred_at < ${utcDay('$4')}
            AND (e.customer_id IS NOT NULL OR e.session_id IS NOT NULL)`,
  },
} as const;
export type FunnelSource = keyof typeof SOURCES;

/**
 * Window layers instead of joins: l1 adds each user's entering time t1 (first step-1 event in range), l(k) adds t(k) =
 * the earliest step-k event at or after t(k−1) and within the window of t1, as a window aggregate over the user's
 * events. One sort by user (an integer on event_keys), no self-join, so the plan does not depend on table statistics
 * (with default estimates a per-step self-join became a quadratic nested loop). Only the step COUNT shapes the SQL.
 * Params: $1 steps (type codes for `keys`, type names for `events`), $2 from day, $3 day after `to`, $4 end of scan
 * (exclusive), $5 window days.
 */
export function funnelSql(stepCount: number, split: keyof typeof SPLIT_SQL, source: FunnelSource = 'events'): string {
  const { steps, ev } = SOURCES[source];
  const later = Array.from({ length: stepCount - 1 }, (_, i) => i + 2);
  const layers = later.map(
    (k) => `l${k} AS (
      SELECT *, min(occurred_at) FILTER (WHERE type = (${steps})[${k}] AND occurred_at >= t${k - 1}
                                           AND occurred_at <= t1 + $5::int * interval '1 day') OVER (PARTITION BY u) AS t${k}
        FROM l${k - 1} WHERE ${layerFilter(k, source)})`,
  );
  const times = ['t1', ...later.map((k) => `t${k}`)];
  return `
    WITH ev AS (
      ${ev}
    ), l1 AS (
      SELECT *, min(occurred_at) FILTER (WHERE type = (${steps})[1] AND occurred_at < ${utcDay('$3')}) OVER (PARTITION BY u) AS t1
        FROM ev
    )${layers.map((l) => `, ${l}`).join('')}, users AS (
      SELECT u, min(customer_id) AS customer_id, ${times.map((t) => `min(${t}) AS ${t}`).join(', ')},
             (array_agg(channel ORDER BY channel) FILTER (WHERE type = (${steps})[1] AND occurred_at = t1))[1] AS channel
        FROM l${stepCount} GROUP BY u
    )
    SELECT ${SPLIT_SQL[split]} AS split, ${times.map((t, i) => `count(${t})::int AS n${i + 1}`).join(', ')}
      FROM users p ${split === 'country' ? 'LEFT JOIN customers cu ON cu.id = p.customer_id' : ''}
     GROUP BY 1`;
}

/**
 * Rows layer k still needs. The reference (`events`) only drops users without an entering event. The tool (`keys`)
 * also drops rows no later step can use: step k needs an event at or after t(k−1) (≥ t1) and at most windowDays
 * after t1, so layer 2 keeps [t1, t1 + window] and each later layer the rows at or after t(k−1), plus the rows AT
 * t1 (they carry the entering channel and keep users who stopped early in the count). For a year of events and a
 * 7-day window this leaves the later passes a fraction of the rows (an active customer's first week, not the year).
 * Exact: a dropped row fails the FILTER of every later step anyway (tests compare both sources on random events).
 */
function layerFilter(k: number, source: FunnelSource): string {
  if (source === 'events') return k === 2 ? 't1 IS NOT NULL' : 'TRUE';
  if (k === 2) return `t1 IS NOT NULL AND occurred_at >= t1 AND occurred_at <= t1 + $5::int * interval '1 day'`;
  return `(occurred_at = t1 OR occurred_at >= t${k - 1})`;
}

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
  const { rows } = await q.query<Record<string, number> & { split: string | null }>(
    funnelSql(args.steps.length, args.splitBy ?? 'none', 'keys'),
    [await eventTypeCodes(q, args.steps), args.from, addDays(args.to, 1), scanEnd, args.windowDays],
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
