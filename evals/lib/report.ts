import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CaseResult } from './runner.ts';
import type { SetName } from './schema.ts';
import type { Metrics, SetSummary } from './summary.ts';

export interface EvalReport {
  startedAt: string;
  planner: string;
  driver: string;
  datasets: Record<string, { origin: string; ms: number }>;
  filter: string | null;
  sets: Partial<Record<SetName, { summary: SetSummary; results: CaseResult[] }>>;
}

const pct = (x: number | null) => (x === null ? '–' : `${(100 * x).toFixed(1)}%`);
const ms = (x: number | null) => (x === null ? '–' : `${Math.round(x)}`);
const COLUMNS: [string, (m: Metrics) => string][] = [
  ['cases', (m) => String(m.cases)],
  ['pass', (m) => pct(m.accuracy)],
  ['tool', (m) => pct(m.toolAccuracy)],
  ['args', (m) => pct(m.argAccuracy)],
  ['numbers', (m) => pct(m.numberAccuracy)],
  ['behaviour', (m) => pct(m.behaviourAccuracy)],
  ['clarify/refuse', (m) => pct(m.clarifyRefuseAccuracy)],
  ['grounded', (m) => pct(m.groundedRate)],
  ['p50 ms', (m) => ms(m.latencyP50Ms)],
  ['p95 ms', (m) => ms(m.latencyP95Ms)],
];

function rows(s: SetSummary): [string, Metrics][] {
  return [
    ['overall', s.overall],
    ...Object.entries(s.byLanguage).map(([k, m]) => [`lang ${k}`, m] as [string, Metrics]),
    ...Object.entries(s.byDataset).map(([k, m]) => [`data ${k}`, m] as [string, Metrics]),
    ...Object.entries(s.byTool).map(([k, m]) => [`tool ${k}`, m] as [string, Metrics]),
    ...Object.entries(s.byKind).map(([k, m]) => [`kind ${k}`, m] as [string, Metrics]),
  ];
}

/** Fixed-width table for the terminal. */
export function formatTable(set: string, s: SetSummary): string {
  const header = [set, ...COLUMNS.map(([h]) => h)];
  const body = rows(s).map(([name, m]) => [name, ...COLUMNS.map(([, f]) => f(m))]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

export function formatFailures(results: readonly CaseResult[], max = 30): string {
  const failed = results.filter((r) => !r.pass);
  const lines = failed.slice(0, max).map((r) => {
    const why = [
      r.error && `error: ${r.error}`,
      !r.behaviour.ok && `behaviour ${r.behaviour.actual} ≠ ${r.behaviour.expected}`,
      r.toolOk === false && `tool: called ${r.calls.map((c) => c.tool).join(', ') || 'nothing'}, expected ${r.expectedTool}`,
      r.argsOk === false && r.toolOk && `args: ${r.argIssues.join('; ')}`,
      r.numbersOk === false && `numbers: ${r.numbers.filter((n) => !n.ok).map((n) => `${n.label}=${n.expected} not in ${n.in}`).join('; ')}`,
    ].filter(Boolean);
    return `  ${r.id}: ${why.join(' | ')}`;
  });
  return failed.length ? [`failed (${failed.length}):`, ...lines, ...(failed.length > max ? [`  … ${failed.length - max} more`] : [])].join('\n') : 'no failures';
}

export function formatMarkdown(report: EvalReport): string {
  const out = [
    `# Eval report`,
    '',
    `${report.startedAt} · planner **${report.planner}** · ${report.driver}${report.filter ? ` · filter \`${report.filter}\`` : ''}`,
    '',
  ];
  for (const [set, data] of Object.entries(report.sets)) {
    if (!data) continue;
    out.push(`## ${set}`, '', `| group | ${COLUMNS.map(([h]) => h).join(' | ')} |`, `|---|${COLUMNS.map(() => '---:').join('|')}|`);
    for (const [name, m] of rows(data.summary)) out.push(`| ${name} | ${COLUMNS.map(([, f]) => f(m)).join(' | ')} |`);
    const failed = data.results.filter((r) => !r.pass).map((r) => `\`${r.id}\``);
    out.push('', failed.length ? `Failed: ${failed.join(', ')}` : 'Every case passed.', '');
  }
  return out.join('\n');
}

export function writeReport(report: EvalReport, dir: string): { json: string; md: string } {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, 'latest.json');
  const md = join(dir, 'latest.md');
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(md, formatMarkdown(report));
  return { json, md };
}
