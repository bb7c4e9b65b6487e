import type { Db } from '../../server/db/index.ts';
import { extractNumbers } from '../../server/agent/numbers.ts';
import type { AnswerPayload, Turn } from '../../server/agent/types.ts';
import { fixedClock } from '../../tools/lib/clock.ts';
import { argMismatches, numberInResults, numberWritten } from './match.ts';
import type { AskFn } from './planners.ts';
import type { DatasetName, EvalCase, NumberExpectation, SetName } from './schema.ts';

/** What one case did and which checks it passed. `null` = the check does not apply to this case. */
export interface CaseResult {
  id: string;
  set: SetName;
  dataset: DatasetName;
  language: 'en' | 'zh';
  kind: string;
  tags: string[];
  expectedTool: string | null;
  behaviour: { expected: string; actual: string | null; ok: boolean };
  toolOk: boolean | null;
  argsOk: boolean | null;
  argIssues: string[];
  numbers: { label: string; expected: number | null; in: 'answer' | 'result'; ok: boolean }[];
  numbersOk: boolean | null;
  grounded: boolean | null;
  pass: boolean;
  /** ms per turn: whole ask, and the part outside tool calls. */
  latencyMs: number[];
  plannerMs: number[];
  answer: string;
  calls: { tool: string; args: Record<string, unknown>; error?: string }[];
  error?: string;
}

/** Runs each expectation's SQL once per database (several cases share a query). */
export class ExpectationCache {
  private readonly values = new Map<string, Promise<number>>();
  constructor(private readonly dbs: ReadonlyMap<DatasetName, Db>) {}

  value(dataset: DatasetName, e: NumberExpectation): Promise<number> {
    const key = `${dataset}\n${e.sql}`;
    let v = this.values.get(key);
    if (!v) {
      v = this.compute(dataset, e.sql);
      this.values.set(key, v);
    }
    return v;
  }

  private async compute(dataset: DatasetName, sql: string): Promise<number> {
    const db = this.dbs.get(dataset);
    if (!db) throw new Error(`no database for ${dataset}`);
    const { rows } = await db.query<Record<string, unknown>>(sql);
    const first = rows[0] ? Object.values(rows[0])[0] : undefined;
    const n = typeof first === 'string' ? Number(first) : first;
    if (typeof n !== 'number' || !Number.isFinite(n)) throw new Error(`expectation returned ${JSON.stringify(first)}, not a number: ${sql.slice(0, 120)}`);
    return n;
  }
}

export interface RunOptions {
  ask: AskFn;
  dbs: ReadonlyMap<DatasetName, Db>;
  expectations: ExpectationCache;
  set: SetName;
  role?: 'admin' | 'support' | 'analyst' | 'executive';
  onResult?: (r: CaseResult) => void;
}

export async function runCases(cases: readonly EvalCase[], opts: RunOptions): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const c of cases) {
    const r = await runCase(c, opts);
    opts.onResult?.(r);
    results.push(r);
  }
  return results;
}

export async function runCase(c: EvalCase, opts: RunOptions): Promise<CaseResult> {
  const base = {
    id: c.id, set: opts.set, dataset: c.dataset, language: c.language, kind: c.kind, tags: c.tags,
    expectedTool: c.expect.tool ?? null,
  };
  const db = opts.dbs.get(c.dataset);
  const latencyMs: number[] = [];
  const plannerMs: number[] = [];
  let payload: AnswerPayload | undefined;
  try {
    if (!db) throw new Error(`dataset ${c.dataset} is not open`);
    const ctx = { tools: { db, clock: fixedClock(c.today), role: opts.role ?? 'analyst' } };
    const conversation: Turn[] = [];
    for (const question of c.turns) {
      const started = performance.now();
      payload = await opts.ask(question, [...conversation], ctx);
      const ms = performance.now() - started;
      latencyMs.push(ms);
      plannerMs.push(Math.max(0, ms - payload.toolCalls.reduce((s, t) => s + (t.ms ?? 0), 0)));
      conversation.push({ question, payload });
    }
  } catch (err) {
    return {
      ...base, behaviour: { expected: c.expect.behaviour, actual: null, ok: false }, toolOk: c.expect.tool ? false : null,
      argsOk: c.expect.args ? false : null, argIssues: [], numbers: [], numbersOk: c.expect.numbers.length ? false : null,
      grounded: null, pass: false, latencyMs, plannerMs, answer: '', calls: [], error: (err as Error).message,
    };
  }
  return score(c, payload!, { ...base, latencyMs, plannerMs }, opts.expectations);
}

async function score(
  c: EvalCase, p: AnswerPayload, base: Pick<CaseResult, 'id' | 'set' | 'dataset' | 'language' | 'kind' | 'tags' | 'expectedTool' | 'latencyMs' | 'plannerMs'>,
  expectations: ExpectationCache,
): Promise<CaseResult> {
  const e = c.expect;
  const behaviourOk = p.kind === e.behaviour;
  const calls = p.toolCalls.filter((t) => t.tool === e.tool);
  const toolOk = e.tool ? calls.length > 0 : null;
  // the best-matching call of the expected tool decides the arguments
  const issuesPerCall = calls.map((call) => argMismatches(call, e.args ?? {}));
  const argIssues = e.args ? (issuesPerCall.sort((a, b) => a.length - b.length)[0] ?? ['expected tool not called']) : [];
  const argsOk = e.args ? argIssues.length === 0 : null;
  const found = extractNumbers(p.answer ?? '', c.language);
  const numbers: CaseResult['numbers'] = [];
  let expectationError: string | undefined;
  for (const n of e.numbers) {
    try {
      const expected = await expectations.value(c.dataset, n);
      const ok = n.in === 'answer'
        ? numberWritten(found, expected, { ratio: n.ratio, tolerance: n.tolerance }) !== undefined
        : numberInResults(p.toolCalls, expected, Math.max(n.tolerance, 0.0005));
      numbers.push({ label: n.label, expected, in: n.in, ok });
    } catch (err) {
      expectationError = `expectation "${n.label}": ${(err as Error).message}`;
      numbers.push({ label: n.label, expected: null, in: n.in, ok: false });
    }
  }
  const numbersOk = numbers.length ? numbers.every((n) => n.ok) : null;
  const pass = behaviourOk && toolOk !== false && argsOk !== false && numbersOk !== false;
  return {
    ...base,
    behaviour: { expected: e.behaviour, actual: p.kind, ok: behaviourOk },
    toolOk, argsOk, argIssues, numbers, numbersOk,
    grounded: p.kind === 'answer' ? p.grounded : null,
    pass,
    answer: p.answer ?? '',
    calls: p.toolCalls.map((t) => ({ tool: t.tool, args: t.args, ...(t.error ? { error: t.error.message } : {}) })),
    ...(expectationError ? { error: expectationError } : {}),
  };
}
