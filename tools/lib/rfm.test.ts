import { describe, expect, it } from 'vitest';
import { RFM_TIERS, fmScore, rfmTier, rfmTierSql } from './rfm.ts';

describe('RFM tiers', () => {
  it('maps the corners and a few cells of the documented grid', () => {
    expect(rfmTier(5, 5, 5)).toBe('Champions');
    expect(rfmTier(5, 1, 1)).toBe('New');
    expect(rfmTier(1, 1, 1)).toBe('Lost');
    expect(rfmTier(1, 5, 5)).toBe("Can't Lose");
    expect(rfmTier(2, 1, 2)).toBe('Hibernating'); // FM = round(1.5) = 2
    expect(rfmTier(3, 3, 3)).toBe('Need Attention');
    expect(rfmTier(4, 1, 1)).toBe('Promising');
    expect(rfmTier(3, 1, 2)).toBe('About to Sleep');
    expect(rfmTier(2, 4, 3)).toBe('At Risk'); // FM = round(3.5) = 4
    expect(rfmTier(4, 5, 4)).toBe('Loyal');
    expect(rfmTier(5, 2, 3)).toBe('Potential Loyalist');
  });

  it('covers every score combination with one of the 11 named tiers, each used', () => {
    const used = new Set<string>();
    for (let r = 1; r <= 5; r++) for (let f = 1; f <= 5; f++) for (let m = 1; m <= 5; m++) used.add(rfmTier(r, f, m));
    expect([...used].sort()).toEqual([...RFM_TIERS].sort());
    expect(fmScore(2, 3)).toBe(3);
    expect(() => rfmTier(0, 1, 1)).toThrow(/1–5/);
  });

  it('the SQL lookup has one entry per grid cell, at (R − 1) · 5 + round((F + M) / 2)', () => {
    const cells = rfmTierSql().match(/'(?:[^']|'')*'/g)!.map((c) => c.slice(1, -1).replace(/''/g, "'"));
    expect(cells).toHaveLength(25);
    expect(rfmTierSql()).toContain(`'Can''t Lose'`);
    for (let r = 1; r <= 5; r++) for (let f = 1; f <= 5; f++) for (let m = 1; m <= 5; m++) {
      expect(cells[(r - 1) * 5 + Math.floor((f + m + 1) / 2) - 1], `R${r} F${f} M${m}`).toBe(rfmTier(r, f, m));
    }
  });
});
