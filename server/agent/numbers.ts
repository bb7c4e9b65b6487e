import type { Language } from './types.ts';

/**
 * Reading numbers out of answer text, in the forms our planners and LLMs write them:
 *   en: 1,509,496.33 · 1509496 · $1.5M · 1.5 million · 12.3% · 3.2 pp · 2.4x
 *   zh: 150.9万 · 1.2亿 · 12.3% · 3.2个百分点 · 2.4倍
 * Each number keeps its displayed precision (`unit`: the value of one step of its last digit), so a check can ask
 * "does this tool value round to what was written?" instead of comparing floats.
 *
 * Spans that are not metric values are marked `exempt` with the reason (see EXEMPT_PATTERNS below):
 *   date     — ISO dates and months (2011-12-01, 2011-12, 12/01/2011), times (09:30), month-name dates
 *              ("March 2011", "10 March", "Mar 10, 2011"), zh dates (2011年3月10日, 3月, 10日/号), quarters and halves
 *              (Q3, 2011 Q3, H1, 第3季度, 3季度), weeks (week 12, W12, 第12周)
 *   ordinal  — 1st/2nd/3rd/4th, 第3, No. 3, #3, and list markers at the start of a line ("1. ", "2) ")
 *   identifier — digits glued to letters (P2, 85123A, RFM555), which are codes, not quantities
 * Whether a bare year (2011) or a period length ("12 months", "90天") is exempt depends on the context (the question
 * and the tools' windows), so checkGrounding decides that, not this module.
 */
export interface ExtractedNumber {
  /** The text as written, e.g. "150.9万" or "$1.5M". */
  text: string;
  /** Displayed number times its scale, without sign: "150.9万" → 1 509 000; "12.3%" → 12.3 (percent points). */
  value: number;
  /** Value of one step of the last displayed digit, times the scale: "150.9万" → 1000; "12.3%" → 0.1. */
  unit: number;
  percent: boolean;
  negative: boolean;
  /** Integer written without separators, decimals, scale or percent (a candidate year or count). */
  plainInteger: boolean;
  /** A period unit right after the number ("90 days", "3个月"), if any. */
  period: 'day' | 'week' | 'month' | 'quarter' | 'year' | null;
  start: number;
  end: number;
  exempt: 'date' | 'ordinal' | 'identifier' | null;
}

const MONTHS = 'Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?';

/** Spans masked before numbers are read; each regex is global and case-insensitive where English. */
const EXEMPT_PATTERNS: { reason: 'date' | 'ordinal'; re: RegExp }[] = [
  { reason: 'date', re: /\d{4}-\d{1,2}(?:-\d{1,2})?(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z?)?/g },
  { reason: 'date', re: /\d{4}\/\d{1,2}(?:\/\d{1,2})?|\d{1,2}\/\d{1,2}\/\d{2,4}/g },
  { reason: 'date', re: /\b\d{1,2}:\d{2}(?::\d{2})?\b/g },
  // Month names are matched capitalized only, so "12 may churn" stays a number.
  { reason: 'date', re: new RegExp(`\\b(?:${MONTHS})\\.?\\s+\\d{1,2}(?:st|nd|rd|th)?(?:,?\\s+\\d{4})?\\b`, 'g') },
  { reason: 'date', re: new RegExp(`\\b\\d{1,2}(?:st|nd|rd|th)?\\s+(?:of\\s+)?(?:${MONTHS})\\b\\.?(?:,?\\s+\\d{4})?`, 'g') },
  { reason: 'date', re: new RegExp(`\\b(?:${MONTHS})\\.?,?\\s+\\d{4}\\b`, 'g') },
  { reason: 'date', re: /\d{4}\s*年(?:\s*第?\s*\d{1,2}\s*(?:月(?:\s*\d{1,2}\s*[日号])?|季度?|周))?/g },
  { reason: 'date', re: /\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号])?|\d{1,2}\s*[日号](?![元])/g },
  { reason: 'date', re: /\b(?:\d{4}\s*)?[QH][1-4](?:\s*\d{4})?\b|第\s*\d+\s*(?:季度|周)|\b[1-4]\s*季度|\bweek\s+\d{1,2}\b|\bW\d{1,2}\b/gi },
  { reason: 'ordinal', re: /\b\d+(?:st|nd|rd|th)\b|第\s*\d+|\bNo\.\s*\d+|#\d+|^\s*\d+[.)](?=\s)/gim },
];

/** Sign, optional currency, digits (with thousands separators), optional scale/percent/multiplier suffix. */
const NUMBER_RE =
  /([-−+])?\s?([$€£¥￥])?\s?(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)(\s?(?:%|％|pp\b|percentage points?\b|个百分点|百分点|million\b|billion\b|thousand\b|bn\b|[kKmMbB](?![A-Za-z])|万|亿|千|x(?![A-Za-z])|倍))?/g;

const SCALE: Record<string, number> = {
  k: 1e3, thousand: 1e3, 千: 1e3, m: 1e6, million: 1e6, b: 1e9, bn: 1e9, billion: 1e9, 万: 1e4, 亿: 1e8,
};
const PERIOD_RE = /^\s*(?:(days?|天|日)|(weeks?|周|星期)|(months?|个月|月)|(quarters?|个季度|季度)|(years?|年))/i;

export function extractNumbers(text: string, _language: Language = 'en', { includeExempt = false } = {}): ExtractedNumber[] {
  const exemptAt = markExemptSpans(text);
  const found: ExtractedNumber[] = [];
  for (const m of text.matchAll(NUMBER_RE)) {
    const [whole, sign, , digits, rawSuffix] = m;
    const start = m.index + whole.indexOf(digits!);
    const end = m.index + whole.length;
    const suffix = (rawSuffix ?? '').trim();
    const before = text[start - 1] ?? '';
    const after = text[start + digits!.length + (rawSuffix?.length ?? 0)] ?? '';
    // Part of a longer token (a decimal run like 1.2.3, or a code like P2 / 85123A).
    const identifier = /[A-Za-z_]/.test(before) || (!suffix && /[A-Za-z_]/.test(after)) || /[.\d]/.test(before);
    const exempt = exemptAt[start] ?? (identifier ? 'identifier' : null);
    if (exempt && !includeExempt) continue;
    const plain = digits!.replace(/,/g, '');
    const decimals = plain.includes('.') ? plain.length - plain.indexOf('.') - 1 : 0;
    const percent = /^(?:%|％|pp|percentage points?|个百分点|百分点)$/i.test(suffix);
    const scale = SCALE[suffix.toLowerCase()] ?? SCALE[suffix] ?? 1;
    found.push({
      text: whole.trim(),
      value: Number(plain) * scale,
      unit: 10 ** -decimals * scale,
      percent,
      negative: sign === '-' || sign === '−',
      plainInteger: !suffix && decimals === 0 && !digits!.includes(','),
      period: suffix ? null : periodAfter(text.slice(end)),
      start,
      end,
      exempt,
    });
  }
  return found;
}

function periodAfter(rest: string): ExtractedNumber['period'] {
  const m = PERIOD_RE.exec(rest);
  if (!m) return null;
  const kinds = ['day', 'week', 'month', 'quarter', 'year'] as const;
  return kinds[m.slice(1).findIndex((g) => g !== undefined)] ?? null;
}

/** reason per character offset covered by a date/ordinal span. */
function markExemptSpans(text: string): ('date' | 'ordinal' | undefined)[] {
  const marks: ('date' | 'ordinal' | undefined)[] = new Array(text.length);
  for (const { reason, re } of EXEMPT_PATTERNS) {
    for (const m of text.matchAll(re)) {
      for (let i = m.index; i < m.index + m[0].length; i++) marks[i] ??= reason;
    }
  }
  return marks;
}

/**
 * Does `x` (a value from a tool result) round to what `n` shows? Compares magnitudes (the sign is usually said in
 * words: "fell 5.2%"), within half a step of the last displayed digit. Percentages also match a fraction
 * (0.123 → "12.3%"), as tools return rates as fractions.
 */
export function roundsTo(n: ExtractedNumber, x: number): boolean {
  const target = Math.abs(x);
  const close = (v: number) => Math.abs(v - n.value) <= n.unit / 2 + 1e-9 * Math.max(1, n.value);
  return close(target) || (n.percent && close(target * 100));
}
