import type { Queryable } from '../../../server/db/index.ts';
import { AppError } from '../../../server/errors.ts';
import { chooseSources, compileSegmentFilter, type CompiledSegment } from './compile.ts';
import { segmentFilterSchema, type SegmentFilter } from './filter.ts';

/** Saved segments may refer to saved segments; deeper than this is surely a mistake (cycles are caught earlier). */
const MAX_SEGMENT_DEPTH = 8;

/**
 * Replaces `segment` references by the saved definitions they name (recursively) and checks that every tag named
 * exists. Returns the flat list of filters to AND. `trail` = names being resolved, to catch a segment that refers
 * to itself (directly or through others), e.g. when saving "a" with {segment: "b"} while "b" refers to "a".
 */
export async function resolveSegmentFilter(q: Queryable, filter: SegmentFilter, trail: readonly string[] = []): Promise<SegmentFilter[]> {
  const { segment, ...own } = filter;
  await checkTags(q, own.tags ?? []);
  if (segment === undefined) return [own];
  const saved = await loadSegment(q, segment);
  if (trail.includes(saved.name)) {
    throw new AppError('invalid_argument', `segment "${saved.name}" refers to itself: ${[...trail, saved.name].join(' → ')}`);
  }
  if (trail.length >= MAX_SEGMENT_DEPTH) {
    throw new AppError('invalid_argument', `saved segments nest deeper than ${MAX_SEGMENT_DEPTH}: ${[...trail, saved.name].join(' → ')}`);
  }
  const parsed = segmentFilterSchema.safeParse(saved.definition);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(definition)'}: ${i.message}`).join('; ');
    throw new AppError('invalid_argument', `saved segment "${saved.name}" has an invalid definition: ${issues}`);
  }
  return [own, ...(await resolveSegmentFilter(q, parsed.data, [...trail, saved.name]))];
}

async function loadSegment(q: Queryable, name: string): Promise<{ name: string; definition: unknown }> {
  // Exact name first, else a case-insensitive match (the model may not keep the capitalization).
  const { rows } = await q.query<{ name: string; definition: unknown }>(
    `SELECT name, definition FROM segments WHERE lower(name) = lower($1) ORDER BY (name = $1) DESC, name LIMIT 1`,
    [name],
  );
  if (rows[0]) return rows[0];
  const known = await q.query<{ name: string }>(`SELECT name FROM segments ORDER BY name LIMIT 30`);
  const list = known.rows.map((r) => r.name).join(', ') || 'none saved yet';
  throw new AppError('invalid_argument', `filter.segment: unknown saved segment "${name}"; saved segments: ${list}`);
}

async function checkTags(q: Queryable, names: readonly string[]): Promise<void> {
  if (!names.length) return;
  const { rows } = await q.query<{ name: string }>(`SELECT lower(name) AS name FROM tags WHERE lower(name) = ANY($1::text[])`, [
    names.map((n) => n.toLowerCase()),
  ]);
  const found = new Set(rows.map((r) => r.name));
  const missing = names.filter((n) => !found.has(n.toLowerCase()));
  if (!missing.length) return;
  const known = await q.query<{ name: string }>(`SELECT name FROM tags ORDER BY name LIMIT 30`);
  throw new AppError(
    'invalid_argument',
    `filter.tags: unknown tag ${missing.map((m) => `"${m}"`).join(', ')}; tags: ${known.rows.map((r) => r.name).join(', ') || 'none'}`,
  );
}

export interface PreparedSegment extends CompiledSegment {
  filters: SegmentFilter[];
}

/** Resolve references, pick the data source for the date, compile: what every mode of customer_segments starts with. */
export async function prepareSegment(q: Queryable, filter: SegmentFilter, asOf: string, trail: readonly string[] = []): Promise<PreparedSegment> {
  const filters = await resolveSegmentFilter(q, filter, trail);
  const { source, storedRfm } = await chooseSources(q, asOf);
  const compiled = compileSegmentFilter(filters, asOf, source, storedRfm);
  return { ...compiled, filters };
}
