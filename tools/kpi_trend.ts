import { z } from 'zod';
import type { Queryable } from '../server/db/index.ts';
import { AppError } from '../server/errors.ts';
import { addDays } from './lib/clock.ts';
import type { MetricName } from './lib/glossary.ts';
import { buildMeta, metaSchema } from './lib/meta.ts';
import { aggregateKpi, kpiSource, type Agg, type AggParts } from './lib/kpi_sql.ts';
import { lostAggregate, lostCalendar } from './lib/kpi_lost.ts';
import { checkTag, tierScope } from './lib/kpi_filters.ts';
import { churnByPeriod, churnOf, churnSchema, lostCoverage, lostCoverageSchema, type LostCoverage } from './lib/kpi_churn.ts';
import { adjacentWindow, periodStart, previousWindow, shiftPeriods, STEP, yearAgoWindow } from './lib/kpi_common.ts';
import { MAX_ROWS, readOnly } from './lib/readonly.ts';
import { rollupsFresh } from '../server/db/rollups.ts';
import { RFM_TIERS } from './lib/rfm.ts';
import { rfmTierList } from './lib/segments/filter.ts';
import { defineTool, type ToolFactory } from './types.ts';

const METRICS = ['revenue', 'orders', 'customers', 'new_customers', 'lost_customers', 'aov', 'repeat_rate', 'revenue_per_customer', 'returns', 'return_rate'] as const;
const GRAINS = ['day', 'week', 'month', 'quarter', 'year'] as const;
const DIMENSIONS = ['country', 'channel', 'category', 'product'] as const;
type Metric = (typeof METRICS)[number];
type Grain = (typeof GRAINS)[number];
type Dimension = (typeof DIMENSIONS)[number];

/** SQL text per grain (date_trunc weeks start on Monday, ISO 8601); `periods` = default window length. */
const GRAIN: Record<Grain, { trunc: string; periods: number }> = {
  day: { trunc: 'day', periods: 30 },
  week: { trunc: 'week', periods: 13 },
  month: { trunc: 'month', periods: 12 },
  quarter: { trunc: 'quarter', periods: 8 },
  year: { trunc: 'year', periods: 5 },
};
/** Ratios: a period without orders/customers has no value (reported as 0, skipped for best/worst, groups ranked by base). */
const RATIOS: ReadonlySet<Metric> = new Set(['aov', 'repeat_rate', 'revenue_per_customer', 'return_rate']);
const DEFINITIONS: Record<Metric, MetricName[]> = {
  revenue: ['revenue'], orders: ['orders'], customers: ['customers'], new_customers: ['new_customers'], lost_customers: ['lost_customers', 'churn_rate'],
  aov: ['aov', 'revenue', 'orders'], repeat_rate: ['repeat_rate', 'customers'],
  revenue_per_customer: ['revenue_per_customer', 'revenue', 'customers'], returns: ['returns'], return_rate: ['return_rate', 'returns', 'orders'],
};

const isoDate = z.iso.date();
const input = z
  .object({
    metric: z
      .enum(METRICS)
      .describe('metric (docs/metrics.md); with filters or groupBy, new_customers counts customers whose first order matches them; lost_customers = customers who ordered in the period before and not in this one'),
    grain: z.enum(GRAINS).default('month').describe('period length; weeks start on Monday (ISO), all days are UTC'),
    from: isoDate.optional().describe(
      'first day (inclusive); default: start of the window of 30 days / 13 weeks / 12 months / 8 quarters / 5 years (by grain) ending at `to`',
    ),
    to: isoDate.optional().describe('last day (inclusive); default: last day of the last complete period before today'),
    filters: z
      .object({
        country: z.string().min(1).optional().describe('order country (customer country when the order has none)'),
        channel: z.string().min(1).optional().describe('order channel'),
        category: z.string().min(1).optional().describe('orders with a line in this category; revenue counts only those lines'),
        tag: z.string().min(1).optional().describe('only customers with this tag (guest orders drop out)'),
        rfmTier: rfmTierList
          .transform((t) => (Array.isArray(t) ? t : [t]))
          .optional()
          .describe(`only customers now in these RFM tiers, scored on all orders to date (guest orders drop out): ${RFM_TIERS.join(', ')}`),
        customerType: z
          .enum(['new', 'returning'])
          .optional()
          .describe('new = only customers whose first order ever falls in the window (each period of the series: in that period; the previous window: in that one); returning = first order before it; guest orders drop out'),
      })
      .strict()
      .default({})
      .describe('restrict to matching orders; valid values: describe_data'),
    groupBy: z.enum(DIMENSIONS).optional().describe('one series per value of this dimension (top values by window total); product = the order lines\' product name (else code): revenue counts that product\'s lines, an order counts once for each product in it'),
    top: z.number().int().min(1).max(20).default(10).describe('with groupBy: how many values get a series (at most 20)'),
    compareWith: z
      .enum(['previous', 'year_ago'])
      .default('previous')
      .describe('what the window is compared with (`previous` of the output): the period before (previous), or the same days a year earlier (year_ago: "year over year", "compared to last year", 同比); lost_customers: previous only'),
    rankGroupsBy: z
      .enum(['value', 'change'])
      .default('value')
      .describe('with groupBy: which values get a series — the largest window totals (value), or the largest changes against the previous window, rises and falls alike (change; values with activity only in the previous window count too) — for "why did revenue drop?"'),
  })
  .strict()
  .refine((a) => !a.from || !a.to || a.from <= a.to, { path: ['from'], message: 'from must be on or before to' })
  .describe('a metric over time');

/** Metrics whose value for a group of customers is a part of the value for everyone (a share of it means something). */
const PARTS = ['revenue', 'orders', 'returns', 'customers'] as const;
/** Filters that pick a group of customers (the rest of the filters pick orders). */
const GROUP_FILTERS = ['rfmTier', 'customerType', 'tag'] as const;

const point = z.object({
  period: z.string().describe('first day of the period'),
  value: z.number().describe('metric value'),
  change: z.number().nullable().describe('value − the value of the point before (month over month at grain month); null for the first point, and for a ratio when either period has no orders or customers'),
  changePct: z.number().nullable().describe('change ÷ the value of the point before; null for the first point or when that value is 0'),
  churn: churnSchema.optional().describe('lost_customers only: the period’s churn rate, its lost customers ÷ the customers who ordered in the period before (null when nobody did)'),
});
const series = z.object({
  group: z.string().nullable().describe('value of the groupBy dimension ("(none)" = missing); null for all matching orders'),
  total: z.number().describe('metric over the whole window (ratios and distinct counts are not sums of the periods)'),
  points: z.array(point).describe('one point per period, oldest first; periods without data have 0'),
  previous: z
    .object({
      from: z.string().describe('first day of the previous window'),
      to: z.string().describe('last day of the previous window'),
      value: z.number().describe('metric over the previous window'),
      change: z.number().describe('total − previous value'),
      changePct: z.number().nullable().describe('change ÷ previous value; null when the previous value is 0'),
    })
    .describe('the window compared with (compareWith): the same days a year earlier (year_ago); else the same number of periods before (whole periods); for a period to date (this month, this year…) the same part of the period before (the same days of last month, last year to the same date); otherwise the same number of days just before. lost_customers: always the adjacent window of equal length'),
  churn: churnSchema.describe('lost_customers only, for the window total: the churn rate; null otherwise, or when nobody ordered in the previous window'),
  best: point.nullable().describe('period with the highest value (ratios: among periods with data; lost_customers: among periods not understated)'),
  worst: point.nullable().describe('period with the lowest value (ratios: among periods with data; lost_customers: among periods not understated)'),
});
const output = z.object({
  metric: z.enum(METRICS).describe('metric'),
  grain: z.enum(GRAINS).describe('period length'),
  window: z.object({ from: z.string().describe('first day'), to: z.string().describe('last day') }).describe('window used'),
  partialPeriods: z.array(z.string()).describe('periods the window covers only in part (their values are for the covered days)'),
  overall: series.describe('the metric for all matching orders'),
  groups: z.array(series).nullable().describe('with groupBy: one series per top value; null otherwise'),
  otherGroups: z.number().describe('with groupBy: values beyond the top N (no series); category and product groups overlap'),
  ofAll: z
    .object({
      total: z.number().describe('the metric over the same window and the other filters, for all orders (any customer or guest)'),
      share: z.number().describe('overall.total ÷ total (0..1)'),
    })
    .nullable()
    .describe(`with a customer-group filter (rfmTier, customerType, tag) and a metric that adds up (${PARTS.join(', ')}): what the group is part of; null otherwise`),
  lostCoverage: lostCoverageSchema,
  note: z.string().nullable().describe('hint when nothing matched'),
  meta: metaSchema,
});
type Args = z.output<typeof input>;
type Series = z.input<typeof series>;
type Output = z.input<typeof output>;

// ---- calendar arithmetic on YYYY-MM-DD (UTC): shiftPeriods and periodStart in kpi_common.ts ----
function resolveWindow(args: Args, today: string): { from: string; to: string } {
  const to = args.to ?? addDays(periodStart(today, args.grain), -1);
  const from = args.from ?? shiftPeriods(periodStart(to, args.grain), args.grain, -(GRAIN[args.grain].periods - 1));
  if (from > to) throw new AppError('invalid_argument', `invalid arguments for kpi_trend: from: ${from} is after to (${to}${args.to ? '' : ', the default'})`);
  return { from, to };
}

const money = (x: number) => Math.round(x * 100) / 100;
const rate = (x: number) => Math.round(x * 10_000) / 10_000;
const ROUND: Record<Metric, (x: number) => number> = {
  revenue: money, orders: Math.round, customers: Math.round, new_customers: Math.round, lost_customers: Math.round, aov: money, repeat_rate: rate,
  revenue_per_customer: money, returns: Math.round, return_rate: rate,
};

/** The metric from the base counts, and its base (orders or customers behind it). */
function valueOf(metric: Metric, a: Agg | undefined): { value: number; base: number } {
  if (!a) return { value: 0, base: 0 };
  const ratio = (num: number, den: number) => (den ? num / den : 0);
  const v: Record<Metric, [number, number]> = {
    revenue: [a.revenue, a.orders], orders: [a.orders, a.orders], returns: [a.orders, a.orders],
    customers: [a.customers, a.customers], new_customers: [a.new_customers, a.customers], lost_customers: [a.lost ?? 0, a.customers],
    aov: [ratio(a.revenue, a.orders), a.orders], repeat_rate: [ratio(a.repeaters, a.customers), a.customers],
    revenue_per_customer: [ratio(a.identified_revenue, a.customers), a.customers], return_rate: [ratio(a.returns ?? 0, a.orders), a.orders],
  };
  const [value, base] = v[metric];
  return { value: ROUND[metric](value), base };
}

/**
 * A breakdown's values in ranking order: by window total (ratios by their base), or by the size of the change against
 * the previous window, over the values active in either window (a value that stopped is a change too).
 */
function rankGroups(metric: Metric, g: AggParts, by: 'value' | 'change'): string[] {
  const key = (a: Agg | undefined) => (RATIOS.has(metric) ? valueOf(metric, a).base : valueOf(metric, a).value);
  if (by === 'value') return [...g.total].sort((a, b) => key(b) - key(a) || a.grp.localeCompare(b.grp)).map((a) => a.grp);
  const [now, before] = [new Map(g.total.map((a) => [a.grp, a])), new Map(g.prev.map((a) => [a.grp, a]))];
  const change = (grp: string) => Math.abs(valueOf(metric, now.get(grp)).value - valueOf(metric, before.get(grp)).value);
  return [...new Set([...now.keys(), ...before.keys()])].sort((a, b) => change(b) - change(a) || a.localeCompare(b));
}

/** lost_customers' extras for a series: the period before the window (first churn base) and the understated periods. */
interface LostExtras { prior: string; coverage: LostCoverage }

function buildSeries(
  metric: Metric, group: string | null, periods: string[], rows: Agg[], total: Agg | undefined, prev: Agg | undefined,
  prevWindow: { from: string; to: string }, lost?: LostExtras,
): Series {
  const byPeriod = new Map(rows.map((r) => [r.bucket, r]));
  const churn = lost ? churnByPeriod(periods, rows, lost.prior) : undefined;
  const change = (now: number, before: number) => ({ change: ROUND[metric](now - before), changePct: before ? rate((now - before) / before) : null });
  const points = periods.map((period, i) => ({ period, ...valueOf(metric, byPeriod.get(period)), ...(churn ? { churn: churn[i] } : {}) }));
  // (a ratio of a period without orders or customers has no value: no change to or from it)
  const comparable = (i: number) => i > 0 && (!RATIOS.has(metric) || (points[i]!.base > 0 && points[i - 1]!.base > 0));
  const shown = points.map(({ base: _base, ...pt }, i) => ({ ...pt, ...(comparable(i) ? change(pt.value, points[i - 1]!.value) : { change: null, changePct: null }) }));
  const understated = new Set(lost?.coverage?.periods);
  const ranked = points.filter((pt) => (!RATIOS.has(metric) || pt.base > 0) && !understated.has(pt.period));
  const pick = (better: (a: number, b: number) => boolean) =>
    ranked.reduce<(typeof points)[number] | null>((acc, pt) => (acc === null || better(pt.value, acc.value) ? pt : acc), null);
  const [best, worst] = [pick((a, b) => a > b), pick((a, b) => a < b)];
  const now = valueOf(metric, total).value;
  const before = valueOf(metric, prev).value;
  return {
    group,
    total: now,
    points: shown,
    previous: { ...prevWindow, value: before, ...change(now, before) },
    // lost customers are some of the previous window's customers (kpi_lost.ts): their share of them is the churn rate
    churn: metric === 'lost_customers' ? churnOf(now, prev?.customers ?? 0) : null,
    best: best && shown[points.indexOf(best)]!,
    worst: worst && shown[points.indexOf(worst)]!,
  };
}

/** With a customer-group filter and a metric that adds up: the same metric without the group filters, and the share. */
async function groupShare(args: Args, part: number, totalWith: (filters: Args['filters']) => Promise<number>): Promise<Output['ofAll']> {
  if (!(PARTS as readonly string[]).includes(args.metric) || !GROUP_FILTERS.some((f) => args.filters[f] !== undefined)) return null;
  const others = Object.fromEntries(Object.entries(args.filters).filter(([k]) => !(GROUP_FILTERS as readonly string[]).includes(k))) as Args['filters'];
  const total = await totalWith(others);
  return { total, share: total > 0 ? rate(part / total) : 0 };
}

async function periodsOf(q: Queryable, grain: Grain, w: { from: string; to: string }): Promise<string[]> {
  const g = GRAIN[grain];
  const { rows } = await q.query<{ period: string }>(
    `SELECT gs::date AS period
       FROM generate_series(date_trunc('${g.trunc}', $1::date::timestamp), $2::date::timestamp, interval '${STEP[grain]}') gs
      LIMIT $3`,
    [w.from, w.to, MAX_ROWS + 1],
  );
  return rows.map((r) => r.period);
}

export const kpiTrend: ToolFactory = ({ db, clock }) =>
  defineTool({
    name: 'kpi_trend',
    description:
      'A KPI over time: revenue, orders, customers, new_customers, lost_customers (ordered in the period before, not in this one), aov, ' +
      'repeat_rate, revenue_per_customer, returns or return_rate (returns ÷ orders) ' +
      '(definitions in docs/metrics.md) per day/week/month/quarter/year, with the window total, the change vs the ' +
      'previous window (of equal length; a period to date such as this month or this year against the same part of the period before) or, with compareWith year_ago, vs the same days a year earlier, each period’s change vs the one before (month over month), and the best and worst period. Optional filters (country, channel, category, ' +
      'tag, RFM tier, new or returning customers) and groupBy (country, channel, category, product: one series per top value). A category filter keeps orders with ' +
      'a line in that category and counts only those lines as revenue.',
    input,
    output,
    async run(raw) {
      const window = resolveWindow(raw, clock.today());
      const args = { ...raw, ...window };
      return readOnly(db, async (q) => {
        if (args.filters.tag !== undefined) await checkTag(q, args.filters.tag);
        const periods = await periodsOf(q, args.grain, window);
        const seriesCount = args.groupBy ? args.top : 1;
        if (periods.length * seriesCount > MAX_ROWS) {
          const count = periods.length > MAX_ROWS ? `more than ${MAX_ROWS}` : String(periods.length);
          throw new AppError('invalid_argument', `invalid arguments for kpi_trend: grain: ${count} periods × ${seriesCount} ` +
            `series is over ${MAX_ROWS} points; use a coarser grain, a shorter window or a smaller top`);
        }
        // The aggregates read the window and the adjacent one before it in one statement; a period to date is compared
        // like for like (previousWindow), whose totals a second statement reads. Lost customers always compare adjacent
        // windows (lost = in the one before, not in this one).
        const prevWindow = adjacentWindow(window, args.grain, periods.length);
        if (args.compareWith === 'year_ago' && args.metric === 'lost_customers') {
          throw new AppError('invalid_argument', 'invalid arguments for kpi_trend: compareWith: year_ago is not available for lost_customers (lost = in the window just before, not in this one)');
        }
        const compared = args.compareWith === 'year_ago' ? yearAgoWindow(window)
          : args.metric === 'lost_customers' ? prevWindow : previousWindow(window, args.grain, periods.length);
        const likeForLike = compared.from !== prevWindow.from || compared.to !== prevWindow.to;
        const fresh = await rollupsFresh(q);
        const rfm = args.filters.rfmTier ? await tierScope(q, clock.today()) : undefined;
        const calendar = args.metric === 'lost_customers' ? lostCalendar(window, prevWindow, args.grain, periods.length) : undefined;
        // Window periods, window total and previous window in one statement, from the cheapest exact source.
        const run3 = async (groupBy?: Dimension): Promise<AggParts> => {
          const scope = { metric: args.metric, grain: args.grain, filters: args.filters, groupBy, window, prev: prevWindow, rfm };
          if (calendar) return lostAggregate(q, scope, calendar, fresh);
          const parts = await aggregateKpi(q, scope, kpiSource(scope, fresh));
          if (!likeForLike) return parts;
          const then = { ...scope, window: compared, prev: adjacentWindow(compared, args.grain, periods.length) };
          return { ...parts, prev: (await aggregateKpi(q, then, kpiSource(then, fresh))).total };
        };
        const all = await run3();
        const coverage = calendar ? await lostCoverage(q, args.grain, periods, prevWindow, calendar) : null;
        const lost = calendar ? { prior: calendar.prior, coverage } : undefined;
        const overall = buildSeries(args.metric, null, periods, all.byPeriod, all.total[0], all.prev[0], compared, lost);
        let groups: Series[] | null = null;
        let otherGroups = 0;
        if (args.groupBy) {
          const g = await run3(args.groupBy);
          const ranked = rankGroups(args.metric, g, args.rankGroupsBy);
          otherGroups = Math.max(0, ranked.length - args.top);
          groups = ranked.slice(0, args.top).map((grp) =>
            buildSeries(args.metric, grp, periods, g.byPeriod.filter((r) => r.grp === grp), g.total.find((r) => r.grp === grp), g.prev.find((r) => r.grp === grp), compared, lost),
          );
        }
        // a group of customers' part of everyone's value in the same window (the other filters kept)
        const ofAll = await groupShare(args, overall.total, async (filters) => {
          const scope = { metric: args.metric, grain: args.grain, filters, groupBy: undefined, window, prev: prevWindow, rfm: undefined };
          return valueOf(args.metric, (await aggregateKpi(q, scope, kpiSource(scope, fresh))).total[0]).value;
        });
        const rowsInWindow = all.total[0]?.orders ?? 0;
        // lost customers are counted where nobody ordered: only "nothing matched" when nobody ordered before either
        const nothing = !rowsInWindow && (args.metric !== 'lost_customers' || (overall.total === 0 && overall.points.every((pt) => pt.value === 0)));
        return {
          metric: args.metric,
          grain: args.grain,
          window,
          partialPeriods: periods.filter((p) => p < window.from || addDays(shiftPeriods(p, args.grain, 1), -1) > window.to),
          overall,
          groups,
          otherGroups,
          ofAll,
          lostCoverage: coverage,
          note: nothing ? `no ${args.metric === 'returns' ? 'returns' : 'orders'} match the window and filters; valid filter values: describe_data` : null,
          meta: buildMeta('kpi_trend', args, {
            window,
            rowCounts: { periods: periods.length, [args.metric === 'returns' ? 'returns' : 'orders']: rowsInWindow, groups: groups?.length ?? 0 },
            metrics: DEFINITIONS[args.metric],
            asOf: clock.today(),
          }),
        };
      });
    },
  });
