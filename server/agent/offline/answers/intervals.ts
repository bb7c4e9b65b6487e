import { formatNumber as n } from '../../format.ts';
import type { Intervals } from '../../../../tools/lib/segments/intervals.ts';
import { describeFilters, describeRanges, failure, receipt, t, type Draft, type HandlerInput } from './common.ts';

/**
 * "What's the average time between orders?", "how often do our Champions buy?", "德国客户的复购周期是多少天？":
 * customer_segments' intervals mode over the customers asked about (all with orders by default). The median leads
 * (gaps are skewed: a few very slow repeaters pull the mean up), with the quartiles, the mean and the repeat share.
 */
export async function answerIntervals(input: HandlerInput, segmentArgs: Record<string, unknown>): Promise<Draft> {
  const { lang, caller, slots } = input;
  const { result, error } = await caller.call<{ intervals: Intervals; meta: { asOf: string } }>('customer_segments', { ...segmentArgs, mode: 'intervals' });
  if (!result) return failure(lang, 'customer_segments', error);
  const v = result.intervals;
  const share = slots.topShare ? t(lang, `the ${slots.topShare.side} ${Math.round(slots.topShare.share * 1000) / 10}% by ${slots.topShare.metric}`, `按${slots.topShare.metric === 'orders' ? '订单数' : '收入'}排名${slots.topShare.side === 'top' ? '前' : '后'} ${Math.round(slots.topShare.share * 1000) / 10}%`) : '';
  const scope = [describeFilters(slots.filter, lang), ...describeRanges(slots, lang), share].filter(Boolean).join(t(lang, ', ', '、'));
  const who = scope ? t(lang, `customers in ${scope}`, `${scope}的客户`) : t(lang, 'customers', '客户');
  const meta = { ...receipt(result as unknown as Record<string, unknown>), followUps: [t(lang, 'What is our repeat rate by month?', '每月复购率是多少？'), t(lang, 'Which customers are at risk of churning?', '哪些客户有流失风险？')] };
  const rule = t(lang,
    // (the formula's constant in words: a digit no tool returned would be cut by the grounding check)
    ' Gap = days from a customer’s first to last order day ÷ (order days minus one); orders on the same day count once.',
    '间隔＝客户首次与最近一次下单日相隔天数 ÷（下单天数减一）；同一天的多笔订单算一次。');
  const g = v.gapDays;
  const second = slots.intervals === 'second'
    ? t(lang, ' This is the typical gap between any two purchases; the time to the second purchase alone is not measured.', '这是任意两次购买之间的典型间隔；单独到第二次购买的时间目前没有统计。')
    : '';
  if (v.repeatCustomers === 0 || g.median === null) {
    return { ...meta, kind: 'answer', answer: t(lang, `As of ${result.meta.asOf}, none of the ${n(v.customers, 'count')} ${who} with orders has ordered on two different days, so there is no time between purchases to measure yet.`, `截至 ${result.meta.asOf}，${n(v.customers, 'count')} 位有订单的${who}中没有人在两个不同的日子下过单，暂无购买间隔可统计。`) };
  }
  // gaps are averages (fractional days): a band is over its lower bound and up to its upper one
  const bands = v.bands.map((b) => (b.maxDays === null ? t(lang, `over ${b.minDays} days`, `${b.minDays} 天以上`) : b.minDays === 0 ? t(lang, `up to ${b.maxDays} days`, `${b.maxDays} 天以内`) : t(lang, `over ${b.minDays}, up to ${b.maxDays} days`, `${b.minDays} 天以上至 ${b.maxDays} 天`)));
  return {
    ...meta,
    kind: 'answer',
    answer: t(lang,
      `As of ${result.meta.asOf}, ${who} who ordered on two or more days (${n(v.repeatCustomers, 'count')} of ${n(v.customers, 'count')}, ${n(v.repeatShare, 'percent')}) take a median of ${n(g.median, 'decimal')} days between purchases; half of them between ${n(g.p25!, 'decimal')} and ${n(g.p75!, 'decimal')} days, mean ${n(g.mean!, 'decimal')} days.${second}${rule}`,
      `截至 ${result.meta.asOf}，在两个及以上不同日子下过单的${who}（${n(v.customers, 'count')} 位中的 ${n(v.repeatCustomers, 'count')} 位，占 ${n(v.repeatShare, 'percent')}）两次购买之间的间隔中位数为 ${n(g.median, 'decimal')} 天；一半客户在 ${n(g.p25!, 'decimal')} 到 ${n(g.p75!, 'decimal')} 天之间，平均 ${n(g.mean!, 'decimal')} 天。${second}${rule}`),
    chart: { type: 'bar', title: t(lang, 'Repeat customers by days between purchases', '按购买间隔划分的复购客户'), data: { categories: bands, series: [{ name: t(lang, 'customers', '客户数'), values: v.bands.map((b) => b.customers) }] } },
    table: { columns: [t(lang, 'days between purchases', '购买间隔'), t(lang, 'customers', '客户数'), t(lang, 'share', '占比')], rows: v.bands.map((b, i) => [bands[i]!, b.customers, n(b.share, 'percent')]) },
  };
}
