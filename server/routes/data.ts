import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../db/index.ts';

const summarySchema = z.object({
  customers: z.number().describe('customers after identity resolution'),
  orders: z.number().describe('orders (returns excluded)'),
  returns: z.number().describe('returns / cancellations'),
  revenue: z.number().describe('Σ order revenue (lines with quantity > 0 and unit price > 0)'),
  firstOrderAt: z.string().nullable(),
  lastOrderAt: z.string().nullable(),
  events: z.number(),
  feedback: z.number(),
  importRuns: z.number(),
});

const importRunsQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) });

/** Read-only views of what is loaded: the quick check that a seed or an import landed. */
export const dataRoutes = (db: Db): FastifyPluginAsyncZod =>
  async (app) => {
    app.get('/api/data/summary', { schema: { response: { 200: summarySchema } } }, async () => {
      const { rows } = await db.query<z.infer<typeof summarySchema>>(
        `SELECT (SELECT count(*) FROM customers) AS "customers",
                count(*) FILTER (WHERE kind = 'order') AS "orders",
                count(*) FILTER (WHERE kind = 'return') AS "returns",
                coalesce(sum(revenue) FILTER (WHERE kind = 'order'), 0) AS "revenue",
                to_char(min(ordered_at), 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "firstOrderAt",
                to_char(max(ordered_at), 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "lastOrderAt",
                (SELECT count(*) FROM events) AS "events",
                (SELECT count(*) FROM feedback) AS "feedback",
                (SELECT count(*) FROM import_runs) AS "importRuns"
           FROM orders`,
      );
      return rows[0]!;
    });

    app.get('/api/import-runs', { schema: { querystring: importRunsQuery } }, async (req) => {
      const { rows } = await db.query(
        `SELECT id, entity, source, file_name, preset, status, rows_read, inserted, updated, unchanged, rejected,
                details, error, started_at, finished_at
           FROM import_runs ORDER BY id DESC LIMIT $1`,
        [req.query.limit],
      );
      return { runs: rows };
    });
  };
