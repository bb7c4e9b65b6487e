import { formatNumber as n } from '../../format.ts';
import { ANALYSIS_BY_ID, buildArgs } from '../../semantic/index.ts';
import { KEY_MONTHS, keyMonthColumns, keyMonthRates } from './cohortWords.ts';
import { failure, receipt, t, type Draft, type HandlerInput } from './common.ts';

/**
 * Cohort retention of several countries or channels side by side ("retention of app vs web customers", "各渠道的新客户
 * 留存率对比"): cohort_retention once per value (its filter takes one value), each value's average curve weighted by
 * cohort size, and the highest and lowest at one month after the first order.
 */

interface Average { month: number; rate: number }
interface CohortsOfValue { cohorts: unknown[]; average: Average[]; meta: { args: { from: string; to: string } } }

/** Values compared at most (a breakdown by country of a shop with dozens of countries: the ones with most customers). */
export const MAX_COMPARED = 8;
/** The month compared: 3 when every value has it. */
const PREFERRED_MONTH = 3;

export async function compareCohorts(input: HandlerInput, dim: 'country' | 'channel', values: readonly string[], filled: Record<string, unknown>): Promise<Draft> {
  const { lang, caller } = input;
  const results: { value: string; result: CohortsOfValue }[] = [];
  for (const value of values.slice(0, MAX_COMPARED)) {
    const args = buildArgs(ANALYSIS_BY_ID.get('cohort')!, { ...filled, [`filter.${dim}`]: value });
    const { result, error } = await caller.call<CohortsOfValue>('cohort_retention', args);
    if (!result) return failure(lang, 'cohort_retention', error);
    results.push({ value, result });
  }
  // a cohort's channel is its customers' main channel (cohort_retention's filter), not the channel of the first order
  const dimWord = dim === 'country' ? t(lang, 'country', '国家') : t(lang, 'main channel', '主要渠道');
  const { from, to } = results[0]!.result.meta.args;
  const curve = (a: Average[]) => keyMonthRates(a, lang);
  const each = results.map(({ value, result }) =>
    `${value} — ${result.cohorts.length === 0 ? t(lang, 'no new customers', '没有新客户') : curve(result.average) || t(lang, 'no complete month yet', '尚无完整月份')}`,
  ).join(t(lang, '; ', '；'));
  const month = comparedMonth(results.map((r) => r.result.average));
  const at = (r: CohortsOfValue) => r.average.find((x) => x.month === month)?.rate;
  const ranked = results.filter((r) => at(r.result) !== undefined).sort((a, b) => at(b.result)! - at(a.result)! || a.value.localeCompare(b.value));
  const extremes = month !== null && ranked.length > 1
    ? t(lang,
      ` At month ${month}, the highest is ${ranked[0]!.value} (${n(at(ranked[0]!.result)!, 'percent')}) and the lowest ${ranked.at(-1)!.value} (${n(at(ranked.at(-1)!.result)!, 'percent')}).`,
      `第${month}个月留存最高的是 ${ranked[0]!.value}（${n(at(ranked[0]!.result)!, 'percent')}），最低的是 ${ranked.at(-1)!.value}（${n(at(ranked.at(-1)!.result)!, 'percent')}）。`)
    : '';
  // describe_data lists countries by customers and channels by orders, most first
  const shown = values.length > MAX_COMPARED
    ? t(lang, ` (the ${MAX_COMPARED} ${dim === 'country' ? 'countries with the most customers' : 'channels with the most orders'})`, `（${dim === 'country' ? '客户' : '订单'}最多的 ${MAX_COMPARED} 个${dimWord}）`)
    : '';
  const definition = t(lang, 'Retention = cohort members (customers by month of first order) who ordered in month k after their first ÷ cohort size; each curve is the average over its cohorts, weighted by cohort size; a main channel is the customer\'s most frequent order channel.', '留存率＝在首单后第 k 个月下单的同期群成员（按首单月份分组的客户）÷ 同期群人数；每条曲线为按人数加权的各同期群平均；主要渠道＝客户下单最多的渠道。');
  // the chart's months: those every charted value has (a value without cohorts is left out of it)
  const charted = results.filter((r) => r.result.average.length > 0);
  const months = (charted[0]?.result.average.map((a) => a.month) ?? []).filter((m) => charted.every((r) => r.result.average.some((a) => a.month === m)));
  return {
    ...receipt(results[0]!.result as unknown as Record<string, unknown>),
    kind: 'answer',
    answer: t(lang,
      `Retention by ${dimWord}${shown}, cohorts ${from} to ${to}: ${each}.${extremes} ${definition}`,
      `按${dimWord}的留存${shown}，同期群 ${from} 至 ${to}：${each}。${extremes}${definition}`),
    chart: {
      type: 'line',
      title: t(lang, `Retention by ${dimWord}`, `按${dimWord}的留存`),
      data: { categories: months.map(String), series: charted.map(({ value, result }) => ({ name: value, values: months.map((m) => result.average.find((a) => a.month === m)!.rate) })) },
    },
    table: {
      columns: [dimWord, ...keyMonthColumns(lang)],
      rows: results.map(({ value, result }) => [value, ...KEY_MONTHS.map((m) => result.average.find((a) => a.month === m)?.rate ?? null)]),
    },
    followUps: [t(lang, 'Cohort retention for the last 12 months', '最近12个月的同期群留存'), t(lang, 'Which customers are at risk of churning?', '哪些客户有流失风险？')],
  };
}

/** Month 3 when every value with cohorts has it, else the latest month they all have (null when none). */
function comparedMonth(averages: Average[][]): number | null {
  const present = averages.filter((a) => a.length > 0);
  if (present.length === 0) return null;
  const common = present.map((a) => new Set(a.filter((x) => x.month > 0).map((x) => x.month))).reduce((acc, s) => new Set([...acc].filter((m) => s.has(m))));
  if (common.has(PREFERRED_MONTH)) return PREFERRED_MONTH;
  return common.size ? Math.max(...common) : null;
}
