import { z } from 'zod';
import type { MetricName } from './lib/glossary.ts';
import { buildMeta, metaSchema } from './lib/meta.ts';
import { readOnly } from './lib/readonly.ts';
import { clusteringSchema, clusterSegment } from './lib/segments/cluster.ts';
import { DEFAULT_EXPORT_ROWS, EXPORT_COLUMNS, exportSegment, MAX_EXPORT_ROWS } from './lib/segments/export.ts';
import { dateString, segmentFilterSchema, type SegmentFilter } from './lib/segments/filter.ts';
import { intervalsSchema, purchaseIntervals } from './lib/segments/intervals.ts';
import { profileSchema, profileSegment } from './lib/segments/profile.ts';
import { prepareSegment } from './lib/segments/resolve.ts';
import { saveSegment } from './lib/segments/save.ts';
import { defineTool, type Role, type ToolFactory } from './types.ts';
import type { Db } from '../server/db/index.ts';

const MODES = ['profile', 'save', 'export', 'cluster', 'intervals'] as const;

const input = z
  .object({
    mode: z
      .enum(MODES)
      .default('profile')
      .describe(
        'profile = size, shares and persona of the customers matching `filter` vs all customers; save = store `filter` ' +
          'under `name` (then profile it); export = members as CSV; cluster = k-means behaviour clusters of the matching customers; ' +
          'intervals = time between purchases of the matching repeat customers (gap quartiles, bands)',
      ),
    filter: segmentFilterSchema.default({}),
    name: z.string().trim().min(1).max(200).optional().describe('mode save only: name to save the filter under (an existing name is updated)'),
    description: z.string().max(1000).optional().describe('mode save only: what the segment is for'),
    asOf: dateString
      .optional()
      .describe('as-of date (YYYY-MM-DD) for recency, tenure, RFM tiers and relative rules; default today'),
    top: z.number().int().min(1).max(20).default(5).describe('values per persona dimension (countries, channels, categories, tags); clusters use min(top, 3)'),
    sample: z.number().int().min(0).max(100).default(10).describe('profile/save: members to list (highest revenue first)'),
    limit: z
      .number()
      .int()
      .min(1)
      .max(MAX_EXPORT_ROWS)
      .default(DEFAULT_EXPORT_ROWS)
      .describe(`export: at most this many rows (by customer id); \`truncated\` says when members were left out`),
    k: z.number().int().min(2).max(12).optional().describe('cluster: number of clusters; default = best silhouette over k = 2..8'),
    seed: z.number().int().min(0).default(42).describe('cluster: random seed (same seed and data = same clusters)'),
  })
  .strict()
  .superRefine((a, ctx) => {
    if (a.mode === 'save' && !a.name) ctx.addIssue({ code: 'custom', path: ['name'], message: 'mode save needs a name' });
    if (a.mode !== 'save' && (a.name !== undefined || a.description !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [a.name !== undefined ? 'name' : 'description'],
        message: 'only used with mode save; to use a saved segment give filter.segment',
      });
    }
    if (a.k !== undefined && a.mode !== 'cluster') ctx.addIssue({ code: 'custom', path: ['k'], message: 'only used with mode cluster' });
  })
  .describe('a customer segment: a filter (or saved segment), and what to do with it');

const output = z.object({
  mode: z.enum(MODES).describe('what was done'),
  filter: segmentFilterSchema.describe('the filter as given'),
  saved: z
    .object({
      name: z.string().describe('segment name'),
      created: z.boolean().describe('true = new segment, false = an existing segment was updated'),
      message: z.string().describe('what happened, in words'),
    })
    .optional()
    .describe('mode save: the stored segment'),
  profile: profileSchema.optional(),
  export: z
    .object({
      columns: z.array(z.string()).describe('CSV columns'),
      rows: z.number().describe('data rows in the CSV'),
      members: z.number().describe('customers in the segment'),
      truncated: z.boolean().describe('true when members > rows (raise `limit` or narrow the filter)'),
      csv: z.string().describe('CSV text with a header line; personal data masked unless the role may see it'),
    })
    .optional()
    .describe('mode export'),
  clustering: clusteringSchema.optional(),
  intervals: intervalsSchema.optional(),
  meta: metaSchema,
});

type Args = z.infer<typeof input>;
type Output = z.input<typeof output>;

/** Metrics whose definitions go in the receipt: the ones every mode reports plus those the filter used. */
function metricsFor(mode: Args['mode'], filter: SegmentFilter): MetricName[] {
  const base: MetricName[] = mode === 'intervals' ? ['purchase_gap']
    : ['segment_share', 'revenue_share', 'revenue', 'orders', 'aov', 'frequency', 'recency_days', 'tenure_days', 'lift'];
  if (filter.rfmTier) base.push('rfm_tier');
  if (filter.churnRisk) base.push('inactivity_ratio');
  if (mode === 'cluster') base.push('silhouette');
  return base;
}

async function runMode(db: Db, role: Role, args: Args, asOf: string): Promise<Omit<Output, 'meta' | 'mode' | 'filter'>> {
  const { filter } = args;
  if (args.mode === 'cluster') {
    const seg = await readOnly(db, (q) => prepareSegment(q, filter, asOf));
    return { clustering: await clusterSegment(db, seg, { k: args.k, seed: args.seed, top: Math.min(args.top, 3) }) };
  }
  if (args.mode === 'intervals') return { intervals: await readOnly(db, async (q) => purchaseIntervals(q, await prepareSegment(q, filter, asOf))) };
  if (args.mode === 'export') {
    const result = await readOnly(db, async (q) => exportSegment(q, await prepareSegment(q, filter, asOf), { limit: args.limit, role }));
    // Exports carry personal data out of the system: record who took how many rows, beside the tool.run entry.
    await db.query(`INSERT INTO audit_log (actor, role, action, target, details) VALUES ('tool', $1, 'segment.export', $2, $3::jsonb)`, [
      role,
      filter.segment ?? null,
      JSON.stringify({ filter, asOf, rows: result.rows, members: result.members }),
    ]);
    return { export: { columns: [...EXPORT_COLUMNS], ...result } };
  }
  let saved: Output['saved'];
  if (args.mode === 'save') {
    const s = await saveSegment(db, { name: args.name!, description: args.description, filter }, role);
    saved = { ...s, message: s.created ? `saved new segment "${s.name}"` : `updated existing segment "${s.name}" with the new definition` };
  }
  const profile = await readOnly(db, async (q) => profileSegment(q, await prepareSegment(q, filter, asOf), { top: args.top, sample: args.sample, role }));
  return { saved, profile };
}

export const customerSegments: ToolFactory = ({ db, clock, role }) =>
  defineTool({
    name: 'customer_segments',
    description:
      'Customer segments from a filter (country, channel, category, revenue, orders, AOV, recency, first/last order ' +
      'dates, RFM tier, churn risk, revenue percentile, tags, saved segment). Modes: profile (size, share of customers ' +
      'and revenue, persona vs all customers with lift, sample members), save (store the filter by name), export (CSV of ' +
      'members), cluster (k-means behaviour clusters with labels and personas), intervals (days between purchases of repeat customers).',
    input,
    output,
    async run(args) {
      const asOf = args.asOf ?? clock.today();
      const result = await runMode(db, role, args, asOf);
      const members = result.profile?.customers ?? result.export?.members ?? result.clustering?.members ?? result.intervals?.customers ?? 0;
      const population = result.profile?.customersWithOrders;
      return {
        mode: args.mode,
        filter: args.filter,
        ...result,
        meta: buildMeta('customer_segments', { ...args, asOf }, {
          window: null,
          rowCounts: { members, ...(population !== undefined ? { customersWithOrders: population } : {}) },
          metrics: metricsFor(args.mode, args.filter),
          asOf,
        }),
      };
    },
  });
