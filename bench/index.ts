import { resolve } from 'node:path';
import type { DriverName } from '../server/db/types.ts';
import { plannerSection } from './planner.ts';
import { markdownSection, writeReport } from './report.ts';
import { runBench } from './run.ts';

export { runBench } from './run.ts';

export interface BenchCommandOptions {
  customers: number;
  orders: number;
  events: number;
  drivers: string;
  repeats: number;
  duckdb: boolean;
  seed: number;
  /** Feedback rows for the feedback bench; 0 = skip it. */
  feedback: number;
  /** Time the offline planner on the demo eval dataset (bench/planner.ts). */
  planner?: boolean;
  /** Markdown file to update (only its generated section); '' or '-' = print only. */
  out: string;
}

const DRIVERS: readonly DriverName[] = ['pglite', 'postgres'];

export function parseDrivers(list: string): DriverName[] {
  const names = list.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = names.filter((n) => !(DRIVERS as readonly string[]).includes(n));
  if (bad.length || names.length === 0) throw new Error(`--drivers must be a comma-separated list of ${DRIVERS.join(', ')}; got "${list}"`);
  return [...new Set(names)] as DriverName[];
}

/** `sightline bench`: progress on stderr, the markdown table on stdout, the section written into `out`. */
export async function benchCommand(opts: BenchCommandOptions): Promise<string> {
  const result = await runBench({
    customers: opts.customers,
    orders: opts.orders,
    events: opts.events,
    drivers: parseDrivers(opts.drivers),
    repeats: opts.repeats,
    duckdb: opts.duckdb,
    seed: opts.seed,
    feedback: opts.feedback,
    planner: opts.planner,
    log: (line) => console.error(line),
  });
  const section = [markdownSection(result), ...(result.planner ? [plannerSection(result.planner)] : [])].join('\n\n');
  if (opts.out && opts.out !== '-') {
    writeReport(resolve(opts.out), result);
    console.error(`written to ${opts.out}`);
  }
  return section;
}
