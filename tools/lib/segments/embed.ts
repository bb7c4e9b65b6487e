import type { CompiledSegment } from './compile.ts';

/**
 * "`column` is in the segment" as a condition of a statement that already has `params`: the segment's SQL numbers its
 * parameters from $1, so they are renumbered after the statement's (its values appended to `params`).
 */
export function inSegmentSql(seg: Pick<CompiledSegment, 'sql' | 'params'>, column: string, params: unknown[]): string {
  return `${column} IN (SELECT customer_id FROM (${appendStatement(seg.sql, seg.params, params)}) AS seg)`;
}

/** A statement numbering its parameters from $1, renumbered to follow `params` (to which its values are appended). */
export function appendStatement(sql: string, values: readonly unknown[], params: unknown[]): string {
  const offset = params.length;
  params.push(...values);
  return sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
}
