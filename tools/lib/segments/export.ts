import type { Queryable } from '../../../server/db/index.ts';
import { maskEmail, maskName } from '../pii.ts';
import type { Role } from '../../types.ts';
import type { CompiledSegment } from './compile.ts';

/** Segment members as CSV text, personal data masked per role. */

export const EXPORT_COLUMNS = ['customer_id', 'name', 'email', 'country', 'orders', 'revenue', 'last_order'] as const;
export const DEFAULT_EXPORT_ROWS = 10_000;
/** A CSV travels inside a JSON tool result; 50k rows is ~3 MB, the most that is reasonable to pass around. */
export const MAX_EXPORT_ROWS = 50_000;

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. A text cell starting with = + - @ or a
 * tab/CR gets a leading apostrophe so a spreadsheet shows it instead of running it as a formula (OWASP "CSV Injection").
 */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  let s = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(header: readonly string[], rows: readonly (readonly (string | number | null)[])[]): string {
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\n') + '\n';
}

interface ExportRow {
  customer_id: number; name: string | null; email: string | null; country: string | null; orders: number; revenue: number;
  last_day: string; total: number;
}

export async function exportSegment(
  q: Queryable,
  seg: CompiledSegment,
  opts: { limit: number; role: Role },
): Promise<{ csv: string; rows: number; members: number; truncated: boolean }> {
  const { rows } = await q.query<ExportRow>(
    `SELECT m.customer_id, m.name, m.email, m.country, m.orders, m.revenue, m.last_day, count(*) OVER () AS total
       FROM (${seg.sql}) m ORDER BY m.customer_id LIMIT $${seg.params.length + 1}::int`,
    [...seg.params, opts.limit],
  );
  const members = rows[0]?.total ?? 0;
  const csv = toCsv(
    EXPORT_COLUMNS,
    rows.map((r) => [
      r.customer_id, maskName(r.name, opts.role), maskEmail(r.email, opts.role), r.country, r.orders, r.revenue.toFixed(2), r.last_day,
    ]),
  );
  return { csv, rows: rows.length, members, truncated: members > rows.length };
}
