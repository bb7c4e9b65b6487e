import { AppError } from '../errors.ts';

export const ENTITIES = ['customers', 'orders', 'events', 'feedback'] as const;
export type Entity = (typeof ENTITIES)[number];

export interface FieldSpec {
  name: string;
  /** Other column names matched automatically (case-insensitive). */
  aliases?: string[];
  required?: boolean;
}

const customerRef: FieldSpec[] = [
  { name: 'customer_id', aliases: ['customerid', 'customer', 'user_id', 'userid', 'customer_external_id'] },
  { name: 'customer_email', aliases: ['email'] },
  { name: 'customer_phone', aliases: ['phone'] },
];

/** The fields each entity understands; see docs/data-model.md#import for their meaning. */
export const ENTITY_FIELDS: Record<Entity, FieldSpec[]> = {
  customers: [
    { name: 'external_id', aliases: ['id', 'customer_id', 'customerid'] },
    { name: 'email' },
    { name: 'phone', aliases: ['mobile', 'telephone'] },
    { name: 'name', aliases: ['full_name'] },
    { name: 'country' },
    { name: 'city' },
    { name: 'signup_channel', aliases: ['channel'] },
    { name: 'signed_up_at', aliases: ['signup_date', 'created_at'] },
  ],
  orders: [
    { name: 'order_id', aliases: ['invoice', 'invoiceno', 'order'], required: true },
    { name: 'ordered_at', aliases: ['order_date', 'date', 'invoicedate', 'created_at'], required: true },
    ...customerRef,
    { name: 'customer_name' },
    { name: 'kind', aliases: ['type'] },
    { name: 'channel' },
    { name: 'currency' },
    { name: 'country' },
    { name: 'product_code', aliases: ['sku', 'stockcode'] },
    { name: 'product_name', aliases: ['product', 'description'] },
    { name: 'category' },
    { name: 'quantity', aliases: ['qty'] },
    { name: 'unit_price', aliases: ['price', 'unitprice'] },
    { name: 'line_total', aliases: ['amount', 'total'] },
  ],
  events: [
    { name: 'event_id', aliases: ['id'] },
    ...customerRef,
    { name: 'session_id', aliases: ['session'] },
    { name: 'type', aliases: ['event', 'event_type', 'behavior_type'], required: true },
    { name: 'occurred_at', aliases: ['timestamp', 'time', 'ts', 'created_at'], required: true },
    { name: 'properties', aliases: ['props'] },
  ],
  feedback: [
    { name: 'feedback_id', aliases: ['id'] },
    ...customerRef,
    { name: 'text', aliases: ['comment', 'message', 'body', 'review'], required: true },
    { name: 'channel' },
    { name: 'rating', aliases: ['score', 'stars'] },
    { name: 'created_at', aliases: ['date', 'timestamp'] },
    { name: 'language', aliases: ['lang'] },
    { name: 'label', aliases: ['category', 'intent'] },
  ],
};

export type FieldMapping = Record<string, string>;

/** Parse `--map field=column` options. */
export function parseMapOptions(options: readonly string[]): FieldMapping {
  const mapping: FieldMapping = {};
  for (const opt of options) {
    const eq = opt.indexOf('=');
    if (eq <= 0 || eq === opt.length - 1) {
      throw new AppError('invalid_argument', `--map expects field=column, got "${opt}"`);
    }
    mapping[opt.slice(0, eq).trim()] = opt.slice(eq + 1).trim();
  }
  return mapping;
}

/**
 * Decide which column feeds each field: explicit --map first, then the preset, then a column whose name matches the
 * field or one of its aliases. Unknown fields, missing columns and missing required fields fail before any row is read.
 */
export function resolveMapping(
  entity: Entity,
  columns: readonly string[],
  preset: FieldMapping = {},
  user: FieldMapping = {},
  { strictColumns = true } = {},
): FieldMapping {
  const fields = ENTITY_FIELDS[entity];
  const known = new Set(fields.map((f) => f.name));
  for (const field of Object.keys(user)) {
    if (!known.has(field)) {
      throw new AppError('invalid_argument', `unknown ${entity} field "${field}"; fields: ${[...known].join(', ')}`);
    }
  }
  const byLower = new Map(columns.map((c) => [c.toLowerCase(), c]));
  const mapping: FieldMapping = {};
  for (const f of fields) {
    const explicit = user[f.name] ?? preset[f.name];
    if (explicit !== undefined) {
      if (strictColumns && !columns.includes(explicit)) {
        throw new AppError('invalid_argument', `column "${explicit}" (for ${f.name}) is not in the file; columns: ${columns.join(', ')}`);
      }
      mapping[f.name] = explicit;
      continue;
    }
    const auto = [f.name, ...(f.aliases ?? [])].map((n) => byLower.get(n)).find(Boolean);
    if (auto) mapping[f.name] = auto;
  }
  const missing = fields.filter((f) => f.required && !mapping[f.name]).map((f) => f.name);
  if (missing.length) {
    throw new AppError(
      'invalid_argument',
      `no column for required ${entity} field(s) ${missing.join(', ')}; columns: ${columns.join(', ') || '(none)'}; use --map field=column`,
    );
  }
  return mapping;
}
