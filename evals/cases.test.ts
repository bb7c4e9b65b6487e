import { describe, expect, it } from 'vitest';
import { TOOL_FACTORIES } from '../tools/registry.ts';
import { fixedClock } from '../tools/lib/clock.ts';
import { caseSchema, KINDS, loadCases, TAGS } from './lib/schema.ts';

const golden = loadCases('golden');
const paraphrases = loadCases('paraphrases');
const count = <T>(items: readonly T[], key: (x: T) => string) =>
  items.reduce<Record<string, number>>((acc, x) => ({ ...acc, [key(x)]: (acc[key(x)] ?? 0) + 1 }), {});

describe('eval case files', () => {
  it('parse against the case schema (loadCases throws with file:line on any bad case)', () => {
    expect(golden.length).toBeGreaterThanOrEqual(200);
    expect(paraphrases.length).toBeGreaterThanOrEqual(35);
  });

  it('the schema rejects malformed cases', () => {
    const good = { id: 'x-1', dataset: 'demo', language: 'en', kind: 'kpi_period', today: '2026-11-01', turns: ['q'], expect: { behaviour: 'answer', tool: 'kpi_trend' } };
    expect(caseSchema.safeParse(good).success).toBe(true);
    expect(caseSchema.safeParse({ ...good, language: 'fr' }).success).toBe(false);
    expect(caseSchema.safeParse({ ...good, expect: { behaviour: 'answer' } }).success).toBe(false); // answer without a tool
    expect(caseSchema.safeParse({ ...good, kind: 'refuse', expect: { behaviour: 'refuse', tool: 'kpi_trend' } }).success).toBe(false);
    expect(caseSchema.safeParse({ ...good, kind: 'followup' }).success).toBe(false); // a follow-up needs 2+ turns
    expect(caseSchema.safeParse({ ...good, today: '2026-13-01' }).success).toBe(false);
    expect(caseSchema.safeParse({ ...good, expect: { ...good.expect, numbers: [{ label: 'n', sql: 'SELECT 1 + 1 AS two' , in: 'both' }] } }).success).toBe(false);
  });

  it('golden: about half English and half Chinese, on both datasets', () => {
    const byLanguage = count(golden, (c) => c.language);
    expect(Math.abs(byLanguage.en! - byLanguage.zh!)).toBeLessThanOrEqual(golden.length * 0.1);
    const byDataset = count(golden, (c) => c.dataset);
    expect(byDataset.demo).toBeGreaterThanOrEqual(100);
    expect(byDataset.online_retail).toBeGreaterThanOrEqual(50);
  });

  it('golden covers every question kind in both languages, and every tag', () => {
    for (const kind of KINDS) {
      for (const language of ['en', 'zh']) expect(golden.filter((c) => c.kind === kind && c.language === language).length, `${kind}/${language}`).toBeGreaterThan(0);
    }
    for (const tag of TAGS) expect(golden.some((c) => c.tags.includes(tag)), tag).toBe(true);
  });

  it('golden asks for every tool in the registry', () => {
    const ctx = { db: undefined as never, clock: fixedClock('2026-11-01'), role: 'analyst' as const };
    const tools = TOOL_FACTORIES.map((f) => f(ctx).name);
    const expected = new Set(golden.map((c) => c.expect.tool).filter(Boolean));
    for (const tool of tools) expect(expected.has(tool), tool).toBe(true);
    for (const tool of expected) expect(tools, `case tool ${tool} is not in the registry`).toContain(tool);
  });

  it('every answer case on data checks at least one number, except feedback search (ranked texts, no count to check)', () => {
    const without = golden.filter((c) => c.expect.behaviour === 'answer' && c.expect.numbers.length === 0).map((c) => c.kind);
    expect(new Set(without)).toEqual(new Set(['feedback_search']));
  });

  it('paraphrases never repeat a golden question', () => {
    const asked = new Set(golden.flatMap((c) => c.turns.map((t) => t.trim().toLowerCase())));
    for (const c of paraphrases) expect(asked.has(c.turns.at(-1)!.trim().toLowerCase()), c.id).toBe(false);
    expect(count(paraphrases, (c) => c.language)).toEqual({ en: 20, zh: 20 });
  });
});
