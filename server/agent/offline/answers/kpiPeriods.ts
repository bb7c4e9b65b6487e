import { formatNumber } from '../../format.ts';
import type { DimensionDef } from '../../semantic/dimensions.ts';
import type { MetricDef } from '../../semantic/metrics.ts';
import { ANALYSIS_BY_ID, buildArgs } from '../../semantic/index.ts';
import { askedLabel, describeWindow, type TimeRange } from '../time.ts';
import { capitalise, failure, GRAIN_ZH, t, type Draft, type HandlerInput } from './common.ts';
import type { Grain } from '../time.ts';

/**
 * A breakdown over two named periods ("revenue by channel this quarter vs last quarter", "各渠道Q2和Q3的订单数"):
 * kpi_trend once more for the earlier period, and each group's value in both periods side by side (no difference is
 * computed here: the two values are the tool's; up / down is said in words).
 */

interface Group { group: string | null; total: number }
const EARLIER_GROUPS = 20; // kpi_trend's largest top
interface Breakdown { window: { from: string; to: string }; partialPeriods: string[]; groups: Group[] | null; otherGroups: number }

export async function breakdownOverPeriods(
  input: HandlerInput, later: Breakdown, earlierTime: TimeRange, filled: Record<string, unknown>,
  words: { metric: MetricDef; dim: DimensionDef; fmt: (v: number) => string; scope: string; definition: string; base: Omit<Draft, 'kind' | 'answer'> },
): Promise<Draft> {
  const { lang, caller, slots } = input;
  const { metric, dim, fmt, scope, definition, base } = words;
  // the earlier period's groups, more of them than shown, so a listed group is rarely missing from them
  const { result: earlier, error } = await caller.call<Breakdown>('kpi_trend', buildArgs(ANALYSIS_BY_ID.get('kpi')!, { ...filled, top: EARLIER_GROUPS, 'time.from': earlierTime.from, 'time.to': earlierTime.to }));
  if (!earlier) return failure(lang, 'kpi_trend', error);
  const laterName = describeWindow(later.window, slots.time, lang);
  const earlierName = describeWindow(earlier.window, earlierTime, lang);
  // in each item the earlier period by its short name ("Q2 2026"), the dates once in the lead
  const short = askedLabel(earlier.window, earlierTime)?.[lang] ?? `${earlier.window.from} – ${earlier.window.to}`;
  const before = new Map((earlier.groups ?? []).map((g) => [g.group, g.total]));
  const shown = (later.groups ?? []).slice(0, slots.top ?? 10);
  const name = metric.names[lang];
  const direction = (now: number, then: number | undefined) =>
    then === undefined ? '' : now > then ? t(lang, ', up', '，上升') : now < then ? t(lang, ', down', '，下降') : t(lang, ', unchanged', '，持平');
  const list = shown.map((g) => {
    const then = before.get(g.group);
    // absent from the earlier groups: none there, unless the tool cut its list short
    const missing = earlier.otherGroups > 0 ? t(lang, 'not among the listed', '未列出') : t(lang, 'none', '无');
    return t(lang,
      `${g.group} ${fmt(g.total)} (${then === undefined ? missing : fmt(then)} in ${short}${direction(g.total, then)})`,
      `${g.group} ${fmt(g.total)}（${short}${then === undefined ? missing : ` ${fmt(then)}`}${direction(g.total, then)}）`);
  }).join(t(lang, '; ', '；'));
  // "this quarter vs last quarter" on the 1st of November: the later period has only begun, said so (no day counts)
  const partial = later.partialPeriods.length ? t(lang, ` ${capitalise(laterName)} is not over yet, so its values cover only part of it.`, `${laterName}尚未结束，其数值只覆盖其中一部分。`) : '';
  // the chart shows the groups with a value in both periods (an absent one is not a zero)
  const charted = shown.filter((g) => before.has(g.group));
  const more = later.otherGroups > 0 ? t(lang, ` (${formatNumber(later.otherGroups, 'count')} more not shown)`, `（另有 ${formatNumber(later.otherGroups, 'count')} 个未列出）`) : '';
  return {
    ...base,
    kind: 'answer',
    answer: t(lang,
      `${capitalise(name)} by ${dim.names.en}${scope}, ${laterName} against ${earlierName}: ${list}${more}.${partial} ${definition}`,
      `按${dim.names.zh}的${name}${scope}，${laterName}对比${earlierName}：${list}${more}。${partial}${definition}`),
    chart: {
      type: 'bar',
      title: t(lang, `${name} by ${dim.names.en}`, `各${dim.names.zh}${name}`),
      data: { categories: charted.map((g) => g.group ?? ''), series: [
        { name: earlierName, values: charted.map((g) => before.get(g.group)!) },
        { name: laterName, values: charted.map((g) => g.total) },
      ] },
    },
    table: { columns: [dim.names[lang], laterName, earlierName], rows: shown.map((g) => [g.group, g.total, before.get(g.group) ?? null]) },
  };
}

interface ChurnGroup { group: string | null; total: number; churn?: { rate: number; previousCustomers: number } | null }

/** "Which country has the highest churn rate?", "各国家的流失率": the groups ranked by the tool's churn rate, not the lost count. */
export function churnRateByGroup(
  input: HandlerInput, result: { groups: ChurnGroup[] | null }, dim: DimensionDef, scope: string, window: string, definition: string, base: Omit<Draft, 'kind' | 'answer'>,
): Draft {
  const { lang, slots } = input;
  const rated = (result.groups ?? []).filter((g) => g.churn);
  const ranked = [...rated].sort((a, b) => (slots.superlative === 'min' ? a.churn!.rate - b.churn!.rate : b.churn!.rate - a.churn!.rate) || (a.group ?? '').localeCompare(b.group ?? ''));
  const list = ranked.map((g) => t(lang,
    `${g.group} ${formatNumber(g.churn!.rate, 'percent')} (${formatNumber(g.total, 'count')} of ${formatNumber(g.churn!.previousCustomers, 'count')})`,
    `${g.group} ${formatNumber(g.churn!.rate, 'percent')}（${formatNumber(g.churn!.previousCustomers, 'count')} 位中流失 ${formatNumber(g.total, 'count')} 位）`)).join(t(lang, '; ', '；'));
  const lead = ranked[0] ? t(lang,
    `${ranked[0].group} has the ${slots.superlative === 'min' ? 'lowest' : 'highest'} churn rate: ${formatNumber(ranked[0].churn!.rate, 'percent')}. `,
    `流失率${slots.superlative === 'min' ? '最低' : '最高'}的${dim.names.zh}是 ${ranked[0].group}：${formatNumber(ranked[0].churn!.rate, 'percent')}。`) : '';
  return {
    ...base,
    kind: 'answer',
    answer: t(lang,
      `${lead}Churn rate by ${dim.names.en}${scope}, ${window} (lost customers of those who ordered in the previous period): ${list || 'no group had customers in the previous period'}. ${definition}`,
      `${lead}${window}按${dim.names.zh}的流失率${scope}（上一周期下过单的客户中流失的比例）：${list || '没有哪个分组在上一周期有客户'}。${definition}`),
    chart: { type: 'bar', title: t(lang, `Churn rate by ${dim.names.en}`, `各${dim.names.zh}流失率`), data: { categories: ranked.map((g) => g.group ?? ''), series: [{ name: t(lang, 'churn rate', '流失率'), values: ranked.map((g) => g.churn!.rate) }] } },
    table: { columns: [dim.names[lang], t(lang, 'lost', '流失'), t(lang, 'customers in the previous period', '上一周期客户'), t(lang, 'churn rate', '流失率')], rows: ranked.map((g) => [g.group, g.total, g.churn!.previousCustomers, g.churn!.rate]) },
  };
}

interface StepPoint { period: string; value: number; change?: number | null; changePct?: number | null }

/**
 * "How did revenue change month over month this year?": each period's change against the one before (kpi_trend's
 * points carry it), then the largest rise and fall. A rate's change is in percentage points; a change from 0 has no
 * percentage and is given as the difference. Partly covered periods, and periods after one with nothing, are left out.
 */
export function stepChangeSentence(
  lang: 'en' | 'zh', points: readonly StepPoint[],
  o: { grain: Grain; partial: readonly string[]; label: (period: string) => string; fmtChange: (v: number) => string; rate: boolean },
): string {
  const partial = new Set(o.partial);
  // (from a period with nothing, usually one before the loaded orders, a change says nothing)
  const steps = points.filter((p, i) => i > 0 && p.change != null && points[i - 1]!.value !== 0 && !partial.has(p.period) && !partial.has(points[i - 1]!.period));
  if (steps.length === 0) return '';
  const size = (p: StepPoint) => (o.rate || p.changePct == null ? o.fmtChange(p.change!) : formatNumber(p.changePct, 'percent', { plus: true }));
  const full = (p: StepPoint) => (o.rate || p.changePct == null ? o.fmtChange(p.change!) : `${o.fmtChange(p.change!)}, ${formatNumber(p.changePct, 'percent', { plus: true })}`);
  const list = steps.map((p) => `${o.label(p.period)} ${size(p)}`).join(t(lang, ', ', '，'));
  const rise = steps.reduce((a, p) => (p.change! > a.change! ? p : a));
  const fall = steps.reduce((a, p) => (p.change! < a.change! ? p : a));
  const extremes = [
    rise.change! > 0 ? t(lang, `largest rise ${o.label(rise.period)} (${full(rise)})`, `增幅最大：${o.label(rise.period)}（${full(rise)}）`) : '',
    fall.change! < 0 ? t(lang, `largest fall ${o.label(fall.period)} (${full(fall)})`, `降幅最大：${o.label(fall.period)}（${full(fall)}）`) : '',
  ].filter(Boolean).join(t(lang, '; ', '；'));
  return t(lang,
    ` ${capitalise(o.grain)} over ${o.grain}: ${list}${extremes ? `; ${extremes}` : ''}.`,
    `${GRAIN_ZH[o.grain]}环比：${list}${extremes ? `；${extremes}` : ''}。`);
}
