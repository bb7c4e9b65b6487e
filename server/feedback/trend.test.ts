import { describe, expect, it } from 'vitest';
import { monthWindow, trendOf } from './trend.ts';

describe('trendOf', () => {
  it('flags a significant, material rise (hand-computed z)', () => {
    // baseline: 3 months × 10 of 100 = 30/300 = 0.10; recent: 2 months × 30 of 100 = 60/200 = 0.30.
    // pooled p = 90/500 = 0.18; se = sqrt(0.18 · 0.82 · (1/200 + 1/300)) = sqrt(0.1476 · 0.0083333) = 0.035071
    // z = 0.20 / 0.035071 = 5.7027
    const t = trendOf([10, 10, 10, 30, 30], [100, 100, 100, 100, 100], 2);
    expect(t.direction).toBe('rising');
    expect(t.recentShare).toBeCloseTo(0.3, 10);
    expect(t.baselineShare).toBeCloseTo(0.1, 10);
    expect(t.changePts).toBeCloseTo(20, 10);
    expect(t.changePct).toBeCloseTo(2, 10);
    expect(t.z).toBeCloseTo(5.7027, 3);
  });

  it('flags a fall, and calls small or insignificant changes stable', () => {
    expect(trendOf([30, 30, 30, 10, 10], [100, 100, 100, 100, 100], 2).direction).toBe('falling');
    // 0.10 → 0.12: z = 0.02 / sqrt(0.108 · 0.892 · (1/200 + 1/300)) = 0.02 / 0.02834 = 0.71 → stable
    const small = trendOf([10, 10, 10, 12, 12], [100, 100, 100, 100, 100], 2);
    expect(small.direction).toBe('stable');
    expect(small.z).toBeCloseTo(0.7058, 3);
    // Significant but immaterial: 0.50 → 0.55 on huge counts (ratio 1.1 < 1.25).
    expect(trendOf([50_000, 55_000], [100_000, 100_000], 1).direction).toBe('stable');
  });

  it('needs data on both sides', () => {
    expect(trendOf([0, 5], [0, 10], 1)).toMatchObject({ direction: 'insufficient_data', z: null, changePct: null });
  });
});

describe('monthWindow', () => {
  it('lists the whole months before the month of asOf', () => {
    expect(monthWindow('2026-11-01', 3)).toEqual(['2026-08-01', '2026-09-01', '2026-10-01']);
    expect(monthWindow('2026-02-17', 2)).toEqual(['2025-12-01', '2026-01-01']);
  });
});
