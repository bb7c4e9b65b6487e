import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { DriverName } from '../server/db/types.ts';
import { crossCheck, sameTiers } from './checks.ts';
import { feedbackSection } from './feedback.ts';
import { fmtMs, summarize, type Timing } from './harness.ts';
import { writePlannerReport } from './planner.ts';
import type { BenchResult, DriverRun } from './run.ts';

/** Targets of the issue "Typed analytics tools" (acceptance): p95 per driver, PGlite vs Postgres, incremental refresh. */
export const TARGETS = { postgresP95: 500, pgliteP95: 1000, pgliteOverPostgres: 2, refreshMs: 2000 } as const;

export interface ReportRow {
  label: string;
  timings: Partial<Record<DriverName, Timing>>;
  duck?: Timing;
  /** 'tool' rows get the p95 and ratio targets, 'refresh' the 2 s target, 'info' none. */
  kind: 'tool' | 'refresh' | 'info';
}

const once = (ms: number): Timing => summarize([ms]);

export function reportRows(r: BenchResult): ReportRow[] {
  const byDriver = (pick: (d: DriverRun) => Timing | undefined) =>
    Object.fromEntries(r.drivers.flatMap((d) => (pick(d) ? [[d.driver, pick(d)!]] : [])));
  const duck = (name?: string) => (name && r.duck && 'questions' in r.duck ? r.duck.questions[name] : undefined);
  const labels = [...new Set(r.drivers.flatMap((d) => d.cases.map((c) => c.label)))];
  const rows: ReportRow[] = labels.map((label) => {
    const first = r.drivers.flatMap((d) => d.cases).find((c) => c.label === label)!;
    return { label, kind: 'tool', timings: byDriver((d) => d.cases.find((c) => c.label === label)?.timing), duck: duck(first.duck) };
  });
  rows.push(
    { label: 'peer: RFM SQL, full scan of orders', kind: 'info', timings: byDriver((d) => d.rfm.scan), duck: duck('rfm_scan') },
    { label: 'peer: RFM SQL, from customer_summary', kind: 'info', timings: byDriver((d) => d.rfm.summary), duck: duck('rfm') },
  );
  const n = r.drivers[0]?.refresh.orders ?? 0;
  rows.push(
    { label: `peer: COPY ${n} new orders + lines`, kind: 'info', timings: byDriver((d) => once(d.refresh.copyMs)) },
    { label: `peer: summary refresh after ${n} new orders`, kind: 'refresh', timings: byDriver((d) => once(d.refresh.refreshMs)) },
    // The row above holds everything afterImport refreshes in its transaction; its two parts (the per-customer summary
    // of the issue's refresh target, then the sales/period/cohort rollups other tools read), shown without a target.
    { label: '…of which customer_summary + RFM values', kind: 'info', timings: byDriver((d) => once(d.refresh.refreshMs - d.refresh.rollupMs)) },
    { label: '…of which rollups', kind: 'info', timings: byDriver((d) => once(d.refresh.rollupMs)) },
  );
  return rows;
}

/** '✓', or what missed its target. */
export function targetStatus(row: ReportRow): string {
  const pg = row.timings.postgres;
  const lite = row.timings.pglite;
  const misses: string[] = [];
  if (pg?.error || lite?.error) misses.push('error');
  if (row.kind === 'tool') {
    if (pg && pg.p95 >= TARGETS.postgresP95) misses.push(`Postgres p95 ≥ ${TARGETS.postgresP95} ms`);
    if (lite && lite.p95 >= TARGETS.pgliteP95) misses.push(`PGlite p95 ≥ 1 s`);
    if (pg && lite && lite.p50 / pg.p50 > TARGETS.pgliteOverPostgres) misses.push(`PGlite > ${TARGETS.pgliteOverPostgres}× Postgres`);
  } else if (row.kind === 'refresh') {
    for (const [driver, t] of Object.entries(row.timings)) if (t.p50 >= TARGETS.refreshMs) misses.push(`${driver} ≥ 2 s`);
  } else {
    return '—';
  }
  return misses.length ? `✗ ${misses.join('; ')}` : '✓';
}

const ratio = (a?: Timing, b?: Timing) => (a && b && !a.error && !b.error && b.p50 > 0 ? `${(a.p50 / b.p50).toFixed(1)}×` : '—');
const cell = (t?: Timing, which: 'p50' | 'p95' = 'p50') => (!t ? '—' : t.error ? 'error' : fmtMs(t[which]));

export function markdownTable(rows: readonly ReportRow[]): string {
  const head = '| Tool / question | PGlite p50 | PGlite p95 | Postgres p50 | Postgres p95 | DuckDB p50 | PGlite ÷ Postgres | ours ÷ DuckDB (Postgres / PGlite) | target met? |';
  const lines = rows.map((row) => {
    const { pglite, postgres } = row.timings;
    const vsDuck = row.duck ? `${ratio(postgres, row.duck)} / ${ratio(pglite, row.duck)}` : '—';
    return `| ${row.label} | ${cell(pglite)} | ${cell(pglite, 'p95')} | ${cell(postgres)} | ${cell(postgres, 'p95')} | ${cell(row.duck)} | ${ratio(pglite, postgres)} | ${vsDuck} | ${targetStatus(row)} |`;
  });
  return [head, `|${' --- |'.repeat(9)}`, ...lines].join('\n');
}

const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Notes under the table: errors, DuckDB cross-checks (same answers?), load times per engine. */
function notes(r: BenchResult): string[] {
  const out: string[] = [];
  for (const d of r.drivers) {
    for (const c of d.cases) if (c.timing.error) out.push(`- ${d.driver}: **${c.label}** failed: ${c.timing.error}`);
    const fewer = d.cases.filter((c) => !c.timing.error && c.timing.n < r.options.repeats);
    if (fewer.length) {
      out.push(`- ${d.driver}: timed fewer than ${r.options.repeats} times (slow by design, or over the 60 s budget per case): ${fewer.map((c) => `${c.label} (n = ${c.timing.n})`).join(', ')}`);
    }
    const copy = Object.entries(d.load.copy).map(([t, ms]) => `${t} ${sec(ms)}`).join(', ');
    out.push(
      `- ${d.driver} ${d.version}: load ${sec(d.load.total)} (COPY ${copy}; customer_summary ${sec(d.load.summary)}; rollups ${sec(d.load.rollups)}; tags ${sec(d.load.tags)}; ANALYZE ${sec(d.load.analyze)}); database ${(d.sizeBytes / 2 ** 20).toFixed(0)} MiB; refresh touched ${d.refresh.customers} customers`,
    );
  }
  if (r.duck && 'error' in r.duck) out.push(`- DuckDB skipped: ${r.duck.error}`);
  if (r.duck && 'questions' in r.duck) {
    const duck = r.duck;
    out.push(`- DuckDB ${duck.version} (in memory, ${duck.threads} threads): load ${sec(duck.loadMs)}, customer_summary ${sec(duck.summaryMs)}. Questions:`);
    for (const [name, q] of Object.entries(duck.questions)) out.push(`  - \`${name}\`: ${q.label}${q.error ? ` — error: ${q.error}` : ''}`);
    for (const d of r.drivers) {
      const checks = d.cases.filter((c) => c.duck).map((c) => [c.label, crossCheck(c.duck!, c.result, duck.rows[c.duck!])] as const);
      checks.push(['peer: RFM SQL, full scan of orders', sameTiers(d.rfm.tiers, duck.rows.rfm_scan)]);
      const bad = checks.filter(([, msg]) => msg);
      out.push(bad.length ? bad.map(([l, msg]) => `- ${d.driver} vs DuckDB, **${l}**: ${msg}`).join('\n') : `- ${d.driver} and DuckDB give the same answers (${checks.length} questions cross-checked)`);
    }
  }
  return out;
}

export function markdownSection(r: BenchResult): string {
  const m = r.machine;
  const c = r.shop.counts;
  const o = r.options;
  return [
    '## Tools',
    '',
    `Generated by \`sightline bench\` (bench/README.md) on ${m.date.slice(0, 16).replace('T', ' ')} UTC: ${m.cores} cores (${m.cpu}), ${m.memoryGb} GB RAM, Node ${m.node}, ${m.platform}. ` +
      `1-minute load average during the run: mean ${m.loadDuring.mean.toFixed(2)}, max ${m.loadDuring.max.toFixed(2)} on ${m.cores} cores (${m.loadAvgStart[0]!.toFixed(2)} at the start; other work on the machine inflates timings).`,
    '',
    `Data (seed ${o.seed ?? 42}): ${c.customers.toLocaleString('en')} customers, ${c.orders.toLocaleString('en')} orders (${c.returns.toLocaleString('en')} returns, ${c.guestOrders.toLocaleString('en')} guest orders), ` +
      `${c.order_lines.toLocaleString('en')} order lines, ${c.events.toLocaleString('en')} events in ${c.sessions.toLocaleString('en')} sessions; generated in ${sec(r.shop.ms)}. ` +
      `Each tool call: 1 warm-up, then ${o.repeats} timed calls through \`runTool\` (validation and audit row included); p95 = nearest rank. Whole run: ${sec(r.totalMs)}.`,
    '',
    `Targets: every tool p95 < ${TARGETS.postgresP95} ms on Postgres and < 1 s on PGlite; PGlite p50 within ${TARGETS.pgliteOverPostgres}× of Postgres; summary refresh after 10k new orders < 2 s. ` +
      '"ours ÷ DuckDB" divides the full tool call by DuckDB running the question\'s SQL alone.',
    '',
    markdownTable(reportRows(r)),
    '',
    ...notes(r),
    ...(r.drivers.some((d) => d.feedback) ? ['', feedbackSection(r.drivers.flatMap((d) => (d.feedback ? [d.feedback] : [])))] : []),
  ].join('\n');
}

export const START = '<!-- bench:tools:start -->';
export const END = '<!-- bench:tools:end -->';

export interface SectionMarkers {
  start: string;
  end: string;
  /** Where a missing section goes: just above this marker when present, else at the end. */
  before?: string;
}

/** Replace only the generated section (between the markers) of `text`; other sections (e.g. "Import") stay. */
export function replaceSection(text: string | null, section: string, markers: SectionMarkers = { start: START, end: END }): string {
  const block = `${markers.start}\n${section}\n${markers.end}`;
  if (text === null) return `# Benchmarks\n\n${block}\n`;
  const from = text.indexOf(markers.start);
  const to = text.indexOf(markers.end);
  if (from >= 0 && to > from) return text.slice(0, from) + block + text.slice(to + markers.end.length);
  const at = markers.before ? text.indexOf(markers.before) : -1;
  if (at >= 0) return `${text.slice(0, at)}${block}\n\n${text.slice(at)}`;
  return `${text.replace(/\s*$/, '')}\n\n${block}\n`;
}

/** Read the file right before writing, so concurrent edits of other sections are not lost. */
export function writeReport(path: string, r: BenchResult): void {
  const current = existsSync(path) ? readFileSync(path, 'utf8') : null;
  writeFileSync(path, replaceSection(current, markdownSection(r)));
  if (r.planner) writePlannerReport(path, r.planner);
}
