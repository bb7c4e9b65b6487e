import { basename } from 'node:path';
import type { Db } from '../db/index.ts';
import { copyText } from '../db/copy.ts';
import { AppError } from '../errors.ts';
import type { BatchCounts, EntityImporter, FieldGetter, ImportContext } from './entities/common.ts';
import { customersImporter } from './entities/customers.ts';
import { eventsImporter } from './entities/events.ts';
import { feedbackImporter } from './entities/feedback.ts';
import { ordersImporter } from './entities/orders.ts';
import { ENTITIES, ENTITY_FIELDS, resolveMapping, type Entity, type FieldMapping } from './fields.ts';
import { FieldError } from './normalize.ts';
import { getPreset, type Preset } from './presets.ts';
import { formatFromFileName, openRecords, type SourceRecord } from './readers.ts';

const IMPORTERS: Record<Entity, EntityImporter<any, any>> = {
  customers: customersImporter,
  orders: ordersImporter,
  events: eventsImporter,
  feedback: feedbackImporter,
};

export interface ImportOptions {
  entity: Entity;
  file: string;
  preset?: string;
  map?: FieldMapping;
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

interface Reject {
  line: number;
  raw: Record<string, unknown>;
  reason: string;
}

/**
 * Stream a file through the entity's importer in batches (one transaction each). Every row read ends up counted as
 * inserted, updated, unchanged or rejected; rejected rows are stored raw with their line number and reason.
 */
export async function runImport(db: Db, options: ImportOptions): Promise<ImportSummary> {
  const started = Date.now();
  const { entity } = options;
  if (!ENTITIES.includes(entity)) {
    throw new AppError('invalid_argument', `unknown entity "${entity}"; entities: ${ENTITIES.join(', ')}`);
  }
  const preset: Preset | undefined = options.preset ? getPreset(options.preset, entity) : undefined;
  const format = preset?.format ?? formatFromFileName(options.file);
  const stream = await openRecords(options.file, format);
  // JSONL records need not all have the same keys: a field's own name is always a candidate key.
  const jsonl = format.kind === 'jsonl';
  const columns = await stream.columns();
  const candidates = jsonl ? [...new Set([...columns, ...ENTITY_FIELDS[entity].map((f) => f.name)])] : columns;
  const mapping = resolveMapping(entity, candidates, preset?.map, options.map, { strictColumns: !jsonl });
  const source = options.source ?? preset?.source ?? 'default';
  const runId = await createRun(db, { entity, source, file: options.file, preset: options.preset, mapping });
  const ctx: ImportContext = { source, runId, startedAt: new Date(started) };
  const importer = IMPORTERS[entity];
  const state = importer.createState();
  const totals: BatchCounts = { inserted: 0, updated: 0, unchanged: 0, details: {} };
  const reasons = new Map<string, number>();
  let read = 0;
  let rejected = 0;
  let rows: unknown[] = [];
  let rejects: Reject[] = [];

  // One batch is written while the next is parsed: with Postgres the two run in parallel (server vs. Node).
  // Batches still commit in file order because each write waits for the previous one.
  let inFlight: Promise<void> = Promise.resolve();
  const flush = async () => {
    const batch = rows;
    const bad = rejects;
    rows = [];
    rejects = [];
    await inFlight;
    inFlight = db.transaction(async (tx) => {
      if (batch.length) addCounts(totals, await importer.write(tx, batch, ctx));
      if (bad.length) {
        await tx.copyFrom('import_rejects', ['import_run_id', 'line_no', 'raw', 'reason'], copyText(bad.map((r) => [runId, r.line, r.raw, r.reason])));
      }
      options.onProgress?.({ rows: read, bytes: stream.bytesRead(), size: stream.size });
    });
    inFlight.catch(() => undefined); // surfaced by the next await; avoids an unhandled-rejection crash meanwhile
  };

  try {
    const getterFor = makeGetter(mapping, preset);
    const batchSize = options.batchSize ?? 100_000;
    for await (const record of stream.records()) {
      read++;
      const parsed = record.error ? { reason: record.error } : tryParse(importer, getterFor(record), state, ctx);
      if ('reason' in parsed) {
        rejected++;
        reasons.set(parsed.reason, (reasons.get(parsed.reason) ?? 0) + 1);
        rejects.push({ line: record.line, raw: record.values, reason: parsed.reason });
        continue;
      }
      if (rows.length >= batchSize && !sameGroup(importer, rows[rows.length - 1], parsed.row)) await flush();
      rows.push(parsed.row);
    }
    await flush();
    await inFlight;
  } catch (err) {
    await inFlight.catch(() => undefined);
    await finishRun(db, runId, 'failed', { read, rejected, ...totals }, (err as Error).message);
    throw err;
  }
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

function tryParse(
  importer: EntityImporter<unknown>,
  get: FieldGetter,
  state: unknown,
  ctx: ImportContext,
): { row: unknown } | { reason: string } {
  try {
    return { row: importer.parse(get, state, ctx) };
  } catch (err) {
    if (err instanceof FieldError) return { reason: err.message };
    throw err;
  }
}

function sameGroup(importer: EntityImporter<unknown>, a: unknown, b: unknown): boolean {
  return importer.groupKey !== undefined && importer.groupKey(a) === importer.groupKey(b);
}

/** Field values of one record: a preset's derived value, else the mapped column, else the preset's default. */
function makeGetter(mapping: FieldMapping, preset?: Preset) {
  const seen = new Map<string, number>();
  const nth = (key: string) => {
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    return n;
  };
  return (record: SourceRecord): FieldGetter => {
    const raw = (column: string) => record.values[column];
    const derived = new Map<string, unknown>();
    for (const [field, fn] of Object.entries(preset?.derive ?? {})) derived.set(field, fn(raw, nth));
    return (field) => {
      if (derived.has(field)) return derived.get(field);
      const column = mapping[field];
      const value = column === undefined ? undefined : record.values[column];
      return value === undefined || value === '' ? preset?.defaults?.[field] ?? value : value;
    };
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
