/** Encoding of values for PostgreSQL's COPY text format (tab-separated, `\N` for NULL). */

const SPECIAL = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

export function copyValue(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return escapeText(JSON.stringify(value));
  if (typeof value === 'string') return escapeText(value);
  return String(value);
}

function escapeText(text: string): string {
  return text.replace(SPECIAL, (c) => ESCAPES[c]!);
}

export function copyRow(values: readonly unknown[]): string {
  return values.map(copyValue).join('\t') + '\n';
}

export function copyText(rows: readonly (readonly unknown[])[]): string {
  let out = '';
  for (const row of rows) out += copyRow(row);
  return out;
}

/** Identifiers in COPY statements come from code, never from input; still refuse anything unusual. */
export function assertIdentifier(name: string): string {
  if (!/^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/.test(name)) throw new Error(`unsafe SQL identifier: ${name}`);
  return name;
}
