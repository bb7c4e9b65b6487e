import { createHash } from 'node:crypto';
import { copyText } from '../../db/copy.ts';
import { FieldError, blankToNull, normalizeId, parseTimestamp } from '../normalize.ts';
import { collectRows, customerRefOf, occurrenceKey, resolveRefs, type CustomerRef, type EntityImporter } from './common.ts';

export interface EventRow {
  dedupeKey: string;
  customer: CustomerRef | null;
  sessionId: string | null;
  type: string;
  occurredAt: Date;
  properties: Record<string, unknown>;
}

function parseProperties(raw: unknown): Record<string, unknown> {
  if (raw === null || raw === undefined || raw === '') return {};
  if (typeof raw === 'object' && !Array.isArray(raw)) return raw as Record<string, unknown>;
  try {
    const value = JSON.parse(String(raw));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value;
  } catch {
    // fall through to the error below
  }
  throw new FieldError('properties must be a JSON object');
}

/** Events are facts: re-importing one changes nothing; identical rows without an id are told apart by occurrence. */
export const eventsImporter: EntityImporter<EventRow, Map<string, number>> = {
  createState: () => new Map(),

  parse(get, occurrences, ctx) {
    const type = blankToNull(get('type'))?.toLowerCase();
    if (!type) throw new FieldError('type is empty');
    const occurredAt = parseTimestamp(get('occurred_at'), 'occurred_at');
    if (!occurredAt) throw new FieldError('occurred_at is empty');
    const customer = customerRefOf(get, ctx.source);
    const sessionId = blankToNull(get('session_id'));
    const properties = parseProperties(get('properties'));
    const eventId = normalizeId(get('event_id'));
    const fingerprint = () =>
      createHash('sha1')
        .update(JSON.stringify([customer?.keys ?? null, sessionId, type, occurredAt.getTime(), properties]))
        .digest('base64url');
    return {
      dedupeKey: eventId ? `id:${eventId}` : occurrenceKey(occurrences, fingerprint()),
      customer,
      sessionId,
      type,
      occurredAt,
      properties,
    };
  },

  collect: collectRows,

  async write(tx, rows, ctx) {
    const refs = await resolveRefs(tx, rows.map((r) => r.customer), ctx.runId);
    await tx.exec(`CREATE TEMP TABLE stage_events (dedupe_key text, customer_id int8, session_id text, type text,
      occurred_at timestamptz, properties jsonb) ON COMMIT DROP`);
    await tx.copyFrom(
      'stage_events',
      ['dedupe_key', 'customer_id', 'session_id', 'type', 'occurred_at', 'properties'],
      copyText(rows.map((r, i) => [r.dedupeKey, refs.ids[i], r.sessionId, r.type, r.occurredAt, r.properties])),
    );
    const { rowCount } = await tx.query(
      `INSERT INTO events (source, dedupe_key, customer_id, session_id, type, occurred_at, properties)
       SELECT $1, dedupe_key, customer_id, session_id, type, occurred_at, properties FROM stage_events
       ON CONFLICT (source, dedupe_key) DO NOTHING`,
      [ctx.source],
    );
    return {
      inserted: rowCount,
      updated: 0,
      unchanged: rows.length - rowCount,
      details: { customers_created: refs.created, customers_merged: refs.merged, anonymous_events: refs.ids.filter((id) => id === null).length },
    };
  },
};
