import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { EvalReport } from './report.ts';
import { EVALS_DIR, type SetName } from './schema.ts';
import type { SetSummary } from './summary.ts';

/**
 * The regression gate: the offline planner's accuracy per set (overall, per language), clarify/refuse correctness and
 * grounded rate must not fall below evals/baseline.json. The baseline only moves up (raiseBaseline), so every
 * improvement becomes the new floor.
 */
const floor = z.number().min(0).max(1);
const setFloors = z
  .object({
    overall: floor.describe('share of cases passed'),
    en: floor.optional().describe('share of English cases passed'),
    zh: floor.optional().describe('share of Chinese cases passed'),
    clarifyRefuse: floor.optional().describe('share of clarify/refuse cases answered with the right behaviour'),
    grounded: floor.optional().describe('share of answers whose numbers all come from tool results'),
  })
  .strict();
export const baselineSchema = z
  .object({
    note: z.string().optional(),
    planner: z.literal('offline'),
    updatedAt: z.string().optional(),
    golden: setFloors,
    paraphrases: setFloors.optional(),
  })
  .strict();
export type Baseline = z.infer<typeof baselineSchema>;
type Floors = z.infer<typeof setFloors>;
type FloorKey = keyof Floors;

export const BASELINE_PATH = join(EVALS_DIR, 'baseline.json');

export function readBaseline(path = BASELINE_PATH): Baseline {
  return baselineSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
}

/** The gated figures of one set's summary (null when the set has no such case). */
export function measured(s: SetSummary): Record<FloorKey, number | null> {
  return {
    overall: s.overall.accuracy,
    en: s.byLanguage.en?.accuracy ?? null,
    zh: s.byLanguage.zh?.accuracy ?? null,
    clarifyRefuse: s.overall.clarifyRefuseAccuracy,
    grounded: s.overall.groundedRate,
  };
}

const LABEL: Record<FloorKey, string> = {
  overall: 'accuracy', en: 'English accuracy', zh: 'Chinese accuracy', clarifyRefuse: 'clarify/refuse correctness', grounded: 'grounded rate',
};
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** Every figure below its floor, in words (empty = the gate passes). A set missing from the report is not judged. */
export function checkGate(report: Pick<EvalReport, 'sets'>, baseline: Baseline): string[] {
  const problems: string[] = [];
  for (const set of ['golden', 'paraphrases'] as const satisfies readonly SetName[]) {
    const floors = baseline[set];
    const summary = report.sets[set]?.summary;
    if (!floors || !summary) continue;
    const now = measured(summary);
    for (const [key, min] of Object.entries(floors) as [FloorKey, number | undefined][]) {
      if (min === undefined) continue;
      const value = now[key];
      if (value === null) problems.push(`${set}: ${LABEL[key]} not measured (baseline ${pct(min)})`);
      else if (value < min - 1e-9) problems.push(`${set}: ${LABEL[key]} ${pct(value)} is below the baseline ${pct(min)}`);
    }
  }
  return problems;
}

/** The baseline raised to what the report measured, never lowered (values floored to 4 decimals). */
export function raiseBaseline(old: Baseline, report: Pick<EvalReport, 'sets'>, now = new Date()): Baseline {
  const next: Baseline = structuredClone(old);
  let changed = false;
  for (const set of ['golden', 'paraphrases'] as const) {
    const summary = report.sets[set]?.summary;
    if (!summary) continue;
    const floors: Floors = next[set] ?? { overall: 0 };
    for (const [key, value] of Object.entries(measured(summary)) as [FloorKey, number | null][]) {
      if (value === null) continue;
      const v = Math.floor(value * 10_000) / 10_000;
      if (v > (floors[key] ?? 0)) {
        floors[key] = v;
        changed = true;
      }
    }
    next[set] = floors;
  }
  if (changed) next.updatedAt = now.toISOString();
  return next;
}

export function writeBaseline(b: Baseline, path = BASELINE_PATH): void {
  writeFileSync(path, `${JSON.stringify(b, null, 2)}\n`);
}
