import type { Language } from './types.ts';

/**
 * Number, money, percent and date formatting for answer texts, in English and Chinese — deliberately the same simple
 * shapes in both languages, so the grounding check (grounding.ts) can parse every number back:
 *
 * - counts:   integer with "," thousands separators            1,234        (en and zh alike; never 万/亿 or "1.2k")
 * - money:    two decimals, "," thousands separators            1,509,496.33 (no currency symbol; a currency CODE may
 *             follow as a word: "1,509,496.33 GBP")
 * - decimal:  at most two decimals, trailing zeros dropped      2.35, 4.1, 3
 * - percent:  value × 100 with at most one decimal + "%"        0.3142 → 31.4%  (so it matches v when
 *             round(v × 100, 1) equals the printed number)
 * - signs:    negative numbers keep an ASCII "-" (never "−"); changes get an explicit "+" when positive. Words such
 *             as "up"/"down"/"增长"/"下降" are written beside a signed number, never instead of its sign.
 * - dates:    ISO days 2011-11-01, ISO months 2011-11, and labels "November 2011" / "2011年11月", "Q3 2011" /
 *             "2011年第3季度", "year 2011" / "2011年". DATE_TOKEN_RE matches every date form this file emits, so the
 *             grounding check can remove them before it looks for numbers.
 * Rule for a number with d decimals: it matches a tool value v when round(v, d) (or round(v × 100, d) for a
 * percentage) equals it.
 */

export type NumberKind = 'count' | 'money' | 'decimal' | 'percent';

const GROUPED = (digits: number) =>
  new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: true });
const COUNT = GROUPED(0);
const MONEY = GROUPED(2);
const DECIMAL = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2, useGrouping: true });
const PERCENT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1, useGrouping: true });

/** Removes "-0" artefacts: -0.001 rounded to "−0.00" would claim a negative sign for nothing. */
function signed(text: string, plus: boolean): string {
  const t = text.replace('\u2212', '-');
  if (/^-0(\.0+)?%?$/.test(t)) return t.slice(1);
  return plus && !t.startsWith('-') && !/^0(\.0+)?%?$/.test(t) ? `+${t}` : t;
}

export function formatNumber(value: number, kind: NumberKind, opts: { plus?: boolean } = {}): string {
  const plus = opts.plus ?? false;
  switch (kind) {
    case 'count':
      return signed(COUNT.format(value), plus);
    case 'money':
      return signed(MONEY.format(value), plus);
    case 'decimal':
      return signed(DECIMAL.format(value), plus);
    case 'percent':
      return signed(`${PERCENT.format(value * 100)}%`, plus);
  }
}

const MONTHS_EN = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** "November 2011" / "2011年11月" for a YYYY-MM or YYYY-MM-DD string. */
export function formatMonth(date: string, lang: Language): string {
  const [y, m] = [date.slice(0, 4), Number(date.slice(5, 7))];
  return lang === 'zh' ? `${y}年${m}月` : `${MONTHS_EN[m - 1]} ${y}`;
}

/** A window as ISO days: "2011-11-01 – 2011-11-30" (one day: just the day). */
export function formatRange(w: { from: string; to: string }, lang: Language): string {
  if (w.from === w.to) return w.from;
  return lang === 'zh' ? `${w.from} 至 ${w.to}` : `${w.from} to ${w.to}`;
}

/** Every date form emitted above (ISO day, ISO month, month labels, quarter and year labels). */
export const DATE_TOKEN_RE = new RegExp(
  [
    String.raw`\d{4}-\d{2}-\d{2}`,
    String.raw`\d{4}-\d{2}`,
    String.raw`\d{4}年(?:第\d季度|\d{1,2}月(?:\d{1,2}日)?)?`,
    String.raw`(?:${MONTHS_EN.join('|')}) \d{4}`,
    String.raw`Q[1-4] \d{4}`,
    String.raw`year \d{4}`,
    String.raw`H[12] \d{4}`,
  ].join('|'),
  'g',
);

/** Join list items the way each language does: "a, b and c" / "a、b和c". */
export function joinList(items: string[], lang: Language): string {
  if (items.length <= 1) return items.join('');
  if (lang === 'zh') return `${items.slice(0, -1).join('、')}和${items.at(-1)}`;
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
