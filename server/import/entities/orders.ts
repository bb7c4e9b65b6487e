import { copyText } from '../../db/copy.ts';
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
  lines: OrderLineRow[];
}

const ORDER_COLUMNS = ['external_id', 'customer_id', 'kind', 'ordered_at', 'channel', 'currency', 'country'];
const LINE_COLUMNS = ['product_code', 'product_name', 'category', 'quantity', 'unit_price', 'amount'];
const round4 = (x: number) => Math.round(x * 1e4) / 1e4;

/** Revenue counts only lines with quantity > 0 and unit price > 0, and only for orders (never returns). */
const countsAsRevenue = (l: OrderLineRow) => l.header.kind === 'order' && l.quantity > 0 && l.unitPrice > 0;

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

export const ordersImporter: EntityImporter<OrderLineRow, OrdersState> = {
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

  /**
   * Orders new to the database (the common case) are written with one COPY each for orders and lines, totals
   * computed here. Lines of orders that already exist go through a staging table and an upsert that only touches
   * rows whose values changed, which is what makes re-importing a file a no-op.
   */
  async write(tx, rows, ctx) {
    const refs = await resolveRefs(tx, rows.map((r) => r.header.customer), ctx.runId);
    const groups = new Map<string, OrderGroup>();
    rows.forEach((r, i) => {
      const group = groups.get(r.header.orderId) ?? { header: r.header, customerId: refs.ids[i]!, lines: [] };
      group.lines.push(r);
      groups.set(r.header.orderId, group);
    });
    const { rows: known } = await tx.query<{ external_id: string }>(
      'SELECT external_id FROM orders WHERE source = $1 AND external_id = ANY($2::text[])',
      [ctx.source, [...groups.keys()]],
    );
    const knownIds = new Set(known.map((k) => k.external_id));
    const fresh = [...groups.values()].filter((g) => !knownIds.has(g.header.orderId));
    const existing = [...groups.values()].filter((g) => knownIds.has(g.header.orderId));
    const freshLines = await insertNewOrders(tx, fresh, ctx);
    const upserted = await upsertExistingOrders(tx, existing, ctx);
    const inserted = freshLines + upserted.inserted;
    return {
      inserted,
      updated: upserted.updated,
      unchanged: rows.length - inserted - upserted.updated,
      details: {
        orders_created: fresh.length,
        orders_updated: upserted.ordersUpdated,
        return_lines: rows.filter((r) => r.header.kind === 'return').length,
        guest_lines: refs.ids.filter((id) => id === null).length,
        customers_created: refs.created,
        customers_merged: refs.merged,
      },
    };
  },
};

function orderTotals(lines: OrderLineRow[]) {
  return { revenue: round4(lines.filter(countsAsRevenue).reduce((s, l) => s + l.amount, 0)), lineCount: lines.length };
}

async function insertNewOrders(tx: Queryable, groups: OrderGroup[], ctx: ImportContext): Promise<number> {
  if (groups.length === 0) return 0;
  const { rows: ids } = await tx.query<{ id: number }>(
    `SELECT nextval('orders_id_seq') AS id FROM generate_series(1, $1::int)`,
    [groups.length],
  );
  const orderRows: unknown[][] = [];
  let lineText = '';
  let lineCount = 0;
  groups.forEach((g, i) => {
    const id = ids[i]!.id;
    const o = g.header;
    const totals = orderTotals(g.lines);
    orderRows.push([id, ctx.source, o.orderId, g.customerId, o.kind, o.orderedAt, o.channel, o.currency, o.country, totals.revenue, totals.lineCount, ctx.runId]);
    const lines = g.lines.map((l) => [id, l.lineNo, l.productCode, l.productName, l.category, l.quantity, l.unitPrice, l.amount]);
    lineText += copyText(lines);
    lineCount += lines.length;
  });
  await tx.copyFrom(
    'orders',
    ['id', 'source', ...ORDER_COLUMNS, 'revenue', 'line_count', 'import_run_id'],
    copyText(orderRows),
  );
  await tx.copyFrom('order_lines', ['order_id', 'line_no', ...LINE_COLUMNS], lineText);
  return lineCount;
}

async function upsertExistingOrders(tx: Queryable, groups: OrderGroup[], ctx: ImportContext) {
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
  await tx.copyFrom(
    'stage_lines',
    ['external_id', 'line_no', ...LINE_COLUMNS],
    copyText(groups.flatMap((g) => g.lines.map((l) => [g.header.orderId, l.lineNo, l.productCode, l.productName, l.category, l.quantity, l.unitPrice, l.amount]))),
  );
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

/** Recompute totals of the staged orders from all their stored lines (same rule as countsAsRevenue). */
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
