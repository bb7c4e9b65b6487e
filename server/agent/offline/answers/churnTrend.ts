import { formatNumber } from '../../format.ts';
import type { Language } from '../../types.ts';
import { describeRange, type Grain } from '../time.ts';
import { capitalise, GRAIN_ZH, t, type Draft, type HandlerInput } from './common.ts';

/**
 * Lost customers over time: each period's churn rate (kpi_trend's points[].churn: its lost customers ÷ the customers
 * of the period before), and what the loaded orders cannot say — a period whose period before starts before the first
 * order loses only the customers seen since (kpi_trend lostCoverage). Every number is the tool's; up / down is said in
 * words, no difference is computed.
 */

interface Churn { rate: number; previousCustomers: number }
interface Point { period: string; value: number; churn?: Churn | null }
export interface LostCoverage { ordersFrom: string; window: boolean; previous: boolean; periods: string[] }
interface LostSeries {
  total: number;
  points: Point[];
  previous: { from: string; to: string };
  churn?: Churn | null;
}
interface LostResult { grain: Grain; partialPeriods: string[]; overall: LostSeries; lostCoverage?: LostCoverage | null }

const pct = (v: number) => formatNumber(v, 'percent');
const count = (v: number) => formatNumber(v, 'count');

/**
 * The comparison with the previous window, unless the window before it is not loaded (its count would be 0 or
 * understated, and "up" a mere artefact), and a caveat when the window's own count reaches back before the orders.
 */
export function lostCoverageSentences(lang: Language, coverage: LostCoverage | null | undefined, previous: { from: string; to: string }, comparison: string): { comparison: string; caveat: string } {
  if (!coverage) return { comparison, caveat: '' };
  const from = coverage.ordersFrom;
  const caveat = coverage.window
    ? t(lang, ` The orders start on ${from}, so customers who ordered only before then are not known: this count is understated.`, `订单从 ${from} 开始，此前下单的客户无从得知，因此这个数偏低。`)
    : '';
  if (!coverage.previous) return { comparison, caveat };
  const prev = describeRange({ ...previous, label: null }, lang);
  return {
    comparison: t(lang,
      `No comparison with the previous period (${prev}): the orders start on ${from}, so the period before it, whose customers it would count as lost, is not loaded.`,
      `无法与上一周期（${prev}）比较：订单从 ${from} 开始，它之前的时间段（其客户才可能流失）没有数据。`),
    caveat,
  };
}

/**
 * "What is the monthly churn rate?", "Is churn going up?", "流失率在上升吗": the churn rate per period, the latest
 * against the one before it, the highest and lowest (periods with a loaded period before), and the window's count.
 */
export function churnTrend(
  input: HandlerInput, result: LostResult, words: { window: string; scope: string; definition: string; label: (period: string) => string },
  base: Omit<Draft, 'kind' | 'answer'>,
): Draft {
  const { lang } = input;
  const { window, scope, definition, label } = words;
  const g = result.grain;
  const o = result.overall;
  const understated = new Set(result.lostCoverage?.periods ?? []);
  // a period the window covers only in part is not rated: under way, everyone who has not ordered yet counts as lost
  const partial = new Set(result.partialPeriods);
  const isRated = (p: Point) => Boolean(p.churn) && !understated.has(p.period) && !partial.has(p.period);
  const rated = o.points.filter(isRated);
  const [latest, before] = [rated.at(-1), rated.at(-2)];
  const of = (p: Point) => t(lang,
    `${pct(p.churn!.rate)} (${count(p.value)} of the ${count(p.churn!.previousCustomers)} customers of the ${g} before)`,
    `${pct(p.churn!.rate)}（上一${GRAIN_ZH[g]} ${count(p.churn!.previousCustomers)} 位客户中流失 ${count(p.value)} 位）`);
  const direction = latest && before
    ? latest.churn!.rate > before.churn!.rate ? t(lang, 'up from', '高于') : latest.churn!.rate < before.churn!.rate ? t(lang, 'down from', '低于') : t(lang, 'the same as', '持平于')
    : '';
  const lead = latest
    ? t(lang,
      `In ${label(latest.period)} the churn rate${scope} was ${of(latest)}${before ? `, ${direction} ${pct(before.churn!.rate)} in ${label(before.period)}` : ''}.`,
      `${label(latest.period)}的流失率${scope}为 ${of(latest)}${before ? `，${direction}${label(before.period)}的 ${pct(before.churn!.rate)}` : ''}。`)
    : partial.size && o.points.every((p) => partial.has(p.period) || !p.churn)
      ? t(lang, `${capitalise(window)} has no complete ${g} yet, so no ${g}'s churn rate${scope} is given.`, `${window}还没有完整的${GRAIN_ZH[g]}，因此不给出按${GRAIN_ZH[g]}的流失率${scope}。`)
      : t(lang, `No period of ${window} has customers in the period before it, so there is no churn rate${scope}.`, `${window}没有哪个周期在其上一周期有客户，因此没有流失率${scope}。`);
  const byRate = [...rated].sort((a, b) => b.churn!.rate - a.churn!.rate || a.period.localeCompare(b.period));
  const extremes = byRate.length > 2
    ? t(lang,
      ` Highest: ${label(byRate[0]!.period)} (${pct(byRate[0]!.churn!.rate)}); lowest: ${label(byRate.at(-1)!.period)} (${pct(byRate.at(-1)!.churn!.rate)}).`,
      `最高：${label(byRate[0]!.period)}（${pct(byRate[0]!.churn!.rate)}）；最低：${label(byRate.at(-1)!.period)}（${pct(byRate.at(-1)!.churn!.rate)}）。`)
    : '';
  // the understated periods are the first ones (before the orders start): named as a span
  const missing = o.points.filter((p) => understated.has(p.period)).map((p) => label(p.period));
  const span = missing.length > 1 ? t(lang, `${missing[0]} to ${missing.at(-1)}`, `${missing[0]}至${missing.at(-1)}`) : missing[0];
  const coverage = span && result.lostCoverage
    ? t(lang,
      ` ${capitalise(span)}: the ${g} before is not loaded (the orders start on ${result.lostCoverage.ordersFrom}), so not rated.`,
      `${span}：上一${GRAIN_ZH[g]}没有数据（订单从 ${result.lostCoverage.ordersFrom} 开始），不计流失率。`)
    : '';
  const partly = o.points.filter((p) => partial.has(p.period)).map((p) => label(p.period));
  const underWay = partly.length
    ? t(lang, ` ${capitalise(partly.join(', '))}: only partly in the window, so not rated (customers who had not ordered in it yet would count as lost).`, `${partly.join('、')}：只有部分在时间段内，不计流失率（尚未下单的客户会被计为流失）。`)
    : '';
  const whole = o.churn
    ? t(lang,
      ` Over ${window} as a whole, ${count(o.total)} customers were lost: ${pct(o.churn.rate)} of the ${count(o.churn.previousCustomers)} who ordered in the window of equal length before it.`,
      `${window}整体流失 ${count(o.total)} 位客户，占此前同长度时间段下单的 ${count(o.churn.previousCustomers)} 位客户的 ${pct(o.churn.rate)}。`)
    : '';
  const wholeCaveat = result.lostCoverage?.window && whole ? t(lang, ' That count reaches back before the first order and is understated.', '该数字回溯到首笔订单之前，偏低。') : '';
  const name = t(lang, 'churn rate', '流失率');
  const shown = o.points.filter(isRated);
  return {
    ...base,
    kind: 'answer',
    answer: t(lang,
      `${lead}${extremes}${coverage}${underWay}${whole}${wholeCaveat} ${definition} Churn rate = lost customers ÷ the customers who ordered in the period before.`,
      `${lead}${extremes}${coverage}${underWay}${whole}${wholeCaveat}${definition}流失率＝流失客户数 ÷ 上一周期下过单的客户数。`),
    chart: { type: 'line', title: t(lang, `${capitalise(name)} per ${g}`, `${name}（按${GRAIN_ZH[g]}）`), data: { categories: shown.map((p) => p.period), series: [{ name, values: shown.map((p) => p.churn!.rate) }] } },
    table: {
      columns: [t(lang, 'period', '周期'), t(lang, 'lost customers', '流失客户数'), t(lang, `customers of the ${g} before`, `上一${GRAIN_ZH[g]}客户数`), name],
      rows: o.points.map((p) => [p.period, p.value, p.churn?.previousCustomers ?? null, isRated(p) ? p.churn!.rate : null]),
    },
  };
}
