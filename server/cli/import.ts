import cliProgress from 'cli-progress';
import type { Clock } from '../../tools/lib/clock.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/index.ts';
import { parseMapOptions, type Entity } from '../import/fields.ts';
import { runImport, type ImportSummary } from '../import/run.ts';

export interface ImportCliOptions {
  preset?: string;
  map?: string[];
  source?: string;
  json?: boolean;
}

export async function importCommand(
  db: Db,
  entity: Entity,
  file: string,
  opts: ImportCliOptions,
  clock: Clock,
  config?: Config,
): Promise<ImportSummary> {
  const bar = process.stderr.isTTY && !opts.json
    ? new cliProgress.SingleBar({ format: 'importing [{bar}] {percentage}% | {rows} rows', stream: process.stderr }, cliProgress.Presets.shades_classic)
    : undefined;
  bar?.start(100, 0, { rows: 0 });
  try {
    const summary = await runImport(db, {
      entity,
      file,
      preset: opts.preset,
      source: opts.source,
      map: parseMapOptions(opts.map ?? []),
      clock,
      config,
      onProgress: ({ rows, bytes, size }) => bar?.update(size ? Math.min(100, Math.round((100 * bytes) / size)) : 0, { rows }),
    });
    bar?.update(100);
    return summary;
  } finally {
    bar?.stop();
  }
}

export function formatSummary(s: ImportSummary): string {
  const lines = [
    `import run ${s.runId}: ${s.entity} from ${s.file} (source "${s.source}") in ${(s.ms / 1000).toFixed(1)} s`,
    `  read      ${s.read}`,
    `  inserted  ${s.inserted}`,
    `  updated   ${s.updated}`,
    `  unchanged ${s.unchanged}`,
    `  rejected  ${s.rejected}`,
  ];
  const details = Object.entries(s.details).filter(([, v]) => v > 0);
  if (details.length) lines.push(`  details   ${details.map(([k, v]) => `${k}=${v}`).join(', ')}`);
  for (const r of s.topRejectReasons) lines.push(`  reject reason: ${r.reason} (${r.count})`);
  if (s.rejected) lines.push(`  see rejected rows: SELECT * FROM import_rejects WHERE import_run_id = ${s.runId}`);
  return lines.join('\n');
}
