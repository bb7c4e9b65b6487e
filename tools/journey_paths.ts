import { z } from 'zod';
import type { Queryable } from '../server/db/index.ts';
import { addDays, type Clock } from './lib/clock.ts';
import { buildMeta, metaSchema } from './lib/meta.ts';
import { MAX_ROWS, readOnly } from './lib/readonly.ts';
import { defineTool, type ToolFactory } from './types.ts';
import { dayRangeShape, eventTypeCodes, fromNotAfterTo } from './funnel_analysis.ts';
import { utcDay } from './lib/funnelSql.ts';

/**
 * Most common event paths leading to a target (path analysis as in GA "path exploration" / Amplitude "journeys"):
 * - users are customers, or sessions for events without a customer (as in funnel_analysis);
 * - mode 'target': for each user whose events in [from, to] include the target type, take the events strictly before
 *   their FIRST target event in the range (ordered by time, then event id), merge consecutive repeats
 *   (view, view, cart → view, cart) and keep the last `depth` types: that is their path;
 * - mode 'churn': for each CUSTOMER with events in the range and no order in the `churnDays` days up to the as-of
 *   date, the last `depth` merged types up to and including their last event in the range (what they did last).
 * Sankey: step1 is the first (oldest) type of a path, then step2 …; every path ends in one node, `target:<type>`
 * (mode target) or `end:churned` (mode churn).
 */

/** Mode → SQL fragments (constants): which events, which anchor (event seq), path rows before it, users kept. */
const MODE_SQL = {
  target: {
    // Only users with a target event in range have a path: their events alone are sorted and windowed (a month's
    // ~7k purchasers' ~35k events instead of all ~240k events of ~50k users).
    scope: `k.actor IN (SELECT t.actor FROM event_keys t WHERE t.type_code = $6::int
                          AND t.occurred_at >= ${utcDay('$1')} AND t.occurred_at < ${utcDay('$2')})`,
    // Target events so far in the user's order (this row included): 0 = the row is before their first target event,
    // which is where the path comes from; 1 on a target row = that first target event.
    progress: `count(*) FILTER (WHERE k.type_code = $6::int) OVER w`,
    before: `progress = 0`,
    users: `(SELECT count(*)::int FROM marked WHERE type = $6::int AND progress = 1)`,
  },
  churn: {
    // Customers without a recent order only (the path ends with their last event in range).
    scope: `k.actor > 0 AND k.actor NOT IN (SELECT o.customer_id FROM orders o WHERE o.kind = 'order' AND o.customer_id IS NOT NULL
                                              AND o.ordered_at >= ${utcDay('$6')} AND o.ordered_at < ${utcDay('$7')})`,
    progress: `0`,
    before: `TRUE`,
    users: `(SELECT count(*)::int FROM paths)`,
  },
} as const;

function inputSchema(clock: Clock) {
  return z
    .object({
      mode: z.enum(['target', 'churn']).default('target').describe('target = paths before the first target event; churn = last steps of customers without a recent order'),
      target: z.string().min(1).max(100).default('purchase').describe('event type the paths lead to (mode target; ignored in mode churn)'),
      depth: z.number().int().min(1).max(6).default(3).describe('path length: the last this many distinct-consecutive event types'),
      ...dayRangeShape(clock),
      churnDays: z.number().int().min(1).max(3650).default(90).describe('mode churn: customers with no order in this many days up to today'),
      limit: z.number().int().min(1).max(100).default(10).describe('number of top paths returned'),
    })
    .strict()
    .refine(...fromNotAfterTo)
    .describe('which users, which window, how long the paths are');
}
type Args = z.output<ReturnType<typeof inputSchema>>;

const output = z.object({
  users: z.number().describe('users with an anchor event (reached the target, or lapsed customers with events)'),
  usersWithoutPath: z.number().describe('of those, users with no earlier event in the range (mode target), so no path'),
  paths: z
    .array(
      z.object({
        path: z.array(z.string()).describe('event types, oldest first'),
        users: z.number().describe('path_count (mode churn: churn_path_count): users whose path this is'),
        share: z.number().describe('users ÷ all users (including those without a path)'),
      }),
    )
    .describe('most common paths, most users first'),
  nodes: z
    .array(z.object({ id: z.string().describe('"step<i>:<type>", or the end node'), step: z.number().describe('position in the path (end node: depth + 1)'), type: z.string().describe('event type or end label'), users: z.number().describe('users passing through') }))
    .describe('Sankey nodes over all paths'),
  edges: z
    .array(z.object({ source: z.string().describe('node id'), target: z.string().describe('node id'), count: z.number().describe('users taking this step') }))
    .describe('Sankey edges over all paths (most users first, capped)'),
  meta: metaSchema,
});
type Output = z.input<typeof output>;

/**
 * One statement, window functions instead of joins (the plan must not depend on table statistics): only the events
 * of users who can have a path (mode target: a target event in range; churn: no recent order), then in each user's
 * event order (time, then event id) take the previous type (lag) and the target events so far, keep the rows before
 * the first target whose type differs from the previous one (repeats merged), number them from the end and take the
 * last $3 as an array, then aggregate top paths, nodes and edges in SQL so that per-user rows never leave the
 * database. Every window shares the one ordering, so the events are sorted once (numbering them first and then
 * ordering by that number made PostgreSQL sort the 240k rows of a month twice). Reads event_keys (migration 0006, as
 * funnel_analysis): integer user key and type code, so the per-user sort and the window passes compare integers;
 * codes become type names only for the at most `depth` kept steps per user, before paths are grouped and ordered
 * (the same text ordering as before).
 * Params: $1 from day, $2 end day (exclusive), $3 depth, $4 limit, $5 end label; then $6 target type code (mode
 * target) or $6/$7 the no-order interval (mode churn), so every bound parameter is used.
 */
function journeySql(mode: keyof typeof MODE_SQL): string {
  const m = MODE_SQL[mode];
  return `
    WITH marked AS (
      SELECT k.actor AS u, k.type_code AS type, k.occurred_at,
             k.event_id, lag(k.type_code) OVER w AS prev, ${m.progress} AS progress
        FROM event_keys k
       WHERE k.occurred_at >= ${utcDay('$1')} AND k.occurred_at < ${utcDay('$2')} AND ${m.scope}
      WINDOW w AS (PARTITION BY k.actor ORDER BY k.occurred_at, k.event_id)
    ), ranked AS (
      SELECT u, type,
             count(*) OVER (PARTITION BY u) - row_number() OVER (PARTITION BY u ORDER BY occurred_at, event_id) + 1 AS back
        FROM marked WHERE ${m.before} AND prev IS DISTINCT FROM type
    ), paths AS (
      SELECT array_agg(t.type ORDER BY r.back DESC) AS path
        FROM ranked r JOIN event_types t ON t.code = r.type WHERE r.back <= $3::int GROUP BY r.u
    ), grouped AS (
      SELECT path, count(*)::int AS n FROM paths GROUP BY path
    ), steps AS (
      SELECT g.n, s.i::int AS i, s.type, cardinality(g.path) AS len, g.path[s.i + 1] AS next
        FROM grouped g, unnest(g.path) WITH ORDINALITY AS s(type, i)
    )
    SELECT ${m.users} AS users,
           (SELECT coalesce(sum(n), 0)::int FROM grouped) AS "withPath",
           (SELECT coalesce(json_agg(t), '[]') FROM (SELECT path, n FROM grouped ORDER BY n DESC, path LIMIT $4::int) t) AS top,
           (SELECT coalesce(json_agg(t), '[]') FROM (
              SELECT 'step' || i || ':' || type AS id, i AS step, type, sum(n)::int AS users FROM steps GROUP BY i, type
              ORDER BY i, users DESC, type LIMIT ${MAX_ROWS}) t) AS nodes,
           (SELECT coalesce(json_agg(t), '[]') FROM (
              SELECT 'step' || i || ':' || type AS source,
                     CASE WHEN i = len THEN $5::text ELSE 'step' || (i + 1) || ':' || next END AS target, sum(n)::int AS count
                FROM steps GROUP BY 1, 2 ORDER BY count DESC, source, target LIMIT ${MAX_ROWS}) t) AS edges`;
}

interface JourneyRow {
  users: number;
  withPath: number;
  top: { path: string[]; n: number }[];
  nodes: { id: string; step: number; type: string; users: number }[];
  edges: { source: string; target: string; count: number }[];
}

async function loadJourneys(q: Queryable, args: Args, today: string, endNode: string) {
  const common = [
    args.from,
    [addDays(args.to, 1), addDays(today, 1)].sort()[0]!, // nothing after the as-of day
    args.depth,
    args.limit,
    endNode,
  ];
  const modeParams = args.mode === 'target' ? await eventTypeCodes(q, [args.target]) : [addDays(today, -args.churnDays), addDays(today, 1)];
  // The month's ~240k events sorted per user: with the default 4 MB the sort spilled to disk.
  await q.exec(`SET LOCAL work_mem = '64MB'`);
  const { rows } = await q.query<JourneyRow>(journeySql(args.mode), [...common, ...modeParams]);
  return rows[0]!;
}

export const journeyPaths: ToolFactory = ({ db, clock }) =>
  defineTool({
    name: 'journey_paths',
    description:
      'Most common paths of event types before a target event (default purchase), e.g. view → cart → purchase: for each ' +
      'customer or session, the last `depth` distinct-consecutive event types before their first target event in the range, ' +
      'with counts and shares, plus Sankey nodes and edges. Mode churn: last steps of customers with no recent order.',
    input: inputSchema(clock),
    output,
    async run(args: Args) {
      const today = clock.today();
      const endNode = args.mode === 'target' ? `target:${args.target}` : 'end:churned';
      const r = await readOnly(db, (q) => loadJourneys(q, args, today, endNode));
      const share = (n: number) => (r.users ? Number((n / r.users).toFixed(4)) : 0);
      const endType = endNode.slice(endNode.indexOf(':') + 1);
      return {
        users: r.users,
        usersWithoutPath: r.users - r.withPath,
        paths: r.top.map((t) => ({ path: t.path, users: t.n, share: share(t.n) })),
        nodes: r.withPath ? [...r.nodes, { id: endNode, step: args.depth + 1, type: endType, users: r.withPath }] : [],
        edges: r.edges,
        meta: buildMeta('journey_paths', args, {
          window: { from: args.from, to: args.to },
          rowCounts: { users: r.users, usersWithPath: r.withPath, paths: r.top.length, edges: r.edges.length },
          metrics: [args.mode === 'target' ? 'path_count' : 'churn_path_count'],
          asOf: today,
        }),
      } satisfies Output;
    },
  });
