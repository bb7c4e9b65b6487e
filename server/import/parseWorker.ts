/**
 * The parse side of an import, run in a worker thread (see parseClient.ts): reads the file, maps fields, parses and
 * packs rows into batches and posts them to the thread that writes them. Reading and parsing then use a CPU core of
 * their own instead of taking turns with the database work (COPY text, the pg protocol, or PGlite itself).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { AppError } from '../errors.ts';
import type { EntityImporter, FieldGetter, ImportContext } from './entities/common.ts';
import { IMPORTERS } from './entities/index.ts';
import type { Entity, FieldMapping } from './fields.ts';
import { FieldError } from './normalize.ts';
import { getPreset, type Preset } from './presets.ts';
import { formatFromFileName, openRecords, recordValues, type SourceRecord } from './readers.ts';

export interface ParseJob {
  entity: Entity;
  file: string;
  preset?: string;
  batchSize: number;
}

export interface Reject {
  line: number;
  raw: Record<string, unknown>;
  reason: string;
}

export type WorkerMessage =
  | { type: 'header'; columns: string[]; jsonl: boolean; size: number }
  /** `read` counts all rows read so far; `batch` is the importer's packed rows (absent when there are none). */
  | { type: 'batch'; batch?: unknown; read: number; rejects: Reject[]; bytes: number; last: boolean }
  | { type: 'error'; message: string; code?: string; stack?: string };

export type ParentMessage =
  | { type: 'start'; mapping: FieldMapping; ctx: ImportContext }
  /** The writer took a batch: one more may be posted. */
  | { type: 'credit' };

if (parentPort) {
  const port = parentPort;
  run(port, workerData as ParseJob).catch((err: unknown) => {
    const e = err instanceof Error ? err : new Error(String(err));
    const code = err instanceof AppError ? err.code : undefined;
    port.postMessage({ type: 'error', message: e.message, code, stack: e.stack } satisfies WorkerMessage);
  });
}

async function run(port: NonNullable<typeof parentPort>, job: ParseJob) {
  const post = (message: WorkerMessage) => port.postMessage(message);
  // The writer sends a credit for each batch it takes: it holds at most two (one being written, one waiting) and one
  // more may be on its way, plus the one being parsed here, so memory stays bounded.
  let credits = 1;
  let onCredit: (() => void) | undefined;
  let onStart: ((m: Extract<ParentMessage, { type: 'start' }>) => void) | undefined;
  const started = new Promise<Extract<ParentMessage, { type: 'start' }>>((resolve) => (onStart = resolve));
  port.on('message', (m: ParentMessage) => {
    if (m.type === 'start') onStart?.(m);
    else {
      credits++;
      onCredit?.();
    }
  });

  const preset = job.preset ? getPreset(job.preset, job.entity) : undefined;
  const format = preset?.format ?? formatFromFileName(job.file);
  const stream = await openRecords(job.file, format);
  post({ type: 'header', columns: stream.columns, jsonl: format.kind === 'jsonl', size: stream.size });
  const { mapping, ctx } = await started;

  const importer = IMPORTERS[job.entity];
  const state = importer.createState();
  const getterFor = makeGetter(stream.columns, mapping, preset);
  let read = 0;
  let batch = importer.collect(ctx);
  let rows = 0;
  let lastRow: unknown;
  let rejects: Reject[] = [];
  const flush = async (last: boolean) => {
    while (credits === 0) await new Promise<void>((resolve) => (onCredit = resolve));
    credits--;
    post({ type: 'batch', batch: rows ? batch.finish() : undefined, read, rejects, bytes: stream.bytesRead(), last });
    batch = importer.collect(ctx);
    rows = 0;
    rejects = [];
  };
  for await (const chunk of stream.chunks()) {
    for (const record of chunk) {
      read++;
      const parsed = record.error ? { reason: record.error } : tryParse(importer, getterFor(record), state, ctx);
      if ('reason' in parsed) {
        rejects.push({ line: record.line, raw: recordValues(stream.columns, record), reason: parsed.reason });
        continue;
      }
      if (rows >= job.batchSize && !sameGroup(importer.groupKey, lastRow, parsed.row)) await flush(false);
      batch.add(parsed.row);
      rows++;
      lastRow = parsed.row;
    }
  }
  await flush(true);
}

function tryParse(
  importer: EntityImporter<unknown, unknown, unknown>,
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

function sameGroup(groupKey: ((row: unknown) => string) | undefined, a: unknown, b: unknown): boolean {
  return groupKey !== undefined && groupKey(a) === groupKey(b);
}

/** Where a field's value comes from: a derived value's slot, else a column (by name or cell index), else a default. */
interface FieldSource {
  slot?: number;
  column?: string;
  cell?: number;
  fallback: unknown;
}

/**
 * Field values of one record: a preset's derived value, else the mapped column, else the preset's default. The
 * returned getter is reused: it reads the record most recently passed in (parse uses it synchronously). Where each
 * field comes from is worked out once per field name, not per row.
 */
export function makeGetter(columns: readonly string[], mapping: FieldMapping, preset?: Preset) {
  const seen = new Map<string, number>();
  const nth = (key: string) => {
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    return n;
  };
  // With a repeated column name the last one wins, as when cells are stored by name (recordValues).
  const index = new Map(columns.map((c, i) => [c, i]));
  let record: SourceRecord = { line: 0 };
  const raw = (column: string): unknown => {
    if (record.values) return record.values[column];
    const i = index.get(column);
    return i === undefined ? undefined : record.cells?.[i];
  };
  const derivations = Object.values(preset?.derive ?? {});
  const derivedSlot = new Map(Object.keys(preset?.derive ?? {}).map((field, i) => [field, i]));
  const derived: unknown[] = [];
  const sources = new Map<string, FieldSource>();
  const sourceOf = (field: string): FieldSource => {
    const column = mapping[field];
    const cell = column === undefined ? undefined : index.get(column);
    const source = { slot: derivedSlot.get(field), column, cell, fallback: preset?.defaults?.[field] };
    sources.set(field, source);
    return source;
  };
  const get: FieldGetter = (field) => {
    const source = sources.get(field) ?? sourceOf(field);
    if (source.slot !== undefined) return derived[source.slot];
    let value: unknown;
    if (record.values) value = source.column === undefined ? undefined : record.values[source.column];
    else value = source.cell === undefined ? undefined : record.cells?.[source.cell];
    return value === undefined || value === '' ? source.fallback ?? value : value;
  };
  return (next: SourceRecord): FieldGetter => {
    record = next;
    // Derived fields are computed for every record, in order, so `nth` numbers rows as they appear in the file.
    for (let i = 0; i < derivations.length; i++) derived[i] = derivations[i]!(raw, nth);
    return get;
  };
}
