import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A scripted OpenAI-compatible chat server for tests: it serves POST /v1/chat/completions (plain JSON and SSE
 * streaming, as the OpenAI API does) and answers each request with the next step of a script. Tests start it on an
 * ephemeral port, point the LLM planner at `url`, and read `requests` to check what the model was sent.
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

export interface FakeOpenAI {
  url: string;
  requests: ChatRequest[];
  /** Replace the script (and forget earlier requests). */
  script(steps: ScriptStep[]): void;
  close(): Promise<void>;
}

export async function startFakeOpenAI(steps: ScriptStep[] = []): Promise<FakeOpenAI> {
  let script = [...steps];
  const requests: ChatRequest[] = [];
  const hanging = new Set<ServerResponse>();
  let counter = 0;

  const server: Server = createServer(async (req, res) => {
    if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'not found' } }));
      return;
    }
    const body = JSON.parse(await readBody(req)) as ChatRequest;
    // A client that already gave up (cancelled, timed out) must not consume the next test's script step.
    if (req.socket.destroyed) return;
    requests.push(body);
    const step = script.shift() ?? { status: 500, message: 'fake server: script exhausted' };
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
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
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
