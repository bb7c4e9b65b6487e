import { AppError } from '../errors.ts';
import type { Entity, FieldMapping } from './fields.ts';
import type { FileFormat } from './readers.ts';

/**
 * A preset knows one public data set's file format: which column feeds which field, values the file lacks, and
 * fields derived from other columns. Everything else goes through the same importer as any user file.
 */
export interface Preset {
  entity: Entity;
  source: string;
  description: string;
  format?: FileFormat;
  map: FieldMapping;
  defaults?: Record<string, unknown>;
  /** Fields computed from raw columns; `nth(key)` numbers repeated keys in file order (1, 2, …), stable per file. */
  derive?: Record<string, (raw: (column: string) => unknown, nth: (key: string) => number) => unknown>;
}

/** UCI Online Retail stores CustomerID as a float string ("17850.0"). */
const stripFloatSuffix = (v: unknown) => (typeof v === 'string' ? v.replace(/\.0+$/, '') : v);

const CDNOW_SAMPLE_COLUMNS = ['customer_id', 'sample_id', 'date', 'number_of_cds', 'dollar_value'];

export const PRESETS: Record<string, Preset> = {
  'online-retail': {
    entity: 'orders',
    source: 'online-retail',
    description: 'UCI Online Retail (InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country)',
    format: { kind: 'csv' },
    map: {
      order_id: 'InvoiceNo',
      product_code: 'StockCode',
      product_name: 'Description',
      quantity: 'Quantity',
      ordered_at: 'InvoiceDate',
      unit_price: 'UnitPrice',
      customer_id: 'CustomerID',
      country: 'Country',
    },
    defaults: { currency: 'GBP', channel: 'online' },
    derive: {
      customer_id: (raw) => stripFloatSuffix(raw('CustomerID')),
      // An invoice number starting with "C" is a cancellation: stored as a return, never as an order or revenue.
      kind: (raw) => (String(raw('InvoiceNo') ?? '').startsWith('C') ? 'return' : 'order'),
    },
  },
  cdnow: {
    entity: 'orders',
    source: 'cdnow',
    description:
      'CDNOW transactions (Fader, Hardie & Lee): CDNOW_sample.txt (master id, sample id, YYYYMMDD, CDs, dollars; ' +
      'customer = sample id) or CDNOW_master.txt (header customer_id date number_of_cds dollar_value)',
    // The sample has no header and five columns; the master has a header line.
    format: { kind: 'whitespace', columns: (first) => (/^\d+$/.test(first[0] ?? '') ? CDNOW_SAMPLE_COLUMNS : null) },
    map: { ordered_at: 'date', quantity: 'number_of_cds', line_total: 'dollar_value', order_id: 'date', customer_id: 'customer_id' },
    defaults: { currency: 'USD', channel: 'online', product_name: 'CDs' },
    derive: {
      // Each row is one transaction. CDNOW has no order ids: customer + date + the row's place among that
      // customer's rows of that day identifies it (same-day orders stay separate orders, as in the file).
      customer_id: (raw) => raw('sample_id') ?? raw('customer_id'),
      order_id: (raw, nth) => {
        const key = `${raw('sample_id') ?? raw('customer_id')}-${raw('date')}`;
        return `${key}-${nth(key)}`;
      },
    },
  },
  banking77: {
    entity: 'feedback',
    source: 'banking77',
    description: 'BANKING77 support queries (text,category): feedback text with its gold intent label',
    format: { kind: 'csv' },
    map: { text: 'text', label: 'category' },
    defaults: { channel: 'support', language: 'en' },
  },
  taobao: {
    entity: 'events',
    source: 'taobao',
    description: 'Taobao UserBehavior (user_id,item_id,category_id,behavior_type,timestamp; no header)',
    format: { kind: 'csv', columns: ['user_id', 'item_id', 'category_id', 'behavior_type', 'timestamp'] },
    map: { customer_id: 'user_id', type: 'behavior_type', occurred_at: 'timestamp' },
    derive: {
      type: (raw) => ({ pv: 'view', cart: 'cart', fav: 'favorite', buy: 'purchase' })[String(raw('behavior_type'))] ?? raw('behavior_type'),
      properties: (raw) => ({ item_id: raw('item_id'), category_id: raw('category_id') }),
    },
  },
};

export function getPreset(name: string, entity: Entity): Preset {
  const preset = PRESETS[name];
  if (!preset) {
    throw new AppError('invalid_argument', `unknown preset "${name}"; presets: ${Object.keys(PRESETS).join(', ')}`);
  }
  if (preset.entity !== entity) {
    throw new AppError('invalid_argument', `preset "${name}" imports ${preset.entity}, not ${entity}`);
  }
  return preset;
}
