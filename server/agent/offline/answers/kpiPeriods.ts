import { formatNumber } from '../../format.ts';
import type { DimensionDef } from '../../semantic/dimensions.ts';
import type { MetricDef } from '../../semantic/metrics.ts';
import { ANALYSIS_BY_ID, buildArgs } from '../../semantic/index.ts';
import { describeRange, type TimeRange } from '../time.ts';
import { failure, t, type Draft, type HandlerInput } from './common.ts';

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
  const label = (w: { from: string; to: string }, time: TimeRange | undefined) =>
    describeRange({ ...w, label: time && time.from === w.from && time.to === w.to ? time.label : null }, lang);
  const laterName = label(later.window, slots.time);
  const earlierName = label(earlier.window, earlierTime);
  // in each item the earlier period by its short name ("Q2 2026"), the dates once in the lead
  const short = earlierTime.label && earlierTime.from === earlier.window.from && earlierTime.to === earlier.window.to ? earlierTime.label[lang] : `${earlier.window.from} – ${earlier.window.to}`;
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
  const partial = later.partialPeriods.length ? t(lang, ` ${laterName[0]!.toUpperCase()}${laterName.slice(1)} is not over yet, so its values cover only part of it.`, `${laterName}尚未结束，其数值只覆盖其中一部分。`) : '';
  // the chart shows the groups with a value in both periods (an absent one is not a zero)
  const charted = shown.filter((g) => before.has(g.group));
  const more = later.otherGroups > 0 ? t(lang, ` (${formatNumber(later.otherGroups, 'count')} more not shown)`, `（另有 ${formatNumber(later.otherGroups, 'count')} 个未列出）`) : '';
  return {
    ...base,
    kind: 'answer',
    answer: t(lang,
      `${name[0]!.toUpperCase()}${name.slice(1)} by ${dim.names.en}${scope}, ${laterName} against ${earlierName}: ${list}${more}.${partial} ${definition}`,
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
