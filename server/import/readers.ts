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

/**
 * A row as read: its physical line number, its cells, or why it could not be read. CSV and whitespace rows keep their
 * cells in column order (no object per row: most rows are only read field by field); JSONL rows are their object.
 */
export interface SourceRecord {
  line: number;
  cells?: string[];
  values?: Record<string, unknown>;
  error?: string;
}

export interface RecordStream {
  /** Column names (header, given names, or — for JSONL — the keys of the first record). */
  columns: string[];
  /** Records in file order, a chunk at a time (one async step per chunk, not per row). */
  chunks(): AsyncGenerator<SourceRecord[]>;
  /** Bytes of the (possibly compressed) file consumed so far, for progress bars. */
  bytesRead(): number;
  size: number;
}

/** A record's cells by column name, as stored with a rejected row. */
export function recordValues(columns: readonly string[], record: SourceRecord): Record<string, unknown> {
  if (record.values) return record.values;
  const values: Record<string, unknown> = {};
  columns.forEach((c, i) => (values[c] = record.cells?.[i]));
  return values;
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
  return {
    columns: first.done ? [] : (first.value as string[]),
    chunks: () => iterator as AsyncGenerator<SourceRecord[]>,
    bytesRead: () => raw.bytesRead,
    size: info.size,
  };
}

function cellCountError(columns: string[], cells: unknown[]): string | undefined {
  return cells.length === columns.length ? undefined : `expected ${columns.length} columns, got ${cells.length}`;
}

/**
 * First yields the header (string[]), then chunks of records. Papa Parse streams in chunks; the parser is paused
 * while the consumer (the database) catches up, so memory stays bounded. Line numbers count the line breaks inside
 * quoted cells, so they are physical line numbers in the file.
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
    const chunk: SourceRecord[] = [];
    const rows = result.data;
    for (let i = 0; i < rows.length; i++) {
      const cells = rows[i]!;
      line++;
      const start = line;
      for (const cell of cells) if (cell.includes('\n')) line += cell.split('\n').length - 1;
      if (cells.length === 1 && cells[0] === '') continue;
      if (!columns) {
        columns = cells.map((c, j) => (j === 0 ? c.replace(/^\uFEFF/, '') : c).trim());
        yield columns;
        continue;
      }
      const parseError = badRows.get(i);
      const error = parseError ? `unreadable CSV: ${parseError}` : cellCountError(columns, cells);
      chunk.push({ line: start, cells, error });
    }
    if (chunk.length) yield chunk;
  }
  if (!columns) yield [];
}

/** Line-based readers hand out records in chunks of this many. */
const CHUNK_ROWS = 1000;

async function* jsonlRecords(input: Readable) {
  let line = 0;
  let headerSent = false;
  let chunk: SourceRecord[] = [];
  for await (const text of createInterface({ input, crlfDelay: Infinity })) {
    if (chunk.length >= CHUNK_ROWS) {
      yield chunk;
      chunk = [];
    }
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
      chunk.push({ line, values: { _raw: text }, error: `invalid JSON: ${(err as Error).message}` });
      continue;
    }
    const isObject = value !== null && typeof value === 'object' && !Array.isArray(value);
    if (!headerSent) {
      yield isObject ? Object.keys(value as object) : [];
      headerSent = true;
    }
    if (!isObject) chunk.push({ line, values: { _raw: text }, error: 'a JSONL line must be a JSON object' });
    else chunk.push({ line, values: value as Record<string, unknown> });
  }
  if (!headerSent) yield [];
  if (chunk.length) yield chunk;
}

async function* wsRecords(input: Readable, format: { columns?: string[] | ((firstLine: string[]) => string[] | null) }) {
  let line = 0;
  let columns = Array.isArray(format.columns) ? format.columns : undefined;
  if (columns) yield columns;
  let chunk: SourceRecord[] = [];
  for await (const text of createInterface({ input, crlfDelay: Infinity })) {
    if (chunk.length >= CHUNK_ROWS) {
      yield chunk;
      chunk = [];
    }
    line++;
    const cells = text.trim().split(/\s+/);
    if (cells.length === 1 && cells[0] === '') continue;
    if (!columns) {
      const named = typeof format.columns === 'function' ? format.columns(cells) : null;
      columns = named ?? cells;
      yield columns;
      if (!named) continue;
    }
    chunk.push({ line, cells, error: cellCountError(columns, cells) });
  }
  if (!columns) yield [];
  if (chunk.length) yield chunk;
}
