import type { Row } from '../server/db/index.ts';

/**
 * A timing comparison is only fair if both engines answer the same question: compare the tool's output with the
 * DuckDB rows (counts exactly, money to the cent). Returns null when they agree, else what differs.
 */
type Check = (tool: Record<string, unknown>, duck: Row[]) => string | null;

const monthLabel = (index: number) => `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;

function diff(what: string, ours: Map<string, number>, theirs: Map<string, number>, tolerance = 0): string | null {
  const keys = new Set([...ours.keys(), ...theirs.keys()]);
  const bad = [...keys].filter((k) => Math.abs((ours.get(k) ?? 0) - (theirs.get(k) ?? 0)) > tolerance);
  if (!bad.length) return null;
  const k = bad[0]!;
  return `${what} differ in ${bad.length} of ${keys.size} (e.g. ${k}: tool ${ours.get(k) ?? 0}, DuckDB ${theirs.get(k) ?? 0})`;
}

const CHECKS: Record<string, Check> = {
  rfm: (tool, duck) =>
    diff(
      'tier sizes',
      new Map((tool.tiers as { tier: string; customers: number }[]).filter((t) => t.customers > 0).map((t) => [t.tier, t.customers])),
      new Map(duck.map((r) => [String(r.tier), Number(r.customers)])),
    ),
  monthly_revenue: (tool, duck) =>
    diff(
      'monthly revenue',
      new Map((tool.overall as { points: { period: string; value: number }[] }).points.map((p) => [p.period, p.value])),
      new Map(duck.filter((r) => String(r.period) >= '2024-01-01').map((r) => [String(r.period), Math.round(Number(r.revenue) * 100) / 100])),
      0.011,
    ),
  cohort_retention: (tool, duck) =>
    diff(
      'cohort sizes',
      new Map((tool.cohorts as { cohort: string; size: number }[]).map((c) => [c.cohort, c.size])),
      new Map(duck.map((r) => [monthLabel(Number(r.cohort)), Number(r.size)])),
    ),
  funnel: (tool, duck) =>
    diff(
      'step users',
      new Map((tool.steps as { type: string; users: number }[]).map((s) => [s.type, s.users])),
      new Map((tool.steps as { type: string }[]).map((s, i) => [s.type, Number(duck[0]?.[`n${i + 1}`] ?? 0)])),
    ),
};

export function crossCheck(question: string, tool: Record<string, unknown> | undefined, duck: Row[] | undefined): string | null {
  const check = CHECKS[question];
  if (!check || !tool || !duck) return null;
  try {
    return check(tool, duck);
  } catch (err) {
    return `check failed: ${(err as Error).message}`;
  }
}

/** The same rfmSql on two engines: tier sizes must match exactly. */
export function sameTiers(a: { tier: string; customers: number }[] | undefined, b: Row[] | undefined): string | null {
  if (!a || !b) return null;
  return diff('RFM tier sizes', new Map(a.map((t) => [t.tier, t.customers])), new Map(b.map((r) => [String(r.tier), Number(r.customers)])));
}
