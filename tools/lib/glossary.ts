/**
 * Metric definitions: the single source for tool receipts (meta.definitions) and for docs/metrics.md
 * (a test checks that every entry is documented there with the same text).
 */
export const GLOSSARY = {
  revenue: 'Σ order revenue; an order’s revenue is Σ line amount over lines with quantity > 0 and unit price > 0. Returns/cancellations excluded; guest orders included.',
  orders: 'Number of orders (kind = order); returns/cancellations excluded; guest orders included.',
  customers: 'Distinct identified customers with at least one order in the window (guests excluded).',
  new_customers: 'Customers whose first order ever falls in the window.',
  lost_customers: 'Customers with an order in the period before (the previous window of equal length; per period of a series, the calendar period before it) and none in the window (guests excluded).',
  churn_rate: 'Lost customers ÷ customers with an order in the period before (the previous window of equal length; per period of a series, the calendar period before it): the share of that period’s customers who did not order again in this one.',
  aov: 'Average order value = revenue ÷ orders in the window.',
  repeat_rate: 'Share of the window’s customers who placed two or more orders in the window.',
  revenue_per_customer: 'Revenue from identified customers ÷ customers in the window (guest revenue excluded).',
  returns: 'Number of returns/cancellations (kind = return) in the window.',
  return_rate: 'Returns/cancellations (kind = return) ÷ orders (kind = order) in the same window, with the same filters (by category: (return, category) ÷ (order, category) units); a return counts in the window it is recorded in, whatever the window of its order.',
  recency_days: 'Days from a customer’s last order to the as-of date.',
  frequency: 'Number of orders a customer placed up to the as-of date.',
  monetary: 'Revenue of a customer’s orders up to the as-of date.',
  rfm_score: 'Quintile scores 1–5 for recency (5 = most recent), frequency and monetary (5 = highest), by rank among customers with orders as of the date.',
  rfm_tier: 'Named segment from the R and F/M scores (Champions, Loyal, Potential Loyalist, New, Promising, Need Attention, About to Sleep, At Risk, Can’t Lose, Hibernating, Lost); mapping in docs/metrics.md.',
  p_alive: 'BG/NBD probability that the customer is still active (has not dropped out), given x, t_x, T.',
  expected_purchases: 'BG/NBD conditional expected number of repeat transactions over the horizon.',
  expected_value: 'Gamma-Gamma conditional expected average transaction value (mean of repeat transactions shrunk to the population mean).',
  clv: 'Expected purchases over the horizon × expected average transaction value (undiscounted unless a discount rate is given).',
  revenue_at_stake: 'For an at-risk customer: their average yearly revenue so far (revenue ÷ tenure in years, at least one year of tenure assumed).',
  inactivity_ratio: 'Days since last order ÷ the customer’s own average gap between order days (days from first to last order ÷ (order days − 1); orders on the same day are one purchase occasion).',
  retention_rate: 'Share of a cohort (customers by month of first order) who ordered in the given month after their first.',
  revenue_per_cohort_customer: 'Revenue of a cohort’s orders in the given month after their first ÷ customers in the cohort.',
  conversion_rate: 'Users who reached a step ÷ users who reached the previous (or first) step, steps in order within the window per user.',
  path_count: 'Number of users whose last event types before their first target event (consecutive repeats merged, at most the path depth) are exactly the path.',
  churn_path_count: 'Number of lapsed customers (no order in the churnDays days up to the as-of date) whose last event types up to their last event in the window (consecutive repeats merged, at most the path depth) are exactly the path.',
  segment_share: 'Customers in the segment ÷ all customers with orders.',
  revenue_share: 'Segment revenue ÷ revenue of all identified customers.',
  main_channel: 'A customer’s most frequent order channel (ties: first by name).',
  main_category: 'The product category with the most revenue among a customer’s order lines (ties: first by name).',
  tenure_days: 'Days from a customer’s first order to the as-of date.',
  lift: 'Share of a group with a value ÷ share of the comparison population with that value (> 1 = over-represented).',
  purchase_gap: 'A repeat customer’s average days between order days: (last order day − first order day) ÷ (order days − 1); orders on the same day are one purchase occasion (the gap inactivity_ratio divides by).',
  feedback_mentions: 'Feedback rows whose keyword tokens hold every term of the query (English word stems, Chinese character pairs), counted over all feedback under the same filters; share = mentions ÷ all those feedback rows; low-rated = rated 1 or 2.',
  silhouette: 'Mean over customers of (b − a) ÷ max(a, b), a = mean distance to the own cluster, b = to the nearest other cluster (Rousseeuw 1987); −1..1, higher = better separated.',
} as const satisfies Record<string, string>;

export type MetricName = keyof typeof GLOSSARY;

export function definitions(metrics: readonly MetricName[]): Record<string, string> {
  return Object.fromEntries(metrics.map((m) => [m, GLOSSARY[m]]));
}
