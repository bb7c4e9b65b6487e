import { z } from 'zod';
import type { Queryable } from '../../server/db/index.ts';
import { MAX_ROWS } from './readonly.ts';

/**
 * How far customer records are unified (server/import/identity.ts: records sharing a normalized email, phone or a
 * source system's id are one customer): which source systems' ids the customers hold, how many hold ids from several
 * systems, how many have an email or phone on file, how many stored records were later merged into another, and how
 * many import rows were rejected (kept with their reason in import_rejects).
 */
export const identitiesSchema = z
  .object({
    sources: z.array(z.object({
      source: z.string().describe('source system whose customer ids were imported'),
      customers: z.number().describe('customers holding at least one id from it'),
    })).describe('source systems, most customers first'),
    customersInSeveralSources: z.number().describe('customers holding ids from two or more source systems (unified across systems)'),
    withEmail: z.number().describe('customers with at least one email on file'),
    withPhone: z.number().describe('customers with at least one phone number on file'),
    merged: z.number().describe('stored customer records later found to be the same person as another and merged into it'),
    rejectedImportRows: z.number().describe('import rows rejected (kept with the reason in import_rejects)'),
  })
  .describe('identity resolution: how customer records from different sources were unified');
export type Identities = z.infer<typeof identitiesSchema>;

export async function identitiesOf(q: Queryable): Promise<Identities> {
  const { rows: sources } = await q.query<{ source: string; customers: number }>(
    `SELECT source, count(DISTINCT customer_id)::int AS customers FROM customer_identities
      WHERE kind = 'external_id' GROUP BY source ORDER BY 2 DESC, 1 LIMIT ${MAX_ROWS}`,
  );
  const { rows: [counts] } = await q.query<Omit<Identities, 'sources'>>(
    `SELECT (SELECT count(*)::int FROM (SELECT customer_id FROM customer_identities WHERE kind = 'external_id'
                                        GROUP BY customer_id HAVING count(DISTINCT source) > 1) several) AS "customersInSeveralSources",
            (SELECT count(DISTINCT customer_id)::int FROM customer_identities WHERE kind = 'email') AS "withEmail",
            (SELECT count(DISTINCT customer_id)::int FROM customer_identities WHERE kind = 'phone') AS "withPhone",
            (SELECT count(*)::int FROM customer_merges) AS "merged",
            (SELECT count(*)::int FROM import_rejects) AS "rejectedImportRows"`,
  );
  return { sources, ...counts! };
}
