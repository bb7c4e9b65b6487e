import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { describeEachDriver } from '../testing/db.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../testing/fakeOpenAI.ts';
import { loadTinyShop } from '../testing/fixtures.ts';

/** Tiny shop (server/testing/fixtures.ts): January 2024 revenue 10 + 5 + 20 = 35, February 7 + 3 = 10. */
const JANUARY = { metric: 'revenue', grain: 'month', from: '2024-01-01', to: '2024-01-31' };
const FEBRUARY = { ...JANUARY, from: '2024-02-01', to: '2024-02-29' };

/** Server-sent events as [name, data] pairs, in order. */
function parseSse(body: string): [string, any][] {
  return body
    .split('\n\n')
    .filter((block) => block.trim())
    .map((block) => {
      const event = /^event: (.+)$/m.exec(block)?.[1];
      const data = /^data: (.+)$/m.exec(block)?.[1];
      return [event!, JSON.parse(data!)];
    });
}

describeEachDriver('assistant routes', (use) => {
  let fake: FakeOpenAI;
  let app: FastifyInstance;
  let offlineOnly: FastifyInstance;
  beforeAll(async () => {
    await loadTinyShop(use());
    fake = await startFakeOpenAI();
    const config = { LOG_LEVEL: 'silent' as const, SIGHTLINE_TODAY: '2024-03-05' };
    app = await buildApp({ db: use(), config: { ...config, LLM_BASE_URL: fake.url, LLM_API_KEY: 'k', LLM_MODEL: 'scripted' }, logger: false });
    offlineOnly = await buildApp({ db: use(), config, logger: false });
  });
  afterAll(async () => {
    await app.close();
    await offlineOnly.close();
    await fake.close();
  });

  it('POST /api/ask answers with the payload, stores the turn, and continues the conversation', async () => {
    fake.script([
      { toolCalls: [{ name: 'kpi_trend', arguments: JANUARY }] },
      { content: 'Revenue in January 2024 was 35.' },
      { toolCalls: [{ name: 'kpi_trend', arguments: FEBRUARY }] },
      { content: 'In February 2024 it was 10.' },
    ]);
    const first = await app.inject({ method: 'POST', url: '/api/ask', payload: { question: 'Revenue in January 2024?' } });
    expect(first.statusCode).toBe(200);
    const a = first.json();
    expect(a).toMatchObject({ planner: 'llm', kind: 'answer', grounded: true, answer: 'Revenue in January 2024 was 35.', turn: 1 });
    expect(a.toolCalls[0].result.overall.total).toBe(35);
    expect(a.conversationId).toMatch(/^[0-9a-f-]{36}$/);

    // Another role cannot continue it (stored answers were masked for the role that asked them).
    const otherRole = await app.inject({
      method: 'POST', url: '/api/ask', headers: { 'x-sightline-role': 'admin' },
      payload: { question: 'And in February?', conversationId: a.conversationId },
    });
    expect(otherRole.statusCode).toBe(404);
    const second = await app.inject({
      method: 'POST', url: '/api/ask', payload: { question: 'And in February?', conversationId: a.conversationId },
    });
    expect(second.json()).toMatchObject({ conversationId: a.conversationId, turn: 2, answer: 'In February 2024 it was 10.', grounded: true });
    // The follow-up was sent with the earlier exchange.
    const sent = fake.requests[2]!.messages.map((m) => [m.role, m.content]);
    expect(sent.slice(1)).toEqual([['user', 'Revenue in January 2024?'], ['assistant', 'Revenue in January 2024 was 35.'], ['user', 'And in February?']]);

    const { rows } = await use().query<{ turn_no: number; question: string; grounded: boolean; total: number; role: string }>(
      `SELECT t.turn_no, t.question, t.grounded, (t.payload->'toolCalls'->0->'result'->'overall'->>'total')::float AS total, c.role
         FROM conversation_turns t JOIN conversations c ON c.id = t.conversation_id WHERE c.id = $1 ORDER BY t.turn_no`,
      [a.conversationId],
    );
    expect(rows).toEqual([
      { turn_no: 1, question: 'Revenue in January 2024?', grounded: true, total: 35, role: 'analyst' },
      { turn_no: 2, question: 'And in February?', grounded: true, total: 10, role: 'analyst' },
    ]);

    const stored = await app.inject(`/api/conversations/${a.conversationId}`);
    expect(stored.json().turns.map((t: { question: string; payload: { answer: string } }) => [t.question, t.payload.answer])).toEqual([
      ['Revenue in January 2024?', 'Revenue in January 2024 was 35.'],
      ['And in February?', 'In February 2024 it was 10.'],
    ]);
    const forbidden = await app.inject({ url: `/api/conversations/${a.conversationId}`, headers: { 'x-sightline-role': 'support' } });
    expect(forbidden.statusCode).toBe(404);
  });

  it('GET /api/chat streams plan, tool_call, tool_result, token… and the answer last', async () => {
    fake.script([{ toolCalls: [{ name: 'kpi_trend', arguments: JANUARY }] }, { content: 'Revenue in January 2024 was 35. Orders: 3.' }]);
    const res = await app.inject({ method: 'GET', url: `/api/chat?question=${encodeURIComponent('Revenue in January 2024?')}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    const events = parseSse(res.body);
    const names = events.map(([name]) => name);
    expect(names.slice(0, 3)).toEqual(['plan', 'tool_call', 'tool_result']);
    expect(names.slice(3, -1).every((n) => n === 'token')).toBe(true);
    expect(names.at(-1)).toBe('answer');
    expect(events[1]![1]).toEqual({ tool: 'kpi_trend', args: JANUARY });
    expect(events[2]![1]).toMatchObject({ tool: 'kpi_trend', ok: true });
    const answer = events.at(-1)![1];
    expect(answer).toMatchObject({ answer: 'Revenue in January 2024 was 35. Orders: 3.', grounded: true, turn: 1 });
    expect(events.slice(3, -1).map(([, d]) => d.text).join('')).toBe(answer.answer);
  });

  it('streams the offline planner too: its text goes out once, after the grounding check', async () => {
    const res = await offlineOnly.inject({ method: 'POST', url: '/api/chat', payload: { question: 'What was revenue in January 2024?' } });
    const events = parseSse(res.body);
    const names = events.map(([n]) => n);
    // The offline planner reads describe_data (to know the loaded values) before it plans; the analysis comes after.
    const kpiCall = events.findIndex(([n, d]) => n === 'tool_call' && d.tool === 'kpi_trend');
    expect(names.indexOf('plan')).toBeGreaterThanOrEqual(0);
    expect(names.indexOf('plan')).toBeLessThan(kpiCall);
    expect(names.slice(-2)).toEqual(['token', 'answer']);
    expect(names.filter((n) => n === 'token')).toHaveLength(1);
    const answer = events.at(-1)![1];
    expect(answer).toMatchObject({ planner: 'offline', grounded: true, turn: 1 });
    expect(events.at(-2)![1]).toEqual({ text: answer.answer });
    const kpi = answer.toolCalls.find((c: { tool: string }) => c.tool === 'kpi_trend');
    expect(kpi.result.overall.total).toBe(35);
    // Every tool call was announced before the answer, each followed by its result.
    const calls = events.filter(([n]) => n === 'tool_call').map(([, d]) => d.tool);
    expect(calls).toEqual(answer.toolCalls.map((c: { tool: string }) => c.tool));
  });

  it('POST /api/chat reports a failing model as an error event', async () => {
    fake.script([{ status: 500 }, { status: 500 }]);
    const res = await app.inject({ method: 'POST', url: '/api/chat', payload: { question: 'Revenue?' } });
    const events = parseSse(res.body);
    expect(events.map(([n]) => n)).toEqual(['plan', 'error']);
    expect(events[1]![1].error).toMatchObject({ code: 'upstream_error', message: expect.stringContaining('HTTP 500') });
  });

  it('rejects bad input with a machine-readable error before anything runs', async () => {
    const cases = [
      [app, { method: 'POST', url: '/api/ask', payload: { question: '  ' } }, 400, 'invalid_argument'],
      [app, { method: 'POST', url: '/api/ask', payload: { question: 'x', planner: 'gpt' } }, 400, 'invalid_argument'],
      [app, { method: 'POST', url: '/api/ask', headers: { 'x-sightline-role': 'root' }, payload: { question: 'x' } }, 400, 'invalid_argument'],
      [app, { method: 'POST', url: '/api/ask', payload: { question: 'x', conversationId: '00000000-0000-4000-8000-000000000000' } }, 404, 'not_found'],
      [app, { method: 'GET', url: '/api/chat?question=x&conversationId=00000000-0000-4000-8000-000000000000' }, 404, 'not_found'],
      [offlineOnly, { method: 'POST', url: '/api/ask', payload: { question: 'x', planner: 'llm' } }, 400, 'invalid_argument'],
    ] as const;
    const before = fake.requests.length;
    for (const [server, req, status, code] of cases) {
      const res = await server.inject(req as never);
      expect(res.statusCode, JSON.stringify(req)).toBe(status);
      expect(res.json().error.code).toBe(code);
    }
    expect(fake.requests.length).toBe(before);
    const llmMissing = await offlineOnly.inject({ method: 'POST', url: '/api/ask', payload: { question: 'x', planner: 'llm' } });
    expect(llmMissing.json().error.message).toContain('LLM_BASE_URL');
  });
});
