import { formatNumber as n } from '../../format.ts';
import type { Language } from '../../types.ts';
import { t } from './common.ts';

/** Months of retention named in cohort answers: 1, 3, 6 and 12 when the data has them. */
export const KEY_MONTHS = [1, 3, 6, 12];

/** "month 1: 52.8%, month 3: 44.1%" for the key months of a curve (a month still under way marked). */
export function keyMonthRates(rows: readonly { month: number; rate: number; partial?: boolean }[], lang: Language): string {
  return rows.filter((r) => KEY_MONTHS.includes(r.month))
    .map((r) => t(lang, `month ${r.month}: ${n(r.rate, 'percent')}${r.partial ? ' (month under way)' : ''}`, `第${r.month}个月 ${n(r.rate, 'percent')}${r.partial ? '（当月未完）' : ''}`))
    .join(t(lang, ', ', '，'));
}

/** Table columns "month 1", "month 3", … */
export const keyMonthColumns = (lang: Language) => KEY_MONTHS.map((m) => t(lang, `month ${m}`, `第${m}月`));
