import { describe, expect, it } from 'vitest';
import { adjacentWindow, previousWindow, yearAgoWindow } from './kpi_common.ts';

describe('previousWindow: what a window is compared with', () => {
  it('whole periods: as many calendar periods before', () => {
    expect(previousWindow({ from: '2024-03-01', to: '2024-03-31' }, 'month', 1)).toEqual({ from: '2024-02-01', to: '2024-02-29' });
    expect(previousWindow({ from: '2024-01-01', to: '2024-06-30' }, 'quarter', 2)).toEqual({ from: '2023-07-01', to: '2023-12-31' });
  });

  it('a period to date: the same part of the period before (same day of the month, clamped; same weekdays)', () => {
    // Wednesday 2024-03-06 in the week of Monday 03-04 → Monday to Wednesday of the week before
    expect(previousWindow({ from: '2024-03-04', to: '2024-03-06' }, 'week', 1)).toEqual({ from: '2024-02-26', to: '2024-02-28' });
    // quarter to November 30 → Q3 to August 30; year to 2028-02-29 → 2027 to February 28
    expect(previousWindow({ from: '2026-10-01', to: '2026-11-30' }, 'quarter', 1)).toEqual({ from: '2026-07-01', to: '2026-08-30' });
    expect(previousWindow({ from: '2028-01-01', to: '2028-02-29' }, 'year', 1)).toEqual({ from: '2027-01-01', to: '2027-02-28' });
    // May 1–31 is a whole month; May 1–30 is May to date → April 1–30 (April's last day)
    expect(previousWindow({ from: '2026-05-01', to: '2026-05-30' }, 'month', 1)).toEqual({ from: '2026-04-01', to: '2026-04-30' });
  });

  it('anything else, and adjacentWindow always: the same number of days just before', () => {
    expect(previousWindow({ from: '2024-02-02', to: '2024-02-10' }, 'month', 1)).toEqual({ from: '2024-01-24', to: '2024-02-01' });
    // a span over two months ending inside the second is no period to date
    expect(previousWindow({ from: '2026-09-01', to: '2026-10-14' }, 'month', 2)).toEqual({ from: '2026-07-19', to: '2026-08-31' });
    expect(adjacentWindow({ from: '2024-02-01', to: '2024-02-10' }, 'month', 1)).toEqual({ from: '2024-01-22', to: '2024-01-31' });
  });
});

describe('yearAgoWindow: the same days a year earlier', () => {
  it('keeps the days of the month; a month’s last day stays its last day; a leap day is Feb 28', () => {
    expect(yearAgoWindow({ from: '2026-10-01', to: '2026-10-14' })).toEqual({ from: '2025-10-01', to: '2025-10-14' });
    expect(yearAgoWindow({ from: '2025-02-01', to: '2025-02-28' })).toEqual({ from: '2024-02-01', to: '2024-02-29' });
    expect(yearAgoWindow({ from: '2025-01-01', to: '2025-12-31' })).toEqual({ from: '2024-01-01', to: '2024-12-31' });
    expect(yearAgoWindow({ from: '2024-02-29', to: '2024-03-31' })).toEqual({ from: '2023-02-28', to: '2023-03-31' });
    expect(yearAgoWindow({ from: '2024-03-01', to: '2024-03-15' })).toEqual({ from: '2023-03-01', to: '2023-03-15' });
  });
});
