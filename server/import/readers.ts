import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import Papa from 'papaparse';
import { AppError } from '../errors.ts';

export type FileFormat =
  | { kind: 'csv'; delimiter?: string; columns?: string[] }
  | { kind: 'jsonl' }
  /**
   * Whitespace-separated columns (CDNOW). `columns` names them when the file has no header; as a function it sees
   * the first line's cells and returns names (the line is data) or null (the line is the header).
   */
  | { kind: 'whitespace'; columns?: string[] | ((firstLine: string[]) => string[] | null) };

/** A row as read: its physical line number, its cells by column name, or why it could not be read. */
export type SourceRecord =
  | { line: number; values: Record<string, unknown>; error?: undefined }
  | { line: number; values: Record<string, unknown>; error: string };

export interface RecordStream {
  /** Column names (header, given names, or — for JSONL — the keys of the first record). */
  columns(): Promise<string[]>;
  records(): AsyncGenerator<SourceRecord>;
  /** Bytes of the (possibly compressed) file consumed so far, for progress bars. */
  bytesRead(): number;
  size: number;
}

export function formatFromFileName(file: string): FileFormat {
  const name = file.toLowerCase().replace(/\.gz$/, '');
  if (name.endsWith('.jsonl') || name.endsWith('.ndjson')) return { kind: 'jsonl' };
  if (name.endsWith('.tsv')) return { kind: 'csv', delimiter: '\t' };
  if (name.endsWith('.csv')) return { kind: 'csv' };
  throw new AppError('unsupported_file', `cannot tell the format of ${file}: use .csv, .tsv, .jsonl (optionally .gz)`);
}

async function isGzip(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

export async function openRecords(file: string, format: FileFormat): Promise<RecordStream> {
  const info = await stat(file).catch(() => {
    throw new AppError('not_found', `file not found: ${file}`);
  });
  const raw = createReadStream(file);
  const input: Readable = (await isGzip(file)) ? raw.pipe(createGunzip()) : raw;
  const iterator =
    format.kind === 'csv' ? csvRecords(input, format) : format.kind === 'jsonl' ? jsonlRecords(input) : wsRecords(input, format);
  // The header is read eagerly so field mapping can be checked before any row is imported.
  const first = await iterator.next();
  const header = first.done ? [] : first.value;
  return {
    columns: async () => header as string[],
    records: () => iterator as AsyncGenerator<SourceRecord>,
    bytesRead: () => raw.bytesRead,
    size: info.size,
  };
}

function zip(columns: string[], cells: string[]): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  columns.forEach((c, i) => (values[c] = cells[i]));
  return values;
}

function cellCountError(columns: string[], cells: unknown[]): string | undefined {
  return cells.length === columns.length ? undefined : `expected ${columns.length} columns, got ${cells.length}`;
}

/**
 * First yields the header (string[]), then records. Papa Parse streams in chunks; the parser is paused while the
 * consumer (the database) catches up, so memory stays bounded. Line numbers count the line breaks inside quoted
 * cells, so they are physical line numbers in the file.
 */
async function* csvRecords(input: Readable, format: { delimiter?: string; columns?: string[] }) {
  const queue: Papa.ParseResult<string[]>[] = [];
  let parser: Papa.Parser | undefined;
  let paused = false;
  let finished = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const signal = () => {
    wake?.();
    wake = undefined;
  };
  Papa.parse<string[]>(input as unknown as File, {
    delimiter: format.delimiter ?? ',',
    skipEmptyLines: false,
    chunk: (result, p) => {
      parser = p;
      queue.push(result);
      if (queue.length >= 4) {
        p.pause();
        paused = true;
      }
      signal();
    },
    complete: () => {
      finished = true;
      signal();
    },
    error: (err: Error) => {
      failure = err;
      signal();
    },
  });
  let columns = format.columns;
  if (columns) yield columns;
  let line = 0;
  const pending: (string[] | SourceRecord)[] = [];
  for (;;) {
    const result = queue.shift();
    if (!result) {
      if (failure) throw failure;
      if (finished) break;
      await new Promise<void>((resolve) => (wake = resolve));
      continue;
    }
    if (paused && queue.length < 2) {
      paused = false;
      parser?.resume();
    }
    const badRows = new Map(result.errors.map((e) => [e.row, e.message]));
    result.data.forEach((cells, i) => {
      line++;
      const start = line;
      for (const cell of cells) if (cell.includes('\n')) line += cell.split('\n').length - 1;
      if (cells.length === 1 && cells[0] === '') return;
      if (!columns) {
        columns = cells.map((c, j) => (j === 0 ? c.replace(/^\uFEFF/, '') : c).trim());
        pending.push(columns);
        return;
      }
      const parseError = badRows.get(i);
      pending.push({
        line: start,
        values: zip(columns, cells),
        error: parseError ? `unreadable CSV: ${parseError}` : cellCountError(columns, cells),
      } as SourceRecord);
    });
    for (const item of pending) yield item;
    pending.length = 0;
  }
  if (!columns) yield [];
}

async function* jsonlRecords(input: Readable) {
  let line = 0;
  let headerSent = false;
  for await (const text of createInterface({ input, crlfDelay: Infinity })) {
    line++;
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      if (!headerSent) {
        yield [];
        headerSent = true;
      }
      yield { line, values: { _raw: text }, error: `invalid JSON: ${(err as Error).message}` } as SourceRecord;
      continue;
    }
    const isObject = value !== null && typeof value === 'object' && !Array.isArray(value);
    if (!headerSent) {
      yield isObject ? Object.keys(value as object) : [];
      headerSent = true;
    }
    if (!isObject) yield { line, values: { _raw: text }, error: 'a JSONL line must be a JSON object' } as SourceRecord;
    else yield { line, values: value as Record<string, unknown> } as SourceRecord;
  }
  if (!headerSent) yield [];
}

async function* wsRecords(input: Readable, format: { columns?: string[] | ((firstLine: string[]) => string[] | null) }) {
  let line = 0;
  let columns = Array.isArray(format.columns) ? format.columns : undefined;
  if (columns) yield columns;
  for await (const text of createInterface({ input, crlfDelay: Infinity })) {
    line++;
    const cells = text.trim().split(/\s+/);
    if (cells.length === 1 && cells[0] === '') continue;
    if (!columns) {
      const named = typeof format.columns === 'function' ? format.columns(cells) : null;
      columns = named ?? cells;
      yield columns;
      if (!named) continue;
    }
    yield { line, values: zip(columns, cells), error: cellCountError(columns, cells) } as SourceRecord;
  }
  if (!columns) yield [];
}
