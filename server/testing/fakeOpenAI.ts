import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The one OpenAI-compatible server for tests (no model is reachable here). It serves
 * - POST /v1/chat/completions (plain JSON and SSE streaming, as the OpenAI API does), answering each request with the
 *   next step of a script, or with `reply(prompt)` once the script is empty;
 * - POST /v1/embeddings, with deterministic vectors from `vectorOf` (default `markerVector`), returned in reverse
 *   order with their `index` (as the API allows) and not of unit length, so clients must restore order and normalise.
 * Tests start it on an ephemeral port, point the planner/embedder/namer at `url`, and read `requests` /
 * `embeddingRequests` to check what was sent.
 */
export type ScriptStep =
  /** The model asks for tools. `arguments` given as a string is sent verbatim (so a test can send broken JSON). */
  | { toolCalls: { name: string; arguments: string | Record<string, unknown>; id?: string }[]; content?: string }
  /** The model answers with text (streamed word by word when the client streams). */
  | { content: string }
  /** The endpoint fails with this HTTP status. */
  | { status: number; message?: string }
  /** The endpoint never answers (until the client gives up). */
  | { hang: true };

export interface ChatRequest {
  model: string;
  stream?: boolean;
  messages: { role: string; content: unknown; tool_calls?: unknown[]; tool_call_id?: string }[];
  tools?: { type: string; function: { name: string; description?: string; parameters?: unknown } }[];
}

export interface EmbeddingRequest {
  model: string;
  input: string | string[];
  encoding_format?: string;
}

export interface FakeOpenAI {
  url: string;
  requests: ChatRequest[];
  embeddingRequests: EmbeddingRequest[];
  /** When set, every request fails with this HTTP status (until reset to null). */
  failWith: number | null;
  /** Replace the script (and forget earlier requests). */
  script(steps: ScriptStep[]): void;
  close(): Promise<void>;
}

export interface FakeOpenAIOptions {
  /** Embedding of one text (default `markerVector`). */
  vectorOf?: (text: string) => number[];
  /** Chat answer once the script is empty, from the request's messages joined by newlines. */
  reply?: (prompt: string) => string;
}

/** Default fake embedding: counts of a few marker words (so similar texts are similar), scaled by 3. */
export function markerVector(text: string, dimension = 8): number[] {
  const markers = ['late', 'package', 'refund', 'app', 'crash', 'size', 'price', 'love'];
  const lower = text.toLowerCase();
  const v: number[] = Array.from({ length: dimension }, (_, i) => (lower.includes(markers[i % markers.length]!) ? 3 : 0));
  v[dimension - 1] = (v[dimension - 1] ?? 0) + 0.5; // never the zero vector
  return v;
}

export async function startFakeOpenAI(steps: ScriptStep[] = [], options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  let script = [...steps];
  const requests: ChatRequest[] = [];
  const embeddingRequests: EmbeddingRequest[] = [];
  const hanging = new Set<ServerResponse>();
  const vectorOf = options.vectorOf ?? ((text: string) => markerVector(text));
  let counter = 0;

  const nextStep = (body: ChatRequest): ScriptStep => {
    const step = script.shift();
    if (step) return step;
    if (options.reply) return { content: options.reply(body.messages.map((m) => String(m.content)).join('\n')) };
    return { status: 500, message: 'fake server: script exhausted' };
  };

  const server: Server = createServer(async (req, res) => {
    const sendJson = (status: number, payload: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
    const route = req.method === 'POST' ? req.url?.match(/\/(chat\/completions|embeddings)$/)?.[1] : undefined;
    if (!route) return sendJson(404, { error: { message: 'not found' } });
    const body = JSON.parse((await readBody(req)) || '{}') as ChatRequest & EmbeddingRequest;
    // A client that already gave up (cancelled, timed out) must not consume the next test's script step.
    if (req.socket.destroyed) return;
    if (route === 'embeddings') {
      embeddingRequests.push(body);
      if (fake.failWith) return sendJson(fake.failWith, { error: { message: `fake failure ${fake.failWith}` } });
      const input = Array.isArray(body.input) ? body.input : [body.input];
      const data = input.map((text, index) => ({ object: 'embedding', index, embedding: vectorOf(text) })).reverse();
      return sendJson(200, { object: 'list', data, model: body.model, usage: { prompt_tokens: 1, total_tokens: 1 } });
    }
    requests.push(body);
    const step: ScriptStep = fake.failWith ? { status: fake.failWith } : nextStep(body);
    if ('hang' in step) {
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return;
    }
    if ('status' in step) {
      res.writeHead(step.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: step.message ?? `fake error ${step.status}`, type: 'server_error' } }));
      return;
    }
    const id = `chatcmpl-${++counter}`;
    const toolCalls = 'toolCalls' in step
      ? step.toolCalls.map((c, i) => ({
          id: c.id ?? `call_${counter}_${i}`,
          type: 'function' as const,
          function: { name: c.name, arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments) },
        }))
      : undefined;
    const content = step.content ?? null;
    const finish = toolCalls ? 'tool_calls' : 'stop';
    if (body.stream) streamAnswer(res, id, body.model, content, toolCalls, finish);
    else {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({
        id, object: 'chat.completion', created: 0, model: body.model,
        choices: [{ index: 0, message: { role: 'assistant', content, tool_calls: toolCalls }, finish_reason: finish }],
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const fake: FakeOpenAI = {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    embeddingRequests,
    failWith: null,
    script(next) {
      script = [...next];
      requests.length = 0;
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return fake;
}

function streamAnswer(
  res: ServerResponse, id: string, model: string, content: string | null,
  toolCalls: { id: string; type: 'function'; function: { name: string; arguments: string } }[] | undefined, finish: string,
): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const send = (delta: Record<string, unknown>, finishReason: string | null = null) =>
    res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 0, model, choices: [{ index: 0, delta, finish_reason: finishReason }] })}\n\n`);
  send({ role: 'assistant', content: '' });
  // Word by word, spaces kept, so a client that concatenates the deltas gets the exact text back.
  for (const piece of content?.match(/\S+\s*|\s+/g) ?? []) send({ content: piece });
  toolCalls?.forEach((call, index) => send({ tool_calls: [{ index, ...call }] }));
  send({}, finish);
  res.write('data: [DONE]\n\n');
  res.end();
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
