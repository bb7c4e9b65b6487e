import type { ExtractedNumber } from '../../server/agent/numbers.ts';
import type { ToolCallRecord } from '../../server/agent/types.ts';

/**
 * Matching a planner's output against a case's expectations: tool arguments as a subset (with a few operators for
 * windows and alternatives), and expected numbers against the numbers written in the answer.
 */

/** The arguments a call ran with: what the planner sent, overlaid with the tool's own record of them after defaults. */
export function effectiveArgs(call: ToolCallRecord): Record<string, unknown> {
  const meta = (call.result as { meta?: { args?: Record<string, unknown> } } | null)?.meta;
  return mergeDeep(call.args ?? {}, meta?.args ?? {});
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function mergeDeep(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = isPlainObject(out[k]) && isPlainObject(v) ? mergeDeep(out[k], v) : v;
  return out;
}

const OPERATORS = ['$gte', '$lte', '$in', '$ci', '$absent'] as const;
const isOperator = (v: unknown): v is Record<string, unknown> =>
  isPlainObject(v) && Object.keys(v).length > 0 && Object.keys(v).every((k) => (OPERATORS as readonly string[]).includes(k));

const norm = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : v);

function sameValue(actual: unknown, expected: unknown): boolean {
  if (Array.isArray(expected)) {
    const list = Array.isArray(actual) ? actual : [actual];
    return list.length === expected.length && expected.every((e, i) => sameValue(list[i], e));
  }
  if (isPlainObject(expected)) return isPlainObject(actual) && Object.entries(expected).every(([k, v]) => valueMatches(actual[k], v));
  // null in an expectation = not set (e.g. {"$in": ["2026-11-01", null]}: that day, or the tool's default of today)
  if (expected === null) return actual === undefined || actual === null;
  return actual === expected;
}

/**
 * Does `actual` satisfy `expected`? Literals must be equal (objects: every expected key matches, extra keys are fine);
 * `{"$gte": x}` / `{"$lte": x}` compare numbers or ISO strings (dates, months); `{"$in": [...]}` = any of them;
 * `{"$ci": "x"}` = equal ignoring case; `{"$absent": true}` or null = not set.
 */
export function valueMatches(actual: unknown, expected: unknown): boolean {
  // one value or a one-element list mean the same (segment filters accept both)
  if (Array.isArray(actual) && actual.length === 1 && !Array.isArray(expected)) actual = actual[0];
  if (!isOperator(expected)) return sameValue(actual, expected);
  for (const [op, operand] of Object.entries(expected)) {
    if (op === '$absent') {
      if ((actual === undefined || actual === null) !== Boolean(operand)) return false;
    } else if (op === '$in') {
      if (!Array.isArray(operand) || !operand.some((o) => valueMatches(actual, o))) return false;
    } else if (op === '$ci') {
      if (norm(actual) !== norm(operand)) return false;
    } else {
      if (actual === undefined || actual === null || typeof actual !== typeof operand) return false;
      const a = actual as string | number;
      const b = operand as string | number;
      if (op === '$gte' ? a < b : a > b) return false;
    }
  }
  return true;
}

/** Which expected keys a call's effective arguments get wrong (empty = all right). */
export function argMismatches(call: ToolCallRecord, expected: Record<string, unknown>): string[] {
  const args = effectiveArgs(call);
  return Object.entries(expected)
    .filter(([k, v]) => !valueMatches(args[k], v))
    .map(([k, v]) => `${k}: expected ${JSON.stringify(v)}, got ${JSON.stringify(args[k]) ?? 'nothing'}`);
}

/**
 * Is the expected value written in the text? A written number matches when the value rounds to it at its displayed
 * precision (grounding's rule, so "$1.5M" matches 1,509,496), or is within the case's relative tolerance. Fractions
 * also match as percentages. Displays coarser than ~2 significant digits (e.g. "$2M" for 1.5M) or whole-point
 * percentages for fine rates are not accepted as a match, so a vague answer cannot pass by luck.
 */
export function numberWritten(
  found: readonly ExtractedNumber[],
  expected: number,
  opts: { ratio: boolean; tolerance: number },
): ExtractedNumber | undefined {
  const target = Math.abs(expected);
  return found.find((n) => {
    if (n.exempt) return false;
    // a percentage of a fraction: compare in percent points
    const scale = n.percent && opts.ratio ? 100 : 1;
    const x = target * scale;
    // precision: percentages to whole points or finer; other numbers to ~2 significant digits or finer
    const precise = n.percent ? n.unit <= 1 : n.unit <= Math.max(1, 0.1 * x);
    return precise && Math.abs(n.value - x) <= n.unit / 2 + opts.tolerance * x + 1e-9 * Math.max(1, x);
  });
}

/** Every number anywhere in a tool result (for expectations checked against the result, not the answer). */
export function resultNumbers(value: unknown, out: number[] = []): number[] {
  if (typeof value === 'number' && Number.isFinite(value)) out.push(value);
  else if (Array.isArray(value)) for (const v of value) resultNumbers(v, out);
  else if (isPlainObject(value)) for (const v of Object.values(value)) resultNumbers(v, out);
  return out;
}

export function numberInResults(calls: readonly ToolCallRecord[], expected: number, tolerance: number): boolean {
  const x = Math.abs(expected);
  return calls.some((c) => resultNumbers(c.result).some((v) => Math.abs(Math.abs(v) - x) <= Math.max(tolerance * x, 1e-6)));
}
