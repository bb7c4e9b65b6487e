import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ROLES, type Role, type ToolContext } from '../../tools/types.ts';
import { askInConversation, MAX_QUESTION_CHARS } from '../agent/ask.ts';
import { loadTurns } from '../agent/conversations.ts';
import type { LlmSettings } from '../agent/llm/planner.ts';
import type { PlannerEvent } from '../agent/types.ts';
import { AppError, isAppError } from '../errors.ts';

const roleHeader = z.object({
  'x-sightline-role': z.enum(ROLES).default('analyst').describe('who is asking; decides PII masking'),
});
const askInput = z
  .object({
    question: z.string().trim().min(1).max(MAX_QUESTION_CHARS).describe('the question, in English or Chinese'),
    conversationId: z.uuid().optional().describe('continue this conversation (from an earlier answer); omit to start one'),
    planner: z.enum(['offline', 'llm']).optional().describe('default: llm when LLM_BASE_URL is set, else offline'),
  })
  .strict();

/**
 * The assistant over HTTP. POST /api/ask answers with the whole payload as JSON; /api/chat (GET with a query string,
 * or POST with the same JSON) streams it as server-sent events: `plan`, `tool_call`, `tool_result`, `token`… and a
 * final `answer` (the checked payload with conversationId and turn), or `error` ({error:{code,message}}).
 * Token events carry provisional text; the `answer` event is authoritative. GET /api/conversations/:id returns the
 * stored turns (question + payload), for the role that started the conversation only.
 */
export const askRoutes = (deps: Omit<ToolContext, 'role'> & { llm: LlmSettings | null }): FastifyPluginAsyncZod =>
  async (app) => {
    app.post('/api/ask', { schema: { headers: roleHeader, body: askInput } }, async (req) => {
      const { conversationId, turn, payload } = await askInConversation({
        ...req.body,
        llm: deps.llm,
        ctx: { tools: { db: deps.db, clock: deps.clock, role: req.headers['x-sightline-role'] } },
      });
      return { ...payload, conversationId, turn };
    });

    app.get(
      '/api/conversations/:id',
      { schema: { params: z.object({ id: z.uuid() }), headers: roleHeader, querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }) } },
      async (req) => ({
        conversationId: req.params.id,
        turns: await loadTurns(deps.db, req.params.id, { limit: req.query.limit, role: req.headers['x-sightline-role'] }),
      }),
    );

    /** Checks that can fail with a plain JSON error run first; then the response is taken over for streaming. */
    const chat = async (input: z.infer<typeof askInput>, role: Role, req: FastifyRequest, reply: FastifyReply) => {
      if (input.conversationId) await loadTurns(deps.db, input.conversationId, { limit: 1, role });
      reply.hijack();
      const raw = reply.raw;
      const closed = new AbortController();
      req.raw.on('close', () => !raw.writableEnded && closed.abort());
      raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
      const send = (event: string, data: unknown) => {
        if (!raw.writableEnded) raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      };
      try {
        const { conversationId, turn, payload } = await askInConversation({
          ...input,
          llm: deps.llm,
          ctx: {
            tools: { db: deps.db, clock: deps.clock, role },
            signal: closed.signal,
            onEvent: (e: PlannerEvent) => e.type !== 'answer' && send(e.type, eventData(e)),
          },
        });
        send('answer', { ...payload, conversationId, turn });
      } catch (err) {
        const e = isAppError(err) ? err : new AppError('internal', 'internal error');
        if (!isAppError(err) || e.status >= 500) req.log.error({ err }, 'chat failed');
        send('error', { error: { code: e.code, message: e.message } });
      } finally {
        raw.end();
      }
    };

    app.get('/api/chat', { schema: { headers: roleHeader, querystring: askInput } }, (req, reply) =>
      chat(req.query, req.headers['x-sightline-role'], req, reply));
    app.post('/api/chat', { schema: { headers: roleHeader, body: askInput } }, (req, reply) =>
      chat(req.body, req.headers['x-sightline-role'], req, reply));
  };

/** Event payloads without the `type` field (it is the SSE event name). */
function eventData(e: PlannerEvent): unknown {
  const { type: _type, ...data } = e;
  return data;
}
