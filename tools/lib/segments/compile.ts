import type { Queryable } from '../../../server/db/index.ts';
import { rfmScoresFresh } from '../../../server/db/rfmScores.ts';
import { orderDayGapSql } from '../clv/churnSql.ts';
import { rfmTierMembersSql } from '../rfmCuts.ts';
import { asList, type SegmentFilter } from './filter.ts';

/**
 * Compiles segment filters (filter.ts) to one parameterized SQL query. Values only ever travel as parameters; every
 * identifier comes from the constant maps below, never from the filter. $1 is always the as-of date, which is also
 * what rfmSql() expects, so the RFM subquery can be embedded as is.
 */

/** Where per-customer numbers come from: customer_summary (current) or the orders up to a past as-of date. */
export type SegmentSource = 'summary' | 'orders';

export interface CompiledSegment {
  /** Members only: one row per customer (columns: see MEMBER_COLUMNS). */
  sql: string;
  /** Every customer with orders as of the date, with `in_segment` (boolean): for comparing a segment with everyone. */
  flaggedSql: string;
  params: unknown[];
  source: SegmentSource;
  /** RFM tiers scored from the values and cuts stored at the last summary refresh (customer_rfm) instead of ranked per call. */
  storedRfm: boolean;
}

/** Columns of both queries, for callers that wrap them (`WITH m AS (<sql>) SELECT … FROM m`). */
export const MEMBER_COLUMNS = [
  'customer_id', 'name', 'email', 'country', 'first_day', 'last_day', 'orders', 'order_days', 'revenue', 'aov', 'recency_days',
  'tenure_days', 'avg_gap_days', 'main_channel', 'main_category',
] as const;

const SUMMARY_BASE = `seg_base AS (
  SELECT customer_id, first_order_at, last_order_at, orders, order_days, revenue, avg_gap_days, main_channel, main_category
    FROM customer_summary WHERE first_order_at < $1::date + 1)`;

/** The same columns as customer_summary (server/db/summary.ts), from the orders placed up to the as-of date. */
const ORDERS_BASE = `seg_orders AS (
  SELECT id, customer_id, ordered_at, revenue, channel FROM orders
   WHERE kind = 'order' AND customer_id IS NOT NULL AND ordered_at < $1::date + 1),
seg_cat AS (
  SELECT DISTINCT ON (o.customer_id) o.customer_id, l.category
    FROM seg_orders o JOIN order_lines l ON l.order_id = o.id
   WHERE l.category IS NOT NULL
   GROUP BY o.customer_id, l.category
   ORDER BY o.customer_id, sum(l.amount) DESC, l.category),
seg_base AS (
  SELECT o.customer_id, min(o.ordered_at) AS first_order_at, max(o.ordered_at) AS last_order_at, count(*)::int AS orders,
         count(DISTINCT (o.ordered_at AT TIME ZONE 'UTC')::date)::int AS order_days, sum(o.revenue) AS revenue,
         CASE WHEN count(*) > 1
              THEN (extract(epoch FROM max(o.ordered_at) - min(o.ordered_at)) / 86400.0 / (count(*) - 1))::float8 END AS avg_gap_days,
         mode() WITHIN GROUP (ORDER BY o.channel) AS main_channel, min(seg_cat.category) AS main_category
    FROM seg_orders o LEFT JOIN seg_cat ON seg_cat.customer_id = o.customer_id
   GROUP BY o.customer_id)`;

const DERIVED = `cs AS (
  SELECT b.customer_id, (b.first_order_at AT TIME ZONE 'UTC')::date AS first_day,
         (b.last_order_at AT TIME ZONE 'UTC')::date AS last_day, b.orders, b.order_days, b.revenue,
         b.revenue / nullif(b.orders, 0) AS aov,
         $1::date - (b.last_order_at AT TIME ZONE 'UTC')::date AS recency_days,
         $1::date - (b.first_order_at AT TIME ZONE 'UTC')::date AS tenure_days,
         b.avg_gap_days, b.main_channel, b.main_category
    FROM seg_base b)`;

const SELECT_COLUMNS = `cs.customer_id, c.name, c.email, c.country, cs.first_day, cs.last_day, cs.orders, cs.order_days, cs.revenue, cs.aov,
       cs.recency_days, cs.tenure_days, cs.avg_gap_days, cs.main_channel, cs.main_category`;

const LIST_COLUMNS = { country: 'c.country', mainChannel: 'cs.main_channel', mainCategory: 'cs.main_category' } as const;

const RANGE_COLUMNS = {
  revenue: ['cs.revenue', 'numeric'],
  orders: ['cs.orders', 'int'],
  aov: ['cs.aov', 'numeric'],
  recencyDays: ['cs.recency_days', 'int'],
  tenureDays: ['cs.tenure_days', 'int'],
} as const;

const DATE_BOUNDS = {
  firstOrderFrom: ['cs.first_day', '>='],
  firstOrderTo: ['cs.first_day', '<='],
  lastOrderFrom: ['cs.last_day', '>='],
  lastOrderTo: ['cs.last_day', '<='],
} as const;

const PERCENTILE_COLUMNS = { revenue: 'revenue', orders: 'orders', aov: 'aov' } as const;

/** Collects parameter values and hands out their placeholders; $1 is the as-of date. */
class Params {
  readonly values: unknown[];
  constructor(asOf: string) {
    this.values = [asOf];
  }
  add(value: unknown, cast: string): string {
    this.values.push(value);
    return `$${this.values.length}::${cast}`;
  }
}

function conditionsOf(f: SegmentFilter, p: Params, source: SegmentSource, storedRfm: boolean): string[] {
  if (f.segment !== undefined) throw new Error('saved segment references must be resolved before compiling (resolveSegmentFilter)');
  const out: string[] = [];
  for (const [field, column] of Object.entries(LIST_COLUMNS) as [keyof typeof LIST_COLUMNS, string][]) {
    const values = asList(f[field]);
    if (values.length) out.push(`lower(${column}) = ANY(${p.add(values.map((v) => v.toLowerCase()), 'text[]')})`);
  }
  for (const [field, [column, cast]] of Object.entries(RANGE_COLUMNS) as [keyof typeof RANGE_COLUMNS, readonly [string, string]][]) {
    const r = f[field];
    if (r?.min !== undefined) out.push(`${column} >= ${p.add(r.min, cast)}`);
    if (r?.max !== undefined) out.push(`${column} <= ${p.add(r.max, cast)}`);
  }
  if (f.firstOrderWithinDays !== undefined) out.push(`cs.tenure_days <= ${p.add(f.firstOrderWithinDays, 'int')}`);
  for (const [field, [column, op]] of Object.entries(DATE_BOUNDS) as [keyof typeof DATE_BOUNDS, readonly [string, string]][]) {
    const day = f[field];
    if (day !== undefined) out.push(`${column} ${op} ${p.add(day, 'date')}`);
  }
  const tiers = asList(f.rfmTier);
  if (tiers.length) {
    // The stored values scored under the stored cuts are what rfmSql('summary') ranks for any as-of day on or after
    // the last order (server/db/rfmScores.ts): one scan of a narrow table instead of three window sorts.
    out.push(`cs.customer_id IN (${rfmTierMembersSql(storedRfm ? 'stored' : source, '$1::date', p.add(tiers, 'text[]'))})`);
  }
  if (f.churnRisk) {
    // inactivity_ratio (docs/metrics.md) as churn_risk computes it; the gap is NULL below 2 order days, so are they.
    out.push(`(cs.recency_days / ${orderDayGapSql('cs.first_day', 'cs.last_day', 'cs.order_days')} >= ${p.add(f.churnRisk.minInactivityRatio, 'float8')})`);
  }
  if (f.percentile) out.push(percentileCondition(f.percentile, p));
  if (f.tags) {
    const names = [...new Set(f.tags.map((t) => t.toLowerCase()))];
    out.push(`cs.customer_id IN (SELECT ct.customer_id FROM customer_tags ct JOIN tags t ON t.id = ct.tag_id
       WHERE lower(t.name) = ANY(${p.add(names, 'text[]')}) GROUP BY ct.customer_id
      HAVING count(DISTINCT lower(t.name)) = ${p.add(names.length, 'int')})`);
  }
  return out;
}

/** percentile = share of customers (with orders as of the date) whose value is strictly lower; min ≤ pct < max. */
function percentileCondition(pc: NonNullable<SegmentFilter['percentile']>, p: Params): string {
  const column = PERCENTILE_COLUMNS[pc.metric];
  const bounds = [
    pc.min !== undefined ? `pct >= ${p.add(pc.min, 'float8')}` : null,
    pc.max !== undefined ? `pct < ${p.add(pc.max, 'float8')}` : null,
  ].filter(Boolean);
  return `cs.customer_id IN (SELECT customer_id FROM (
      SELECT customer_id, (rank() OVER (ORDER BY ${column}) - 1)::float8 / count(*) OVER () AS pct FROM cs) ranked
     WHERE ${bounds.join(' AND ')})`;
}

/**
 * Filters (already resolved: no `segment` references, see resolve.ts) → SQL over customer_summary (or orders) JOIN
 * customers. All filters are ANDed; no filters = every customer with orders as of the date.
 */
export function compileSegmentFilter(
  filters: readonly SegmentFilter[], asOf: string, source: SegmentSource = 'summary', storedRfm = false,
): CompiledSegment {
  if (storedRfm && source !== 'summary') throw new Error('stored RFM scores hold for the summary source only');
  const p = new Params(asOf);
  const conditions = filters.flatMap((f) => conditionsOf(f, p, source, storedRfm));
  const where = conditions.length ? conditions.join('\n   AND ') : 'TRUE';
  const head = `WITH ${source === 'summary' ? SUMMARY_BASE : ORDERS_BASE},
${DERIVED}`;
  return {
    sql: `${head}
SELECT ${SELECT_COLUMNS}
  FROM cs JOIN customers c ON c.id = cs.customer_id
 WHERE ${where}`,
    flaggedSql: `${head}
SELECT ${SELECT_COLUMNS}, coalesce((${where}), false) AS in_segment
  FROM cs JOIN customers c ON c.id = cs.customer_id`,
    params: p.values,
    source,
    storedRfm,
  };
}

/**
 * customer_summary holds the latest state: use it when the as-of date is on or after the last order in it, else
 * rebuild the same columns from the orders up to the date (slower, but right for past dates).
 */
export async function chooseSource(q: Queryable, asOf: string): Promise<SegmentSource> {
  const { rows } = await q.query<{ last: string | null }>(
    // The UTC day is monotonic in the instant, so the day of max(last_order_at) is the max day: one index probe.
    `SELECT (max(last_order_at) AT TIME ZONE 'UTC')::date AS last FROM customer_summary`,
  );
  const last = rows[0]?.last;
  return last == null || asOf >= last ? 'summary' : 'orders';
}

/** The source for the date, and whether RFM tiers can come from the stored scores (summary source, scores fresh). */
export async function chooseSources(q: Queryable, asOf: string): Promise<{ source: SegmentSource; storedRfm: boolean }> {
  const source = await chooseSource(q, asOf);
  return { source, storedRfm: source === 'summary' && (await rfmScoresFresh(q)) };
}
