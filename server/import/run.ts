import { basename } from 'node:path';
import type { Db } from '../db/index.ts';
import { systemClock, type Clock } from '../../tools/lib/clock.ts';
import { afterImport } from './afterImport.ts';
import { copyText } from '../db/copy.ts';
import { AppError } from '../errors.ts';
import type { BatchCounts, ImportContext } from './entities/common.ts';
import { loadConfig, type Config } from '../config.ts';
import { IMPORTERS } from './entities/index.ts';
import { ENTITIES, ENTITY_FIELDS, resolveMapping, type Entity, type FieldMapping } from './fields.ts';
import { startParsing, type ParseSession } from './parseClient.ts';
import { getPreset, type Preset } from './presets.ts';

export interface ImportOptions {
  /** "Today" for rule tags recomputed after the import (e.g. "new this month"); default the system date. */
  clock?: Clock;
  entity: Entity;
  file: string;
  preset?: string;
  map?: FieldMapping;
  /** Parsed configuration (embedder of feedback rows); default: the environment, parsed once per run. */
  config?: Config;
  /** Namespace of external ids (customer ids, order ids); defaults to the preset name or "default". */
  source?: string;
  batchSize?: number;
  onProgress?: (progress: { rows: number; bytes: number; size: number }) => void;
}

export interface ImportSummary {
  runId: number;
  entity: Entity;
  file: string;
  source: string;
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  details: Record<string, number>;
  topRejectReasons: { reason: string; count: number }[];
  ms: number;
}

/**
 * Stream a file through the entity's importer in batches (one transaction each). Every row read ends up counted as
 * inserted, updated, unchanged or rejected; rejected rows are stored raw with their line number and reason.
 *
 * Reading and parsing run in a worker thread (parseWorker.ts); this thread writes. One batch is written while the
 * worker parses the next, and batches commit in file order because each write waits for the previous one.
 */
export async function runImport(db: Db, options: ImportOptions): Promise<ImportSummary> {
  const started = Date.now();
  const { entity } = options;
  if (!ENTITIES.includes(entity)) {
    throw new AppError('invalid_argument', `unknown entity "${entity}"; entities: ${ENTITIES.join(', ')}`);
  }
  const preset: Preset | undefined = options.preset ? getPreset(options.preset, entity) : undefined;
  const parser = startParsing({ entity, file: options.file, preset: options.preset, batchSize: options.batchSize ?? 100_000 });
  try {
    return await importParsed(db, options, preset, parser, started);
  } finally {
    await parser.close();
  }
}

async function importParsed(db: Db, options: ImportOptions, preset: Preset | undefined, parser: ParseSession, started: number) {
  const { entity } = options;
  const { columns, jsonl, size } = await parser.header();
  // JSONL records need not all have the same keys: a field's own name is always a candidate key.
  const candidates = jsonl ? [...new Set([...columns, ...ENTITY_FIELDS[entity].map((f) => f.name)])] : columns;
  const mapping = resolveMapping(entity, candidates, preset?.map, options.map, { strictColumns: !jsonl });
  const source = options.source ?? preset?.source ?? 'default';
  const runId = await createRun(db, { entity, source, file: options.file, preset: options.preset, mapping });
  const ctx: ImportContext = { source, runId, startedAt: new Date(started) };
  parser.start(mapping, ctx);
  const config = options.config ?? loadConfig();
  const importer = IMPORTERS[entity];
  const totals: BatchCounts = { inserted: 0, updated: 0, unchanged: 0, details: {} };
  const reasons = new Map<string, number>();
  // Progress reports what the worker has read so far, as when parsing ran between the writes on this thread.
  let read = 0;
  let bytes = 0;
  let rejected = 0;

  let inFlight: Promise<void> = Promise.resolve();
  try {
    for (let last = false; !last; ) {
      const parsed = await parser.nextBatch();
      ({ read, bytes, last } = parsed);
      const { batch, rejects } = parsed;
      rejected += rejects.length;
      for (const r of rejects) reasons.set(r.reason, (reasons.get(r.reason) ?? 0) + 1);
      // The next batch may come while this one waits for the write in flight: receiving it (a structured clone on
      // this thread) then mostly falls in the long statements of that write rather than between statements.
      parser.credit();
      await inFlight;
      inFlight = db.transaction(async (tx) => {
        if (batch !== undefined) addCounts(totals, await importer.write(tx, batch, { ...ctx, config }));
        if (rejects.length) {
          await tx.copyFrom('import_rejects', ['import_run_id', 'line_no', 'raw', 'reason'], copyText(rejects.map((r) => [runId, r.line, r.raw, r.reason])));
        }
        options.onProgress?.({ rows: read, bytes, size });
      });
      inFlight.catch(() => undefined); // surfaced by the next await; avoids an unhandled-rejection crash meanwhile
    }
    await inFlight;
  } catch (err) {
    await inFlight.catch(() => undefined);
    await finishRun(db, runId, 'failed', { read, rejected, ...totals }, (err as Error).message);
    throw err;
  }
  await refreshDerived(db, runId, totals, options.clock ?? systemClock, config);
  await finishRun(db, runId, 'succeeded', { read, rejected, ...totals });
  return {
    runId,
    entity,
    file: options.file,
    source,
    read,
    ...totals,
    rejected,
    topRejectReasons: [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([reason, count]) => ({ reason, count })),
    ms: Date.now() - started,
  };
}

function addCounts(into: BatchCounts, add: BatchCounts) {
  into.inserted += add.inserted;
  into.updated += add.updated;
  into.unchanged += add.unchanged;
  for (const [k, v] of Object.entries(add.details)) into.details[k] = (into.details[k] ?? 0) + v;
}

async function createRun(
  db: Db,
  run: { entity: Entity; source: string; file: string; preset?: string; mapping: FieldMapping },
): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO import_runs (entity, source, file_name, preset, mapping) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [run.entity, run.source, basename(run.file), run.preset ?? null, JSON.stringify(run.mapping)],
  );
  return rows[0]!.id;
}

/**
 * Keep the per-customer summary, rule tags and planner statistics in step with the data. Incremental: only the
 * customers whose orders this run inserted, plus survivors of merges it made. A run that changed orders already
 * stored (rare: a corrected re-import that updates a line, adds a line or changes an order's header) refreshes
 * everything: such a change can move an order between customers or days, and the incremental refresh only sees
 * orders newer than its mark.
 */
async function refreshDerived(db: Db, runId: number, totals: BatchCounts, clock: Clock, config: Config) {
  const merged = totals.details.customers_merged ?? 0;
  const changedExisting = totals.updated + (totals.details.orders_updated ?? 0) + (totals.details.lines_added_to_existing_orders ?? 0);
  if (totals.inserted + changedExisting + merged === 0) return;
  let touched: number[] | 'all' = 'all';
  if (changedExisting === 0) {
    const { rows } = await db.query<{ id: number }>(
      `SELECT DISTINCT customer_id AS id FROM orders WHERE import_run_id = $1 AND customer_id IS NOT NULL
       UNION SELECT survivor_id FROM customer_merges WHERE import_run_id = $1`,
      [runId],
    );
    touched = rows.map((r) => r.id);
  }
  const result = await afterImport(db, touched, clock, config);
  totals.details.summary_rows_refreshed = result.summaryRows;
}

async function finishRun(
  db: Db,
  runId: number,
  status: 'succeeded' | 'failed',
  c: { read: number; rejected: number } & BatchCounts,
  error?: string,
) {
  await db.query(
    `UPDATE import_runs SET status = $2, rows_read = $3, inserted = $4, updated = $5, unchanged = $6, rejected = $7,
            details = $8, error = $9, finished_at = now() WHERE id = $1`,
    [runId, status, c.read, c.inserted, c.updated, c.unchanged, c.rejected, JSON.stringify(c.details), error ?? null],
  );
  await db.query(`INSERT INTO audit_log (action, target, details) VALUES ('import', $1, $2)`, [
    `import_run:${runId}`,
    JSON.stringify({ status, ...c, error }),
  ]);
}
