import type { Role } from '../../../../tools/types.ts';
import { formatNumber, type NumberKind } from '../../format.ts';
import { DIMENSION_BY_ID, type DimensionId } from '../../semantic/index.ts';
import type { AnswerKind, ChartSpec, Language, TableSpec } from '../../types.ts';
import type { ToolCaller } from '../calls.ts';
import type { Slots } from '../parse.ts';
import type { DataValues } from '../values.ts';
import type { Grain } from '../time.ts';
import { addDays } from '../../../../tools/lib/clock.ts';

/** What an answer handler gets and gives back; index.ts turns a Draft into the AnswerPayload. */
export interface HandlerInput {
  lang: Language;
  slots: Slots;
  caller: ToolCaller;
  values: DataValues;
  today: string;
  role: Role;
}

export interface Draft {
  kind: AnswerKind;
  answer: string;
  chart?: ChartSpec;
  table?: TableSpec;
  followUps: string[];
  window?: { from: string; to: string } | null;
  definitions?: Record<string, string>;
}

/** Pick the sentence of the answer's language. */
export const t = (lang: Language, en: string, zh: string) => (lang === 'zh' ? zh : en);

/** A sentence's first letter upper-cased ("revenue …" → "Revenue …"; Chinese is unchanged). */
export const capitalise = (s: string) => `${s[0]!.toUpperCase()}${s.slice(1)}`;

/** "country Germany, channel web" / "国家 Germany、渠道 web" for the filters in use (empty string when none). */
export function describeFilters(filter: Slots['filter'], lang: Language): string {
  const parts = (Object.entries(filter) as [DimensionId, string][])
    .filter(([, v]) => v !== undefined)
    .map(([dim, v]) => `${DIMENSION_BY_ID.get(dim)!.names[lang]} ${v}`);
  return parts.join(lang === 'zh' ? '、' : ', ');
}

/** " for country Germany, new customers (first order ever in the window)" / "（国家 Germany、新客户…）": every filter of a KPI question; '' when none. */
export function describeScope(slots: Slots, lang: Language): string {
  const customerType = slots.customerType && t(lang,
    slots.customerType === 'new' ? 'new customers (first order ever in the window)' : 'returning customers (first order before the window)',
    slots.customerType === 'new' ? '新客户（首单在该时间段内）' : '老客户（首单早于该时间段）');
  const tagged = slots.tag && t(lang, `customers tagged ${slots.tag}`, `带“${slots.tag}”标签的客户`);
  const filters = [describeFilters(slots.filter, lang), customerType, tagged].filter(Boolean).join(t(lang, ', ', '、'));
  return filters ? t(lang, ` for ${filters}`, `（${filters}）`) : '';
}

const RANGE_WORDS: Record<string, [string, string]> = { revenue: ['revenue', '消费'], orders: ['orders', '订单数'], recencyDays: ['days since the last order', '距上次下单天数'] };

/** "revenue ≥ 5,000", "days since the last order ≥ 90" for the customer-level bounds of a segment question. */
export function describeRanges(slots: Slots, lang: Language): string[] {
  return (Object.entries(slots.ranges ?? {}) as [string, { min?: number; max?: number }][]).map(([k, r]) =>
    `${t(lang, ...(RANGE_WORDS[k] ?? [k, k]))} ${r.min !== undefined ? `≥ ${formatNumber(r.min, 'decimal')}` : `≤ ${formatNumber(r.max ?? 0, 'decimal')}`}`);
}

/** The last day a point-in-time analysis (RFM, churn, segments) may use: the window's end, never after today. */
export function asOfFrom(slots: Slots, today: string): string | undefined {
  if (!slots.time) return undefined;
  return slots.time.to < today ? slots.time.to : today;
}

/** The answer for a failed tool call: what failed, in words, and no numbers. */
export function failure(lang: Language, tool: string, error: { code: string; message: string } | undefined): Draft {
  const detail = error?.message ?? 'unknown error';
  return {
    kind: 'answer',
    answer: t(lang, `I could not get this from the data: the ${tool} tool reported "${detail}".`, `无法从数据中得到结果：工具 ${tool} 报告“${detail}”。`),
    followUps: [],
  };
}

/** A tool's receipt: its window and the metric definitions it used. */
export function receipt(result: Record<string, unknown> | null): Pick<Draft, 'window' | 'definitions'> {
  const meta = (result?.meta ?? null) as { window?: { from: string; to: string } | null; definitions?: Record<string, string> } | null;
  return { window: meta?.window ?? null, definitions: meta?.definitions ?? {} };
}

export function plural(n: number, one: string, many: string): string {
  return n === 1 ? one : many;
}

/** A money amount with the shop's currency (from describe_data) when it has one. */
export const money = (input: HandlerInput, v: number, plus = false) => formatNumber(v, 'money', { plus }) + (input.values.currency ? ` ${input.values.currency}` : '');

/** A metric's value in its format; money with the shop's currency. */
export const metricValue = (input: HandlerInput, format: NumberKind, v: number, plus = false) => (format === 'money' ? money(input, v, plus) : formatNumber(v, format, { plus }));

/** A grain's Chinese name (its English name is the grain itself). */
export const GRAIN_ZH: Record<Grain, string> = { day: '天', week: '周', month: '月', quarter: '季度', year: '年' };

/**
 * "Q4 2026 to date is not over yet, so it is compared with the same days of the quarter before.": what kpi_trend
 * compared a period to date with — the same part of the period before (like for like, not adjacent), or, when the
 * call's grain does not make it one period to date (weeks of a month), the same number of days just before it.
 */
export function toDateSentence(lang: Language, period: string, grain: Grain, window: { from: string }, previous: { to: string }): string {
  return addDays(window.from, -1) === previous.to
    ? t(lang, `${capitalise(period)} is not over yet, so it is compared with the same number of days before it.`, `${period}尚未结束，因此与之前相同天数的时段比较。`)
    : t(lang, `${capitalise(period)} is not over yet, so it is compared with the same days of the ${grain} before.`, `${period}尚未结束，因此与上一${GRAIN_ZH[grain]}的同期比较。`);
}
