/**
 * Representative calls per tool: the questions a user of the shop would ask, on the bench calendar (data 2022–2024,
 * today = 2025-01-01). A registered tool without an entry here still runs once per repeat with `{}`, so a new tool is
 * benchmarked the day it is registered. `duck` names the DuckDB question (duckdb.ts) answering the same thing.
 */
export interface BenchCase {
  tool: string;
  label: string;
  args: Record<string, unknown>;
  /** Cap on repeats for calls that are slow by design (k-means over 50k customers). */
  maxRepeats?: number;
  duck?: string;
}

const YEAR = { from: '2024-01-01', to: '2024-12-31' };

export const CASES: readonly BenchCase[] = [
  { tool: 'describe_data', label: 'describe_data', args: {} },
  { tool: 'kpi_trend', label: 'kpi_trend revenue by month, 1 year', args: { metric: 'revenue', grain: 'month', ...YEAR }, duck: 'monthly_revenue' },
  { tool: 'kpi_trend', label: 'kpi_trend revenue by month groupBy country', args: { metric: 'revenue', grain: 'month', groupBy: 'country', ...YEAR }, duck: 'revenue_by_country' },
  { tool: 'kpi_trend', label: 'kpi_trend customers by week, 13 weeks', args: { metric: 'customers', grain: 'week' } },
  { tool: 'kpi_trend', label: 'kpi_trend new_customers by month', args: { metric: 'new_customers', grain: 'month', ...YEAR } },
  { tool: 'kpi_trend', label: 'kpi_trend aov by month groupBy category', args: { metric: 'aov', grain: 'month', groupBy: 'category', ...YEAR } },
  { tool: 'kpi_trend', label: 'kpi_trend revenue by month groupBy product', args: { metric: 'revenue', grain: 'month', groupBy: 'product', ...YEAR } },
  { tool: 'kpi_trend', label: 'kpi_trend revenue by quarter, Champions tier', args: { metric: 'revenue', grain: 'quarter', filters: { rfmTier: 'Champions' }, ...YEAR } },
  { tool: 'kpi_trend', label: 'kpi_trend lost_customers by month, 1 year', args: { metric: 'lost_customers', grain: 'month', ...YEAR } },
  { tool: 'kpi_trend', label: 'kpi_trend lost_customers by month groupBy country', args: { metric: 'lost_customers', grain: 'month', groupBy: 'country', ...YEAR } },
  { tool: 'kpi_trend', label: 'kpi_trend revenue by month, new customers', args: { metric: 'revenue', grain: 'month', filters: { customerType: 'new' }, ...YEAR } },
  { tool: 'rfm_analysis', label: 'rfm_analysis (summary)', args: {}, duck: 'rfm' },
  { tool: 'rfm_analysis', label: 'rfm_analysis tier Champions', args: { tier: 'Champions', limit: 100 } },
  { tool: 'rfm_analysis', label: 'rfm_analysis asOf 2024-06-30 (past: monthly rollup + that month)', args: { asOf: '2024-06-30' } },
  { tool: 'customer_lifetime_value', label: 'customer_lifetime_value (BG/NBD + Gamma-Gamma)', args: {} },
  { tool: 'churn_risk', label: 'churn_risk', args: {} },
  { tool: 'cohort_retention', label: 'cohort_retention 12 cohorts × 12 months', args: { from: '2024-01', to: '2024-12' }, duck: 'cohort_retention' },
  { tool: 'cohort_retention', label: 'cohort_retention 36 cohorts × 36 months', args: { from: '2022-01', to: '2024-12', maxMonths: 36 } },
  { tool: 'funnel_analysis', label: 'funnel_analysis last 30 days', args: {} },
  { tool: 'funnel_analysis', label: 'funnel_analysis 1 year', args: { ...YEAR }, duck: 'funnel' },
  { tool: 'funnel_analysis', label: 'funnel_analysis 1 year splitBy channel', args: { ...YEAR, splitBy: 'channel' } },
  { tool: 'journey_paths', label: 'journey_paths to purchase, 30 days', args: {} },
  { tool: 'journey_paths', label: 'journey_paths churn, 30 days', args: { mode: 'churn' } },
  { tool: 'customer_segments', label: 'customer_segments profile all', args: { mode: 'profile' } },
  { tool: 'customer_segments', label: 'customer_segments profile country+tier', args: { mode: 'profile', filter: { country: 'United States', rfmTier: ['Champions', 'Loyal'] } } },
  { tool: 'customer_segments', label: 'customer_segments export 1000', args: { mode: 'export', filter: { orders: { min: 5 } }, limit: 1000 } },
  { tool: 'customer_segments', label: 'customer_segments cluster', args: { mode: 'cluster' }, maxRepeats: 3 },
  { tool: 'customer_segments', label: 'customer_segments intervals', args: { mode: 'intervals' } },
];

/** The cases to run for the registered tools: the table's entries for them, then `{}` for tools without one. */
/**
 * Tools timed by their own section instead (bench/feedback.ts: 200k feedback rows with vectors and themes); the
 * generated shop has no feedback, so timing them here would measure an empty table.
 */
export const TIMED_ELSEWHERE: ReadonlySet<string> = new Set(['search_feedback', 'feedback_themes']);

export function casesFor(registered: readonly string[]): BenchCase[] {
  const known = new Set(registered.filter((tool) => !TIMED_ELSEWHERE.has(tool)));
  const cases = CASES.filter((c) => known.has(c.tool));
  const covered = new Set(cases.map((c) => c.tool));
  for (const tool of known) if (!covered.has(tool)) cases.push({ tool, label: `${tool} {}`, args: {} });
  return cases;
}
