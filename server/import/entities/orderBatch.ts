import { copyValue } from '../../db/copy.ts';
import type { BatchCollector, ImportContext } from './common.ts';
import type { OrderHeader, OrderLineRow } from './orders.ts';

/**
 * An orders batch as the parse worker posts it to the writer. The lines are already COPY text, in one string: cheap
 * to copy between threads (no object per line) and for the garbage collectors on both sides (a string that large
 * lives outside the young generation). The writer only swaps each line's first column for the order's id.
 */
export interface OrdersBatch {
  /** Headers in row order, one per run of consecutive lines sharing one: the customer refs the batch resolves. */
  headers: OrderHeader[];
  /** Orders by first appearance; an order whose lines are apart in the batch is still one order. */
  orders: PackedOrder[];
  /** Lines grouped by order, in `orders` order; each line's first column is its order's index in `orders`. */
  lines: string;
  lineCount: number;
  returnLines: number;
  guestLines: number;
}

export interface PackedOrder {
  /** Index in `headers` of the header of the order's first line in the batch. */
  header: number;
  /** Where the order's lines start in `OrdersBatch.lines`, and end. */
  start: number;
  end: number;
  lineCount: number;
  /** The order's row for a COPY into orders, from `source` on (ORDER_COPY_COLUMNS); used for new orders only. */
  tail: string;
}

/** Columns of an orders COPY: the writer fills in the first three, the worker made the rest (`tail`). */
export const ORDER_COPY_COLUMNS = [
  'id', 'customer_id', 'import_run_id',
  'source', 'external_id', 'kind', 'ordered_at', 'channel', 'currency', 'country', 'revenue', 'line_count',
];

export const round4 = (x: number) => Math.round(x * 1e4) / 1e4;

/** Revenue counts only lines with quantity > 0 and unit price > 0, and only for orders (never returns). */
const countsAsRevenue = (l: OrderLineRow) => l.header.kind === 'order' && l.quantity > 0 && l.unitPrice > 0;

const NEEDS_ESCAPE = /[\\\t\n\r]/;
/** copyValue for a text column, testing before replacing: almost no value needs escaping. */
const copyString = (v: string | null) => (v === null ? '\\N' : NEEDS_ESCAPE.test(v) ? copyValue(v) : v);

const orderColumns = (o: OrderHeader) =>
  [copyString(o.orderId), o.kind, o.orderedAt.toISOString(), copyString(o.channel), copyString(o.currency), copyString(o.country)].join('\t');

/** Each line becomes COPY text as it is parsed, so no row object outlives its line. */
export function collectOrderLines(ctx: ImportContext): BatchCollector<OrderLineRow, OrdersBatch> {
  const headers: OrderHeader[] = [];
  type Collected = { index: number; header: number; lineCount: number; revenue: number; text: string };
  const orders = new Map<string, Collected>();
  let run: { header: OrderHeader; order: Collected; lines: string[] } | undefined;
  const endRun = () => {
    if (run) run.order.text += run.lines.join('');
  };
  let lineCount = 0;
  let returnLines = 0;
  let guestLines = 0;
  return {
    add(l) {
      const h = l.header;
      if (h !== run?.header) {
        endRun();
        headers.push(h);
        let order = orders.get(h.orderId);
        if (!order) {
          order = { index: orders.size, header: headers.length - 1, lineCount: 0, revenue: 0, text: '' };
          orders.set(h.orderId, order);
        }
        run = { header: h, order, lines: [] };
      }
      const o = run.order;
      run.lines.push(
        `${o.index}\t${l.lineNo}\t${copyString(l.productCode)}\t${copyString(l.productName)}\t${copyString(l.category)}\t${l.quantity}\t${l.unitPrice}\t${l.amount}\n`,
      );
      o.lineCount++;
      if (countsAsRevenue(l)) o.revenue += l.amount;
      lineCount++;
      if (h.kind === 'return') returnLines++;
      if (h.customer === null) guestLines++;
    },
    finish() {
      endRun();
      const packed: PackedOrder[] = [];
      const texts: string[] = [];
      let offset = 0;
      const source = copyString(ctx.source);
      for (const { header, lineCount: n, revenue, text } of orders.values()) {
        const tail = `${source}\t${orderColumns(headers[header]!)}\t${round4(revenue)}\t${n}`;
        packed.push({ header, start: offset, end: offset + text.length, lineCount: n, tail });
        texts.push(text);
        offset += text.length;
      }
      return { headers, orders: packed, lines: texts.join(''), lineCount, returnLines, guestLines };
    },
  };
}

const ORDER_INDEX = /^\d+\t/gm;
/** Orders per slice of linesText: a few milliseconds of work between yields to the event loop. */
const SLICE_ORDERS = 500;

/**
 * COPY text of some orders' lines, each line's first column (the order's index) replaced by the order's `first`
 * value; `picks` in batch order. Runs of consecutive orders are one slice of the batch text. Yields to the event
 * loop between slices, so database I/O in flight (the orders' COPY) proceeds meanwhile.
 */
export async function linesText(batch: OrdersBatch, picks: { index: number; first: string }[]): Promise<string> {
  const prefixes: string[] = [];
  for (const p of picks) prefixes[p.index] = `${p.first}\t`;
  const parts: string[] = [];
  for (let k = 0; k < picks.length; ) {
    let j = k;
    while (j + 1 < picks.length && j + 1 - k < SLICE_ORDERS && picks[j + 1]!.index === picks[j]!.index + 1) j++;
    const text = batch.lines.slice(batch.orders[picks[k]!.index]!.start, batch.orders[picks[j]!.index]!.end);
    // A function replacement: the values inserted are taken literally (ids may contain "$&").
    parts.push(text.replace(ORDER_INDEX, (m) => prefixes[parseInt(m, 10)]!));
    k = j + 1;
    if (k < picks.length) await new Promise((resolve) => setImmediate(resolve));
  }
  return parts.join('');
}
