import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Test helper: a tiny OpenAI-compatible server on an ephemeral port, serving POST /v1/embeddings (deterministic
 * vectors from `vectorOf`, returned in reverse order with their `index`, as the API allows, and not unit length)
 * and POST /v1/chat/completions (answers from `reply`). `requests` keeps every request body for assertions.
 */
export interface FakeEndpoint {
  url: string;
  requests: { path: string; body: Record<string, unknown> }[];
  /** When set, the next requests fail with this HTTP status. */
  failWith: number | null;
  close(): Promise<void>;
}

/** Default fake embedding: counts of a few marker words (so similar texts are similar), scaled by 3. */
export function markerVector(text: string, dimension = 8): number[] {
  const markers = ['late', 'package', 'refund', 'app', 'crash', 'size', 'price', 'love'];
  const lower = text.toLowerCase();
  const v: number[] = Array.from({ length: dimension }, (_, i) => (lower.includes(markers[i % markers.length]!) ? 3 : 0));
  v[dimension - 1] = (v[dimension - 1] ?? 0) + 0.5; // never the zero vector
  return v;
}

export async function startFakeEndpoint(opts: { vectorOf?: (text: string) => number[]; reply?: (prompt: string) => string } = {}): Promise<FakeEndpoint> {
  const vectorOf = opts.vectorOf ?? ((t: string) => markerVector(t));
  const state: FakeEndpoint = { url: '', requests: [], failWith: null, close: async () => undefined };
  const server = createServer(async (req, res) => {
    const body = JSON.parse(await readBody(req)) as Record<string, unknown>;
    state.requests.push({ path: req.url ?? '', body });
    const send = (status: number, payload: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
    if (state.failWith) return send(state.failWith, { error: { message: `fake failure ${state.failWith}` } });
    if (req.url === '/v1/embeddings') {
      const input = (Array.isArray(body.input) ? body.input : [body.input]) as string[];
      const data = input.map((text, index) => ({ object: 'embedding', index, embedding: vectorOf(text) })).reverse();
      return send(200, { object: 'list', data, model: body.model, usage: { prompt_tokens: 1, total_tokens: 1 } });
    }
    if (req.url === '/v1/chat/completions') {
      const messages = body.messages as { content: string }[];
      const content = (opts.reply ?? (() => 'A theme'))(messages.map((m) => m.content).join('\n'));
      return send(200, {
        id: 'chat-1', object: 'chat.completion', created: 0, model: body.model,
        choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
      });
    }
    send(404, { error: { message: 'not found' } });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  state.close = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return state;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8') || '{}'));
    req.on('error', reject);
  });
}
