/**
 * The SQL formulations of funnel_analysis's rule (tools/funnel_analysis.ts has the rule itself). All take the same
 * parameters: $1 steps (type codes, or type names for 'events'), $2 from day, $3 day after `to`, $4 end of scan
 * (exclusive), $5 window days; only the step COUNT and the split shape the SQL, and each returns one row per split
 * value: `split`, n1 … nK (users at each step).
 */

/** SQL for the user key of an event row aliased `e` (customer first, else session). Shared with journey_paths. */
export const EVENT_USER_KEY = `CASE WHEN e.customer_id IS NOT NULL THEN 'c:' || e.customer_id ELSE 's:' || e.session_id END`;
/** 'YYYY-MM-DD' parameter → the UTC instant that day starts, whatever the session time zone. */
export const utcDay = (param: string) => `(${param}::timestamp AT TIME ZONE 'UTC')`;

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
/**
 * Three formulations of the same rule:
 * - `sequences` (the tool's): event_sequences (migration 0016), one row per user with all their events as sorted
 *   (type, time) keys; each step is a binary search (sequenceSql).
 * - `keys`: event_keys (migration 0006), one narrow row per event with an integer user key `actor` (customer id, or
 *   −session number) and an integer type code; one hash join per step (stepJoinSql). The tool uses it for steps
 *   whose type code or days event_sequences cannot encode (SEQUENCE_LIMITS).
 * - `events`: the raw table with a text user key in window layers — the portable SQL DuckDB runs in the bench
 *   (bench/duckdb.ts) and the reference the tests compare both compact paths with (an independent formulation).
 * Steps are bound as type codes ($1 int[]) for the first two, as type names ($1 text[]) for `events`.
 */
export type FunnelSource = 'sequences' | 'keys' | 'events';
export type FunnelSplit = keyof typeof SPLIT_SQL;

export function funnelSql(stepCount: number, split: FunnelSplit, source: FunnelSource = 'events'): string {
  if (source === 'sequences') return sequenceSql(stepCount, split);
  return source === 'keys' ? stepJoinSql(stepCount, split) : windowLayerSql(stepCount, split);
}

/** What event_sequences' keys encode (migration 0016): type codes below 1024, days within 1900–2100 (unclamped). */
export const SEQUENCE_LIMITS = { maxTypeCode: 1023, firstDay: '1900-01-01', lastDay: '2100-01-01' } as const;

const TYPE_UNIT = '9007199254740992'; // 2^53: a key is type_code · 2^53 + m, m = µs since 1970 + 2^52 (< 2^53)
const M_OFFSET = '4503599627370496'; // 2^52
const micros = (day: string) => `((extract(epoch FROM ${utcDay(day)}) * 1000000)::bigint + ${M_OFFSET})`;

/**
 * The tool's SQL over event_sequences. For a user's sorted keys, width_bucket(x, keys) counts the keys ≤ x, so
 * keys[width_bucket(type · 2^53 + m − 1, keys) + 1] is their first key ≥ (type, m): the earliest event of that type
 * at or after time m, or a key of a later type, or NULL. Layer 1 finds the entering event (first step-1 event from
 * `from` on) and keeps users whose entering event is before the day after `to`; layer k finds m(k) from m(k−1).
 * A key of another type gives m(k) ≥ 2^53, past every bound, and each m(k) ≥ m(k−1), so "step k reached" is just
 * m(k) within the window of m1 and before the scan end (the earlier steps then were too). m(k−1) is capped at 2^53
 * before it feeds the next search (LEAST also turns NULL into the cap), which keeps the sum within bigint. Each layer
 * is a subquery behind OFFSET 0: inlined, every m(k) would repeat the whole chain of searches before it.
 */
function sequenceSql(stepCount: number, split: FunnelSplit): string {
  const later = Array.from({ length: stepCount - 1 }, (_, i) => i + 2);
  let layers = `SELECT x.actor, x.channels[x.i1] AS channel, x.keys[x.i1] - x.base1 AS m1, x.keys, ${['m_end', 'w', ...later.map((k) => `base${k}`)].map((c) => `x.${c}`).join(', ')}
      FROM (SELECT s.actor, s.keys, s.channels, b.*, width_bucket(b.base1 + b.m_from - 1, s.keys) + 1 AS i1 FROM event_sequences s, b OFFSET 0) x
     WHERE x.keys[x.i1] < x.base1 + x.m_to OFFSET 0`;
  for (const k of later) {
    layers = `SELECT l.*, l.keys[width_bucket(l.base${k} + least(l.m${k - 1}, ${TYPE_UNIT}) - 1, l.keys) + 1] - l.base${k} AS m${k}
      FROM (${layers}) l OFFSET 0`;
  }
  const splitSql = split === 'month' ? `to_char(to_timestamp((p.m1 - ${M_OFFSET}) / 1e6) AT TIME ZONE 'UTC', 'YYYY-MM')` : SPLIT_SQL[split];
  return `
    WITH b AS (
      SELECT ${micros('$2')} AS m_from, ${micros('$3')} AS m_to, ${micros('$4')} AS m_end, $5::bigint * 86400000000 AS w,
             ${[1, ...later].map((k) => `($1::int[])[${k}]::bigint * ${TYPE_UNIT} AS base${k}`).join(', ')}
    )
    SELECT ${splitSql} AS split, count(*)::int AS n1, ${later.map((k) => `count(*) FILTER (WHERE p.m${k} <= p.m1 + p.w AND p.m${k} < p.m_end)::int AS n${k}`).join(', ')}
      FROM (${layers}) p
      ${split === 'country' ? 'LEFT JOIN customers cu ON cu.id = CASE WHEN p.actor > 0 THEN p.actor END' : ''}
     GROUP BY 1`;
}

/**
 * Over event_keys: the step events of the scan range read once (MATERIALIZED), each user's entering event (first
 * step-1 event in [from, to]; its smallest channel on ties, NULL last), then one hash join per later step with that
 * step's events: t(k) = the earliest step-k event at or after t(k−1) and within the window of t1. Each join touches
 * only the users still in the funnel and the events of one type, where the window layers sorted every event by user
 * and passed over them once per step (a month of the 2M-event bench shop: the statement 1.6× faster, the tool call
 * 1.1–1.4× under load; a year's funnel about the same, its 2M step events dominate either way). The caller disables
 * nested loops: joins of CTEs have no index to use, and a misestimated nested loop over them is quadratic.
 */
function stepJoinSql(stepCount: number, split: FunnelSplit): string {
  const window = `s.t1 + $5::int * interval '1 day'`;
  const later = Array.from({ length: stepCount - 1 }, (_, i) => i + 2);
  const joins = later.map(
    (k) => `s${k} AS (
      SELECT s.u, s.t1, min(e.t) AS t${k} FROM s${k - 1} s
        JOIN ev e ON e.u = s.u AND e.type = ($1::int[])[${k}] AND e.t >= s.t${k - 1} AND e.t <= ${window}
       GROUP BY s.u, s.t1)`,
  );
  return `
    WITH ev AS MATERIALIZED (
      SELECT k.actor AS u, k.type_code AS type, k.occurred_at AS t, k.channel FROM event_keys k
       WHERE k.type_code = ANY($1::int[]) AND k.occurred_at >= ${utcDay('$2')} AND k.occurred_at < ${utcDay('$4')}
    ), s1 AS (
      SELECT DISTINCT ON (u) u, CASE WHEN u > 0 THEN u END AS customer_id, t AS t1, channel FROM ev
       WHERE type = ($1::int[])[1] AND t < ${utcDay('$3')} ORDER BY u, t, channel
    )${joins.map((j) => `, ${j}`).join('')}
    SELECT ${SPLIT_SQL[split]} AS split, count(*)::int AS n1, ${later.map((k) => `count(s${k}.u)::int AS n${k}`).join(', ')}
      FROM s1 p ${later.map((k) => `LEFT JOIN s${k} ON s${k}.u = p.u`).join(' ')}
      ${split === 'country' ? 'LEFT JOIN customers cu ON cu.id = p.customer_id' : ''}
     GROUP BY 1`;
}

/**
 * The reference: window layers over the raw events. l1 adds each user's entering time t1 (first step-1 event in
 * range), l(k) adds t(k) = the earliest step-k event at or after t(k−1) and within the window of t1, as a window
 * aggregate over the user's events; users without t1 are dropped after l1.
 */
function windowLayerSql(stepCount: number, split: FunnelSplit): string {
  const steps = '$1::text[]';
  const later = Array.from({ length: stepCount - 1 }, (_, i) => i + 2);
  const layers = later.map(
    (k) => `l${k} AS (
      SELECT *, min(occurred_at) FILTER (WHERE type = (${steps})[${k}] AND occurred_at >= t${k - 1}
                                           AND occurred_at <= t1 + $5::int * interval '1 day') OVER (PARTITION BY u) AS t${k}
        FROM l${k - 1} WHERE ${k === 2 ? 't1 IS NOT NULL' : 'TRUE'})`,
  );
  const times = ['t1', ...later.map((k) => `t${k}`)];
  return `
    WITH ev AS (
      SELECT ${EVENT_USER_KEY} AS u, e.customer_id, e.type, e.occurred_at, e.properties->>'channel' AS channel FROM events e
       WHERE e.type = ANY(${steps}) AND e.occurred_at >= ${utcDay('$2')} AND e.occurred_at < ${utcDay('$4')}
         AND (e.customer_id IS NOT NULL OR e.session_id IS NOT NULL)
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

