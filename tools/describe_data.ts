import { z } from 'zod';
import { rollupsFresh } from '../server/db/rollups.ts';
import { METRICS } from '../server/agent/semantic/metrics.ts';
import { identitiesOf, identitiesSchema } from './lib/identities.ts';
import { buildMeta, metaSchema } from './lib/meta.ts';
import { MAX_ROWS, readOnly } from './lib/readonly.ts';
import { defineTool, type ToolFactory } from './types.ts';

const input = z
  .object({
    maxValues: z.number().int().min(1).max(200).default(50).describe('at most this many values per dimension (most frequent first)'),
    identities: z.boolean().default(false).describe('also report identity resolution: source systems, customers unified across them, emails/phones on file, merged records, rejected import rows'),
  })
  .describe('no arguments needed');

const valueCount = z.object({ value: z.string().describe('dimension value'), count: z.number().describe('rows with this value') });
const range = z.object({ from: z.string().nullable().describe('earliest date'), to: z.string().nullable().describe('latest date') });

const metricInfo = z.object({
  id: z.string().describe('metric id (the `metric` argument of the tool that serves it)'),
  tool: z.string().describe('tool that computes it'),
  name: z.object({ en: z.string(), zh: z.string() }).describe('display names in English and Chinese'),
  definition: z.string().describe('how it is computed'),
  dimensions: z.array(z.string()).describe('dimensions it can be filtered and grouped by'),
});

const output = z.object({
  metrics: z.array(metricInfo).describe('metrics you can ask about, from the semantic layer (server/agent/semantic)'),
  counts: z
    .object({
      customers: z.number().describe('customers after identity resolution'),
      customersWithOrders: z.number().describe('customers with at least one order'),
      orders: z.number().describe('orders (returns excluded)'),
      returns: z.number().describe('returns / cancellations'),
      guestOrders: z.number().describe('orders without a known customer'),
      orderLines: z.number().describe('order lines'),
      events: z.number().describe('behaviour events'),
      feedback: z.number().describe('feedback texts'),
    })
    .describe('row counts'),
  ranges: z.object({ orders: range, events: range, feedback: range }).describe('date ranges (UTC days)'),
  dimensions: z
    .object({
      country: z.array(valueCount).describe('customer countries'),
      channel: z.array(valueCount).describe('order channels'),
      category: z.array(valueCount).describe('product categories (order lines)'),
      currency: z.array(valueCount).describe('order currencies'),
      eventType: z.array(valueCount).describe('event types'),
      feedbackLanguage: z.array(valueCount).describe('feedback languages'),
      tag: z.array(valueCount).describe('customer tags'),
      segment: z.array(valueCount).describe('saved segments (count = 0: evaluated on use)'),
    })
    .describe('dimensions and their values, to filter and group by'),
  identities: identitiesSchema.nullable().describe('with identities: true; null otherwise'),
  meta: metaSchema,
});

type DimensionName = keyof z.infer<typeof output>['dimensions'];

const DIMENSION_SQL: Record<DimensionName, string> = {
  country: `SELECT country AS value, count(*) AS count FROM customers WHERE country IS NOT NULL GROUP BY 1`,
  channel: `SELECT channel AS value, count(*) AS count FROM orders WHERE kind = 'order' AND channel IS NOT NULL GROUP BY 1`,
  category: `SELECT category AS value, count(*) AS count FROM order_lines WHERE category IS NOT NULL GROUP BY 1`,
  currency: `SELECT currency AS value, count(*) AS count FROM orders GROUP BY 1`,
  eventType: `SELECT type AS value, count(*) AS count FROM events GROUP BY 1`,
  feedbackLanguage: `SELECT language AS value, count(*) AS count FROM feedback WHERE language IS NOT NULL GROUP BY 1`,
  tag: `SELECT t.name AS value, count(ct.customer_id) AS count FROM tags t LEFT JOIN customer_tags ct ON ct.tag_id = t.id GROUP BY 1`,
  segment: `SELECT name AS value, 0 AS count FROM segments`,
};

/**
 * The same counts from the rollup tables (migration 0005; `dims` = level of detail: 2 = by channel, 4 = by currency)
 * when they are fresh: a few thousand rows instead of full scans of orders (1M), order lines (2.4M) and events (2M).
 */
const ROLLUP_DIMENSION_SQL: Partial<Record<DimensionName, string>> = {
  channel: `SELECT channel AS value, sum(orders) AS count FROM sales_daily WHERE dims = 2 AND kind = 'order' AND channel IS NOT NULL GROUP BY 1`,
  category: `SELECT category AS value, sum(lines) AS count FROM sales_daily_category WHERE dims = 0 AND category IS NOT NULL GROUP BY 1`,
  currency: `SELECT currency AS value, sum(orders) AS count FROM sales_daily WHERE dims = 4 GROUP BY 1`,
  eventType: `SELECT type AS value, sum(events) AS count FROM events_daily GROUP BY 1`,
};

const COUNTS_SQL = `SELECT (SELECT count(*) FROM customers) AS "customers",
                (SELECT count(*) FROM customer_summary) AS "customersWithOrders",
                count(*) FILTER (WHERE kind = 'order') AS "orders", count(*) FILTER (WHERE kind = 'return') AS "returns",
                count(*) FILTER (WHERE kind = 'order' AND customer_id IS NULL) AS "guestOrders",
                (SELECT count(*) FROM order_lines) AS "orderLines", (SELECT count(*) FROM events) AS "events",
                (SELECT count(*) FROM feedback) AS "feedback"
           FROM orders`;
const ROLLUP_COUNTS_SQL = `SELECT (SELECT count(*) FROM customers) AS "customers",
                (SELECT count(*) FROM customer_summary) AS "customersWithOrders",
                coalesce(sum(orders) FILTER (WHERE kind = 'order'), 0) AS "orders",
                coalesce(sum(orders) FILTER (WHERE kind = 'return'), 0) AS "returns",
                coalesce(sum(guest_orders) FILTER (WHERE kind = 'order'), 0) AS "guestOrders",
                (SELECT coalesce(sum(lines), 0) FROM sales_daily_category WHERE dims = 0) AS "orderLines",
                (SELECT coalesce(sum(events), 0) FROM events_daily) AS "events",
                (SELECT count(*) FROM feedback) AS "feedback"
           FROM sales_daily WHERE dims = 0`;

const day = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD')`;

export const describeData: ToolFactory = ({ db, clock }) =>
  defineTool({
  name: 'describe_data',
  description:
    'What data is loaded and what can be asked: the metrics (semantic layer) with their definitions, row counts, date ranges of orders/events/feedback, and the values of each dimension ' +
    '(countries, channels, categories, event types, tags, saved segments). Use it to learn valid filter values. With identities: true, also how customer records from ' +
    'different source systems were unified (ids per source, customers in several sources, merged records, rejected import rows).',
  input,
  output,
  async run(args) {
    return readOnly(db, async (q) => {
      const fresh = await rollupsFresh(q);
      const { rows: [counts] } = await q.query<z.infer<typeof output>['counts'] & Record<string, number>>(
        fresh ? ROLLUP_COUNTS_SQL : COUNTS_SQL,
      );
      const rangeOf = async (table: string, column: string, where = 'TRUE') =>
        (await q.query<{ from: string | null; to: string | null }>(
          `SELECT ${day(`min(${column})`)} AS "from", ${day(`max(${column})`)} AS "to" FROM ${table} WHERE ${where}`,
        )).rows[0]!;
      // Dates are UTC days either way; the rollups store the day itself.
      const ranges = {
        orders: fresh
          ? await rangeOf('sales_daily', `day::timestamp AT TIME ZONE 'UTC'`, `dims = 0 AND kind = 'order'`)
          : await rangeOf('orders', 'ordered_at', `kind = 'order'`),
        events: fresh ? await rangeOf('events_daily', `day::timestamp AT TIME ZONE 'UTC'`) : await rangeOf('events', 'occurred_at'),
        feedback: await rangeOf('feedback', 'created_at'),
      };
      const dimensions = {} as Record<DimensionName, { value: string; count: number }[]>;
      for (const [name, rawSql] of Object.entries(DIMENSION_SQL) as [DimensionName, string][]) {
        const sql = (fresh && ROLLUP_DIMENSION_SQL[name]) || rawSql;
        const limit = Math.min(args.maxValues, MAX_ROWS);
        dimensions[name] = (await q.query<{ value: string; count: number }>(`${sql} ORDER BY 2 DESC, 1 LIMIT $1`, [limit])).rows;
      }
      return {
        metrics: METRICS.map((m) => ({ id: m.id, tool: m.tool, name: { en: m.names.en, zh: m.names.zh }, definition: m.definition.en, dimensions: [...m.dimensions] })),
        counts: counts!,
        ranges,
        dimensions,
        identities: args.identities ? await identitiesOf(q) : null,
        meta: buildMeta('describe_data', args, {
          window: ranges.orders.from && ranges.orders.to ? { from: ranges.orders.from, to: ranges.orders.to } : null,
          rowCounts: { orders: counts!.orders, customers: counts!.customers },
          metrics: ['orders', 'customers'],
          asOf: clock.today(),
        }),
      };
    });
  },
  });
