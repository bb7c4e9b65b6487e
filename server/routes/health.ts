import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import type { Db } from '../db/index.ts';

/** /healthz: the process is up. /readyz: the database answers, so requests can be served. */
export const healthRoutes = (db: Db): FastifyPluginAsyncZod =>
  async (app) => {
    app.get('/healthz', { schema: { response: { 200: z.object({ status: z.literal('ok') }) } } }, async () => ({
      status: 'ok' as const,
    }));

    app.get(
      '/readyz',
      { schema: { response: { 200: z.object({ status: z.literal('ready'), database: z.enum(['pglite', 'postgres']) }) } } },
      async () => {
        try {
          await db.query('SELECT 1');
        } catch (err) {
          throw new AppError('db_unavailable', `database not reachable: ${(err as Error).message}`);
        }
        return { status: 'ready' as const, database: db.driver };
      },
    );
  };
