import { z } from 'zod';
import type { Queryable } from '../../../server/db/index.ts';
import { maskEmail, maskName } from '../pii.ts';
import type { Role } from '../../types.ts';
import type { CompiledSegment } from './compile.ts';
import { money, personaSchema, personasByGroup, rate } from './persona.ts';

/** A segment beside all customers with orders: size, shares, persona and a few members. */

export const sampleMemberSchema = z.object({
  customerId: z.number().describe('customer id'),
  name: z.string().nullable().describe('name (masked unless the role may see personal data)'),
  email: z.string().nullable().describe('email (masked unless the role may see personal data)'),
  country: z.string().nullable().describe('country'),
  orders: z.number().describe('orders up to the as-of date'),
  revenue: z.number().describe('revenue up to the as-of date'),
  lastOrder: z.string().describe('day of the last order (YYYY-MM-DD)'),
  recencyDays: z.number().describe('days since the last order'),
  mainChannel: z.string().nullable().describe('most frequent order channel'),
  mainCategory: z.string().nullable().describe('category with most of their revenue'),
  tags: z.array(z.string()).describe('the customer’s tags'),
});

export const profileSchema = z
  .object({
    customers: z.number().describe('customers in the segment'),
    customersWithOrders: z.number().describe('all customers with orders as of the date (the comparison population)'),
    segmentShare: z.number().describe('segment_share: customers in the segment ÷ all customers with orders'),
    revenue: z.number().describe('revenue of the segment’s customers up to the as-of date'),
    revenueAllCustomers: z.number().describe('revenue of all identified customers up to the as-of date'),
    revenueShare: z.number().describe('revenue_share: segment revenue ÷ revenue of all identified customers'),
    persona: personaSchema,
    sample: z.array(sampleMemberSchema).describe('a few members, highest revenue first'),
  })
  .describe('the segment compared with all customers');
export type Profile = z.infer<typeof profileSchema>;

interface SampleRow {
  customer_id: number; name: string | null; email: string | null; country: string | null; orders: number; revenue: number;
  last_day: string; recency_days: number; main_channel: string | null; main_category: string | null; tags: string[];
}

/** What the persona counts and the sample shows (name and email are joined for the sample rows only). */
const POPULATION_COLUMNS = ['customer_id', 'country', 'last_day', 'orders', 'revenue', 'recency_days', 'tenure_days', 'main_channel', 'main_category'] as const;

export async function profileSegment(q: Queryable, seg: CompiledSegment, opts: { top: number; sample: number; role: Role }): Promise<Profile> {
  const population = { sql: `SELECT ${POPULATION_COLUMNS.map((c) => `f.${c}`).join(', ')}, f.in_segment::int AS grp FROM (${seg.flaggedSql}) f`, params: seg.params };
  // Persona, totals and sample members in one statement: the filter (possibly with RFM tiers) is evaluated once.
  const { groups, overall, sample } = await personasByGroup(q, population, [1], opts.top, { grp: 1, limit: opts.sample });
  const g = groups.get(1)!;
  return {
    customers: g.customers,
    customersWithOrders: overall.customers,
    segmentShare: overall.customers ? rate(g.customers / overall.customers) : 0,
    revenue: money(g.revenue),
    revenueAllCustomers: money(overall.revenue),
    revenueShare: overall.revenue ? rate(g.revenue / overall.revenue) : 0,
    persona: g.persona,
    sample: sampleMembers(sample as unknown as SampleRow[], opts.role),
  };
}

function sampleMembers(rows: SampleRow[], role: Role): Profile['sample'] {
  return rows.map((r) => ({
    customerId: Number(r.customer_id),
    name: maskName(r.name, role),
    email: maskEmail(r.email, role),
    country: r.country,
    orders: r.orders,
    revenue: money(Number(r.revenue)),
    lastOrder: r.last_day,
    recencyDays: r.recency_days,
    mainChannel: r.main_channel,
    mainCategory: r.main_category,
    tags: r.tags,
  }));
}
