import { formatNumber } from '../../format.ts';
import { ANALYSIS_BY_ID, buildArgs, DIMENSION_BY_ID, METRIC_BY_ID, type DimensionId, type MetricDef, type MetricId } from '../../semantic/index.ts';
import type { Slots } from '../slots.ts';
import { askedLabel, describeWindow, isToDate, previousRange, type Grain, type TimeRange } from '../time.ts';
import { chooseGrain } from './kpi.ts';
import { outsideLoadedOrders } from './kpiCompare.ts';
import { overviewPeriod } from './overview.ts';
import { capitalise, describeScope, failure, metricValue, receipt, t, toDateSentence, type Draft, type HandlerInput } from './common.ts';

/**
 * "Why did revenue drop in September?", "what is driving the fall in orders?", "上个月收入为什么下降": where a KPI's
 * change against the period before came from. For the asked period (default: the last complete month) the KPI's
 * change (kpi_trend), then the same change split by country, channel and category (and product, for revenue), each
 * split ranked by the size of its values' changes (kpi_trend rankGroupsBy 'change', so a country that stopped
 * buying counts), and between new and returning customers. A split explains a sum: only metrics that add up over
 * groups are explained (EXPLAINABLE); the answer states the tool's numbers only, the largest moves first.
 */

/** Metrics whose groups' changes add up to the total change (an order's categories overlap: categories split revenue only). */
export const EXPLAINABLE: ReadonlySet<MetricId> = new Set(['revenue', 'orders', 'returns', 'new_customers']);
/** How many of each split's values are told (the table lists up to SPLIT_TOP). */
const TOLD = 3;
const SPLIT_TOP = 10;

interface Series { group: string | null; total: number; previous: { from: string; to: string; value: number; change: number; changePct: number | null } }
interface KpiResult { grain: Grain; window: { from: string; to: string }; overall: Series; groups: Series[] | null; note: string | null; partialPeriods: string[] }
/** One split of the change; `bare`: its values name themselves in a sentence ("new customers +39"). */
type Split = { label: { en: string; zh: string }; groups: Series[]; bare?: boolean };

/** Whether a KPI question can be answered with drivers: a sum, over one period, not already broken down. */
export function canExplain(slots: Slots): boolean {
  return Boolean(slots.metric && EXPLAINABLE.has(slots.metric) && (!slots.groupBy || slots.groupBy === 'month') && !slots.versus && !slots.otherTime && !slots.yearAgo);
}

/** The period a drivers answer explains: the asked one, or the last complete month. */
export const driversPeriod = overviewPeriod;

type Call = (extra: Record<string, unknown>, more?: Record<string, unknown>) => ReturnType<HandlerInput['caller']['call']>;
/** What every sentence needs: the metric, its name and number format, and the question's scope. */
interface Words { metric: MetricDef; name: string; scopeText: string; fmt: (v: number, plus?: boolean) => string }

export async function answerDrivers(input: HandlerInput): Promise<Draft> {
  const { lang, caller, slots } = input;
  const metric = METRIC_BY_ID.get(slots.metric!)!;
  const time = driversPeriod(slots.time, lang, input.today);
  const grain = chooseGrain({ ...input, slots: { ...slots, time } });
  const call: Call = (extra, more = {}) => {
    const filled: Record<string, unknown> = { metric: metric.toolMetric, grain, 'time.from': time.from, 'time.to': time.to, customerType: slots.customerType, tag: slots.tag, ...extra };
    for (const [dim, value] of Object.entries(slots.filter)) filled[`filter.${dim}`] = value;
    return caller.call<KpiResult>('kpi_trend', { ...buildArgs(ANALYSIS_BY_ID.get('kpi')!, filled), ...more });
  };
  const dims = splitDimensions(slots);
  const first = await call({ groupBy: dims[0] }, { rankGroupsBy: 'change', top: SPLIT_TOP });
  const result = first.result as KpiResult | null;
  if (!result) return failure(lang, 'kpi_trend', first.error);
  const words: Words = { metric, name: metric.names[lang], scopeText: describeScope(slots, lang), fmt: (v, plus = false) => metricValue(input, metric.format, v, plus) };
  const early = nothingToExplain(input, result, time, words);
  if (early) return early;
  const { splits, failed } = await collectSplits(input, call, dims, result);
  const draft = compose(input, result, splits, failed, time, words);
  return {
    ...draft,
    definitions: receipt(result as unknown as Record<string, unknown>).definitions,
    followUps: [t(lang, `${capitalise(metric.names.en)} by month this year`, `今年每月的${metric.names.zh}`), t(lang, 'And the month before?', '再往前一个月呢？')],
  };
}

/**
 * No change the data can explain: no orders in the period and none before, a period past the loaded orders, or a
 * period before which nothing is loaded (a period inside the data that fell to nothing is explained like any other).
 */
function nothingToExplain(input: HandlerInput, result: KpiResult, time: TimeRange, { name, scopeText, fmt }: Words): Draft | null {
  const { lang } = input;
  const { window, overall, note } = result;
  const period = describeWindow(window, time, lang);
  if (note && (overall.previous.value === 0 || outsideLoadedOrders(input, window))) {
    const outside = outsideLoadedOrders(input, window);
    return { kind: 'answer', answer: t(lang, `No orders match ${period}${scopeText}, so there is no change in ${name} to explain.${outside}`, `${period}${scopeText}没有符合条件的订单，没有可解释的${name}变化。${outside}`), window, followUps: [] };
  }
  const unloaded = overall.previous.value === 0 ? outsideLoadedOrders(input, overall.previous) : '';
  if (!unloaded) return null;
  const before = describeWindow(overall.previous, previousRange(time), lang);
  return { kind: 'answer', answer: t(lang, `${capitalise(name)}${scopeText}, ${period}: ${fmt(overall.total)}. There are no orders in the period before, ${before}, so there is no change to explain.${unloaded}`, `${period}的${name}${scopeText}为 ${fmt(overall.total)}。上一周期${before}没有订单，没有可解释的变化。${unloaded}`), window, followUps: [] };
}

/** One kpi_trend call per dimension (ranked by change), then new and returning customers; the dimensions that failed. */
async function collectSplits(input: HandlerInput, call: Call, dims: DimensionId[], first: KpiResult): Promise<{ splits: Split[]; failed: string[] }> {
  const { lang, slots } = input;
  const splits: Split[] = [];
  const failed: string[] = [];
  for (const [i, dim] of dims.entries()) {
    const result = i === 0 ? first : (await call({ groupBy: dim }, { rankGroupsBy: 'change', top: SPLIT_TOP })).result as KpiResult | null;
    if (result?.groups) splits.push({ label: DIMENSION_BY_ID.get(dim)!.names, groups: result.groups });
    else failed.push(DIMENSION_BY_ID.get(dim)!.names[lang]);
  }
  // new and returning customers (guest orders are neither); skipped when the question already picked one of them
  if (!slots.customerType && slots.metric !== 'new_customers') {
    const parts: Series[] = [];
    for (const type of ['new', 'returning'] as const) {
      const result = (await call({ customerType: type })).result as KpiResult | null;
      if (result) parts.push({ ...result.overall, group: t(lang, `${type} customers`, type === 'new' ? '新客户' : '老客户') });
    }
    if (parts.length === 2) splits.push({ label: { en: 'customer type', zh: '客户类型' }, bare: true, groups: parts.sort((a, b) => Math.abs(b.previous.change) - Math.abs(a.previous.change)) });
  }
  return { splits, failed };
}

/** The answer: the total change, the largest single move, each split's largest moves, caveats; chart and table. */
function compose(input: HandlerInput, result: KpiResult, splits: Split[], failed: string[], time: TimeRange, { metric, name, scopeText, fmt }: Words): Omit<Draft, 'followUps'> {
  const { lang, slots } = input;
  const { window, overall } = result;
  const period = describeWindow(window, time, lang);
  const beforeTime = previousRange(time);
  const before = describeWindow(overall.previous, beforeTime, lang);
  const [periodShort, beforeShort] = [askedLabel(window, time)?.[lang] ?? period, askedLabel(overall.previous, beforeTime)?.[lang] ?? before];
  const change = overall.previous.change;
  const pct = (s: Series) => (s.previous.changePct === null ? '' : ` (${formatNumber(s.previous.changePct, 'percent', { plus: true })})`);
  const direction = change > 0 ? t(lang, 'up', '增长') : change < 0 ? t(lang, 'down', '下降') : t(lang, 'unchanged', '持平');
  // the question assumed the other direction ("why are sales down?" when they rose): said first
  const asked = slots.change && ((slots.change === 'down' && change > 0) || (slots.change === 'up' && change < 0))
    ? t(lang, `${capitalise(name)} ${change > 0 ? 'rose' : 'fell'} rather than ${change > 0 ? 'fell' : 'rose'}. `, `${name}并非${change > 0 ? '下降，而是增长' : '增长，而是下降'}。`) : '';
  const head = t(lang,
    `${asked}${capitalise(name)}${scopeText}, ${period}: ${fmt(overall.total)}, ${direction} from ${fmt(overall.previous.value)} in ${before}: ${fmt(change, true)}${pct(overall)}.`,
    `${asked}${period}的${name}${scopeText}为 ${fmt(overall.total)}，${before}为 ${fmt(overall.previous.value)}，${direction}，变化 ${fmt(change, true)}${pct(overall)}。`);
  const moved = (s: Series) => s.previous.change !== 0;
  const lines = splits.filter((s) => s.groups.some(moved)).map((s) => {
    const told = s.groups.filter(moved).slice(0, TOLD).map((g) => `${g.group ?? t(lang, '(unknown)', '（未知）')} ${fmt(g.previous.change, true)}${pct(g)}`);
    return !s.bare ? t(lang, `By ${s.label.en}: ${told.join(', ')}.`, `按${s.label.zh}：${told.join('，')}。`) : t(lang, `${capitalise(told.join(', '))}.`, `${told.join('，')}。`);
  });
  const biggest = splits.flatMap((s) => s.groups.slice(0, 1).map((g) => ({ s, g }))).sort((a, b) => Math.abs(b.g.previous.change) - Math.abs(a.g.previous.change))[0];
  const lead = change !== 0 && biggest && moved(biggest.g)
    ? t(lang, `The largest single move: ${biggest.s.bare ? '' : `${biggest.s.label.en} `}${biggest.g.group}, ${fmt(biggest.g.previous.change, true)}.`, `变化最大的单项：${biggest.s.bare ? '' : `${biggest.s.label.zh} `}${biggest.g.group}，${fmt(biggest.g.previous.change, true)}。`)
    : '';
  const left = failed.length ? t(lang, `Not split by ${failed.join(', ')}: its tool call reported an error.`, `未按${failed.join('、')}拆分：工具报错。`) : '';
  // a period to date is compared with the same days of the period before
  const partial = result.partialPeriods.length && isToDate(time) ? toDateSentence(lang, periodShort, result.grain, result.window, result.overall.previous) : '';
  const how = t(lang, `Each value's change is its ${name} in ${periodShort} minus in ${beforeShort}; the largest changes, rises and falls alike, are listed first.`, `每项的变化＝其${periodShort}的${name}减去${beforeShort}的${name}；按变化幅度（升降皆计）从大到小列出。`);
  const definition = t(lang, `Definition: ${name} = ${metric.definition.en}.`, `口径：${name}＝${metric.definition.zh}。`);
  const shown = biggest?.s ?? splits[0];
  return {
    kind: 'answer',
    answer: [head, lead, ...lines, left, partial, how, definition].filter(Boolean).join(lang === 'zh' ? '' : ' '),
    ...(shown ? { chart: { type: 'bar' as const, title: t(lang, `Change in ${name} by ${shown.label.en}`, `各${shown.label.zh}${name}变化`), data: { categories: shown.groups.map((g) => g.group ?? ''), series: [{ name: t(lang, 'change', '变化'), values: shown.groups.map((g) => g.previous.change) }] } } } : {}),
    table: {
      columns: [t(lang, 'split', '拆分'), t(lang, 'value', '值'), before, period, t(lang, 'change', '变化'), t(lang, 'change %', '变化率')],
      rows: splits.flatMap((s) => s.groups.map((g) => [s.label[lang], g.group, g.previous.value, g.total, g.previous.change, g.previous.changePct])),
    },
    window,
  };
}

/** The dimensions a change is split by: country, channel, category (revenue only) and product (revenue, no filter), less those filtered on. */
function splitDimensions(slots: Slots): DimensionId[] {
  const dims: DimensionId[] = ['country', 'channel'];
  if (slots.metric === 'revenue') dims.push('category');
  // the product split reads the order lines when anything is filtered (seconds on a large shop): only unfiltered
  if (slots.metric === 'revenue' && Object.values(slots.filter).every((v) => v === undefined) && !slots.tag && !slots.customerType) dims.push('product');
  return dims.filter((d) => slots.filter[d as keyof Slots['filter']] === undefined);
}
