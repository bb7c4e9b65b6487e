import type { CompiledSegment } from './compile.ts';

/**
 * "`column` is in the segment" as a condition of a statement that already has `params`: the segment's SQL numbers its
 * parameters from $1, so they are renumbered after the statement's (its values appended to `params`).
 */
export function inSegmentSql(seg: Pick<CompiledSegment, 'sql' | 'params'>, column: string, params: unknown[]): string {
  const offset = params.length;
  params.push(...seg.params);
  const sql = seg.sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
  return `${column} IN (SELECT customer_id FROM (${sql}) AS seg)`;
}
