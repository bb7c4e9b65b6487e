import { formatNumber as n } from '../../format.ts';
import type { DimensionId } from '../../semantic/dimensions.ts';
import { failure, money, receipt, t, type Draft, type HandlerInput } from './common.ts';

/** What the CLV answers read of customer_lifetime_value's result. */
interface ClvResult {
  calibration: { end: string };
  totals: { customers: number; expectedPurchases: number; clv: number; averageClv: number };
  customers: { id: number; name: string | null; expectedPurchases: number; clv: number }[];
  groups: ClvGroup[] | null;
  meta: { args: { horizon: number; unit: string } };
}
interface ClvGroup { group: string; customers: number; clv: number; averageClv: number; share: number }

/** Dimensions the tool totals CLV by (its groupBy). */
const CLV_GROUPS: readonly DimensionId[] = ['country', 'channel', 'category', 'rfm_tier'];
const DIMENSION_WORDS: Record<string, [string, string]> = { country: ['country', '国家'], channel: ['channel', '渠道'], category: ['category', '品类'], rfm_tier: ['RFM tier', 'RFM 层级'] };
/** Groups named in an answer; the table has them all. */
const NAMED = 8;

/**
 * Predicted CLV: in total with the top customers; by country / channel / category / RFM tier when the question splits
 * by one ("CLV by country", "哪个渠道的客户价值最高", "CLV by RFM tier"), or for one group when it names a value of one
 * ("CLV of customers in Germany", "average CLV of Champions": that group's row beside the total).
 */
export async function answerClv(input: HandlerInput): Promise<Draft> {
  const { lang, caller, slots } = input;
  const named = CLV_GROUPS.filter((d) => slots.filter[d] !== undefined);
  const groupBy = slots.byTier ? 'rfm_tier' : slots.groupBy && CLV_GROUPS.includes(slots.groupBy as DimensionId) ? slots.groupBy : named.length === 1 ? named[0] : undefined;
  const { result, error } = await caller.call<ClvResult>('customer_lifetime_value', { limit: 10, ...(groupBy ? { groupBy } : {}) });
  if (!result) return failure(lang, 'customer_lifetime_value', error);
  const unit = result.meta.args.unit;
  const h = `${n(result.meta.args.horizon, 'count')} ${lang === 'zh' ? ({ days: '天', weeks: '周', months: '个月' } as Record<string, string>)[unit] ?? unit : unit}`;
  const basis = t(lang, `(BG/NBD + Gamma-Gamma, history up to ${result.calibration.end})`, `（BG/NBD + Gamma-Gamma，基于截至 ${result.calibration.end} 的历史）`);
  const definition = t(lang, ' CLV = expected purchases over the horizon × expected average order value.', 'CLV＝预测期内的预计购买次数 × 预计平均订单价值。');
  const followUps = [t(lang, 'Which customers are at risk of churning?', '哪些客户有流失风险？'), t(lang, 'What are the RFM tier sizes?', 'RFM 各层级有多少客户？')];
  if (groupBy && result.groups) return { ...groupsAnswer(input, result, groupBy, { h, basis, definition }), followUps };
  const top = result.customers.slice(0, 3).map((c) => `${c.name ?? `#${c.id}`} ${money(input, c.clv)}`);
  return {
    ...receipt(result as unknown as Record<string, unknown>),
    kind: 'answer',
    answer: t(lang,
      `Predicted customer lifetime value over the next ${h} ${basis}: ${money(input, result.totals.clv)} in total across ${n(result.totals.customers, 'count')} customers (${money(input, result.totals.averageClv)} per customer on average), from ${n(result.totals.expectedPurchases, 'decimal')} expected orders.${top.length ? ` Highest predicted CLV: ${top.join('; ')}.` : ''}${definition}`,
      `未来 ${h} 的预测客户生命周期价值${basis}：${n(result.totals.customers, 'count')} 位客户合计 ${money(input, result.totals.clv)}（平均每位客户 ${money(input, result.totals.averageClv)}），预计 ${n(result.totals.expectedPurchases, 'decimal')} 笔订单。${top.length ? `预测 CLV 最高的客户：${top.join('；')}。` : ''}${definition}`),
    table: { columns: [t(lang, 'customer id', '客户编号'), t(lang, 'customer', '客户'), t(lang, 'expected orders', '预计订单数'), 'CLV'], rows: result.customers.map((c) => [c.id, c.name, c.expectedPurchases, c.clv]) },
    chart: { type: 'bar', title: t(lang, 'Top customers by CLV', 'CLV 最高的客户'), data: { categories: result.customers.map((c) => c.name ?? String(c.id)), series: [{ name: 'CLV', values: result.customers.map((c) => c.clv) }] } },
    followUps,
  };
}

/** CLV per group (highest total first), the group the question names, or the highest / lowest one. */
function groupsAnswer(input: HandlerInput, result: ClvResult, groupBy: string, words: { h: string; basis: string; definition: string }): Omit<Draft, 'followUps'> {
  const { lang, slots } = input;
  const groups = result.groups!;
  const [dimEn, dimZh] = DIMENSION_WORDS[groupBy]!;
  const detail = (g: ClvGroup) => t(lang,
    `${money(input, g.clv)} (${n(g.customers, 'count')} customers, ${money(input, g.averageClv)} each on average, ${n(g.share, 'percent')} of the total)`,
    `${money(input, g.clv)}（${n(g.customers, 'count')} 位客户，平均每位 ${money(input, g.averageClv)}，占总额 ${n(g.share, 'percent')}）`);
  const row = (g: ClvGroup) => `${g.group} ${detail(g)}`;
  const total = t(lang,
    `All ${n(result.totals.customers, 'count')} scored customers: ${money(input, result.totals.clv)} (${money(input, result.totals.averageClv)} per customer).`,
    `全部 ${n(result.totals.customers, 'count')} 位客户合计 ${money(input, result.totals.clv)}（平均每位 ${money(input, result.totals.averageClv)}）。`);
  const asked = slots.filter[groupBy as DimensionId];
  let lead: string;
  if (asked !== undefined && !slots.groupBy && !slots.byTier) {
    const g = groups.find((x) => x.group.toLowerCase() === asked.toLowerCase());
    lead = g
      ? t(lang, `Predicted customer lifetime value over the next ${words.h} of customers in ${dimEn} ${g.group} ${words.basis}: ${detail(g)}.`, `${dimZh} ${g.group} 客户未来 ${words.h} 的预测客户生命周期价值${words.basis}：${detail(g)}。`)
      : t(lang, `No scored customer has ${dimEn} ${asked}.`, `没有${dimZh}为 ${asked} 的已评分客户。`);
  } else {
    const byAverage = [...groups].sort((a, b) => b.averageClv - a.averageClv || a.group.localeCompare(b.group));
    const pick = slots.superlative === 'min' ? groups.at(-1) : slots.superlative === 'max' ? groups[0] : undefined;
    const perCustomer = slots.superlative === 'min' ? byAverage.at(-1) : byAverage[0];
    const superlative = pick && perCustomer
      ? t(lang,
        `${pick.group} has the ${slots.superlative === 'min' ? 'lowest' : 'highest'} total predicted CLV: ${detail(pick)}; per customer the ${slots.superlative === 'min' ? 'lowest' : 'highest'} is ${perCustomer.group} (${money(input, perCustomer.averageClv)}). `,
        `预测 CLV 总额${slots.superlative === 'min' ? '最低' : '最高'}的${dimZh}是 ${pick.group}：${detail(pick)}；按人均${slots.superlative === 'min' ? '最低' : '最高'}的是 ${perCustomer.group}（${money(input, perCustomer.averageClv)}）。`)
      : '';
    const list = groups.slice(0, NAMED).map(row).join(t(lang, '; ', '；'));
    // (how many more is not a number the tool returned: the table lists them all)
    const more = groups.length > NAMED ? t(lang, ' (the rest in the table)', '（其余见表格）') : '';
    lead = superlative + t(lang,
      `Predicted customer lifetime value over the next ${words.h} by ${dimEn} ${words.basis}: ${list}${more}.`,
      `未来 ${words.h} 按${dimZh}的预测客户生命周期价值${words.basis}：${list}${more}。`);
  }
  return {
    ...receipt(result as unknown as Record<string, unknown>),
    kind: 'answer',
    answer: `${lead}${t(lang, ' ', '')}${total}${words.definition}`,
    table: {
      columns: [t(lang, dimEn, dimZh), t(lang, 'customers', '客户数'), 'CLV', t(lang, 'CLV per customer', '人均 CLV'), t(lang, 'share', '占比')],
      rows: groups.map((g) => [g.group, g.customers, g.clv, g.averageClv, g.share]),
    },
    chart: { type: 'bar', title: t(lang, `Predicted CLV by ${dimEn}`, `按${dimZh}的预测 CLV`), data: { categories: groups.map((g) => g.group), series: [{ name: 'CLV', values: groups.map((g) => g.clv) }] } },
  };
}
