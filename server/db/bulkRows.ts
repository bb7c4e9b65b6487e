import { assertIdentifier } from './copy.ts';
import type { Queryable } from './types.ts';

/**
 * Rows of a statement that returns thousands of them. PGlite hands every field of a result over through its own
 * ArrayBuffer copy (~18 µs per row of 7 fields: 1.7 s for 92k rows on the bench shop), so there the rows come back
 * as one json array PER COLUMN, in a single row (one pass: every aggregate of it sees the rows in the same order), and
 * are put back together here: for 92k rows of 10 fields ~0.27 s, where one json array of row arrays took ~0.38 s to
 * build and parse plus ~0.08 s for Object.fromEntries per row. Postgres (node-pg) reads rows faster than it builds
 * json (0.19 vs 0.35 s), so there they are read as rows. The statement is given in two parts because a WITH list
 * holding data-modifying CTEs must stay at the top level: `withList` (without the WITH keyword; '' for none) and
 * `select`, the final SELECT, whose output columns are `columns`. In the json shape, values are what json makes of
 * them: numbers (integers, numeric), strings (text, date — cast timestamps to text, they would not come back as
 * Date), booleans.
 */
export async function bulkRows<T>(
  q: Queryable,
  statement: { withList?: string; select: string },
  params: readonly unknown[],
  columns: readonly (keyof T & string)[],
): Promise<T[]> {
  const withList = statement.withList ? `WITH ${statement.withList}` : '';
  if (q.driver !== 'pglite') return (await q.query<T>(`${withList} ${statement.select}`, params)).rows;
  const { rows } = await q.query<Record<string, string>>(
    `${withList ? `${withList}, ` : 'WITH '}bulk_rows AS (${statement.select})
     SELECT ${columns.map((c, i) => `coalesce(json_agg(b.${assertIdentifier(c)}), '[]')::text AS c${i}`).join(', ')} FROM bulk_rows b`,
    params,
  );
  const values = columns.map((_, i) => JSON.parse(rows[0]![`c${i}`]!) as unknown[]);
  const n = values[0]?.length ?? 0;
  const out = new Array<T>(n);
  for (let r = 0; r < n; r++) {
    const row: Record<string, unknown> = {};
    for (let i = 0; i < columns.length; i++) row[columns[i]!] = values[i]![r];
    out[r] = row as T;
  }
  return out;
}
