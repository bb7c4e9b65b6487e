import { z } from 'zod';
import type { Queryable } from '../server/db/index.ts';
import { addDays } from './lib/clock.ts';
import { buildMeta, metaSchema } from './lib/meta.ts';
import { readOnly } from './lib/readonly.ts';
import { cohortCellsFresh } from '../server/db/cohortCells.ts';
import { defineTool, type ToolFactory } from './types.ts';

/**
 * Acquisition cohorts: customers grouped by the calendar month (UTC) of their first order ever, followed month by
 * month. Month k of a cohort is the k-th calendar month after the cohort month (month 0 = the cohort month itself,
 * where every member ordered by definition, so its rate is 1). This is the classic "cohort table" of customer-base
 * analysis (Fader & Hardie, "Customer-Base Analysis with Discrete-Time Transaction Data", 2010; the layout of the
 * Online Retail cohort tutorials): cell = distinct cohort members with an order in that month ÷ cohort size.
 *
 * Source: the cohort_cells rollup (migration 0013, server/db/cohortCells.ts) — cohort sizes and cells pre-summed per
 * cohort month × month × country × main channel at every import — while it is fresh; otherwise the cohort members
 * (customer_summary) joined with their orders. Both give the same numbers (tested after incremental imports).
 */

const MONTH_RE = /^\d{4}-(0[1-9]|1[0-2])$/;
const MAX_COHORTS = 60;
/** Month of the comparison for best/worst cohort (quarter after acquisition), unless fewer months are available. */
const COMPARE_MONTH = 3;

/** Months as integers (year × 12 + month − 1) so month arithmetic is plain subtraction. */
const monthIndex = (yyyyMm: string) => Number(yyyyMm.slice(0, 4)) * 12 + Number(yyyyMm.slice(5, 7)) - 1;
const monthLabel = (index: number) => `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
const monthStart = (index: number) => `${monthLabel(index)}-01`;
const round = (x: number, digits: number) => Number(x.toFixed(digits));

const METRIC_VALUE = {
  customers: 'rate',
  revenue: 'revenuePerCustomer',
} as const;

const monthArg = (what: string) =>
  z.string().regex(MONTH_RE, 'expected a month as YYYY-MM').describe(what);

function inputSchema(today: string) {
  const lastCohort = monthIndex(today.slice(0, 7)) - 1; // "before today": the current, still-filling month is not a default cohort
  return z
    .object({
      from: monthArg('first cohort month YYYY-MM (default: 11 months before `to`)').optional(),
      to: monthArg('last cohort month YYYY-MM (default: the month before the as-of date’s month)').default(monthLabel(lastCohort)),
      maxMonths: z.number().int().min(1).max(36).default(12).describe('follow each cohort for months 0..maxMonths after its first order'),
      filter: z
        .object({
          country: z.string().min(1).optional().describe('only customers of this country (customers.country)'),
          channel: z.string().min(1).optional().describe('only customers whose most frequent order channel is this'),
        })
        .strict()
        .default({})
        .describe('restrict the cohorts to some customers'),
      metric: z
        .enum(['customers', 'revenue'])
        .default('customers')
        .describe('what the average curve and best/worst cohort compare: customers = retention rate, revenue = revenue per cohort customer'),
    })
    .strict()
    .transform((a) => ({ ...a, from: a.from ?? monthLabel(monthIndex(a.to) - 11) }))
    .refine((a) => a.from <= a.to, { message: 'from must not be after to', path: ['from'] })
    .refine((a) => monthIndex(a.to) - monthIndex(a.from) < MAX_COHORTS, { message: `at most ${MAX_COHORTS} cohort months`, path: ['from'] })
    .describe('cohort months and how long to follow them');
}
type Args = z.output<ReturnType<typeof inputSchema>>;

const cell = z.object({
  month: z.number().describe('months since the cohort month (0 = cohort month)'),
  customers: z.number().describe('cohort members with at least one order in that month'),
  rate: z.number().describe('retention_rate: customers ÷ cohort size (month 0 = 1)'),
  revenue: z.number().describe('revenue of the cohort’s orders in that month'),
  revenuePerCustomer: z.number().describe('revenue ÷ cohort size'),
  partial: z.boolean().describe('true if the month is the as-of date’s month, still under way (kept out of average and best/worst)'),
});
const ranked = z
  .object({ cohort: z.string().describe('cohort month YYYY-MM'), size: z.number().describe('cohort size'), value: z.number().describe('the compared value') })
  .nullable();

const output = z.object({
  cohorts: z
    .array(
      z.object({
        cohort: z.string().describe('month of first order, YYYY-MM'),
        size: z.number().describe('customers whose first order ever was in this month'),
        cells: z.array(cell).describe('months 0..maxMonths that have begun by the as-of date; later months are omitted, not zero'),
      }),
    )
    .describe('one row per cohort month that has customers (months without new customers are omitted)'),
  average: z
    .array(
      z.object({
        month: z.number().describe('months since the cohort month'),
        cohorts: z.number().describe('cohorts with this month complete'),
        size: z.number().describe('Σ size of those cohorts'),
        rate: z.number().describe('Σ customers ÷ Σ size: retention weighted by cohort size'),
        revenuePerCustomer: z.number().describe('Σ revenue ÷ Σ size'),
      }),
    )
    .describe('average curve over cohorts, weighted by cohort size, from complete months only'),
  comparison: z
    .object({
      month: z.number().describe(`month compared: ${COMPARE_MONTH}, or the largest complete month if fewer`),
      by: z.enum(['rate', 'revenuePerCustomer']).describe('value compared (from `metric`)'),
      best: ranked.describe('cohort with the highest value'),
      worst: ranked.describe('cohort with the lowest value'),
    })
    .nullable()
    .describe('best and worst cohort, or null when no cohort has a complete month after month 0'),
  meta: metaSchema,
});
type Output = z.input<typeof output>;
type Cohort = Output['cohorts'][number];

interface CellRow {
  cohort: number;
  month: number;
  customers: number;
  revenue: number;
}

/** Bounds are UTC instants built from 'YYYY-MM-DD' strings, so the session time zone never shifts a month. */
const utc = (param: string) => `(${param}::timestamp AT TIME ZONE 'UTC')`;
const MONTH_OF = (col: string, utcInstant = true) => {
  const at = utcInstant ? `${col} AT TIME ZONE 'UTC'` : col; // a timestamptz, or a UTC calendar timestamp already
  return `(extract(year FROM ${at})::int * 12 + extract(month FROM ${at})::int - 1)`;
};

/**
 * Cohort members ($1 ≤ first order < $2, optional country $3 and main channel $4). customers is joined only for a
 * country filter: the join read all 100k customers for nothing otherwise.
 */
const cohortCte = (byCountry: boolean) => `
  WITH c AS (
    SELECT s.customer_id, ${MONTH_OF('s.first_order_at')} AS cohort
      FROM customer_summary s ${byCountry ? 'JOIN customers cu ON cu.id = s.customer_id' : ''}
     WHERE s.first_order_at >= ${utc('$1')} AND s.first_order_at < ${utc('$2')}
       AND ${byCountry ? 'cu.country = $3' : '$3::text IS NULL'} AND ($4::text IS NULL OR s.main_channel = $4)
  )`;

/**
 * Cells from the cohort_cells rollup (migration 0013: customers and revenue per cohort month × month × country × main
 * channel, maintained at every import) instead of joining the cohort members with their orders: a few thousand rows
 * summed, no join. Exact when the rollup is fresh and no order falls between the end of the as-of day and the end of
 * its month (the rollup cannot cut a month at a day); otherwise the cells come from orders.
 */
export async function cellsSource(q: Queryable, today: string): Promise<'cells' | 'orders'> {
  if (!(await cohortCellsFresh(q))) return 'orders';
  const { rows } = await q.query<{ later: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM orders WHERE ordered_at >= ${utc('$1')} AND ordered_at < ${utc('$2')}
                      AND kind = 'order' AND customer_id IS NOT NULL) AS later`,
    [addDays(today, 1), monthStart(monthIndex(today.slice(0, 7)) + 1)],
  );
  return rows[0]?.later ? 'orders' : 'cells';
}

/**
 * Sizes and cells from cohort_cells: cohorts $1 ≤ cohort < $2, months before $3 (after the as-of month nothing is
 * read) and at most $4 months after the cohort, country $5 / main channel $6 when given. Month 0 is the cohort size:
 * every member ordered in their first month.
 */
async function rollupCohorts(q: Queryable, args: Args, today: string, end: string) {
  const { rows } = await q.query<CellRow>(
    `SELECT ${MONTH_OF('cohort::timestamp', false)} AS cohort,
            ${MONTH_OF('month::timestamp', false)} - ${MONTH_OF('cohort::timestamp', false)} AS month,
            sum(customers)::int AS customers, sum(revenue) AS revenue
       FROM cohort_cells
      WHERE cohort >= $1::date AND cohort < $2::date AND month < $3::date
        AND month < cohort + make_interval(months => $4::int + 1)
        AND ($5::text IS NULL OR country = $5) AND ($6::text IS NULL OR channel = $6)
      GROUP BY 1, 2 ORDER BY 1, 2`,
    [monthStart(monthIndex(args.from)), end, monthStart(monthIndex(today.slice(0, 7)) + 1), args.maxMonths,
      args.filter.country ?? null, args.filter.channel ?? null],
  );
  const sizes = rows.filter((r) => r.month === 0).map((r) => ({ cohort: r.cohort, size: r.customers }));
  return { sizes, cells: rows };
}

async function loadCohorts(q: Queryable, args: Args, today: string) {
  const end = [monthStart(monthIndex(args.to) + 1), addDays(today, 1)].sort()[0]!; // no first order after the as-of date
  if ((await cellsSource(q, today)) === 'cells') return rollupCohorts(q, args, today, end);
  const params = [monthStart(monthIndex(args.from)), end, args.filter.country ?? null, args.filter.channel ?? null];
  const cohortSql = cohortCte(args.filter.country !== undefined);
  const sizes = await q.query<{ cohort: number; size: number }>(
    `${cohortSql} SELECT cohort, count(*)::int AS size FROM c GROUP BY cohort ORDER BY cohort`,
    params,
  );
  const lastMonth = monthStart(monthIndex(args.to) + args.maxMonths + 1); // months after maxMonths are not read
  // Orders up to the end of the as-of day only.
  const cells = await q.query<CellRow>(
    `${cohortSql}
     SELECT c.cohort, ${MONTH_OF('o.ordered_at')} - c.cohort AS month,
            count(DISTINCT o.customer_id)::int AS customers, sum(o.revenue) AS revenue
       FROM c JOIN orders o ON o.customer_id = c.customer_id
      WHERE o.kind = 'order' AND o.ordered_at < ${utc('$5')}
        AND o.ordered_at < ${utc('$6')}
      GROUP BY 1, 2 ORDER BY 1, 2`,
    [...params, addDays(today, 1), lastMonth],
  );
  return { sizes: sizes.rows, cells: cells.rows };
}

/** Fill each cohort's months 0..min(maxMonths, months elapsed), with zeros where nobody ordered. */
function buildCohorts(sizes: { cohort: number; size: number }[], rows: CellRow[], maxMonths: number, todayMonth: number): Cohort[] {
  const found = new Map(rows.map((r) => [`${r.cohort}:${r.month}`, r]));
  return sizes.map(({ cohort, size }) => {
    const last = Math.min(maxMonths, todayMonth - cohort);
    const cells = Array.from({ length: Math.max(0, last + 1) }, (_, month) => {
      const r = found.get(`${cohort}:${month}`);
      const customers = r?.customers ?? 0;
      const revenue = Number(r?.revenue ?? 0);
      return {
        month,
        customers,
        rate: round(customers / size, 4),
        revenue: round(revenue, 2),
        revenuePerCustomer: round(revenue / size, 2),
        partial: cohort + month === todayMonth,
      };
    });
    return { cohort: monthLabel(cohort), size, cells };
  });
}

function averageCurve(cohorts: Cohort[], maxMonths: number): Output['average'] {
  const curve: Output['average'] = [];
  for (let month = 0; month <= maxMonths; month++) {
    let n = 0, size = 0, customers = 0, revenue = 0;
    for (const c of cohorts) {
      const cellK = c.cells[month];
      if (!cellK || cellK.partial) continue;
      n++;
      size += c.size;
      customers += cellK.customers;
      revenue += cellK.revenue;
    }
    if (n) curve.push({ month, cohorts: n, size, rate: round(customers / size, 4), revenuePerCustomer: round(revenue / size, 2) });
  }
  return curve;
}

function compareCohorts(cohorts: Cohort[], average: Output['average'], metric: Args['metric']): Output['comparison'] {
  const month = Math.min(COMPARE_MONTH, Math.max(0, ...average.map((a) => a.month)));
  if (month === 0) return null;
  const by = METRIC_VALUE[metric];
  const candidates = cohorts
    .map((c) => ({ cohort: c.cohort, size: c.size, cell: c.cells[month] }))
    .filter((c) => c.cell && !c.cell.partial)
    .map((c) => ({ cohort: c.cohort, size: c.size, value: c.cell![by] }))
    // Highest value first; ties go to the larger (more reliable) cohort, then the earlier one.
    .sort((a, b) => b.value - a.value || b.size - a.size || a.cohort.localeCompare(b.cohort));
  const worst = [...candidates].sort((a, b) => a.value - b.value || b.size - a.size || a.cohort.localeCompare(b.cohort))[0];
  return { month, by, best: candidates[0] ?? null, worst: worst ?? null };
}

export const cohortRetention: ToolFactory = ({ db, clock }) =>
  defineTool({
    name: 'cohort_retention',
    description:
      'Cohort retention table: customers grouped by the month of their first order ever, and for each later month the ' +
      'share of the cohort that ordered again (and the revenue). Returns the table, the size-weighted average curve, and ' +
      'the best and worst cohort at month 3. Months that have not begun yet are omitted; the current month is flagged partial.',
    input: inputSchema(clock.today()),
    output,
    async run(args: Args) {
      const today = clock.today();
      const todayMonth = monthIndex(today.slice(0, 7));
      const { sizes, cells } = await readOnly(db, (q) => loadCohorts(q, args, today));
      const cohorts = buildCohorts(sizes, cells, args.maxMonths, todayMonth);
      const average = averageCurve(cohorts, args.maxMonths);
      const lastDay = addDays(monthStart(Math.min(monthIndex(args.to) + args.maxMonths, todayMonth) + 1), -1);
      return {
        cohorts,
        average,
        comparison: compareCohorts(cohorts, average, args.metric),
        meta: buildMeta('cohort_retention', args, {
          window: { from: monthStart(monthIndex(args.from)), to: [lastDay, today].sort()[0]! },
          rowCounts: { cohorts: cohorts.length, customers: sizes.reduce((s, c) => s + c.size, 0), cells: cohorts.reduce((s, c) => s + c.cells.length, 0) },
          metrics: args.metric === 'revenue' ? ['retention_rate', 'revenue', 'revenue_per_cohort_customer'] : ['retention_rate', 'revenue'],
          asOf: today,
        }),
      } satisfies Output;
    },
  });
