import { addDays, daysBetween } from '../../../tools/lib/clock.ts';
import { formatMonth } from '../format.ts';
import { englishNumber } from './text.ts';

/**
 * Time expressions in English and Chinese → a window of UTC days, relative to the clock's today. Conventions (the
 * usual BI ones, and the ones the tools use for their defaults):
 * - calendar periods are whole: "last month" / "上个月" = the previous calendar month, "last year" / "去年" = the
 *   previous calendar year, "last quarter" / "上季度" = the previous calendar quarter;
 * - "this month/quarter/year" (本月/本季度/今年) run from the period's first day to yesterday, the last complete day
 *   (to date; a period that starts today is just today), and so does a named period that has not ended;
 * - rolling windows end yesterday (today is still under way): "last 90 days" / "过去90天" = today − 90 … today − 1;
 *   "last N weeks/months/years" are the N complete ISO weeks / calendar months / years before the current one;
 * - a month or quarter without a year is the latest one that has begun ("in March" on 2011-12-10 = March 2011).
 */

export type Grain = 'day' | 'week' | 'month' | 'quarter' | 'year';
export interface TimeRange {
  from: string;
  to: string;
  /** The natural period length of the expression (a month for "March 2011", a day for "yesterday"). */
  grain: Grain;
  /** Calendar label in each language (null for rolling windows, which are named by their days). */
  label: { en: string; zh: string } | null;
  /** The words matched, so the slot parser can remove them before looking for other slots. */
  matched: string;
}

const MONTH_NAMES = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const MONTH_RE = '\\b(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';
const ORDINAL: Record<string, number> = { first: 1, '1st': 1, second: 2, '2nd': 2, third: 3, '3rd': 3, fourth: 4, '4th': 4 };
const CN_DIGIT: Record<string, number> = { 零: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const NUM = '(\\d+|[零一二两三四五六七八九十]+)';
/** English counts in time phrases ("past three months"): digits or number words (text.ts englishNumber reads both). */
const EN_NUM = '(\\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|eighteen|twenty|thirty|sixty|ninety)';
const EN_NUM_OR_A = '(\\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)';

/** Arabic digits or a Chinese numeral up to 99 (十一, 二十, 九十) → number. */
export function parseNumber(text: string): number {
  if (/^\d+$/.test(text)) return Number(text);
  const [tens, ones] = text.includes('十') ? text.split('十') : ['', text];
  const t = text.includes('十') ? (tens ? CN_DIGIT[tens] ?? NaN : 1) : 0;
  const o = ones ? [...ones].reduce((acc, ch) => acc * 10 + (CN_DIGIT[ch] ?? NaN), 0) : 0;
  return t * 10 + o;
}

const ymd = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d)).toISOString().slice(0, 10);
const monthEnd = (y: number, m: number) => ymd(y, m + 1, 0);
const monthOf = (name: string) => MONTH_NAMES.findIndex((m) => m.startsWith(name.slice(0, 3))) + 1;

function monthRange(y: number, m: number, matched: string): TimeRange {
  const from = ymd(y, m, 1);
  return { from, to: monthEnd(y, m), grain: 'month', label: { en: formatMonth(from, 'en'), zh: formatMonth(from, 'zh') }, matched };
}
function quarterRange(y: number, q: number, matched: string): TimeRange {
  return { from: ymd(y, 3 * q - 2, 1), to: monthEnd(y, 3 * q), grain: 'quarter', label: { en: `Q${q} ${y}`, zh: `${y}年第${q}季度` }, matched };
}
function yearRange(y: number, matched: string): TimeRange {
  return { from: ymd(y, 1, 1), to: ymd(y, 12, 31), grain: 'year', label: { en: `year ${y}`, zh: `${y}年` }, matched };
}
function halfRange(y: number, h: number, matched: string): TimeRange {
  return { from: ymd(y, 6 * h - 5, 1), to: monthEnd(y, 6 * h), grain: 'month', label: { en: `H${h} ${y}`, zh: `${y}年${h === 1 ? '上' : '下'}半年` }, matched };
}
/** Year named relative to today: this/last year, 今年/去年/前年. */
const relYear = (word: string, t: Today) => t.y - (/last|去年|上一?年/.test(word) ? 1 : /前年/.test(word) ? 2 : 0);
const rolling = (from: string, to: string, grain: Grain, matched: string): TimeRange => ({ from, to, grain, label: null, matched });
/** Up to the last complete day: yesterday, or today when the period starts today (nothing complete yet). */
const lastDay = (from: string, today: string) => (from < today ? addDays(today, -1) : today);
const toDate = (r: TimeRange, today: string, suffix: { en: string; zh: string }): TimeRange => ({
  ...r,
  to: today < r.to ? lastDay(r.from, today) : r.to,
  label: r.label && { en: `${r.label.en}${suffix.en}`, zh: `${r.label.zh}${suffix.zh}` },
});

interface Today { y: number; m: number; d: number; iso: string }
type Rule = [RegExp, (m: RegExpMatchArray, t: Today) => TimeRange | null];

/** Rules are tried in order; the first match wins (specific forms before vague ones). */
const RULES: Rule[] = [
  // explicit ISO ranges: "from 2011-01-01 to 2011-03-31", "between … and …", "2011-01-01 至 2011-03-31"
  [/(\d{4}-\d{2}-\d{2})\s*(?:to|until|through|and|-|–|~|至|到)\s*(\d{4}-\d{2}-\d{2})/, (m) => (m[1]! <= m[2]! ? rolling(m[1]!, m[2]!, 'day', m[0]) : null)],
  [/(\d{4}-\d{2}-\d{2})/, (m) => rolling(m[1]!, m[1]!, 'day', m[0])],
  // month ranges: "from December 2010 to November 2011", "2010年12月到2011年11月", "2011年1月至3月"
  [new RegExp(`${MONTH_RE}\\.?\\s*(\\d{4})\\s*(?:to|until|through|-|–)\\s*${MONTH_RE}\\.?\\s*(\\d{4})`), (m) => spanMonths(Number(m[2]), monthOf(m[1]!), Number(m[4]), monthOf(m[3]!), m[0])],
  [new RegExp(`(\\d{4})\\s*年\\s*${NUM}\\s*月\\s*(?:到|至|-|–|~)\\s*(?:(\\d{4})\\s*年)?\\s*${NUM}\\s*月`), (m) => spanMonths(Number(m[1]), parseNumber(m[2]!), Number(m[3] ?? m[1]), parseNumber(m[4]!), m[0])],
  // half years: "first half of 2026", "H1 2026", "2026年上半年", "上半年"
  [/(first|second|1st|2nd) half (?:of )?(\d{4})/, (m) => halfRange(Number(m[2]), /first|1st/.test(m[1]!) ? 1 : 2, m[0])],
  [/\bh([12])\s*(\d{4})|(\d{4})\s*h([12])\b/, (m) => halfRange(Number(m[2] ?? m[3]), Number(m[1] ?? m[4]), m[0])],
  [/(\d{4})\s*年\s*(上|下)半年/, (m) => halfRange(Number(m[1]), m[2] === '上' ? 1 : 2, m[0])],
  [/(今年|去年|前年)\s*(上|下)半年/, (m, t) => halfRange(relYear(m[1]!, t), m[2] === '上' ? 1 : 2, m[0])],
  [/(上|下)半年/, (m, t) => halfRange(m[1] === '上' || t.m > 6 ? t.y : t.y - 1, m[1] === '上' ? 1 : 2, m[0])],
  // a half or quarter named without a year: "the first half of the year", "in the third quarter" (the latest begun)
  [/(first|second|1st|2nd) half(?: of (?:the|this) year)?\b|\bh([12])\b/, (m, t) => {
    const h = m[2] ? Number(m[2]) : /first|1st/.test(m[1]!) ? 1 : 2;
    return halfRange(h === 1 || t.m > 6 ? t.y : t.y - 1, h, m[0]);
  }],
  [/\b(first|second|third|fourth|1st|2nd|3rd|4th) quarter\b(?!\s*(?:of\s*)?\d)/, (m, t) => latestQuarter(ORDINAL[m[1]!]!, t, m[0])],
  // quarters and months of a year named relative to today: "Q3 last year", "last year's Q3", "今年第三季度", "去年3月"
  [/q([1-4])\s+(?:of\s+)?(this|last) year|(this|last) year'?s\s+q([1-4])/, (m, t) => quarterRange(relYear(m[2] ?? m[3]!, t), Number(m[1] ?? m[4]), m[0])],
  [/(今年|去年|前年|本年)\s*第?([一二三四1-4])\s*(?:季度|季)/, (m, t) => quarterRange(relYear(m[1]!, t), parseNumber(m[2]!), m[0])],
  [new RegExp(`${MONTH_RE}\\s+(?:of\\s+)?(this|last) year|(this|last) year'?s\\s+${MONTH_RE}`), (m, t) => monthRange(relYear(m[2] ?? m[3]!, t), monthOf(m[1] ?? m[4]!), m[0])],
  [new RegExp(`(今年|去年|前年|本年)\\s*${NUM}\\s*月`), (m, t) => monthRange(relYear(m[1]!, t), parseNumber(m[2]!), m[0])],
  // quarters with a year
  [/q([1-4])\s*(?:of\s*)?'?(\d{4})/, (m) => quarterRange(Number(m[2]), Number(m[1]), m[0])],
  [/(\d{4})\s*年?\s*q([1-4])/, (m) => quarterRange(Number(m[1]), Number(m[2]), m[0])],
  [/(first|second|third|fourth|1st|2nd|3rd|4th) quarter (?:of )?(\d{4})/, (m) => quarterRange(Number(m[2]), ORDINAL[m[1]!]!, m[0])],
  [/(\d{4})\s*年\s*第?([一二三四1-4])\s*(?:季度|季)/, (m) => quarterRange(Number(m[1]), parseNumber(m[2]!), m[0])],
  // months with a year
  [new RegExp(`${MONTH_RE}\\.?\\s*(?:of\\s*)?,?\\s*(\\d{4})`), (m) => monthRange(Number(m[2]), monthOf(m[1]!), m[0])],
  [/(\d{4})-(0[1-9]|1[0-2])\b/, (m) => monthRange(Number(m[1]), Number(m[2]), m[0])],
  [new RegExp(`(\\d{4})\\s*年\\s*${NUM}\\s*月(?:份)?`), (m) => monthRange(Number(m[1]), parseNumber(m[2]!), m[0])],
  // rolling: last/past N days|weeks|months|quarters|years (digits or words: "past three months"), 过去/最近/近 N 天|周|个月|年
  [new RegExp(`(?:last|past|previous|trailing)\\s+${EN_NUM}\\s+(day|week|month|quarter|year)s?\\b`), (m, t) => lastN(englishNumber(m[1]!), m[2] as Unit, t, m[0])],
  [new RegExp(`(?:过去|最近|近|前)\\s*${NUM}\\s*(天|日|周|星期|个月|月|年)`), (m, t) => lastN(parseNumber(m[1]!), ZH_UNIT[m[2]!]!, t, m[0])],
  // (not 前N季度: "前三季度" usually means the year's first three quarters)
  [new RegExp(`(?:过去|最近|近)\\s*${NUM}\\s*个?季度`), (m, t) => lastN(parseNumber(m[1]!), 'quarter', t, m[0])],
  // one calendar period N back: "two months ago", "the quarter before last", "3个月前", "上上个月", "上上季度"
  [new RegExp(`\\b${EN_NUM_OR_A}\\s+(day|week|month|quarter|year)s?\\s+ago\\b`), (m, t) => periodsAgo(/^an?$/.test(m[1]!) ? 1 : englishNumber(m[1]!), m[2] as Unit, t, m[0])],
  [/(?:the\s+)?(day|week|month|quarter) before last\b/, (m, t) => periodsAgo(2, m[1] as Unit, t, m[0])],
  [new RegExp(`${NUM}\\s*(天|日|周|星期|个月|个季度|季度|年)(?:之|以)?前`), (m, t) => periodsAgo(parseNumber(m[1]!), ZH_UNIT[m[2]!]!, t, m[0])],
  [/上上一?个?(月|季度|周|星期)|前天/, (m, t) => periodsAgo(2, m[0] === '前天' ? 'day' : ZH_UNIT[m[1]!]!, t, m[0])],
  // to date from the start of a period: "since the start of the year", "since March", "年初到现在", "月初至今"
  [/since (?:the )?(?:start|beginning) of (?:the |this )?(year|quarter|month)|(年|季度?|月)初(?:到|至)(?:今|现在|目前|今天)|(年|季度?|月)初以来|今年(?:截至|截止)?(?:到|至)?(?:目前|现在)/, (m, t) => {
    const unit = m[1] ?? ({ 年: 'year', 季: 'quarter', 季度: 'quarter', 月: 'month' } as Record<string, string>)[m[2] ?? m[3] ?? '年'];
    const r = unit === 'month' ? monthRange(t.y, t.m, m[0]) : unit === 'quarter' ? shiftQuarter(t, 0, m[0]) : yearRange(t.y, m[0]);
    return toDate(r, t.iso, { en: ' to date', zh: '至今' });
  }],
  [new RegExp(`\\bsince\\s+${MONTH_RE}\\b`), (m, t) => {
    const start = latestMonth(monthOf(m[1]!), t, m[0]);
    return start && { ...rolling(start.from, lastDay(start.from, t.iso), 'month', m[0]), label: null };
  }],
  // named relative periods
  [/(?:year to date|ytd|年初至今|今年以来)/, (t2, t) => toDate(yearRange(t.y, t2[0]), t.iso, { en: ' to date', zh: '至今' })],
  [/(?:quarter to date|\bqtd\b)/, (m, t) => toDate(shiftQuarter(t, 0, m[0]), t.iso, { en: ' to date', zh: '至今' })],
  [/(?:month to date|mtd)/, (m, t) => toDate(monthRange(t.y, t.m, m[0]), t.iso, { en: ' to date', zh: '至今' })],
  [/(?:the )?year before last|前年/, (m, t) => yearRange(t.y - 2, m[0])],
  // "over the past year" is the trailing twelve complete months ("last year" stays the calendar year)
  [/\bpast year\b|\bpast twelve months\b/, (m, t) => lastN(12, 'month', t, m[0])],
  [/(?:last|previous|prior) year|去年|上一?年/, (m, t) => yearRange(t.y - 1, m[0])],
  [/this year|current year|今年|本年/, (m, t) => toDate(yearRange(t.y, m[0]), t.iso, { en: ' to date', zh: '至今' })],
  [/(?:last|previous|prior|past) quarter|上一?个?季度/, (m, t) => shiftQuarter(t, -1, m[0])],
  [/this quarter|current quarter|本季度|这个季度|这季度/, (m, t) => toDate(shiftQuarter(t, 0, m[0]), t.iso, { en: ' to date', zh: '至今' })],
  [/(?:last|previous|prior|past) month\b|上一?个?月/, (m, t) => (t.m === 1 ? monthRange(t.y - 1, 12, m[0]) : monthRange(t.y, t.m - 1, m[0]))],
  [/this month|current month|本月|这个月|当月/, (m, t) => toDate(monthRange(t.y, t.m, m[0]), t.iso, { en: ' to date', zh: '至今' })],
  [/(?:last|previous|prior) week\b|上一?个?(?:周|星期|礼拜)/, (m, t) => lastN(1, 'week', t, m[0])],
  [/this week\b|本周|这周|这个星期|这个?礼拜/, (m, t) => rolling(weekStart(t.iso), t.iso, 'week', m[0])],
  [/yesterday|昨天|昨日/, (m, t) => rolling(addDays(t.iso, -1), addDays(t.iso, -1), 'day', m[0])],
  [/\btoday\b|今天|今日/, (m, t) => rolling(t.iso, t.iso, 'day', m[0])],
  // a year alone: "in 2011", "2011年"
  [/(?:^|[^\d-])((?:19|20)\d{2})(?:\s*年)?(?![\d-])/, (m) => yearRange(Number(m[1]), m[0])],
  // a month or quarter without a year: the latest one that has begun
  [new RegExp(`\\b(?:in|during|for|of)\\s+${MONTH_RE}\\b`), (m, t) => latestMonth(monthOf(m[1]!), t, m[0])],
  // a bare month name ("October 的 AOV", "rev oct vs sep"); "may" and "mar", also English words, need "in"/"for" (above)
  [/\b(january|february|march|april|june|july|august|september|october|november|december|sept|jan|feb|apr|jun|jul|aug|sep|oct|nov|dec)\b\.?/, (m, t) => latestMonth(monthOf(m[1]!), t, m[0])],
  [new RegExp(`(?:^|[^\\d年])${NUM}\\s*月(?:份)?`), (m, t) => latestMonth(parseNumber(m[1]!), t, m[0])],
  [/\bq([1-4])\b/, (m, t) => latestQuarter(Number(m[1]), t, m[0])],
  [/第?([一二三四1-4])\s*季度/, (m, t) => latestQuarter(parseNumber(m[1]!), t, m[0])],
];

type Unit = 'day' | 'week' | 'month' | 'quarter' | 'year';
const ZH_UNIT: Record<string, Unit> = { 天: 'day', 日: 'day', 周: 'week', 星期: 'week', 个月: 'month', 月: 'month', 个季度: 'quarter', 季度: 'quarter', 年: 'year' };

/** The calendar period `n` units before the current one (a whole month, quarter, year or ISO week; a day). */
function periodsAgo(n: number, unit: Unit, t: Today, matched: string): TimeRange | null {
  if (!Number.isFinite(n) || n < 1 || n > 120) return null;
  if (unit === 'day') return rolling(addDays(t.iso, -n), addDays(t.iso, -n), 'day', matched);
  if (unit === 'week') {
    const start = addDays(weekStart(t.iso), -7 * n);
    return rolling(start, addDays(start, 6), 'week', matched);
  }
  if (unit === 'month') {
    const from = ymd(t.y, t.m - n, 1);
    return monthRange(Number(from.slice(0, 4)), Number(from.slice(5, 7)), matched);
  }
  if (unit === 'quarter') return shiftQuarter(t, -n, matched);
  return yearRange(t.y - n, matched);
}

function weekStart(iso: string): string {
  const dow = new Date(`${iso}T00:00:00Z`).getUTCDay();
  return addDays(iso, -((dow + 6) % 7));
}

function lastN(n: number, unit: Unit, t: Today, matched: string): TimeRange | null {
  if (!Number.isFinite(n) || n < 1 || n > 3660) return null;
  if (unit === 'day') return rolling(addDays(t.iso, -n), addDays(t.iso, -1), 'day', matched);
  if (unit === 'week') {
    const start = weekStart(t.iso);
    return rolling(addDays(start, -7 * n), addDays(start, -1), 'week', matched);
  }
  if (unit === 'month') return rolling(ymd(t.y, t.m - n, 1), ymd(t.y, t.m, 0), 'month', matched);
  if (unit === 'quarter') {
    const current = ymd(t.y, 3 * Math.floor((t.m - 1) / 3) + 1, 1);
    return rolling(ymd(Number(current.slice(0, 4)), Number(current.slice(5, 7)) - 3 * n, 1), addDays(current, -1), 'quarter', matched);
  }
  return rolling(ymd(t.y - n, 1, 1), ymd(t.y - 1, 12, 31), 'year', matched);
}

function spanMonths(y1: number, m1: number, y2: number, m2: number, matched: string): TimeRange | null {
  if (!(m1 >= 1 && m1 <= 12 && m2 >= 1 && m2 <= 12)) return null;
  return rolling(ymd(y1, m1, 1), monthEnd(y2, m2), 'month', matched);
}

function shiftQuarter(t: Today, k: number, matched: string): TimeRange {
  const index = t.y * 4 + Math.floor((t.m - 1) / 3) + k;
  return quarterRange(Math.floor(index / 4), (index % 4) + 1, matched);
}
function latestMonth(month: number, t: Today, matched: string): TimeRange | null {
  if (!(month >= 1 && month <= 12)) return null;
  const r = monthRange(month <= t.m ? t.y : t.y - 1, month, matched);
  return month === t.m ? toDate(r, t.iso, { en: ' to date', zh: '至今' }) : r;
}
function latestQuarter(q: number, t: Today, matched: string): TimeRange {
  const current = Math.floor((t.m - 1) / 3) + 1;
  const r = quarterRange(q <= current ? t.y : t.y - 1, q, matched);
  return q === current ? toDate(r, t.iso, { en: ' to date', zh: '至今' }) : r;
}

/** The first time expression in `text` (lower-cased by the caller or not), or null when there is none. */
export function parseTimeRange(text: string, today: string): TimeRange | null {
  // "year-to-date", "month-over-month": a hyphen between words reads as a space (same length, so spans still line up)
  const lower = text.toLowerCase().replace(/(?<=[a-z])-(?=[a-z])/g, ' ');
  const t: Today = { y: Number(today.slice(0, 4)), m: Number(today.slice(5, 7)), d: Number(today.slice(8, 10)), iso: today };
  for (const [re, build] of RULES) {
    const m = lower.match(re);
    if (!m) continue;
    const built = build(m, t);
    if (!built || built.from > built.to) continue;
    const range = lower.length === text.length ? { ...built, matched: text.slice(m.index!, m.index! + m[0].length) } : built;
    // a period that has not ended yet is counted up to today ("in 2011" on 2011-12-10 = 2011-01-01 … 2011-12-10)
    if (range.to > today && range.from <= today) {
      const toDateLabel = range.label && !isToDate(range) ? { en: `${range.label.en} to date`, zh: `${range.label.zh}至今` } : range.label;
      return { ...range, to: lastDay(range.from, today), label: toDateLabel };
    }
    return range;
  }
  return null;
}

/** "November 2011 (2011-11-01 to 2011-11-30)", or just the days for a rolling window. */
export function describeRange(r: Pick<TimeRange, 'from' | 'to' | 'label'>, lang: 'en' | 'zh'): string {
  const days = lang === 'zh' ? `${r.from} 至 ${r.to}` : `${r.from} to ${r.to}`;
  if (!r.label) return r.from === r.to ? r.from : days;
  const inner = r.from === r.to ? r.from : days;
  return lang === 'zh' ? `${r.label.zh}（${inner}）` : `${r.label.en} (${inner})`;
}

/** The asked period's name ("October 2026") when a tool's window is exactly that period, else null. */
export function askedLabel(w: { from: string; to: string }, asked: TimeRange | undefined): TimeRange['label'] {
  return asked && asked.from === w.from && asked.to === w.to ? asked.label : null;
}

/** A tool's window in words, with the asked period's name ("October 2026") only when the tool used exactly that period. */
export function describeWindow(w: { from: string; to: string }, asked: TimeRange | undefined, lang: 'en' | 'zh'): string {
  return describeRange({ ...w, label: askedLabel(w, asked) }, lang);
}

/** Whether a window is whole calendar months (from a 1st to a month's last day). */
export function wholeMonths(w: { from: string; to: string }): boolean {
  return w.from.endsWith('-01') && addDays(w.to, 1).endsWith('-01');
}

/** Calendar months from a window's first month to its last, both counted. */
const monthsSpanned = (w: { from: string; to: string }) => (Number(w.to.slice(0, 4)) - Number(w.from.slice(0, 4))) * 12 + Number(w.to.slice(5, 7)) - Number(w.from.slice(5, 7)) + 1;
/** Days of a window, both ends counted. */
const daysSpanned = (w: { from: string; to: string }) => daysBetween(w.from, w.to) + 1;

/** A period still under way, read up to today ("this month", "Q4 2026 to date"): its label says so. */
export const isToDate = (r: TimeRange) => Boolean(r.label?.en.endsWith('to date'));

/** The period just before a window: the previous month/quarter/half/year for calendar periods, else the same number of days. */
export function previousRange(r: TimeRange): TimeRange {
  const [y, m] = [Number(r.from.slice(0, 4)), Number(r.from.slice(5, 7))];
  // a period to date ("this month" on the 14th, "Q4 2026 to date"): the whole period before it, not its days
  if (isToDate(r) && r.from.endsWith('-01') && (r.grain === 'month' || r.grain === 'quarter' || r.grain === 'year')) {
    const from = ymd(y, m - (r.grain === 'month' ? 1 : r.grain === 'quarter' ? 3 : 12), 1);
    const [py, pm] = [Number(from.slice(0, 4)), Number(from.slice(5, 7))];
    return r.grain === 'month' ? monthRange(py, pm, '') : r.grain === 'quarter' ? quarterRange(py, (pm + 2) / 3, '') : yearRange(py, '');
  }
  if (wholeMonths(r)) {
    const months = monthsSpanned(r);
    const from = ymd(y, m - months, 1);
    const to = addDays(r.from, -1);
    if (months === 1) return monthRange(Number(from.slice(0, 4)), Number(from.slice(5, 7)), '');
    if (months === 3 && (m - 1) % 3 === 0) return quarterRange(Number(from.slice(0, 4)), (Number(from.slice(5, 7)) + 2) / 3, '');
    if (months === 12 && m === 1) return yearRange(y - 1, '');
    return rolling(from, to, r.grain, '');
  }
  const days = daysSpanned(r);
  return rolling(addDays(r.from, -days), addDays(r.from, -1), r.grain, '');
}

/** A date one year earlier (29 February → 28 February). */
export const shiftYear = (d: string) => `${Number(d.slice(0, 4)) - 1}${d.slice(4)}`.replace(/-02-29$/, '-02-28');

/**
 * The same period one year earlier ("and the year before?" after "revenue last month" is that month a year ago, not
 * the month before it); a window of a year or more steps back by its own length, as previousRange does.
 */
export function yearBefore(r: TimeRange): TimeRange {
  if (daysSpanned(r) >= 365) return previousRange(r);
  const [y, m] = [Number(r.from.slice(0, 4)), Number(r.from.slice(5, 7))];
  if (wholeMonths(r)) {
    const months = monthsSpanned(r);
    if (months === 1) return monthRange(y - 1, m, '');
    if (months === 3 && (m - 1) % 3 === 0) return quarterRange(y - 1, (m + 2) / 3, '');
  }
  return rolling(shiftYear(r.from), shiftYear(r.to), r.grain, '');
}
