import { formatNumber as n } from '../../format.ts';
import { ANALYSIS_BY_ID, buildArgs } from '../../semantic/index.ts';
import { asOfFrom, describeFilters, failure, money, plural, receipt, t, type Draft, type HandlerInput } from './common.ts';

/**
 * "What kinds of customers do we have?", "把客户分成几类": customer_segments' clustering mode (k-means on behaviour,
 * k by silhouette unless asked), answered with each cluster's generated label, size, revenue share and average
 * behaviour, and how well separated the clusters are.
 */

interface Cluster {
  label: string;
  customers: number;
  share: number;
  revenueShare: number;
  centroid: { orders: number; aov: number; recencyDays: number };
  persona: { countries: { value: string | null; share: number }[] };
}
interface ClusteringResult {
  clustering: { customers: number; k: number; chosenBy: 'silhouette' | 'given'; silhouette: number; clusters: Cluster[] };
  meta: { asOf: string };
}

/** Rousseeuw's reading of the mean silhouette (the tool's own description of the number), at the precision shown. */
function separation(lang: HandlerInput['lang'], silhouette: number): string {
  const s = Math.round(silhouette * 100) / 100;
  if (s > 0.5) return t(lang, 'clearly separated', '区分明显');
  if (s >= 0.25) return t(lang, 'moderately separated', '有一定区分');
  return t(lang, 'weakly separated: the groups overlap, read them as tendencies', '区分较弱：各组有重叠，宜视为倾向');
}

/** The tool's generated labels (tools/lib/segments/features.ts labelCluster: LABEL_WORDS) in Chinese. */
const TRAITS_ZH: Record<string, string> = {
  'high value': '高价值', 'low value': '低价值', frequent: '高频', infrequent: '低频', lapsed: '久未购买', recent: '近期活跃',
  'long-standing': '老客', new: '新客', 'big baskets': '大单', 'small baskets': '小单', average: '一般',
};
export function labelIn(lang: HandlerInput['lang'], label: string): string {
  if (lang !== 'zh') return label;
  const parts = label.split(', ').map((p) => TRAITS_ZH[p] ?? (p.startsWith('mostly ') ? `以${p.slice('mostly '.length)}为主` : p));
  return parts.join('、');
}

export async function answerClusters(input: HandlerInput): Promise<Draft> {
  const { lang, slots, caller } = input;
  const filled: Record<string, unknown> = { 'time.to': asOfFrom(slots, input.today), k: slots.k };
  for (const [dim, value] of Object.entries(slots.filter)) filled[`filter.${dim}`] = value;
  const args = buildArgs(ANALYSIS_BY_ID.get('clusters')!, filled);
  const { result, error } = await caller.call<ClusteringResult>('customer_segments', args);
  if (!result) return failure(lang, 'customer_segments', error);
  const c = result.clustering;
  const who = describeFilters(slots.filter, lang);
  const how = c.chosenBy === 'given'
    ? t(lang, `${n(c.k, 'count')} as asked`, `按要求分 ${n(c.k, 'count')} 类`)
    : t(lang, 'the number with the best silhouette', '类数取轮廓系数最高者');
  const listed = c.clusters.map((g) => t(lang,
    `“${labelIn(lang, g.label)}”: ${n(g.customers, 'count')} ${plural(g.customers, 'customer', 'customers')} (${n(g.share, 'percent')}), ${n(g.revenueShare, 'percent')} of revenue, ${n(g.centroid.orders, 'decimal')} orders of ${money(input, g.centroid.aov)} on average, last order ${n(g.centroid.recencyDays, 'decimal')} days ago`,
    `“${labelIn(lang, g.label)}”：${n(g.customers, 'count')} 位客户（${n(g.share, 'percent')}），贡献 ${n(g.revenueShare, 'percent')} 的收入，平均 ${n(g.centroid.orders, 'decimal')} 单、客单价 ${money(input, g.centroid.aov)}，距上次下单 ${n(g.centroid.recencyDays, 'decimal')} 天`));
  return {
    ...receipt(result as unknown as Record<string, unknown>),
    kind: 'answer',
    answer: t(lang,
      `As of ${result.meta.asOf}, the ${n(c.customers, 'count')} customers with orders${who ? ` (${who})` : ''} fall into ${n(c.k, 'count')} behaviour clusters (k-means on revenue, orders, order value, recency, tenure and main category; ${how}; silhouette ${n(c.silhouette, 'decimal')}, ${separation(lang, c.silhouette)}). ${listed.join('; ')}.`,
      `截至 ${result.meta.asOf}，${who ? `${who}的` : ''}${n(c.customers, 'count')} 位有订单客户可分为 ${n(c.k, 'count')} 个行为群（按收入、订单数、客单价、最近购买、客龄和主要品类做 k-means；${how}；轮廓系数 ${n(c.silhouette, 'decimal')}，${separation(lang, c.silhouette)}）。${listed.join('；')}。`),
    table: {
      columns: [t(lang, 'cluster', '群'), t(lang, 'customers', '客户数'), t(lang, 'share', '占比'), t(lang, 'share of revenue', '收入占比'),
        t(lang, 'orders per customer', '人均订单'), t(lang, 'average order value', '客单价'), t(lang, 'days since last order', '距上次下单天数'), t(lang, 'top country', '主要国家')],
      rows: c.clusters.map((g) => [labelIn(lang, g.label), g.customers, g.share, g.revenueShare, g.centroid.orders, g.centroid.aov, g.centroid.recencyDays, g.persona.countries[0]?.value ?? null]),
    },
    chart: { type: 'bar', title: t(lang, 'Customers per behaviour cluster', '各行为群客户数'), data: { categories: c.clusters.map((g) => labelIn(lang, g.label)), series: [{ name: t(lang, 'customers', '客户数'), values: c.clusters.map((g) => g.customers) }] } },
    followUps: [t(lang, 'What are the RFM tier sizes?', 'RFM 各层级有多少客户？'), t(lang, 'Which customers are at risk of churning?', '哪些客户有流失风险？'), t(lang, 'Profile the Champions tier', '冠军客户的画像')],
  };
}
