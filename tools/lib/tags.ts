import type { Db, Queryable } from '../../server/db/index.ts';
import type { Clock } from './clock.ts';
import { compileSegmentFilter, chooseSources } from './segments/compile.ts';
import { segmentFilterSchema, type SegmentFilter } from './segments/filter.ts';
import { resolveSegmentFilter } from './segments/resolve.ts';

/**
 * Dynamic (rule-based) tags. A rule tag is a row of `tags` with kind = 'rule' and `rule` = a segment filter object
 * (tools/lib/segments/filter.ts), e.g. {"recencyDays": {"min": 180}} or {"percentile": {"metric": "revenue",
 * "min": 0.9}} — data, never code. Relative fields (recencyDays, tenureDays, firstOrderWithinDays, rfmTier,
 * percentile, churnRisk) are evaluated as of clock.today(), so recomputing after each import keeps tags current.
 * Manual tags (kind = 'manual') are never touched here. Defaults are seeded by migration 0003_default_tags.sql.
 *
 * A rule may use `tags` and `segment`, but only manual tags (directly or through saved segments): rule tags are
 * recomputed together, so one rule reading another would depend on the order they run in.
 */

export interface TagRecompute {
  tag: string;
  /** Customers with the tag after recomputing. */
  members: number;
  added: number;
  removed: number;
  /** Why the rule could not be evaluated (the tag is then left with no members). */
  error?: string;
}

interface RuleTag { id: number; name: string; rule: unknown }

/**
 * Re-evaluates every rule tag as of clock.today() in one transaction: customers who no longer match lose the tag,
 * new matches gain it, customers who still match keep their original assigned_at (so it means "tagged since").
 * Idempotent: a second run with the same data and date changes nothing. Returns one entry per rule tag, by name.
 */
export async function recomputeTags(db: Db, clock: Clock): Promise<TagRecompute[]> {
  const asOf = clock.today();
  return db.transaction(async (tx) => {
    const { rows: tags } = await tx.query<RuleTag>(`SELECT id, name, rule FROM tags WHERE kind = 'rule' ORDER BY name`);
    const ruleTagNames = new Set(tags.map((t) => t.name.toLowerCase()));
    const { source, storedRfm } = await chooseSources(tx, asOf);
    const results: TagRecompute[] = [];
    for (const tag of tags) {
      let filters: SegmentFilter[] | undefined;
      let error: string | undefined;
      try {
        filters = await ruleFilters(tx, tag, ruleTagNames);
      } catch (err) {
        error = err instanceof Error ? err.message : String(err);
      }
      results.push(await applyRule(tx, tag, filters ? compileSegmentFilter(filters, asOf, source, storedRfm) : undefined, error));
    }
    return results;
  });
}

async function ruleFilters(q: Queryable, tag: RuleTag, ruleTagNames: ReadonlySet<string>): Promise<SegmentFilter[]> {
  const parsed = segmentFilterSchema.safeParse(tag.rule ?? undefined);
  if (!parsed.success) {
    throw new Error(`invalid rule: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(rule)'}: ${i.message}`).join('; ')}`);
  }
  const filters = await resolveSegmentFilter(q, parsed.data);
  const ruleTags = filters.flatMap((f) => f.tags ?? []).filter((t) => ruleTagNames.has(t.toLowerCase()));
  if (ruleTags.length) throw new Error(`a rule may only use manual tags, not rule tags (${ruleTags.join(', ')})`);
  return filters;
}

async function applyRule(
  tx: Queryable,
  tag: RuleTag,
  compiled: { sql: string; params: unknown[] } | undefined,
  error: string | undefined,
): Promise<TagRecompute> {
  if (!compiled) {
    const removed = await tx.query(`DELETE FROM customer_tags WHERE tag_id = $1`, [tag.id]);
    return { tag: tag.name, members: 0, added: 0, removed: removed.rowCount, ...(error ? { error } : {}) };
  }
  const tagParam = `$${compiled.params.length + 1}::int8`;
  const params = [...compiled.params, tag.id];
  const removed = await tx.query(
    `DELETE FROM customer_tags WHERE tag_id = ${tagParam}
        AND customer_id NOT IN (SELECT m.customer_id FROM (${compiled.sql}) m)`,
    params,
  );
  const added = await tx.query(
    `INSERT INTO customer_tags (customer_id, tag_id) SELECT m.customer_id, ${tagParam} FROM (${compiled.sql}) m
     ON CONFLICT (customer_id, tag_id) DO NOTHING`,
    params,
  );
  const { rows } = await tx.query<{ n: number }>(`SELECT count(*) AS n FROM customer_tags WHERE tag_id = $1`, [tag.id]);
  return { tag: tag.name, members: rows[0]!.n, added: added.rowCount, removed: removed.rowCount };
}
