import { assertIdentifier } from './copy.ts';
import type { Queryable } from './types.ts';

/**
 * Rows of a statement that returns thousands of them. PGlite hands every field of a result over through its own
 * ArrayBuffer copy (~18 µs per row of 7 fields: 1.7 s for 92k rows on the bench shop), so there the rows come back
 * as ONE json value (0.3 s with parsing); Postgres (node-pg) reads rows faster than it builds that json (0.19 vs
 * 0.35 s), so there they are read as rows. The statement is given in two parts because a WITH list holding data-
 * modifying CTEs must stay at the top level: `withList` (without the WITH keyword; '' for none) and `select`, the
 * final SELECT, whose output columns are `columns`. In the json shape, values are what json makes of them: numbers
 * (integers, numeric), strings (text, date — cast timestamps to text, they would not come back as Date), booleans.
 */
export async function bulkRows<T>(
  q: Queryable,
  statement: { withList?: string; select: string },
  params: readonly unknown[],
  columns: readonly (keyof T & string)[],
): Promise<T[]> {
  const withList = statement.withList ? `WITH ${statement.withList}` : '';
  if (q.driver !== 'pglite') return (await q.query<T>(`${withList} ${statement.select}`, params)).rows;
  const { rows } = await q.query<{ doc: string }>(
    `${withList ? `${withList}, ` : 'WITH '}bulk_rows AS (${statement.select})
     SELECT coalesce(json_agg(json_build_array(${columns.map((c) => `b.${assertIdentifier(c)}`).join(', ')})), '[]')::text AS doc FROM bulk_rows b`,
    params,
  );
  return (JSON.parse(rows[0]!.doc) as unknown[][]).map((r) => Object.fromEntries(columns.map((c, i) => [c, r[i]])) as T);
}
