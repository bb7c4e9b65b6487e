import { join } from 'node:path';
import { AppError } from '../errors.ts';
import { runEval } from '../../evals/lib/evaluate.ts';
import { formatFailures, formatTable, writeReport } from '../../evals/lib/report.ts';
import { EVALS_DIR, SETS, type SetName } from '../../evals/lib/schema.ts';

export interface EvalCliOptions {
  planner: string;
  json?: boolean;
  filter?: string;
  set?: string;
  database?: string;
  write: boolean;
}

/** `sightline eval`: run the golden (and paraphrase) questions, print the table, write evals/reports/latest.*. */
export async function evalCommand(opts: EvalCliOptions): Promise<{ output: string; failed: boolean }> {
  if (opts.planner !== 'offline' && opts.planner !== 'llm') throw new AppError('invalid_argument', '--planner must be offline or llm');
  if (opts.set !== undefined && !(SETS as readonly string[]).includes(opts.set)) {
    throw new AppError('invalid_argument', `--set must be one of ${SETS.join(', ')}`);
  }
  const databaseUrl = opts.database ?? process.env.TEST_DATABASE_URL;
  const report = await runEval({
    planner: opts.planner,
    sets: opts.set ? [opts.set as SetName] : undefined,
    filter: opts.filter,
    databaseUrl,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  const paths = opts.write ? writeReport(report, join(EVALS_DIR, 'reports')) : null;
  const failed = Object.values(report.sets).some((s) => s && s.summary.overall.cases > 0 && s.summary.overall.passed < s.summary.overall.cases);
  if (opts.json) return { output: JSON.stringify(report, null, 2), failed };
  const parts = Object.entries(report.sets).flatMap(([set, s]) => (s ? [formatTable(set, s.summary), formatFailures(s.results), ''] : []));
  if (paths) parts.push(`report: ${paths.json}, ${paths.md}`);
  return { output: parts.join('\n'), failed };
}
