import { describe, expect, it } from 'vitest';
import { toDateSentence } from './common.ts';

describe('toDateSentence: what a period to date was compared with', () => {
  it('says "the same days of the month before" only when the window before is not the adjacent one', () => {
    // kpi_trend compared October 1–14 with September 1–14 (like for like)
    expect(toDateSentence('en', 'October 2026 to date', 'month', { from: '2026-10-01' }, { to: '2026-09-14' }))
      .toBe('October 2026 to date is not over yet, so it is compared with the same days of the month before.');
    // by weeks the same window is compared with the 14 days just before it (September 17–30)
    expect(toDateSentence('en', 'October 2026 to date', 'week', { from: '2026-10-01' }, { to: '2026-09-30' }))
      .toBe('October 2026 to date is not over yet, so it is compared with the same number of days before it.');
    expect(toDateSentence('zh', '2026年第4季度至今', 'quarter', { from: '2026-10-01' }, { to: '2026-07-14' })).toBe('2026年第4季度至今尚未结束，因此与上一季度的同期比较。');
  });
});
