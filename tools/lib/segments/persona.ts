import { z } from 'zod';
import type { Queryable } from '../../../server/db/index.ts';

/**
 * Persona of groups of customers compared with everyone in the population: the most common countries, main
 * channels, main categories and tags (with lift = share in the group ÷ share overall, the usual "index" of
 * marketing profiles: > 1 means over-represented), and average behaviour beside the population's.
 * One implementation for a segment vs all customers (groups 1/0) and for clusters (groups 0..k-1).
 */

export const DIMENSIONS = ['countries', 'mainChannels', 'mainCategories', 'tags'] as const;
type Dimension = (typeof DIMENSIONS)[number];

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
const money = (x: number) => round(x, 2);
const rate = (x: number) => round(x, 4);

const valueShare = z.object({
  value: z.string().nullable().describe('the value (null = unknown)'),
  customers: z.number().describe('customers in the group with this value'),
  share: z.number().describe('share of the group with this value'),
  shareOverall: z.number().describe('share of all customers in the comparison population with this value'),
  lift: z.number().nullable().describe('share ÷ shareOverall (> 1 = over-represented in the group)'),
});
const compared = (what: string) =>
  z.object({ group: z.number().nullable().describe(`${what} in the group`), overall: z.number().nullable().describe(`${what} overall`) }).describe(what);

export const personaSchema = z
  .object({
    countries: z.array(valueShare).describe('most common customer countries'),
    mainChannels: z.array(valueShare).describe('most common main order channels'),
    mainCategories: z.array(valueShare).describe('most common main product categories'),
    tags: z.array(valueShare).describe('most common tags (a customer can have several)'),
    aov: compared('average order value (revenue ÷ orders)'),
    frequency: compared('average orders per customer'),
    recencyDays: compared('average days since last order'),
    tenureDays: compared('average days since first order'),
    revenuePerCustomer: compared('average revenue per customer'),
  })
  .describe('who these customers are, beside the comparison population');
export type Persona = z.infer<typeof personaSchema>;

export interface GroupProfile {
  customers: number;
  revenue: number;
  persona: Persona;
}
export interface GroupProfiles {
  groups: Map<number, GroupProfile>;
  overall: { customers: number; revenue: number };
}

interface DimRow { grp: number; dim: Dimension; value: string | null; n: number; size: number; overall_n: number; total: number }
interface MetricRow { grp: number | null; n: number; revenue: number | null; orders: number | null; recency: number | null; tenure: number | null }
type Row = { kind: 'dim' | 'metric' | 'sample'; item: unknown } & DimRow & MetricRow;

/**
 * GROUPING(grp, country, main_channel, main_category) of each grouping set below: a bit is 1 for a column the set
 * does not group by (PostgreSQL's GROUPING(), most significant bit first).
 */
const SET_ID = { countries: 0b0011, mainChannels: 0b0101, mainCategories: 0b0110, group: 0b0111, overall: 0b1111 } as const;

/**
 * `populationSql` returns one row per customer with the compiled segment columns (compile.ts) plus `grp` (int).
 * Returns size, revenue and persona of each of `groups` (empty groups included), and the population's totals.
 * `top` = values per dimension. With `sample`, also the first `limit` members of group `grp` by revenue (rows of
 * the population plus their tags), so a profile needs no second evaluation of the filter.
 * One statement: the population (a segment filter, possibly with RFM scores inside) is computed once, MATERIALIZED,
 * and read three times: one pass of grouping sets for the dimension counts, group sizes and metrics (three
 * GROUP BYs, a ROLLUP and two counts were six passes), the tags join, and the sample.
 */
export async function personasByGroup(
  q: Queryable,
  population: { sql: string; params: readonly unknown[] },
  groups: readonly number[],
  top: number,
  sample?: { grp: number; limit: number },
): Promise<GroupProfiles & { sample: Record<string, unknown>[] }> {
  const { sql: populationSql, params } = population;
  const topParam = `$${params.length + 1}::int`;
  const sampleGrp = `$${params.length + 2}::int`;
  const sampleLimit = `$${params.length + 3}::int`;
  // ~100k population rows of ~150 bytes: with the default 4 MB the materialized CTE spilled to a temp file that
  // every pass then read back.
  await q.exec(`SET LOCAL work_mem = '64MB'`);
  const { rows } = await q.query<Row>(
    `WITH p AS MATERIALIZED (${populationSql}),
     g AS (
       SELECT grp, country, main_channel, main_category, GROUPING(grp, country, main_channel, main_category) AS set_id,
              count(*) AS n, sum(revenue) AS revenue, sum(orders) AS orders,
              avg(recency_days)::float8 AS recency, avg(tenure_days)::float8 AS tenure
         FROM p GROUP BY GROUPING SETS ((grp, country), (grp, main_channel), (grp, main_category), (grp), ())),
     sizes AS (SELECT grp, n FROM g WHERE set_id = ${SET_ID.group}),
     total AS (SELECT n FROM g WHERE set_id = ${SET_ID.overall}),
     d AS (
       SELECT grp, CASE set_id WHEN ${SET_ID.countries} THEN 'countries' WHEN ${SET_ID.mainChannels} THEN 'mainChannels'
                  ELSE 'mainCategories' END AS dim,
              CASE set_id WHEN ${SET_ID.countries} THEN country WHEN ${SET_ID.mainChannels} THEN main_channel
                  ELSE main_category END AS value, n
         FROM g WHERE set_id IN (${SET_ID.countries}, ${SET_ID.mainChannels}, ${SET_ID.mainCategories})
       UNION ALL SELECT p.grp, 'tags', t.name, count(*) FROM p JOIN customer_tags ct ON ct.customer_id = p.customer_id
                   JOIN tags t ON t.id = ct.tag_id GROUP BY p.grp, t.name),
     overall AS (SELECT dim, value, sum(n) AS n FROM d GROUP BY dim, value),
     ranked AS (SELECT d.*, row_number() OVER (PARTITION BY d.grp, d.dim ORDER BY d.n DESC, d.value NULLS LAST) AS rn FROM d),
     sampled AS (
       SELECT p.*, coalesce((SELECT json_agg(t.name ORDER BY t.name) FROM customer_tags ct JOIN tags t ON t.id = ct.tag_id
                              WHERE ct.customer_id = p.customer_id), '[]'::json) AS tags
         FROM p WHERE p.grp = ${sampleGrp} ORDER BY p.revenue DESC, p.customer_id LIMIT ${sampleLimit})
     SELECT 'dim' AS kind, r.grp, r.dim, r.value, r.n::numeric AS n, s.n AS size, o.n AS overall_n, t.n AS total,
            NULL::numeric AS revenue, NULL::numeric AS orders, NULL::float8 AS recency, NULL::float8 AS tenure,
            r.rn AS seq, NULL::json AS item
       FROM ranked r JOIN sizes s ON s.grp = r.grp
       JOIN overall o ON o.dim = r.dim AND o.value IS NOT DISTINCT FROM r.value CROSS JOIN total t
      WHERE r.rn <= ${topParam}
     UNION ALL
     SELECT 'metric', grp, NULL, NULL, n, NULL, NULL, NULL, revenue, orders, recency, tenure, NULL, NULL
       FROM g WHERE set_id IN (${SET_ID.group}, ${SET_ID.overall})
     UNION ALL
     SELECT 'sample', grp, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
            row_number() OVER (ORDER BY revenue DESC, customer_id), row_to_json(sampled) FROM sampled
     ORDER BY 1, 2, 3, 13`,
    [...params, top, sample?.grp ?? null, sample?.limit ?? 0],
  );
  const metrics = { rows: rows.filter((r) => r.kind === 'metric') };
  const dims = { rows: rows.filter((r) => r.kind === 'dim') };
  const empty = (grp: number | null): MetricRow => ({ grp, n: 0, revenue: null, orders: null, recency: null, tenure: null });
  const overall = metrics.rows.find((r) => r.grp === null) ?? empty(null);
  const result = new Map<number, GroupProfile>();
  for (const grp of groups) {
    const m = metrics.rows.find((r) => r.grp === grp) ?? empty(grp);
    const persona = { countries: [], mainChannels: [], mainCategories: [], tags: [], ...behaviour(m, overall) };
    result.set(grp, { customers: m.n, revenue: m.revenue ?? 0, persona });
  }
  for (const d of dims.rows) {
    const share = d.n / d.size;
    const shareOverall = d.overall_n / d.total;
    result.get(d.grp)?.persona[d.dim].push({
      value: d.value,
      customers: d.n,
      share: rate(share),
      shareOverall: rate(shareOverall),
      lift: shareOverall > 0 ? round(share / shareOverall, 2) : null,
    });
  }
  const sampleRows = rows.filter((r) => r.kind === 'sample').map((r) => r.item as Record<string, unknown>);
  return { groups: result, overall: { customers: overall.n, revenue: overall.revenue ?? 0 }, sample: sampleRows };
}

function behaviour(g: MetricRow, all: MetricRow): Pick<Persona, 'aov' | 'frequency' | 'recencyDays' | 'tenureDays' | 'revenuePerCustomer'> {
  const per = (num: number | null, den: number | null, digits: number) => (num == null || !den ? null : round(num / den, digits));
  return {
    aov: { group: per(g.revenue, g.orders, 2), overall: per(all.revenue, all.orders, 2) },
    frequency: { group: per(g.orders, g.n, 2), overall: per(all.orders, all.n, 2) },
    recencyDays: { group: g.recency == null ? null : round(g.recency, 1), overall: all.recency == null ? null : round(all.recency, 1) },
    tenureDays: { group: g.tenure == null ? null : round(g.tenure, 1), overall: all.tenure == null ? null : round(all.tenure, 1) },
    revenuePerCustomer: { group: per(g.revenue, g.n, 2), overall: per(all.revenue, all.n, 2) },
  };
}

export { money, rate, round };
