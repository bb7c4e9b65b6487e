/** `sightline reembed` and `sightline themes …`: the command-line side of server/feedback. */
import type { Config } from '../config.ts';
import type { Db } from '../db/index.ts';
import { AppError } from '../errors.ts';
import { reembed, type ReembedResult } from '../feedback/lifecycle.ts';
import { themeNamerFromConfig } from '../feedback/naming.ts';
import { EMBEDDER_KINDS, type EmbedderKind } from '../feedback/store.ts';
import { refreshThemes, themeAssignments, type ThemeRun } from '../feedback/themes.ts';
import { csvField } from '../../tools/lib/segments/export.ts';

export async function reembedCommand(db: Db, config: Config, opts: { model?: string }): Promise<string> {
  if (opts.model !== undefined && !(EMBEDDER_KINDS as readonly string[]).includes(opts.model)) {
    throw new AppError('invalid_argument', `--model must be one of ${EMBEDDER_KINDS.join(', ')}`);
  }
  const r: ReembedResult = await reembed(db, config, opts.model as EmbedderKind | undefined, (done) => process.stderr.write(`\rembedded ${done}`));
  process.stderr.write('\n');
  const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  return [
    `embedder: ${r.model} (${r.kind}, ${r.dimension} dimensions)${r.previous && r.previous !== r.model ? `, was ${r.previous}` : ''}`,
    `embedded ${r.embedded} feedback rows; HNSW index ${r.indexed ? 'built' : 'not built (dimension too large: exact search)'}`,
    `time: fit ${sec(r.ms.fit)}, embed ${sec(r.ms.embed)}, index ${sec(r.ms.index)}`,
  ].join('\n');
}

export async function themesRefreshCommand(db: Db, config: Config, opts: { k?: number; force?: boolean; recluster?: boolean }): Promise<string> {
  const run: ThemeRun = await refreshThemes(db, config, {
    k: opts.k, force: opts.force || opts.recluster, recluster: opts.recluster, namer: themeNamerFromConfig(config),
  });
  return `${run.reused ? 'themes are current' : `themes recomputed (${run.method.replace('_', ' ')})`}: run ${run.runId}, ${run.k} themes over ${run.rows} feedback rows` +
    `${run.created.length ? `, new theme ids ${run.created.join(', ')}` : ''} (${(run.ms / 1000).toFixed(1)} s, model ${run.model})`;
}

/** feedback_id,external_id,label,theme_id for every feedback row (theme empty when the row is not clustered yet). */
export async function themesAssignmentsCommand(db: Db, opts: { format: string }): Promise<string> {
  if (opts.format !== 'csv' && opts.format !== 'json') throw new AppError('invalid_argument', '--format must be csv or json');
  const rows = await themeAssignments(db);
  if (opts.format === 'json') return JSON.stringify(rows);
  const lines = rows.map((r) => [r.feedback_id, r.external_id, r.label, r.theme_id].map(csvField).join(','));
  return ['feedback_id,external_id,label,theme_id', ...lines].join('\n');
}
