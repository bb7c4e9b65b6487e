import type { Db } from '../../../server/db/index.ts';
import type { Role } from '../../types.ts';
import type { SegmentFilter } from './filter.ts';
import { resolveSegmentFilter } from './resolve.ts';

/**
 * Saves (or replaces) a named segment definition. The one write of customer_segments: a normal transaction, never
 * the tools' read-only one, with an audit_log row in the same transaction so a save is never unrecorded.
 */
export async function saveSegment(
  db: Db,
  segment: { name: string; description?: string | undefined; filter: SegmentFilter },
  role: Role,
): Promise<{ name: string; created: boolean }> {
  return db.transaction(async (tx) => {
    // Validates references before storing: unknown saved segments or tags, and cycles through the name being saved.
    await resolveSegmentFilter(tx, segment.filter, [segment.name]);
    const { rows } = await tx.query<{ name: string; created: boolean }>(
      `INSERT INTO segments (name, description, definition) VALUES ($1, $2, $3::jsonb)
       ON CONFLICT (name) DO UPDATE
         SET definition = EXCLUDED.definition, description = coalesce(EXCLUDED.description, segments.description), updated_at = now()
       RETURNING name, (xmax = 0) AS created`,
      [segment.name, segment.description ?? null, JSON.stringify(segment.filter)],
    );
    const saved = rows[0]!;
    await tx.query(`INSERT INTO audit_log (actor, role, action, target, details) VALUES ('tool', $1, 'segment.save', $2, $3::jsonb)`, [
      role,
      saved.name,
      JSON.stringify({ created: saved.created, definition: segment.filter, description: segment.description ?? null }),
    ]);
    return saved;
  });
}
