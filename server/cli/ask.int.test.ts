import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../db/index.ts';
import { migrate } from '../db/migrate.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../testing/fakeOpenAI.ts';
import { loadTinyShop } from '../testing/fixtures.ts';

const BIN = new URL('../../bin/sightline.js', import.meta.url).pathname;
const run = promisify(execFile);
/** Tiny shop (server/testing/fixtures.ts): January 2024 revenue 10 + 5 + 20 = 35. */
const JANUARY = { metric: 'revenue', grain: 'month', from: '2024-01-01', to: '2024-01-31' };

/** Async, so the scripted server in this process can answer while the CLI runs. */
async function sightline(args: string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      env: { ...process.env, LOG_LEVEL: 'silent', LLM_BASE_URL: '', SIGHTLINE_TODAY: '', ...env },
      timeout: 120_000,
    });
    return { code: 0, out: stdout, err: stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, out: err.stdout, err: err.stderr };
  }
}

describe('sightline ask', () => {
  let fake: FakeOpenAI;
  const env: Record<string, string> = {};
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sightline-ask-'));
    const db = await openDb(`pglite://${dir}`);
    await migrate(db);
    await loadTinyShop(db);
    await db.close();
    fake = await startFakeOpenAI();
    Object.assign(env, { DATABASE_URL: `pglite://${dir}`, LLM_BASE_URL: fake.url, LLM_MODEL: 'scripted' });
  });
  afterAll(() => fake.close());

  it('--json prints the payload; --today fixes the clock the model and tools see', async () => {
    fake.script([{ toolCalls: [{ name: 'kpi_trend', arguments: JANUARY }] }, { content: 'Revenue in January 2024 was 35.' }]);
    const { code, out } = await sightline(['ask', '--json', '--today', '2024-03-05', '--planner', 'llm', 'Revenue in January 2024?'], env);
    expect(code).toBe(0);
    const payload = JSON.parse(out);
    expect(payload).toMatchObject({ planner: 'llm', kind: 'answer', grounded: true, answer: 'Revenue in January 2024 was 35.' });
    expect(payload.toolCalls[0]).toMatchObject({ tool: 'kpi_trend', result: { overall: { total: 35 }, meta: { asOf: '2024-03-05' } } });
    expect(JSON.stringify(fake.requests[0]!.messages[0]!.content)).toContain('Today is 2024-03-05.');
  }, 180_000);

  it('prints the answer with a one-line receipt; SIGHTLINE_TODAY sets the clock too', async () => {
    fake.script([{ toolCalls: [{ name: 'kpi_trend', arguments: JANUARY }] }, { content: 'Revenue in January 2024 was 35. It grew 80%.' }]);
    const { code, out } = await sightline(['ask', 'Revenue in January 2024?'], { ...env, SIGHTLINE_TODAY: '2024-02-20' });
    expect(code).toBe(0);
    expect(out).toMatch(/^Revenue in January 2024 was 35\.\n\n\(planner llm · tools: kpi_trend \d+ ms · window 2024-01-01 … 2024-01-31 · grounding: repaired\)\n$/);
    expect(JSON.stringify(fake.requests[0]!.messages[0]!.content)).toContain('Today is 2024-02-20.');
  }, 180_000);

  it('bad input exits 2 with a one-line error', async () => {
    const cases: [string[], Record<string, string>, string][] = [
      [['ask', '--today', '2024-13-01', 'x'], env, 'sightline: invalid_argument: --today: clock date must be YYYY-MM-DD, got "2024-13-01"'],
      [['ask', '--planner', 'gpt', 'x'], env, 'sightline: invalid_argument: --planner must be offline or llm'],
      [['ask', '--planner', 'llm', 'x'], { ...env, LLM_BASE_URL: '' }, expect.stringContaining('sightline: invalid_argument: the LLM planner needs LLM_BASE_URL') as never],
    ];
    for (const [args, e, message] of cases) {
      const { code, err } = await sightline(args, e);
      expect(code, args.join(' ')).toBe(2);
      expect(err.trim()).toEqual(message);
    }
  }, 300_000);
});
