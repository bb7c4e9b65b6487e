import { copyText, copyValue } from '../../db/copy.ts';
import type { Queryable } from '../../db/index.ts';
import { FieldError, blankToNull, normalizeId, parseNumber, parseTimestamp } from '../normalize.ts';
import {
  countUpserts,
  customerRefOf,
  resolveRefs,
  type CustomerRef,
  type EntityImporter,
  type FieldGetter,
  type ImportContext,
} from './common.ts';
import { ORDER_COPY_COLUMNS, collectOrderLines, linesText, round4, type OrdersBatch, type PackedOrder } from './orderBatch.ts';

/** Order-level fields, parsed from an order's first line and shared (one object) by all its lines. */
export interface OrderHeader {
  orderId: string;
  customer: CustomerRef | null;
  kind: 'order' | 'return';
  orderedAt: Date;
  channel: string | null;
  currency: string;
  country: string | null;
}

export interface OrderLineRow {
  header: OrderHeader;
  /** Position of the line within its order, in file order: identifies the line across re-imports. */
  lineNo: number;
  productCode: string | null;
  productName: string | null;
  category: string | null;
  quantity: number;
  unitPrice: number;
  amount: number;
}

interface OrderGroup {
  header: OrderHeader;
  customerId: number | null;
  /** Index in the batch's `orders`. */
  index: number;
  order: PackedOrder;
}

const ORDER_COLUMNS = ['external_id', 'customer_id', 'kind', 'ordered_at', 'channel', 'currency', 'country'];
const LINE_COLUMNS = ['product_code', 'product_name', 'category', 'quantity', 'unit_price', 'amount'];

function parseOrderHeader(get: FieldGetter, orderId: string, source: string): OrderHeader {
  const orderedAt = parseTimestamp(get('ordered_at'), 'ordered_at');
  if (!orderedAt) throw new FieldError('ordered_at is empty');
  const country = blankToNull(get('country'));
  return {
    orderId,
    customer: customerRefOf(get, source, { country, name: blankToNull(get('customer_name')) }),
    kind: parseKind(get('kind')),
    orderedAt,
    channel: blankToNull(get('channel')),
    currency: (blankToNull(get('currency')) ?? 'USD').toUpperCase(),
    country,
  };
}

function parseLine(get: FieldGetter) {
  const quantity = parseNumber(get('quantity'), 'quantity') ?? 1;
  const lineTotal = parseNumber(get('line_total'), 'line_total');
  let unitPrice = parseNumber(get('unit_price'), 'unit_price');
  if (unitPrice === null && lineTotal === null) throw new FieldError('unit_price and line_total are both empty');
  unitPrice ??= round4(quantity !== 0 ? lineTotal! / quantity : lineTotal!);
  return {
    productCode: blankToNull(get('product_code')),
    productName: blankToNull(get('product_name')),
    category: blankToNull(get('category')),
    quantity,
    unitPrice,
    amount: round4(lineTotal ?? quantity * unitPrice),
  };
}

function parseKind(raw: unknown): 'order' | 'return' {
  const kind = (blankToNull(raw) ?? 'order').toLowerCase();
  if (kind === 'order' || kind === 'return') return kind;
  throw new FieldError(`kind must be "order" or "return", got "${kind}"`);
}

interface OrdersState {
  lineCounter: Map<string, number>;
  previous?: OrderHeader;
}

export const ordersImporter: EntityImporter<OrderLineRow, OrdersState, OrdersBatch> = {
  createState: () => ({ lineCounter: new Map() }),
  groupKey: (row) => row.header.orderId,

  parse(get, state, ctx) {
    const orderId = normalizeId(get('order_id'));
    if (!orderId) throw new FieldError('order_id is empty');
    const lineNo = (state.lineCounter.get(orderId) ?? 0) + 1;
    // Order-level fields (customer, date, kind, channel…) come from an order's first line; the next lines of the
    // same order share them instead of parsing them again (a large share of import time on line-level files).
    const header = state.previous?.orderId === orderId ? state.previous : parseOrderHeader(get, orderId, ctx.source);
    const row: OrderLineRow = { header, lineNo, ...parseLine(get) };
    state.lineCounter.set(orderId, lineNo);
    state.previous = header;
    return row;
  },

  collect: collectOrderLines,

  /**
   * Orders new to the database (the common case) are written with one COPY each for orders and lines, totals
   * computed in the worker. Lines of orders that already exist go through a staging table and an upsert that only
   * touches rows whose values changed, which is what makes re-importing a file a no-op.
   */
  async write(tx, batch, ctx) {
    const refs = await resolveRefs(tx, batch.headers.map((h) => h.customer), ctx.runId);
    const groups = batch.orders.map((order, index) => {
      return { header: batch.headers[order.header]!, customerId: refs.ids[order.header]!, index, order };
    });
    const { rows: known } = await tx.query<{ external_id: string }>(
      'SELECT external_id FROM orders WHERE source = $1 AND external_id = ANY($2::text[])',
      [ctx.source, groups.map((g) => g.header.orderId)],
    );
    const knownIds = new Set(known.map((k) => k.external_id));
    const fresh = groups.filter((g) => !knownIds.has(g.header.orderId));
    const existing = groups.filter((g) => knownIds.has(g.header.orderId));
    const freshLines = await insertNewOrders(tx, batch, fresh, ctx);
    const upserted = await upsertExistingOrders(tx, batch, existing, ctx);
    const inserted = freshLines + upserted.inserted;
    return {
      inserted,
      updated: upserted.updated,
      unchanged: batch.lineCount - inserted - upserted.updated,
      details: {
        orders_created: fresh.length,
        orders_updated: upserted.ordersUpdated,
        lines_added_to_existing_orders: upserted.inserted,
        return_lines: batch.returnLines,
        guest_lines: batch.guestLines,
        customers_created: refs.created,
        customers_merged: refs.merged,
      },
    };
  },
};

async function insertNewOrders(tx: Queryable, batch: OrdersBatch, groups: OrderGroup[], ctx: ImportContext): Promise<number> {
  if (groups.length === 0) return 0;
  const { rows: ids } = await tx.query<{ id: number }>(
    `SELECT nextval('orders_id_seq') AS id FROM generate_series(1, $1::int)`,
    [groups.length],
  );
  let orderText = '';
  const picks: { index: number; first: string }[] = [];
  let lineCount = 0;
  groups.forEach(({ customerId, index, order }, i) => {
    const id = String(ids[i]!.id);
    orderText += `${id}\t${copyValue(customerId)}\t${ctx.runId}\t${order.tail}\n`;
    picks.push({ index, first: id });
    lineCount += order.lineCount;
  });
  // The lines' COPY text is built while the server inserts the orders (linesText yields between slices).
  const ordersCopied = tx.copyFrom('orders', ORDER_COPY_COLUMNS, orderText);
  ordersCopied.catch(() => undefined); // awaited below; avoids an unhandled rejection while the lines are built
  const lines = await linesText(batch, picks);
  await ordersCopied;
  await tx.copyFrom('order_lines', ['order_id', 'line_no', ...LINE_COLUMNS], lines);
  return lineCount;
}

async function upsertExistingOrders(tx: Queryable, batch: OrdersBatch, groups: OrderGroup[], ctx: ImportContext) {
  if (groups.length === 0) return { inserted: 0, updated: 0, ordersUpdated: 0 };
  await tx.exec(`
    CREATE TEMP TABLE stage_orders (external_id text, customer_id int8, kind text, ordered_at timestamptz,
      channel text, currency text, country text) ON COMMIT DROP;
    CREATE TEMP TABLE stage_lines (external_id text, line_no int, product_code text, product_name text,
      category text, quantity numeric, unit_price numeric, amount numeric) ON COMMIT DROP;`);
  await tx.copyFrom(
    'stage_orders',
    ORDER_COLUMNS,
    copyText(groups.map(({ header: o, customerId }) => [o.orderId, customerId, o.kind, o.orderedAt, o.channel, o.currency, o.country])),
  );
  const staged = await linesText(batch, groups.map((g) => ({ index: g.index, first: copyValue(g.header.orderId) })));
  await tx.copyFrom('stage_lines', ['external_id', 'line_no', ...LINE_COLUMNS], staged);
  const { rowCount: ordersUpdated } = await tx.query(
    `UPDATE orders o SET customer_id = s.customer_id, kind = s.kind, ordered_at = s.ordered_at, channel = s.channel,
            currency = s.currency, country = s.country
       FROM stage_orders s
      WHERE o.source = $1 AND o.external_id = s.external_id
        AND (o.customer_id, o.kind, o.ordered_at, o.channel, o.currency, o.country)
            IS DISTINCT FROM (s.customer_id, s.kind, s.ordered_at, s.channel, s.currency, s.country)`,
    [ctx.source],
  );
  const lines = await countUpserts(
    tx,
    `INSERT INTO order_lines (order_id, line_no, product_code, product_name, category, quantity, unit_price, amount)
     SELECT o.id, s.line_no, s.product_code, s.product_name, s.category, s.quantity, s.unit_price, s.amount
       FROM stage_lines s JOIN orders o ON o.source = $1 AND o.external_id = s.external_id
     ON CONFLICT (order_id, line_no) DO UPDATE SET product_code = excluded.product_code,
       product_name = excluded.product_name, category = excluded.category, quantity = excluded.quantity,
       unit_price = excluded.unit_price, amount = excluded.amount
     WHERE (order_lines.product_code, order_lines.product_name, order_lines.category, order_lines.quantity,
            order_lines.unit_price, order_lines.amount)
       IS DISTINCT FROM (excluded.product_code, excluded.product_name, excluded.category, excluded.quantity,
            excluded.unit_price, excluded.amount)`,
    [ctx.source],
  );
  if (lines.inserted + lines.updated + ordersUpdated > 0) await refreshOrderTotals(tx, ctx.source);
  return { ...lines, ordersUpdated };
}

/** Recompute totals of the staged orders from all their stored lines (same rule as countsAsRevenue, orderBatch.ts). */
async function refreshOrderTotals(tx: Queryable, source: string) {
  await tx.query(
    `UPDATE orders o SET revenue = CASE WHEN o.kind = 'order' THEN t.revenue ELSE 0 END, line_count = t.line_count
       FROM (SELECT l.order_id,
                    coalesce(sum(l.amount) FILTER (WHERE l.quantity > 0 AND l.unit_price > 0), 0) AS revenue,
                    count(*)::int AS line_count
               FROM order_lines l
               JOIN orders o2 ON o2.id = l.order_id
               JOIN stage_orders s ON o2.source = $1 AND o2.external_id = s.external_id
              GROUP BY l.order_id) t
      WHERE o.id = t.order_id`,
    [source],
  );
}
