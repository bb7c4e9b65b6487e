import type { Queryable } from '../../server/db/index.ts';
import { AppError } from '../../server/errors.ts';
import { chooseSources } from './segments/compile.ts';

/** kpi_trend's customer-group filters: where a tier filter's tiers come from, and whether a tag exists. */

/**
 * RFM tiers as of today, from where the segments take them: the stored scores when fresh, else ranked from the
 * summary, or from the orders up to today when the clock is before the last order.
 */
export async function tierScope(q: Queryable, asOf: string): Promise<{ source: 'stored' | 'summary' | 'orders'; asOf: string }> {
  const { source, storedRfm } = await chooseSources(q, asOf);
  return { source: storedRfm ? 'stored' : source, asOf };
}

/** An unknown tag is an argument error that names the tags there are. */
export async function checkTag(q: Queryable, tag: string): Promise<void> {
  if ((await q.query(`SELECT 1 FROM tags WHERE name = $1`, [tag])).rows.length) return;
  const { rows } = await q.query<{ name: string }>(`SELECT name FROM tags ORDER BY name LIMIT 20`);
  const names = rows.map((r) => r.name).join(', ') || '(none)';
  throw new AppError('invalid_argument', `invalid arguments for kpi_trend: filters.tag: unknown tag "${tag}"; tags: ${names}`);
}
