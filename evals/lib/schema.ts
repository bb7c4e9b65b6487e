import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/**
 * The format of an eval case (one JSON object per line in evals/golden/*.jsonl and evals/paraphrases/*.jsonl).
 * Expectations are about the LAST turn; earlier turns only build the conversation. Numbers are never written into a
 * case: each comes from an independent SQL query over the raw tables, run on the same database as the planner.
 */
export const DATASETS = ['demo', 'online_retail'] as const;
export type DatasetName = (typeof DATASETS)[number];

export const KINDS = [
  'kpi_period', // revenue/orders/customers/AOV in a period
  'breakdown', // by country/channel/category
  'trend', // by month
  'top_n',
  'change', // period over period
  'new_customers',
  'rfm',
  'churn', // customers at risk and revenue at stake
  'cohort',
  'funnel',
  'journey',
  'clv',
  'feedback_themes',
  'feedback_search',
  'segment',
  'clusters', // behaviour clusters (customer_segments mode cluster)
  'describe',
  'overview', // "how are we doing?": several KPIs of a period against the one before, churn risk, top feedback theme
  'drivers', // "why did revenue drop?": a sum's change split by dimension, largest moves first
  'followup',
  'clarify', // ambiguous: expected a clarifying question
  'refuse', // out of scope: expected a polite refusal
] as const;
export type CaseKind = (typeof KINDS)[number];

export const TAGS = ['synonym', 'typo', 'mixed_language', 'colloquial', 'injection', 'relative_time'] as const;

const numberExpectation = z
  .object({
    label: z.string().min(1).describe('what the number is, e.g. "revenue Oct 2026"'),
    sql: z.string().min(10).describe('independent query over the raw tables; the first column of the first row is the value'),
    ratio: z.boolean().default(false).describe('a fraction 0..1: the answer may show it as a percentage'),
    tolerance: z.number().min(0).max(0.5).default(0.002).describe('relative tolerance on top of the displayed precision'),
    in: z
      .enum(['answer', 'result'])
      .default('answer')
      .describe('answer = must be written in the answer text; result = must be a value in the tool results (for numbers no sensible answer states)'),
  })
  .strict();
export type NumberExpectation = z.output<typeof numberExpectation>;

export const caseSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_.-]*$/, 'lower-case id: letters, digits, _ . -'),
    dataset: z.enum(DATASETS),
    language: z.enum(['en', 'zh']),
    kind: z.enum(KINDS),
    tags: z.array(z.enum(TAGS)).default([]),
    today: z.iso.date().describe('the clock for relative dates'),
    turns: z.array(z.string().min(1)).min(1).max(3).describe('the user questions, in order; expectations are about the last'),
    expect: z
      .object({
        behaviour: z.enum(['answer', 'clarify', 'refuse']),
        tool: z.string().optional().describe('a tool the last turn must call'),
        args: z
          .record(z.string(), z.unknown())
          .optional()
          .describe('subset of that call’s arguments (after defaults); values may be {"$gte"|"$lte"|"$in"|"$ci": …}'),
        numbers: z.array(numberExpectation).default([]),
      })
      .strict()
      .superRefine((e, ctx) => {
        if (e.behaviour === 'answer' && !e.tool) ctx.addIssue({ code: 'custom', path: ['tool'], message: 'an answer case names its tool' });
        if (e.behaviour !== 'answer' && (e.tool || e.args || e.numbers.length)) {
          ctx.addIssue({ code: 'custom', path: ['behaviour'], message: 'clarify/refuse cases expect no tool, args or numbers' });
        }
        if (e.args && !e.tool) ctx.addIssue({ code: 'custom', path: ['args'], message: 'args need a tool' });
      }),
    note: z.string().optional().describe('why the expectation is what it is'),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.kind === 'followup' && c.turns.length < 2) ctx.addIssue({ code: 'custom', path: ['turns'], message: 'a follow-up has 2–3 turns' });
    if ((c.kind === 'clarify' || c.kind === 'refuse') && c.expect.behaviour !== c.kind) {
      ctx.addIssue({ code: 'custom', path: ['expect', 'behaviour'], message: `kind ${c.kind} expects behaviour ${c.kind}` });
    }
  });
export type EvalCase = z.output<typeof caseSchema>;

/** `dev` holds new wordings for tuning the planner's generality without touching the held-out paraphrases. */
export const SETS = ['golden', 'paraphrases', 'dev'] as const;
export type SetName = (typeof SETS)[number];

export const EVALS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Parse every .jsonl file of a set; errors name the file and line. Ids must be unique across the set. */
export function loadCases(set: SetName, dir = join(EVALS_DIR, set)): EvalCase[] {
  const cases: EvalCase[] = [];
  const seen = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort()) {
    const lines = readFileSync(join(dir, file), 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (!line.trim()) return;
      const where = `${set}/${file}:${i + 1}`;
      let raw: unknown;
      try {
        raw = JSON.parse(line);
      } catch (err) {
        throw new Error(`${where}: not JSON: ${(err as Error).message}`);
      }
      const parsed = caseSchema.safeParse(raw);
      if (!parsed.success) {
        const issues = parsed.error.issues.map((x) => `${x.path.join('.') || '(case)'}: ${x.message}`).join('; ');
        throw new Error(`${where}: ${issues}`);
      }
      if (seen.has(parsed.data.id)) throw new Error(`${where}: duplicate id ${parsed.data.id}`);
      seen.add(parsed.data.id);
      cases.push(parsed.data);
    });
  }
  return cases;
}
