import { addDays } from '../../../../tools/lib/clock.ts';
import { formatNumber as n } from '../../format.ts';
import { asOfFrom, describeFilters, failure, money, receipt, t, type Draft, type HandlerInput } from './common.ts';

/** RFM tier sizes as of a day, one tier's, and how the tiers moved between two days. */

interface Tier { tier: string; customers: number; customerShare: number; revenue: number; revenueShare: number; avgRecencyDays: number | null; avgFrequency: number | null; avgMonetary: number | null }
interface RfmResult { asOf: string; customers: number; revenue: number; tiers: Tier[] }

const METHOD: [string, string] = [
  'R, F and M are quintile scores (recency, number of orders, revenue) among customers with orders; the tier comes from R and the average of F and M (docs/metrics.md).',
  'R、F、M 为在有订单客户中的五分位得分（最近一次购买、订单数、金额），层级由 R 与 F、M 的平均分决定（见 docs/metrics.md）。',
];
const FOLLOW_UPS: [string, string][] = [
  ['Profile the Champions tier', '冠军客户的画像'], ['Which customers are at risk of churning?', '哪些客户有流失风险？'], ['Revenue by country last quarter', '上季度各国家收入'],
];

/** How long before today a tier comparison looks back when the question names no earlier time ("is X growing?"). */
const LOOK_BACK_MONTHS = 3;
/** A share that moved by less than this (0.1 percentage point) has not changed: it reads the same at one decimal. */
const SAME_SHARE = 0.001;

export async function answerRfm(input: HandlerInput): Promise<Draft> {
  const { lang, slots, caller } = input;
  // "growing", "shrinking", "compared with last quarter", "和三个月前相比": the tiers today against an earlier day
  if ((slots.mode === 'compare' || slots.change !== undefined) && !slots.versus) return tierMovement(input);
  const asOf = asOfFrom(slots, input.today);
  const { result, error } = await caller.call<RfmResult>('rfm_analysis', asOf ? { asOf } : {});
  if (!result) return failure(lang, 'rfm_analysis', error);
  const method = t(lang, ...METHOD);
  const base = {
    ...receipt(result as unknown as Record<string, unknown>),
    kind: 'answer' as const,
    followUps: FOLLOW_UPS.map(([en, zh]) => t(lang, en, zh)),
    table: {
      columns: [t(lang, 'tier', '层级'), t(lang, 'customers', '客户数'), t(lang, 'share of customers', '客户占比'), t(lang, 'revenue', '收入'), t(lang, 'share of revenue', '收入占比')],
      rows: result.tiers.map((r) => [r.tier, r.customers, r.customerShare, r.revenue, r.revenueShare]),
    },
    chart: { type: 'pie' as const, title: t(lang, 'Customers per RFM tier', '各 RFM 层级客户数'), data: { categories: result.tiers.map((r) => r.tier), series: [{ name: t(lang, 'customers', '客户数'), values: result.tiers.map((r) => r.customers) }] } },
  };
  // "compare Champions and At Risk": the named tiers side by side, each with its averages
  const named = (slots.versus ?? []).map((v) => result.tiers.find((r) => r.tier === v)).filter((r): r is Tier => Boolean(r));
  if (named.length >= 2) {
    const row = (r: Tier) => r.customers === 0 ? t(lang, `${r.tier}: no customers`, `${r.tier}：没有客户`) : t(lang,
      `${r.tier}: ${n(r.customers, 'count')} customers (${n(r.customerShare, 'percent')}), revenue ${money(input, r.revenue)} (${n(r.revenueShare, 'percent')}); on average ${n(r.avgRecencyDays!, 'decimal')} days since the last order, ${n(r.avgFrequency!, 'decimal')} orders and ${money(input, r.avgMonetary!)} each`,
      `${r.tier}：${n(r.customers, 'count')} 位客户（${n(r.customerShare, 'percent')}），收入 ${money(input, r.revenue)}（${n(r.revenueShare, 'percent')}）；平均距上次下单 ${n(r.avgRecencyDays!, 'decimal')} 天，人均 ${n(r.avgFrequency!, 'decimal')} 单、${money(input, r.avgMonetary!)}`);
    const others = describeFilters(slots.filter, lang);
    const unapplied = others ? t(lang, ` Tiers are scored over all customers: ${others} is not applied.`, `层级基于全部客户评分：未按${others}筛选。`) : '';
    return {
      ...base,
      answer: t(lang, `RFM tiers as of ${result.asOf} (shares of ${n(result.customers, 'count')} scored customers and their revenue): ${named.map(row).join('; ')}.${unapplied} ${method}`,
        `截至 ${result.asOf} 的 RFM 层级对比（占 ${n(result.customers, 'count')} 位已评分客户及其收入的比例）：${named.map(row).join('；')}。${unapplied}${method}`),
      table: {
        columns: [t(lang, 'tier', '层级'), t(lang, 'customers', '客户数'), t(lang, 'share of customers', '客户占比'), t(lang, 'revenue', '收入'), t(lang, 'share of revenue', '收入占比'), t(lang, 'days since last order', '距上次下单天数'), t(lang, 'orders', '订单数'), t(lang, 'revenue per customer', '人均收入')],
        rows: named.map((r) => [r.tier, r.customers, r.customerShare, r.revenue, r.revenueShare, r.avgRecencyDays, r.avgFrequency, r.avgMonetary]),
      },
      chart: { type: 'bar' as const, title: t(lang, 'Share of customers and of revenue', '客户占比与收入占比'), data: { categories: named.map((r) => r.tier), series: [
        { name: t(lang, 'share of customers', '客户占比'), values: named.map((r) => r.customerShare) }, { name: t(lang, 'share of revenue', '收入占比'), values: named.map((r) => r.revenueShare) },
      ] } },
    };
  }
  const asked = slots.filter.rfm_tier ? result.tiers.find((r) => r.tier === slots.filter.rfm_tier) : undefined;
  if (asked) {
    return {
      ...base,
      answer: t(lang,
        `As of ${result.asOf}, the ${asked.tier} tier has ${n(asked.customers, 'count')} customers (${n(asked.customerShare, 'percent')} of ${n(result.customers, 'count')} scored customers) with revenue ${money(input, asked.revenue)} (${n(asked.revenueShare, 'percent')} of their revenue). ${method}`,
        `截至 ${result.asOf}，${asked.tier} 层级有 ${n(asked.customers, 'count')} 位客户（占 ${n(result.customers, 'count')} 位已评分客户的 ${n(asked.customerShare, 'percent')}），收入 ${money(input, asked.revenue)}（占 ${n(asked.revenueShare, 'percent')}）。${method}`),
    };
  }
  const ranked = [...result.tiers].filter((r) => r.customers > 0).sort((a, b) => b.customers - a.customers);
  const list = ranked.map((r) => `${r.tier} ${n(r.customers, 'count')} (${n(r.customerShare, 'percent')})`).join(t(lang, ', ', '，'));
  return {
    ...base,
    answer: t(lang,
      `RFM tiers as of ${result.asOf}, over ${n(result.customers, 'count')} customers with orders: ${list}. ${method}`,
      `截至 ${result.asOf} 的 RFM 分层（共 ${n(result.customers, 'count')} 位有订单客户）：${list}。${method}`),
  };
}


/** The day `months` calendar months before `day` (the month's last day when shorter: May 31 → Feb 28/29). */
export function monthsBefore(day: string, months: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const last = new Date(Date.UTC(y, m - 1 - months + 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, m - 1 - months, Math.min(d, last))).toISOString().slice(0, 10);
}

/**
 * Tier sizes today against an earlier day: the end of the period the question names ("compared to last quarter"),
 * else LOOK_BACK_MONTHS before today. Both days' numbers are stated (no computed difference: every number is a tool's).
 * Tiers are quintile-based, so with a growing customer base nearly every tier gains customers: which tiers grow or
 * shrink is read off their SHARE of the customers, listed by how much it rose (or fell, when the question asks which
 * are shrinking).
 */
async function tierMovement(input: HandlerInput): Promise<Draft> {
  const { lang, slots, caller, today } = input;
  // customers lost by tier in a named period (churnWords.ts lostByTier): the tiers at its start against its end (today
  // for a period to date); otherwise today against the end of the period named ("compared to last quarter"), and
  // "compared to last year" names no window (parse.ts sets yearAgo): a year back
  const within = slots.metric === 'lost_customers' && slots.time ? slots.time : undefined;
  const then = within ? addDays(within.from, -1)
    : slots.time && slots.time.to < today ? slots.time.to : monthsBefore(today, slots.yearAgo ? 12 : LOOK_BACK_MONTHS);
  const now = await caller.call<RfmResult>('rfm_analysis', within && within.to < today ? { asOf: within.to } : {});
  if (!now.result) return failure(lang, 'rfm_analysis', now.error);
  const past = await caller.call<RfmResult>('rfm_analysis', { asOf: then });
  if (!past.result) return failure(lang, 'rfm_analysis', past.error);
  const before = new Map(past.result.tiers.map((r) => [r.tier, r]));
  const rows = now.result.tiers.map((r) => ({ tier: r.tier, now: r, then: before.get(r.tier) ?? { ...r, customers: 0, customerShare: 0 } }));
  type Row = (typeof rows)[number];
  const [a, b] = [now.result.asOf, past.result.asOf];
  const figures = (x: Tier) => t(lang, `${n(x.customerShare, 'percent')}, ${n(x.customers, 'count')} customers`, `${n(x.customerShare, 'percent')}，${n(x.customers, 'count')} 位客户`);
  const was = (r: Row) => t(lang, `${r.tier} ${figures(r.now)} (${figures(r.then)} on ${b})`, `${r.tier} ${figures(r.now)}（${b}：${figures(r.then)}）`);
  const rise = (r: Row) => (Math.abs(r.now.customerShare - r.then.customerShare) < SAME_SHARE ? 0 : r.now.customerShare - r.then.customerShare);
  const asked = slots.filter.rfm_tier ? rows.find((r) => r.tier === slots.filter.rfm_tier) : undefined;
  let lead: string;
  if (asked) {
    const word = (d: number, en: [string, string], zh: [string, string]) => (d > 0 ? t(lang, en[0], zh[0]) : d < 0 ? t(lang, en[1], zh[1]) : t(lang, 'unchanged', '不变'));
    const share = word(rise(asked), ['grown', 'shrunk'], ['上升', '下降']);
    const count = word(asked.now.customers - asked.then.customers, ['more', 'fewer'], ['增加', '减少']);
    lead = t(lang,
      `The ${asked.tier} tier's share of customers has ${share === 'unchanged' ? 'not changed' : share} (${count === 'unchanged' ? 'the same number of' : count} customers): ${figures(asked.now)} as of ${a}, against ${figures(asked.then)} as of ${b}.`,
      `${asked.tier} 层级的客户占比${share}（人数${count}）：截至 ${a} 为 ${figures(asked.now)}，${b} 时为 ${figures(asked.then)}。`);
  } else {
    const sign = slots.change === 'down' ? -1 : 1;
    const ranked = [...rows].sort((x, y) => sign * (rise(y) - rise(x)) || x.tier.localeCompare(y.tier));
    const grew = ranked.filter((r) => rise(r) > 0).map(was);
    const shrank = ranked.filter((r) => rise(r) < 0).map(was);
    const same = ranked.filter((r) => rise(r) === 0).map((r) => r.tier);
    const parts = [
      grew.length ? t(lang, `Growing: ${grew.join('; ')}.`, `上升：${grew.join('；')}。`) : t(lang, 'No tier grew.', '没有层级上升。'),
      shrank.length ? t(lang, `Shrinking: ${shrank.join('; ')}.`, `下降：${shrank.join('；')}。`) : t(lang, 'No tier shrank.', '没有层级下降。'),
    ];
    if (slots.change === 'down') parts.reverse();
    if (same.length) parts.push(t(lang, `About the same: ${same.join(', ')}.`, `基本不变：${same.join('、')}。`));
    lead = t(lang,
      `RFM tiers by share of customers, as of ${a} against ${b} (largest ${slots.change === 'down' ? 'fall' : 'rise'} first). ${parts.join(' ')}`,
      `RFM 各层级的客户占比（截至 ${a}，对比 ${b}，${slots.change === 'down' ? '下降' : '上升'}最多的在前）。${parts.join('')}`);
  }
  // customers lost by tier: which tiers have fewer customers (in number, not only in share), said first
  let lostNote = '';
  if (slots.metric === 'lost_customers') {
    const fewer = [...rows].filter((r) => r.now.customers < r.then.customers).sort((x, y) => (x.now.customers - x.then.customers) - (y.now.customers - y.then.customers));
    const counts = (r: Row) => `${r.tier} ${n(r.then.customers, 'count')} → ${n(r.now.customers, 'count')}`;
    const inNumber = fewer.length
      ? t(lang, ` Tiers with fewer customers on ${a} than on ${b}: ${fewer.map(counts).join(', ')}.`, `${a} 比 ${b} 客户更少的层级：${fewer.map(counts).join('，')}。`)
      : t(lang, ` No tier has fewer customers on ${a} than on ${b}: "shrinking" above means a smaller share of a growing customer base.`, `没有层级在 ${a} 的客户数少于 ${b}：上文的“下降”指在增长的客户总数中占比变小。`);
    lostNote = inNumber + t(lang,
      ' Customers lost in a period are not split by tier (a tier is scored as of a day, after they left), so this compares the tiers on the two days.',
      '流失客户数无法按层级拆分（层级按某一天评分，那时他们已离开），因此这里比较两天的层级。');
  }
  const note = lostNote + t(lang,
    ' Tiers are quintile-based, so their shares move when customers gain or lose against everyone else; with a growing customer base most tiers gain customers.',
    '层级按五分位划分，客户相对于其他客户的变化会改变层级占比；客户总数增长时多数层级的人数都会增加。');
  return {
    ...receipt(now.result as unknown as Record<string, unknown>),
    kind: 'answer',
    answer: `${lead}${note}${t(lang, ' ', '')}${t(lang, ...METHOD)}`,
    table: {
      columns: [t(lang, 'tier', '层级'), t(lang, `customers ${b}`, `${b} 客户数`), t(lang, `share ${b}`, `${b} 占比`), t(lang, `customers ${a}`, `${a} 客户数`), t(lang, `share ${a}`, `${a} 占比`)],
      rows: rows.map((r) => [r.tier, r.then.customers, r.then.customerShare, r.now.customers, r.now.customerShare]),
    },
    chart: {
      type: 'bar', title: t(lang, 'Share of customers per RFM tier', '各 RFM 层级客户占比'),
      data: { categories: rows.map((r) => r.tier), series: [{ name: b, values: rows.map((r) => r.then.customerShare) }, { name: a, values: rows.map((r) => r.now.customerShare) }] },
    },
    followUps: FOLLOW_UPS.map(([en, zh]) => t(lang, en, zh)),
  };
}
