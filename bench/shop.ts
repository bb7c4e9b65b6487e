import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyRow } from '../server/db/copy.ts';

/**
 * Shape of the synthetic benchmark shop: its calendar, the columns written per table and the value lists. Orders span
 * three years ending the day before BENCH_TODAY; behaviour events cover the last year (tracking usually starts later
 * than the order history).
 */
export const BENCH_START = '2022-01-01';
export const BENCH_END = '2024-12-31';
/** The clock the tools run with: the data ends yesterday, as in a shop that imports nightly. */
export const BENCH_TODAY = '2025-01-01';
export const EVENTS_FROM = '2024-01-01';
export const SOURCE = 'bench';

export const DAY_MS = 86_400_000;
export const ms = (day: string) => Date.parse(`${day}T00:00:00Z`);
/** Exclusive end of the data: midnight after BENCH_END. */
export const END_MS = ms(BENCH_END) + DAY_MS;

/** Columns written per table, in file order; ids are explicit so lines can point at their orders. */
export const TABLES = {
  customers: ['id', 'name', 'email', 'country', 'signup_channel', 'signed_up_at'],
  orders: ['id', 'source', 'external_id', 'customer_id', 'kind', 'ordered_at', 'channel', 'currency', 'country', 'revenue', 'line_count'],
  order_lines: ['order_id', 'line_no', 'product_code', 'product_name', 'category', 'quantity', 'unit_price', 'amount'],
  events: ['id', 'source', 'dedupe_key', 'customer_id', 'session_id', 'type', 'occurred_at', 'properties'],
} as const;
export type Table = keyof typeof TABLES;
/** Load order: parents before children (foreign keys). */
export const TABLE_ORDER: readonly Table[] = ['customers', 'orders', 'order_lines', 'events'];

export const COUNTRIES = [
  ['United States', 34], ['United Kingdom', 15], ['Germany', 10], ['France', 8], ['Canada', 6], ['Australia', 5],
  ['Netherlands', 4], ['Spain', 4], ['Italy', 4], ['Sweden', 3], ['Japan', 3], ['Brazil', 3], ['Poland', 1],
] as const;
export const CHANNELS = [['web', 55], ['mobile_app', 30], ['marketplace', 10], ['store', 5]] as const;
/** Category, weight, log-mean unit price (e.g. electronics ≈ e^4.2 ≈ 67). */
export const CATEGORIES = [
  ['apparel', 22, 3.3], ['home', 15, 3.4], ['beauty', 12, 2.9], ['electronics', 10, 4.2], ['sports', 9, 3.5],
  ['toys', 8, 3.0], ['books', 8, 2.6], ['grocery', 7, 2.2], ['garden', 5, 3.6], ['jewelry', 4, 4.4],
] as const;
export const FUNNEL = ['visit', 'view', 'cart', 'checkout', 'purchase'] as const;

/** Buffers rows as COPY text and writes one file per `chunkRows` rows: `<table>.<n>.tsv`. */
export class ChunkWriter {
  readonly files: string[] = [];
  rows = 0;
  private buf = '';
  private inChunk = 0;

  constructor(
    private readonly dir: string,
    private readonly table: Table,
    private readonly chunkRows: number,
  ) {}

  add(values: readonly unknown[]): void {
    this.buf += copyRow(values);
    this.rows++;
    if (++this.inChunk >= this.chunkRows) this.flush();
  }

  flush(): void {
    if (this.inChunk === 0) return;
    const file = join(this.dir, `${this.table}.${String(this.files.length).padStart(4, '0')}.tsv`);
    writeFileSync(file, this.buf);
    this.files.push(file);
    this.buf = '';
    this.inChunk = 0;
  }
}

export const iso = (t: number) => new Date(t).toISOString();
export const round2 = (x: number) => Math.round(x * 100) / 100;
