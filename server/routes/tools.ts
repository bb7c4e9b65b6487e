import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { describeTools, runTool } from '../../tools/registry.ts';
import { ROLES, type ToolContext } from '../../tools/types.ts';

const roleHeader = z.object({
  'x-sightline-role': z.enum(ROLES).default('analyst').describe('who is asking; decides PII masking'),
});

/** The tool registry over HTTP: list the tools, run one with JSON arguments. */
export const toolRoutes = (ctx: Omit<ToolContext, 'role'>): FastifyPluginAsyncZod =>
  async (app) => {
    app.get('/api/tools', async () => ({ tools: describeTools({ ...ctx, role: 'analyst' }) }));

    app.post(
      '/api/tools/:name',
      {
        schema: {
          params: z.object({ name: z.string().regex(/^[a-z_]+$/) }),
          headers: roleHeader,
          body: z.record(z.string(), z.unknown()).optional(),
        },
      },
      async (req) => runTool(req.params.name, req.body ?? {}, { ...ctx, role: req.headers['x-sightline-role'] }),
    );
  };
