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

/** What a group's persona is computed from: its size, sums, and customers per value of each dimension. */
export interface GroupCounts {
  n: number;
  revenue: number;
  orders: number;
  recencySum: number;
  tenureSum: number;
  values: Record<Dimension, Map<string | null, number>>;
}
const emptyCounts = (): GroupCounts => ({
  n: 0, revenue: 0, orders: 0, recencySum: 0, tenureSum: 0, values: { countries: new Map(), mainChannels: new Map(), mainCategories: new Map(), tags: new Map() },
});

/** The columns a persona reads from a population row (compile.ts column names; `tags` = the customer's tag names). */
export interface PersonaRow {
  revenue: number;
  orders: number;
  recency_days: number;
  tenure_days: number;
  country: string | null;
  main_channel: string | null;
  main_category: string | null;
  tags: readonly string[] | null;
}

/** Counts per group of rows already in memory (`groupOf[i]` = group of rows[i]), e.g. customers just clustered. */
export function countGroups(rows: readonly PersonaRow[], groupOf: readonly number[]): Map<number, GroupCounts> {
  const counts = new Map<number, GroupCounts>();
  const add = (m: Map<string | null, number>, v: string | null) => m.set(v, (m.get(v) ?? 0) + 1);
  rows.forEach((r, i) => {
    let g = counts.get(groupOf[i]!);
    if (!g) counts.set(groupOf[i]!, (g = emptyCounts()));
    g.n++;
    g.revenue += r.revenue;
    g.orders += r.orders;
    g.recencySum += r.recency_days;
    g.tenureSum += r.tenure_days;
    add(g.values.countries, r.country);
    add(g.values.mainChannels, r.main_channel);
    add(g.values.mainCategories, r.main_category);
    for (const t of r.tags ?? []) add(g.values.tags, t);
  });
  return counts;
}

/**
 * Size, revenue and persona of each of `groups` (empty groups included) from the counts of every group of the
 * population; the population's totals are the sums over all of them. `top` = values per dimension, most customers
 * first (ties: by value in JavaScript string order — UTF-16 code units, not the database collation — unknown last).
 */
export function personasFromCounts(counts: ReadonlyMap<number, GroupCounts>, groups: readonly number[], top: number): GroupProfiles {
  const overall = emptyCounts();
  for (const g of counts.values()) {
    overall.n += g.n;
    overall.revenue += g.revenue;
    overall.orders += g.orders;
    overall.recencySum += g.recencySum;
    overall.tenureSum += g.tenureSum;
    for (const dim of DIMENSIONS) for (const [v, n] of g.values[dim]) overall.values[dim].set(v, (overall.values[dim].get(v) ?? 0) + n);
  }
  const result = new Map<number, GroupProfile>();
  for (const grp of groups) {
    const g = counts.get(grp) ?? emptyCounts();
    const persona = { ...topValues(g, overall, top), ...behaviour(g, overall) };
    result.set(grp, { customers: g.n, revenue: g.revenue, persona });
  }
  return { groups: result, overall: { customers: overall.n, revenue: overall.revenue } };
}

function topValues(g: GroupCounts, overall: GroupCounts, top: number): Pick<Persona, Dimension> {
  const byCount = (a: [string | null, number], b: [string | null, number]) =>
    b[1] - a[1] || (a[0] === b[0] ? 0 : a[0] === null ? 1 : b[0] === null ? -1 : a[0] < b[0] ? -1 : 1);
  const ranked = (dim: Dimension) =>
    [...g.values[dim]].sort(byCount).slice(0, top).map(([value, n]) => {
      const share = n / g.n;
      const shareOverall = (overall.values[dim].get(value) ?? 0) / overall.n;
      return { value, customers: n, share: rate(share), shareOverall: rate(shareOverall), lift: shareOverall > 0 ? round(share / shareOverall, 2) : null };
    });
  return { countries: ranked('countries'), mainChannels: ranked('mainChannels'), mainCategories: ranked('mainCategories'), tags: ranked('tags') };
}

/**
 * GROUPING(grp, country, main_channel, main_category) of each grouping set below: a bit is 1 for a column the set
 * does not group by (PostgreSQL's GROUPING(), most significant bit first).
 */
const SET_ID = { countries: 0b0011, mainChannels: 0b0101, mainCategories: 0b0110, group: 0b0111 } as const;

interface CountRow { kind: 'dim' | 'group' | 'sample'; grp: number; dim: Dimension | null; value: string | null; n: number;
  revenue: number | null; orders: number | null; recency: number | null; tenure: number | null; item: unknown }

/**
 * `populationSql` returns one row per customer with the compiled segment columns (compile.ts) plus `grp` (int).
 * Returns size, revenue and persona of each of `groups` (personasFromCounts), and the population's totals.
 * With `sample`, also the first `limit` members of group `grp` by revenue (rows of the population plus their tags),
 * so a profile needs no second evaluation of the filter.
 * One statement: the population (a segment filter, possibly with RFM scores inside) is computed once, MATERIALIZED,
 * and read three times: one pass of grouping sets for the dimension counts and the group sums, the tags join, and
 * the sample.
 */
export async function personasByGroup(
  q: Queryable,
  population: { sql: string; params: readonly unknown[] },
  groups: readonly number[],
  top: number,
  sample?: { grp: number; limit: number },
): Promise<GroupProfiles & { sample: Record<string, unknown>[] }> {
  const { sql: populationSql, params } = population;
  const sampleGrp = `$${params.length + 1}::int`;
  const sampleLimit = `$${params.length + 2}::int`;
  // ~100k population rows of ~150 bytes: with the default 4 MB the materialized CTE spilled to a temp file that
  // every pass then read back.
  await q.exec(`SET LOCAL work_mem = '64MB'`);
  const { rows } = await q.query<CountRow>(
    `WITH p AS MATERIALIZED (${populationSql}),
     g AS (
       SELECT grp, country, main_channel, main_category, GROUPING(grp, country, main_channel, main_category) AS set_id,
              count(*) AS n, sum(revenue) AS revenue, sum(orders) AS orders,
              sum(recency_days)::float8 AS recency, sum(tenure_days)::float8 AS tenure
         FROM p GROUP BY GROUPING SETS ((grp, country), (grp, main_channel), (grp, main_category), (grp))),
     sampled AS (
       SELECT top.*, c.name, c.email, coalesce((SELECT json_agg(t.name ORDER BY t.name) FROM customer_tags ct JOIN tags t ON t.id = ct.tag_id
                              WHERE ct.customer_id = top.customer_id), '[]'::json) AS tags
         FROM (SELECT * FROM p WHERE p.grp = ${sampleGrp} ORDER BY p.revenue DESC, p.customer_id LIMIT ${sampleLimit}) top
         JOIN customers c ON c.id = top.customer_id)
     SELECT CASE WHEN set_id = ${SET_ID.group} THEN 'group' ELSE 'dim' END AS kind, grp,
            CASE set_id WHEN ${SET_ID.countries} THEN 'countries' WHEN ${SET_ID.mainChannels} THEN 'mainChannels'
                 WHEN ${SET_ID.mainCategories} THEN 'mainCategories' END AS dim,
            CASE set_id WHEN ${SET_ID.countries} THEN country WHEN ${SET_ID.mainChannels} THEN main_channel
                 ELSE main_category END AS value,
            n, revenue, orders, recency, tenure, NULL::bigint AS seq, NULL::json AS item
       FROM g
     UNION ALL
     SELECT 'dim', x.grp, 'tags', t.name, x.n, NULL, NULL, NULL, NULL, NULL, NULL
       FROM (SELECT p.grp, ct.tag_id, count(*) AS n FROM p JOIN customer_tags ct ON ct.customer_id = p.customer_id GROUP BY p.grp, ct.tag_id) x
       JOIN tags t ON t.id = x.tag_id
     UNION ALL
     SELECT 'sample', grp, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
            row_number() OVER (ORDER BY revenue DESC, customer_id), row_to_json(sampled) FROM sampled
     ORDER BY 1, 2, 10`,
    [...params, sample?.grp ?? null, sample?.limit ?? 0],
  );
  const counts = new Map<number, GroupCounts>();
  const of = (grp: number) => counts.get(grp) ?? counts.set(grp, emptyCounts()).get(grp)!;
  for (const r of rows) {
    if (r.kind === 'group') Object.assign(of(r.grp), { n: r.n, revenue: r.revenue ?? 0, orders: r.orders ?? 0, recencySum: r.recency ?? 0, tenureSum: r.tenure ?? 0 });
    else if (r.kind === 'dim') of(r.grp).values[r.dim!].set(r.value, r.n);
  }
  const sampleRows = rows.filter((r) => r.kind === 'sample').map((r) => r.item as Record<string, unknown>);
  return { ...personasFromCounts(counts, groups, top), sample: sampleRows };
}

function behaviour(g: GroupCounts, all: GroupCounts): Pick<Persona, 'aov' | 'frequency' | 'recencyDays' | 'tenureDays' | 'revenuePerCustomer'> {
  const per = (num: number, den: number, digits: number) => (!den ? null : round(num / den, digits));
  return {
    aov: { group: per(g.revenue, g.orders, 2), overall: per(all.revenue, all.orders, 2) },
    frequency: { group: per(g.orders, g.n, 2), overall: per(all.orders, all.n, 2) },
    recencyDays: { group: per(g.recencySum, g.n, 1), overall: per(all.recencySum, all.n, 1) },
    tenureDays: { group: per(g.tenureSum, g.n, 1), overall: per(all.tenureSum, all.n, 1) },
    revenuePerCustomer: { group: per(g.revenue, g.n, 2), overall: per(all.revenue, all.n, 2) },
  };
}

export { money, rate, round };
