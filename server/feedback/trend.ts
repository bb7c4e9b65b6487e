/**
 * Is a theme rising? Its share of all feedback in the most recent periods vs the earlier periods of the window,
 * compared with a two-proportion z-test (pooled standard error; e.g. Agresti, "Categorical Data Analysis", §3.1).
 * A change counts when it is both significant (|z| ≥ 1.96, 5% two-sided) and material (share ×1.25 or ÷1.25), so
 * large themes do not flip on tiny moves and small ones not on noise.
 */
import { z } from 'zod';

export const Z_CRITICAL = 1.96;
export const MIN_RATIO = 1.25;

export type TrendDirection = 'rising' | 'falling' | 'stable' | 'insufficient_data';

export interface Trend {
  direction: TrendDirection;
  /** Theme share of feedback in the recent periods and in the earlier periods of the window. */
  recentShare: number;
  baselineShare: number;
  /** recentShare − baselineShare, in percentage points. */
  changePts: number;
  /** recentShare ÷ baselineShare − 1; null when the baseline share is 0. */
  changePct: number | null;
  z: number | null;
}

/** A Trend as tools report it (feedback_themes, search_feedback's mentions). */
export const trendFields = {
  direction: z.enum(['rising', 'falling', 'stable', 'insufficient_data']).describe('significant (|z| ≥ 1.96) and material (×1.25) change of share'),
  recentShare: z.number().describe('share in the recent months'),
  baselineShare: z.number().describe('share in the earlier months of the window'),
  changePts: z.number().describe('recentShare − baselineShare in percentage points'),
  changePct: z.number().nullable().describe('relative change of share; null when the baseline is 0'),
  z: z.number().nullable().describe('two-proportion z statistic'),
};

/**
 * `counts[i]` = theme rows in period i, `totals[i]` = all rows in period i (oldest first); the last `recent` periods
 * are compared with the ones before.
 */
export function trendOf(counts: readonly number[], totals: readonly number[], recent: number): Trend {
  const split = Math.max(0, counts.length - recent);
  const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
  const x1 = sum(counts.slice(split));
  const n1 = sum(totals.slice(split));
  const x2 = sum(counts.slice(0, split));
  const n2 = sum(totals.slice(0, split));
  const recentShare = n1 ? x1 / n1 : 0;
  const baselineShare = n2 ? x2 / n2 : 0;
  const base = { recentShare, baselineShare, changePts: (recentShare - baselineShare) * 100, changePct: baselineShare ? recentShare / baselineShare - 1 : null };
  if (!n1 || !n2) return { ...base, direction: 'insufficient_data', z: null };
  const pooled = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  const z = se > 0 ? (recentShare - baselineShare) / se : 0;
  let direction: TrendDirection = 'stable';
  if (z >= Z_CRITICAL && recentShare >= baselineShare * MIN_RATIO) direction = 'rising';
  else if (z <= -Z_CRITICAL && recentShare * MIN_RATIO <= baselineShare) direction = 'falling';
  return { ...base, direction, z };
}

/** First days (YYYY-MM-DD) of the `periods` whole months that end before the month of `asOf`, oldest first. */
export function monthWindow(asOf: string, periods: number): string[] {
  const d = new Date(`${asOf}T00:00:00Z`);
  return Array.from({ length: periods }, (_, i) =>
    new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - periods + i, 1)).toISOString().slice(0, 10),
  );
}
