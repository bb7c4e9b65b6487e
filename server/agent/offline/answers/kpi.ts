import { formatNumber, formatMonth } from '../../format.ts';
import { ANALYSIS_BY_ID, buildArgs, DIMENSION_BY_ID, METRIC_BY_ID, type MetricDef } from '../../semantic/index.ts';
import type { Language } from '../../types.ts';
import { daysBetween } from '../../../../tools/lib/clock.ts';
import { describeRange, describeWindow, type Grain } from '../time.ts';
import { yearAgoWindow } from '../../../../tools/lib/kpi_common.ts';
import { capitalise, describeScope, failure, GRAIN_ZH, metricValue, receipt, t, type Draft, type HandlerInput } from './common.ts';
import { breakdownOverPeriods, churnRateByGroup, stepChangeSentence } from './kpiPeriods.ts';
import { customerTypeUnknown, outsideLoadedOrders, wholeWindowSentence, yearAgoSentence } from './kpiCompare.ts';
import { churnTrend, lostCoverageSentences, type LostCoverage } from './churnTrend.ts';

/** kpi_trend answers: a metric's value in a window (with the previous window), its trend, or a breakdown. */

interface Point { period: string; value: number; change?: number | null; changePct?: number | null; churn?: { rate: number; previousCustomers: number } | null }
interface Series {
  group: string | null;
  total: number;
  points: Point[];
  previous: { from: string; to: string; value: number; change: number; changePct: number | null };
  churn?: { rate: number; previousCustomers: number } | null;
  best: Point | null;
  worst: Point | null;
}
interface KpiResult {
  grain: Grain;
  window: { from: string; to: string };
  partialPeriods: string[];
  overall: Series;
  groups: Series[] | null;
  otherGroups: number;
  /** With a customer-group filter and a metric that adds up: everyone's value and the group's share of it. */
  ofAll: { total: number; share: number } | null;
  /** lost_customers: the first order day and the values that reach back before it (understated). */
  lostCoverage?: LostCoverage | null;
  note: string | null;
}

/** Grain for the call: what the user asked for, else one that fits the window and the question. */
export function chooseGrain(input: HandlerInput): Grain {
  const { slots } = input;
  if (slots.grain) return slots.grain;
  const time = slots.time;
  if (!time) return 'month';
  const span = daysBetween(time.from, time.to) + 1;
  if (slots.mode === 'trend') return span <= 62 ? 'day' : span <= 190 && time.grain === 'week' ? 'week' : 'month';
  if (time.grain === 'day' || time.grain === 'week') return span <= 62 ? time.grain : 'month';
  return time.grain;
}

function periodLabel(p: string, grain: Grain, lang: Language): string {
  if (grain === 'month') return formatMonth(p, lang);
  if (grain === 'quarter') {
    const q = (Number(p.slice(5, 7)) + 2) / 3;
    return lang === 'zh' ? `${p.slice(0, 4)}年第${q}季度` : `Q${q} ${p.slice(0, 4)}`;
  }
  if (grain === 'week') return lang === 'zh' ? `${p} 起的一周` : `the week of ${p}`;
  return grain === 'year' ? (lang === 'zh' ? `${p.slice(0, 4)}年` : `year ${p.slice(0, 4)}`) : p;
}

export async function answerKpi(input: HandlerInput): Promise<Draft> {
  const { lang, slots, caller } = input;
  const metric = METRIC_BY_ID.get(slots.metric ?? 'revenue')!;
  const grain = chooseGrain(input);
  const filled: Record<string, unknown> = { metric: metric.toolMetric, grain, groupBy: slots.groupBy === 'month' ? undefined : slots.groupBy, top: slots.top };
  if (slots.time) Object.assign(filled, { 'time.from': slots.time.from, 'time.to': slots.time.to });
  for (const [dim, value] of Object.entries(slots.filter)) filled[`filter.${dim}`] = value;
  filled.customerType = slots.customerType;
  filled.tag = slots.tag;
  const byChange = Boolean(slots.change && slots.groupBy && slots.groupBy !== 'month');
  if (slots.groupBy && slots.groupBy !== 'month' && (slots.superlative || byChange || slots.versus) && !slots.top) filled.top = 20;
  const args = buildArgs(ANALYSIS_BY_ID.get('kpi')!, filled);
  const { result, error } = await caller.call<KpiResult>('kpi_trend', args);
  if (!result) return failure(lang, 'kpi_trend', error);

  const fmt = (v: number, plus = false) => metricValue(input, metric.format, v, plus);
  // a change of a rate is in percentage points, so it is not mistaken for a relative change
  const fmtChange = (v: number) => (metric.format === 'percent' ? `${formatNumber(v, 'percent', { plus: true }).replace('%', '')} pp` : fmt(v, true));
  const window = describeWindow(result.window, slots.time, lang);
  const scope = describeScope(slots, lang);
  const name = metric.names[lang];
  const Name = lang === 'en' ? capitalise(name) : name;
  const tier = slots.filter.rfm_tier;
  const tierNote = tier ? t(lang, ` RFM tier ${tier} = the customers in it today (scored on all their orders so far).`, `RFM 层级 ${tier}＝当前处于该层级的客户（按其迄今全部订单评分）。`) : '';
  const definition = t(lang, `Definition: ${name} = ${metric.definition.en}.${tierNote}`, `口径：${name}＝${metric.definition.zh}。${tierNote}`);
  const base = { ...receipt(result as unknown as Record<string, unknown>), followUps: followUps(input, metric) };

  if (result.note) {
    const outside = outsideLoadedOrders(input, result.window);
    return { ...base, kind: 'answer', answer: t(lang, `No orders match ${window}${scope}, so there is no ${name} to report.${outside} ${definition}`, `${window}${scope}没有符合条件的订单，因此没有${name}数据。${outside}${definition}`) };
  }

  if (result.groups && slots.groupBy && slots.groupBy !== 'month') {
    const dim = DIMENSION_BY_ID.get(slots.groupBy)!;
    if (byChange) return rankByChange(input, result, metric, fmt, window, scope, definition, base);
    if (slots.churnRate) return churnRateByGroup(input, result, dim, scope, window, definition, base);
    if (slots.otherTime) return breakdownOverPeriods(input, result, slots.otherTime, filled, { metric, dim, fmt: (v: number) => fmt(v), scope, definition, base });
    // the tool ranks ratio metrics by their base (orders/customers); a superlative asks for the value itself
    const groups = slots.superlative ? [...result.groups].sort((a, b) => (slots.superlative === 'min' ? a.total - b.total : b.total - a.total)) : result.groups;
    // "Germany vs France": just the two named values, the higher first
    const versus = slots.versus;
    const shown = versus ? [...groups].filter((g) => versus.includes(g.group ?? '')).sort((a, b) => b.total - a.total) : groups.slice(0, slots.top ?? 10);
    const list = shown.map((g) => `${g.group} ${fmt(g.total)}`).join(t(lang, '; ', '；'));
    const lead = shown[0];
    const leadSentence = versus && shown.length === 2
      ? t(lang, `${lead!.group} had the higher ${name}: ${fmt(lead!.total)}, against ${fmt(shown[1]!.total)} for ${shown[1]!.group}. `, `${name}较高的是 ${lead!.group}：${fmt(lead!.total)}，${shown[1]!.group} 为 ${fmt(shown[1]!.total)}。`)
      : versus && lead
        ? t(lang, `${lead.group} had the highest ${name} of those named: ${fmt(lead.total)}. `, `所列${dim.names.zh}中${name}最高的是 ${lead.group}：${fmt(lead.total)}。`)
      : slots.superlative && lead
        ? superlativeSentence(lang, groups, slots.superlative, name, dim.names.zh, fmt)
        : '';
    const missing = versus ? versus.filter((v) => !shown.some((g) => g.group === v)) : [];
    // beyond the tool's top values; when the answer lists fewer than the tool returned (a superlative asks for 20), the
    // count is no tool number, so no count is said
    const notShown = result.otherGroups + groups.length - shown.length;
    const countable = groups.length === shown.length;
    const others = missing.length
      ? t(lang, ` (${missing.join(', ')}: no ${name} in the window, or not among the largest values listed)`, `（${missing.join('、')}：该时间段内没有数据，或不在所列的最大值之中）`)
      : !versus && notShown > 0 ? (countable ? t(lang, ` (${formatNumber(notShown, 'count')} more not shown)`, `（另有 ${formatNumber(notShown, 'count')} 个未列出）`) : t(lang, ' (more not shown)', '（另有更多未列出）')) : '';
    const caveat = slots.superlative === 'min' && result.otherGroups > 0 ? t(lang, ' Only the largest values were compared.', '仅比较了数值最大的若干项。') : '';
    return {
      ...base,
      kind: 'answer',
      answer: t(lang, `${leadSentence}${Name} by ${dim.names.en}${scope}, ${window}: ${list}${others}.${caveat} ${definition}`, `${leadSentence}${window}按${dim.names.zh}的${name}${scope}：${list}${others}。${caveat}${definition}`),
      chart: { type: 'bar', title: t(lang, `${Name} by ${dim.names.en}`, `各${dim.names.zh}${name}`), data: { categories: shown.map((g) => g.group ?? ''), series: [{ name, values: shown.map((g) => g.total) }] } },
      table: {
        columns: [dim.names[lang], name, t(lang, 'previous period', '上一周期'), t(lang, 'change %', '变化率')],
        rows: shown.map((g) => [g.group, g.total, g.previous.value, g.previous.changePct]),
      },
    };
  }

  const o = result.overall;
  const prevWindow = describeRange({ ...o.previous, label: null }, lang);
  const pct = o.previous.changePct === null ? '' : ` (${formatNumber(o.previous.changePct, 'percent', { plus: true })})`;
  const direction = o.previous.change > 0 ? t(lang, 'up', '增长') : o.previous.change < 0 ? t(lang, 'down', '下降') : t(lang, 'unchanged', '持平');
  const compared = t(lang, `The previous period (${prevWindow}) had ${fmt(o.previous.value)}: ${direction}, a change of ${fmtChange(o.previous.change)}${pct}.`, `上一周期（${prevWindow}）为 ${fmt(o.previous.value)}，${direction}，变化 ${fmtChange(o.previous.change)}${pct}。`);
  // lost customers need the period before loaded: a count reaching back before the first order is understated; new
  // or returning customers need the orders before the previous period
  const { comparison: lostComparison, caveat: lostCaveat } = lostCoverageSentences(lang, result.lostCoverage, o.previous, compared);
  const comparison = customerTypeUnknown(input, o.previous) ?? lostComparison;

  if (slots.mode === 'trend' || (slots.groupBy === 'month' && o.points.length > 1)) {
    const g = result.grain;
    if (metric.toolMetric === 'lost_customers') return churnTrend(input, result, { window, scope, definition, label: (p) => periodLabel(p, g, lang) }, base);
    // Distinct customers and ratios over the window are not the sum of the periods: not called a total
    const total = SUMS.has(metric.toolMetric)
      ? { en: `total ${fmt(o.total)}`, zh: `合计 ${fmt(o.total)}` }
      : { en: `${fmt(o.total)} over the whole window`, zh: `整个时间段为 ${fmt(o.total)}` };
    const partial = result.partialPeriods.length ? t(lang, ' Partly covered periods count only their days in the window.', '部分覆盖的周期只计窗口内的天数。') : '';
    const extremes = o.best && o.worst
      ? t(lang, ` Highest: ${periodLabel(o.best.period, g, lang)} (${fmt(o.best.value)}); lowest: ${periodLabel(o.worst.period, g, lang)} (${fmt(o.worst.value)}).`, `最高：${periodLabel(o.best.period, g, lang)}（${fmt(o.best.value)}）；最低：${periodLabel(o.worst.period, g, lang)}（${fmt(o.worst.value)}）。`)
      : '';
    const steps = slots.stepChange ? stepChangeSentence(lang, o.points, { grain: g, partial: result.partialPeriods, label: (p) => periodLabel(p, g, lang), fmtChange, rate: metric.format === 'percent' }) : '';
    return {
      ...base,
      kind: 'answer',
      // (period over period asked: each period is compared already; the window before would be an adjacent span)
      answer: t(lang, `${Name} per ${g}${scope}, ${window}: ${total.en}.${extremes}${steps}${partial} ${steps ? '' : `${comparison} `}${definition}`, `${window}按${GRAIN_ZH[g]}的${name}${scope}：${total.zh}。${extremes}${steps}${partial}${steps ? '' : comparison}${definition}`),
      chart: { type: 'line', title: t(lang, `${Name} per ${g}`, `${name}（按${GRAIN_ZH[g]}）`), data: { categories: o.points.map((p) => p.period), series: [{ name, values: o.points.map((p) => p.value) }] } },
      table: { columns: [t(lang, 'period', '周期'), name], rows: o.points.map((p) => [p.period, p.value]) },
    };
  }

  // a year to date is compared with last year's already: no second call for the same window
  const yearAgo = slots.yearAgo && o.previous.from !== yearAgoWindow(result.window).from ? await yearAgoSentence(input, args, fmt, fmtChange, o.total) : '';
  // a window still under way counts as lost everyone who has not ordered in it yet: said
  const underWay = result.partialPeriods.length ? t(lang, ' The period is still under way, so customers who have not ordered yet in it count as lost.', '该周期尚未结束，尚未在其中下单的客户也计为流失。') : '';
  const churn = o.churn ? t(lang,
    ` That is a churn rate of ${formatNumber(o.churn.rate, 'percent')} of the ${formatNumber(o.churn.previousCustomers, 'count')} customers who ordered in the previous period.${underWay}`,
    `即流失率 ${formatNumber(o.churn.rate, 'percent')}（上一周期下过单的 ${formatNumber(o.churn.previousCustomers, 'count')} 位客户中）。${underWay}`) : '';
  const whole = tier || slots.customerType || slots.tag ? await wholeWindowSentence(input, args, fmt, result.ofAll) : '';
  return {
    ...base,
    kind: 'answer',
    answer: t(lang, `${Name}${scope} in ${window} was ${fmt(o.total)}.${churn}${lostCaveat}${whole} ${comparison}${yearAgo} ${definition}`, `${window}的${name}${scope}为 ${fmt(o.total)}。${churn}${lostCaveat}${whole}${comparison}${yearAgo}${definition}`),
    chart: {
      type: 'bar',
      title: t(lang, `${Name}: this period vs the previous one`, `${name}：本期与上期`),
      data: { categories: [o.previous.from, result.window.from], series: [{ name, values: [o.previous.value, o.total] }] },
    },
  };
}

/** Metrics whose window value is the sum of its periods. */
const SUMS: ReadonlySet<string> = new Set(['revenue', 'orders', 'returns', 'new_customers']);

function followUps(input: HandlerInput, metric: MetricDef): string[] {
  const { lang, slots } = input;
  const other = metric.id === 'revenue' ? METRIC_BY_ID.get('orders')! : METRIC_BY_ID.get('revenue')!;
  const out: string[] = [];
  if (slots.mode !== 'trend') out.push(t(lang, `Show ${metric.names.en} by month`, `按月看${metric.names.zh}趋势`));
  // a split the answer does not have already: not the one it is split by, not a dimension it is filtered to
  const split = (['country', 'channel', 'category'] as const).find((d) => d !== slots.groupBy && slots.filter[d] === undefined);
  if (split) {
    const name = DIMENSION_BY_ID.get(split)!.names;
    out.push(t(lang, `Break ${metric.names.en} down by ${name.en}`, `按${name.zh}拆分${metric.names.zh}`));
  }
  out.push(t(lang, `And the ${other.names.en}?`, `那${other.names.zh}呢？`));
  return out.slice(0, 3);
}

/** "Which category grew the most?": groups ordered by the tool's change vs the previous window (no new numbers). */
function rankByChange(
  input: HandlerInput, result: KpiResult, metric: MetricDef, fmt: (v: number, plus?: boolean) => string, window: string, scope: string,
  definition: string, base: Pick<Draft, 'followUps' | 'window' | 'definitions'>,
): Draft {
  const { lang, slots } = input;
  const dim = DIMENSION_BY_ID.get(slots.groupBy as 'country')!;
  const up = slots.change === 'up';
  const groups = [...result.groups!].sort((a, b) => (up ? b.previous.change - a.previous.change : a.previous.change - b.previous.change) || (a.group ?? '').localeCompare(b.group ?? ''));
  const shown = groups.slice(0, slots.top ?? 10);
  const pct = (g: Series) => (g.previous.changePct === null ? '' : ` (${formatNumber(g.previous.changePct, 'percent', { plus: true })})`);
  const list = shown.map((g) => `${g.group} ${fmt(g.previous.change, true)}${pct(g)}`).join(t(lang, '; ', '；'));
  const lead = shown[0]!;
  const prev = describeRange({ ...lead.previous, label: null }, lang);
  const name = metric.names[lang];
  const moved = up ? lead.previous.change > 0 : lead.previous.change < 0;
  const verb = moved ? t(lang, up ? 'grew the most' : 'declined the most', up ? '增长最多' : '下降最多') : t(lang, up ? 'had the best change (none grew)' : 'had the weakest change (none declined)', up ? '变化最好（没有增长）' : '变化最弱（没有下降）');
  const leadText = t(lang,
    `${lead.group} ${verb}: ${name} ${fmt(lead.previous.value)} in ${prev} → ${fmt(lead.total)} in ${window}, a change of ${fmt(lead.previous.change, true)}${pct(lead)}.`,
    `${name}${verb}的${dim.names.zh}是 ${lead.group}：从 ${prev} 的 ${fmt(lead.previous.value)} 到 ${window} 的 ${fmt(lead.total)}，变化 ${fmt(lead.previous.change, true)}${pct(lead)}。`);
  const caveat = result.otherGroups > 0 ? t(lang, ' Only the largest values were compared.', '仅比较了数值最大的若干项。') : '';
  return {
    ...base,
    kind: 'answer',
    answer: t(lang, `${leadText} Change by ${dim.names.en}${scope}: ${list}.${caveat} ${definition}`, `${leadText}各${dim.names.zh}${scope}的变化：${list}。${caveat}${definition}`),
    chart: { type: 'bar', title: t(lang, `Change in ${name} by ${dim.names.en}`, `各${dim.names.zh}${name}变化`), data: { categories: shown.map((g) => g.group ?? ''), series: [{ name: t(lang, 'change', '变化'), values: shown.map((g) => g.previous.change) }] } },
    table: { columns: [dim.names[lang], t(lang, 'previous period', '上一周期'), name, t(lang, 'change', '变化'), t(lang, 'change %', '变化率')], rows: shown.map((g) => [g.group, g.previous.value, g.total, g.previous.change, g.previous.changePct]) },
  };
}

/**
 * "Which product sold most?": the leader, or every group that shares the leader's value (a tie is not a winner).
 * `ranked` is sorted so that its first group holds the extreme value.
 */
function superlativeSentence(
  lang: Language, ranked: readonly { group: string | null; total: number }[], extreme: 'max' | 'min',
  name: string, dimZh: string, fmt: (v: number) => string,
): string {
  const lead = ranked[0]!;
  const tied = ranked.filter((g) => g.total === lead.total).map((g) => g.group ?? '');
  const word = t(lang, extreme === 'min' ? 'lowest' : 'highest', extreme === 'min' ? '最低' : '最高');
  if (tied.length > 1) {
    const names = lang === 'en' ? `${tied.slice(0, -1).join(', ')} and ${tied.at(-1)}` : tied.join('、');
    return t(lang, `${names} tied for the ${word} ${name}: ${fmt(lead.total)} each. `, `${name}${word}的${dimZh}并列：${names}，各为 ${fmt(lead.total)}。`);
  }
  return t(lang, `${lead.group} had the ${word} ${name}: ${fmt(lead.total)}. `, `${name}${word}的${dimZh}是 ${lead.group}：${fmt(lead.total)}。`);
}
