/**
 * Independent SQL checks of the demo's planted truths: plain queries over the tables, no generator code. Used by the
 * tests and quoted in docs/demo-data.md (keep the two in sync). Dates are literals on purpose.
 */

/** 1. Churning segment: share of customers who ordered before 2026-06-01 that also ordered on/after it. */
export const CHURN_SQL = `
WITH per_customer AS (
  SELECT c.id,
         (c.country = 'Germany' AND c.signup_channel = 'marketplace') AS in_segment,
         bool_or(o.ordered_at < '2026-06-01') AS ordered_before,
         bool_or(o.ordered_at >= '2026-06-01') AS ordered_after
    FROM customers c
    JOIN orders o ON o.customer_id = c.id AND o.kind = 'order'
   GROUP BY c.id, in_segment
)
SELECT in_segment,
       count(*) FILTER (WHERE ordered_before)::int AS buyers_before,
       round(avg(ordered_after::int) FILTER (WHERE ordered_before), 3)::float8 AS share_ordering_after
  FROM per_customer
 GROUP BY in_segment
 ORDER BY in_segment`;

/** 2. Rising complaint: delivery_delay share of all feedback in Aug–Oct 2026 vs the same months a year before. */
export const DELIVERY_SHARE_SQL = `
SELECT CASE WHEN created_at >= '2026-08-01' THEN 'aug_oct_2026'
            WHEN created_at >= '2025-08-01' AND created_at < '2025-11-01' THEN 'aug_oct_2025'
            ELSE 'other' END AS period,
       count(*)::int AS feedback,
       round(avg((label = 'delivery_delay')::int), 3)::float8 AS delivery_share,
       round(avg(rating) FILTER (WHERE label = 'delivery_delay'), 2)::float8 AS delivery_avg_rating,
       count(*) FILTER (WHERE label = 'delivery_delay' AND language = 'zh')::int AS delivery_zh,
       count(*) FILTER (WHERE label = 'delivery_delay' AND language = 'en')::int AS delivery_en
  FROM feedback
 GROUP BY period
 ORDER BY period`;

/** 3. Conversion drop: checkout → purchase conversion of sessions by channel and month of checkout (Jun–Oct 2026). */
export const CHECKOUT_CONVERSION_SQL = `
WITH sessions AS (
  SELECT session_id,
         min(properties->>'channel') AS channel,
         min(occurred_at) FILTER (WHERE type = 'checkout') AS checkout_at,
         bool_or(type = 'purchase') AS purchased
    FROM events
   GROUP BY session_id
)
SELECT channel, to_char(checkout_at, 'YYYY-MM') AS month, count(*)::int AS checkouts,
       round(avg(purchased::int), 3)::float8 AS conversion
  FROM sessions
 WHERE checkout_at >= '2026-06-01'
 GROUP BY channel, month
 ORDER BY channel, month`;

/**
 * 3 (per customer, as funnel_analysis counts it): customers entering at their first checkout of the month, by that
 * checkout's channel; converted = any purchase within 7 days after it (a retry on the web counts too).
 */
export const CHECKOUT_CONVERSION_PER_CUSTOMER_SQL = `
WITH first_checkout AS (
  SELECT DISTINCT ON (customer_id, to_char(occurred_at, 'YYYY-MM'))
         customer_id, to_char(occurred_at, 'YYYY-MM') AS month, occurred_at, properties->>'channel' AS channel
    FROM events
   WHERE type = 'checkout' AND occurred_at >= '2026-06-01' AND occurred_at < '2026-10-01'
   ORDER BY customer_id, to_char(occurred_at, 'YYYY-MM'), occurred_at
)
SELECT f.channel, f.month, count(*)::int AS customers,
       round(avg((EXISTS (SELECT 1 FROM events p
                           WHERE p.customer_id = f.customer_id AND p.type = 'purchase'
                             AND p.occurred_at >= f.occurred_at AND p.occurred_at <= f.occurred_at + interval '7 days'))::int), 3)::float8
         AS conversion
  FROM first_checkout f
 GROUP BY f.channel, f.month
 ORDER BY f.channel, f.month`;

/** 3b. app_bug share of feedback per month (Jun–Oct 2026): the complaints that go with the payment bug. */
export const APP_BUG_SHARE_SQL = `
SELECT to_char(created_at, 'YYYY-MM') AS month, count(*)::int AS feedback,
       round(avg((label = 'app_bug')::int), 3)::float8 AS app_bug_share
  FROM feedback
 WHERE created_at >= '2026-06-01'
 GROUP BY month
 ORDER BY month`;

/** 4. High-value tier: revenue share of the top 5% of customers (all customers, by revenue). */
export const TOP_CUSTOMERS_SQL = `
WITH per_customer AS (
  SELECT c.id, coalesce(sum(o.revenue), 0) AS revenue
    FROM customers c
    LEFT JOIN orders o ON o.customer_id = c.id AND o.kind = 'order'
   GROUP BY c.id
), ranked AS (
  SELECT revenue, row_number() OVER (ORDER BY revenue DESC, id) AS rank, count(*) OVER () AS n FROM per_customer
)
SELECT ceil(max(n) * 0.05)::int AS top_customers,
       round(sum(revenue) FILTER (WHERE rank <= ceil(n * 0.05)) / sum(revenue), 3)::float8 AS top5_revenue_share,
       round(sum(revenue) FILTER (WHERE rank <= ceil(n * 0.20)) / sum(revenue), 3)::float8 AS top20_revenue_share
  FROM ranked`;

/** 5a. Retention by signup channel: of customers who ordered in Nov 2024–Apr 2025, the share ordering in Aug–Oct 2026. */
export const RETENTION_SQL = `
WITH early AS (
  SELECT DISTINCT customer_id FROM orders
   WHERE kind = 'order' AND ordered_at < '2025-05-01'
), late AS (
  SELECT DISTINCT customer_id FROM orders
   WHERE kind = 'order' AND ordered_at >= '2026-08-01'
)
SELECT c.signup_channel, count(*)::int AS early_buyers,
       round(avg((l.customer_id IS NOT NULL)::int), 3)::float8 AS still_buying
  FROM early e
  JOIN customers c ON c.id = e.customer_id
  LEFT JOIN late l ON l.customer_id = e.customer_id
 GROUP BY c.signup_channel
 ORDER BY still_buying DESC`;

/** 5b. Beauty's share of revenue (lines with quantity > 0 and unit price > 0 of orders) per half-year. */
export const CATEGORY_SHARE_SQL = `
SELECT CASE WHEN o.ordered_at < '2025-05-01' THEN '1: 2024-11..2025-04'
            WHEN o.ordered_at < '2025-11-01' THEN '2: 2025-05..2025-10'
            WHEN o.ordered_at < '2026-05-01' THEN '3: 2025-11..2026-04'
            ELSE '4: 2026-05..2026-10' END AS half,
       round(sum(l.amount) FILTER (WHERE l.category = 'Beauty') / sum(l.amount), 3)::float8 AS beauty_share
  FROM orders o
  JOIN order_lines l ON l.order_id = o.id
 WHERE o.kind = 'order' AND l.quantity > 0 AND l.unit_price > 0
 GROUP BY half
 ORDER BY half`;
