import { createHash } from 'node:crypto';
import { copyText } from '../../db/copy.ts';
import { embedImportedIn } from '../../feedback/lifecycle.ts';
import { FieldError, blankToNull, detectLanguage, normalizeId, parseNumber, parseTimestamp } from '../normalize.ts';
import { collectRows, customerRefOf, occurrenceKey, resolveRefs, type CustomerRef, type EntityImporter } from './common.ts';

export interface FeedbackRow {
  externalId: string;
  customer: CustomerRef | null;
  text: string;
  channel: string | null;
  rating: number | null;
  createdAt: Date | null;
  language: string;
  label: string | null;
}

function parseRating(raw: unknown): number | null {
  const rating = parseNumber(raw, 'rating');
  if (rating === null) return null;
  if (!Number.isInteger(rating) || rating < 1 || rating > 5) throw new FieldError(`rating must be 1–5, got ${rating}`);
  return rating;
}

/** Feedback text is stored verbatim: it is untrusted data, rendered as text and never run as instructions. */
export const feedbackImporter: EntityImporter<FeedbackRow, Map<string, number>> = {
  createState: () => new Map(),

  parse(get, occurrences, ctx) {
    const text = blankToNull(get('text'));
    if (!text) throw new FieldError('text is empty');
    const customer = customerRefOf(get, ctx.source);
    const id = normalizeId(get('feedback_id'));
    const createdAt = parseTimestamp(get('created_at'), 'created_at');
    const base = () =>
      createHash('sha1')
        .update(JSON.stringify([customer?.keys ?? null, createdAt?.getTime() ?? null, text]))
        .digest('base64url');
    return {
      externalId: id ?? occurrenceKey(occurrences, base()),
      customer,
      text,
      channel: blankToNull(get('channel')),
      rating: parseRating(get('rating')),
      createdAt,
      language: blankToNull(get('language'))?.toLowerCase() ?? detectLanguage(text),
      label: blankToNull(get('label')),
    };
  },

  collect: collectRows,

  async write(tx, rows, ctx) {
    const refs = await resolveRefs(tx, rows.map((r) => r.customer), ctx.runId);
    await tx.exec(`CREATE TEMP TABLE stage_feedback (external_id text, customer_id int8, text text, channel text,
      rating smallint, created_at timestamptz, language text, label text) ON COMMIT DROP`);
    await tx.copyFrom(
      'stage_feedback',
      ['external_id', 'customer_id', 'text', 'channel', 'rating', 'created_at', 'language', 'label'],
      copyText(rows.map((r, i) => [r.externalId, refs.ids[i], r.text, r.channel, r.rating, r.createdAt, r.language, r.label])),
    );
    // Rows without a date get the import time once; a re-import keeps that first date. A changed text drops the
    // stored embedding so it is recomputed.
    const updated = await tx.query(
      `UPDATE feedback f SET customer_id = s.customer_id, text = s.text, channel = s.channel, rating = s.rating,
              language = s.language, label = s.label, created_at = coalesce(s.created_at, f.created_at),
              embedding = CASE WHEN f.text = s.text THEN f.embedding END,
              embedding_model = CASE WHEN f.text = s.text THEN f.embedding_model END
         FROM stage_feedback s
        WHERE f.source = $1 AND f.external_id = s.external_id
          AND (f.customer_id, f.text, f.channel, f.rating, f.language, f.label, coalesce(s.created_at, f.created_at))
              IS DISTINCT FROM (s.customer_id, s.text, s.channel, s.rating, s.language, s.label, f.created_at)`,
      [ctx.source],
    );
    const inserted = await tx.query(
      `INSERT INTO feedback (source, external_id, customer_id, text, channel, rating, created_at, language, label)
       SELECT $1, external_id, customer_id, text, channel, rating, coalesce(created_at, $2), language, label
         FROM stage_feedback
       ON CONFLICT (source, external_id) DO NOTHING`,
      [ctx.source, ctx.startedAt],
    );
    const counts = { inserted: inserted.rowCount, updated: updated.rowCount };
    // New and edited rows get their vector in the same transaction, so search never sees a row without one.
    const { embedded } = await embedImportedIn(tx, ctx.config);
    return {
      ...counts,
      unchanged: rows.length - counts.inserted - counts.updated,
      details: { customers_created: refs.created, customers_merged: refs.merged, embedded },
    };
  },
};
