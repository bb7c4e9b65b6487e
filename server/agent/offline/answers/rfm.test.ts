import { describe, expect, it } from 'vitest';
import { monthsBefore } from './rfm.ts';

describe('monthsBefore (the earlier day of a tier comparison)', () => {
  it('keeps the day of the month, or takes the shorter month’s last day', () => {
    expect(monthsBefore('2026-11-01', 3)).toBe('2026-08-01');
    expect(monthsBefore('2026-05-31', 3)).toBe('2026-02-28');
    expect(monthsBefore('2024-05-31', 3)).toBe('2024-02-29'); // leap year
    expect(monthsBefore('2026-01-15', 3)).toBe('2025-10-15'); // across a year
  });
});
