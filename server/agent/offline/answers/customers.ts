import { formatNumber as n } from '../../format.ts';
import { ANALYSIS_BY_ID, buildArgs } from '../../semantic/index.ts';
import { asOfFrom, describeFilters, describeRanges, failure, money, receipt, t, type Draft, type HandlerInput } from './common.ts';
import { answerIntervals } from './intervals.ts';

/** Answers about customers as a whole: churn risk and revenue at stake, segment size/profile (RFM: rfm.ts, CLV: clv.ts). */

/** churn_risk's default ratio threshold (days since the last order ÷ the customer's own gap). */
const AT_RISK_RATIO = 2;

interface ChurnResult {
  asOf: string;
  thresholds: { ratioThreshold: number; singleOrderDays: number | null; pAliveThreshold: number };
  counts: { customers: number; inactiveRepeat: number; inactiveSingleOrder: number; lowPAlive: number; atRisk: number };
  revenueAtStake: { atRisk: number };
  customers: { name: string | null; country: string | null; lastOrder: string; revenueAtStake: number }[];
  winBack: { definition: { orders: { min: number }; lastOrderTo: string }; size: number } | null;
}

export async function answerChurn(input: HandlerInput): Promise<Draft> {
  const { lang, slots, caller } = input;
  const asOf = asOfFrom(slots, input.today);
  const { filter, scope } = churnGroup(input);
  const { result, error } = await caller.call<ChurnResult>('churn_risk', { ...(asOf ? { asOf } : {}), limit: Math.max(10, slots.top ?? 0), ...(filter ? { filter } : {}) });
  if (!result) return failure(lang, 'churn_risk', error);
  const th = result.thresholds;
  const single = th.singleOrderDays === null ? '' : t(lang, `, one-order customers after ${n(th.singleOrderDays, 'count')} days without an order`, `，只下过一单的客户超过 ${n(th.singleOrderDays, 'count')} 天未下单`);
  const rule = t(lang,
    `At risk = days since the last order at least ${n(th.ratioThreshold, 'decimal')} times the customer's own average gap between order days${single}, or BG/NBD probability of being active below ${n(th.pAliveThreshold, 'decimal')}. Revenue at stake = each at-risk customer's average yearly revenue so far.`,
    `流失风险＝距上次下单天数至少为其平均下单间隔（按下单日计）的 ${n(th.ratioThreshold, 'decimal')} 倍${single}，或 BG/NBD 存活概率低于 ${n(th.pAliveThreshold, 'decimal')}。风险收入＝每位风险客户迄今的年均收入。`);
  const c = result.counts;
  // "which customers are we about to lose?": the ones with the most revenue at stake, by name (masked by role); as
  // many as asked ("the 10 customers most at risk")
  const top = result.customers.slice(0, slots.top ?? 3).map((r) => `${r.name ?? '?'}${r.country ? ` (${r.country})` : ''} ${money(input, r.revenueAtStake)}`);
  const named = top.length ? t(lang, ` Most revenue at stake: ${top.join('; ')}.`, `风险收入最高的客户：${top.join('；')}。`) : '';
  const winBack = slots.winBack ? winBackSentence(lang, result, th.ratioThreshold, scope) : '';
  return {
    ...receipt(result as unknown as Record<string, unknown>),
    kind: 'answer',
    answer: t(lang,
      `As of ${result.asOf}, ${n(c.atRisk, 'count')} of ${n(c.customers, 'count')} customers${scope.en} are at risk of churning, with ${money(input, result.revenueAtStake.atRisk)} of revenue at stake (inactive repeat customers: ${n(c.inactiveRepeat, 'count')}; inactive one-order customers: ${n(c.inactiveSingleOrder, 'count')}; low probability of being active: ${n(c.lowPAlive, 'count')}).${named}${winBack} ${rule}`,
      `截至 ${result.asOf}，${scope.zh}${n(c.customers, 'count')} 位客户中有 ${n(c.atRisk, 'count')} 位存在流失风险，风险收入 ${money(input, result.revenueAtStake.atRisk)}（不活跃的复购客户 ${n(c.inactiveRepeat, 'count')} 位；不活跃的单次购买客户 ${n(c.inactiveSingleOrder, 'count')} 位；存活概率低 ${n(c.lowPAlive, 'count')} 位）。${named}${winBack}${rule}`),
    chart: { type: 'bar', title: t(lang, 'Customers flagged per rule', '各规则标记的客户数'), data: { categories: [t(lang, 'inactive repeat', '不活跃复购'), t(lang, 'inactive one-order', '不活跃单次'), t(lang, 'low P(alive)', '低存活概率'), t(lang, 'at risk', '风险客户')], series: [{ name: t(lang, 'customers', '客户数'), values: [c.inactiveRepeat, c.inactiveSingleOrder, c.lowPAlive, c.atRisk] }] } },
    table: { columns: [t(lang, 'customer', '客户'), t(lang, 'country', '国家'), t(lang, 'last order', '最近下单'), t(lang, 'revenue at stake', '风险收入')], rows: result.customers.map((r) => [r.name, r.country, r.lastOrder, r.revenueAtStake]) },
    followUps: [t(lang, 'What are the RFM tier sizes?', 'RFM 各层级有多少客户？'), t(lang, 'Profile the At Risk tier', 'At Risk 层级的客户画像'), t(lang, 'Cohort retention for the last 12 months', '最近12个月的同期群留存')],
  };
}

/**
 * "the 5 customers most at risk in Germany": churn_risk judges only the group's customers (country; a channel or a
 * category as the customers' main one), against the whole shop's thresholds.
 */
function churnGroup({ slots, lang }: HandlerInput): { filter: Record<string, string> | null; scope: { en: string; zh: string } } {
  const { country, channel, category } = slots.filter;
  const filter = { ...(country ? { country } : {}), ...(channel ? { mainChannel: channel } : {}), ...(category ? { mainCategory: category } : {}) };
  if (!Object.keys(filter).length) return { filter: null, scope: { en: '', zh: '' } };
  const en = [country && `in ${country}`, channel && `whose main channel is ${channel}`, category && `whose main category is ${category}`].filter(Boolean).join(' and ');
  const zh = [country && `${country}`, channel && `主要渠道为 ${channel}`, category && `主要品类为 ${category}`].filter(Boolean).join('、');
  return { filter, scope: { en: ` ${en}`, zh: lang === 'zh' ? `${zh}的` : '' } };
}

/** churn_risk's suggested win-back segment (repeat customers quiet for about ratio × the median repeat gap), when asked how to act. */
function winBackSentence(lang: HandlerInput['lang'], result: ChurnResult, ratio: number, scope: { en: string; zh: string }): string {
  const w = result.winBack;
  if (!w) return t(lang, ' No win-back segment can be suggested: there are no repeat customers to measure a usual gap on.', '无法建议召回客群：没有复购客户可用来衡量通常的下单间隔。');
  const min = w.definition.orders.min;
  return t(lang,
    ` Suggested win-back segment: the ${n(w.size, 'count')} customers${scope.en} with ${n(min, 'count')}+ orders and no order after ${w.definition.lastOrderTo} (quiet for about ${n(ratio, 'decimal')} × the median gap between repeat customers' orders).`,
    `建议的召回客群：${scope.zh}下单 ${n(min, 'count')} 次及以上、${w.definition.lastOrderTo} 之后未再下单的 ${n(w.size, 'count')} 位客户（沉默时长约为复购客户下单间隔中位数的 ${n(ratio, 'decimal')} 倍）。`);
}

interface Profile {
  customers: number; customersWithOrders: number; segmentShare: number; revenue: number; revenueShare: number;
  sample: { name: string | null; country: string | null; revenue: number; lastOrder: string; recencyDays: number }[];
  persona: {
    countries: { value: string | null; share: number }[]; mainChannels: { value: string | null; share: number }[];
    mainCategories: { value: string | null; share: number }[]; aov: { group: number | null }; frequency: { group: number | null };
  };
}

export async function answerSegment(input: HandlerInput): Promise<Draft> {
  const { lang, slots, caller } = input;
  const asOf = asOfFrom(slots, input.today);
  const filled: Record<string, unknown> = { 'time.to': asOf };
  for (const [dim, value] of Object.entries(slots.filter)) filled[`filter.${dim}`] = value;
  Object.assign(filled, { 'range.revenue': slots.ranges?.revenue, 'range.orders': slots.ranges?.orders, 'range.recencyDays': slots.ranges?.recencyDays });
  const built = buildArgs(ANALYSIS_BY_ID.get('segment')!, filled);
  // at risk = churn_risk's inactivity rule as a segment filter (the "overdue" tag's rule)
  if (slots.atRisk) built.filter = { ...(built.filter as object), churnRisk: { minInactivityRatio: AT_RISK_RATIO } };
  if (slots.tag) built.filter = { ...(built.filter as object), tags: [slots.tag] };
  // "top 10% of customers" = percentile ≥ 0.9 of all customers with orders; "bottom 50%" = percentile < 0.5
  const share = slots.topShare;
  if (share) {
    const bound = share.side === 'top' ? { min: Math.round((1 - share.share) * 1e6) / 1e6 } : { max: share.share };
    built.filter = { ...(built.filter as object), percentile: { metric: share.metric, ...bound } };
  }
  if (slots.intervals) return answerIntervals(input, built);
  const args = { ...built, mode: 'profile', sample: slots.topCustomers ?? 5 };
  const { result, error } = await caller.call<{ profile: Profile; meta: { asOf: string } }>('customer_segments', args);
  if (!result) return failure(lang, 'customer_segments', error);
  const p = result.profile;
  if (slots.topCustomers) return topCustomersAnswer(input, result, slots.topCustomers);
  if (share) return topShareAnswer(input, result, share);
  const bounds = describeRanges(slots, lang);
  // customers picked by their silence: who they are matters more than the persona (names and revenue, masked by role)
  const listed = Boolean(slots.atRisk || slots.ranges?.recencyDays);
  const risk = slots.atRisk ? t(lang, `at risk of churning (days since the last order at least ${AT_RISK_RATIO} times their own average gap between order days)`, `有流失风险（距上次下单天数至少为其平均下单间隔的 ${AT_RISK_RATIO} 倍）`) : '';
  const tagged = slots.tag ? t(lang, `tagged ${slots.tag}`, `带“${slots.tag}”标签`) : '';
  const who = [describeFilters(slots.filter, lang), ...bounds, risk, tagged].filter(Boolean).join(t(lang, ', ', '、')) || t(lang, 'all customers with orders', '所有有订单的客户');
  const top = (list: { value: string | null; share: number }[]) => list.slice(0, 3).map((v) => `${v.value ?? '?'} ${n(v.share, 'percent')}`).join(t(lang, ', ', '、'));
  const persona = t(lang,
    ` Top countries: ${top(p.persona.countries)}; main channels: ${top(p.persona.mainChannels)}; main categories: ${top(p.persona.mainCategories)}; average order value ${p.persona.aov.group === null ? 'n/a' : money(input, p.persona.aov.group)}, orders per customer ${p.persona.frequency.group === null ? 'n/a' : n(p.persona.frequency.group, 'decimal')}.`,
    `主要国家：${top(p.persona.countries)}；主要渠道：${top(p.persona.mainChannels)}；主要品类：${top(p.persona.mainCategories)}；客单价 ${p.persona.aov.group === null ? '无' : money(input, p.persona.aov.group)}，人均订单 ${p.persona.frequency.group === null ? '无' : n(p.persona.frequency.group, 'decimal')}。`);
  const top3 = p.sample.slice(0, 3).map((m) => `${m.name ?? '?'} (${money(input, m.revenue)}, ${t(lang, 'last order', '最近下单')} ${m.lastOrder})`);
  const members = listed && top3.length ? t(lang, ` Highest revenue among them: ${top3.join('; ')}.`, `其中收入最高：${top3.join('；')}。`) : '';
  return {
    ...receipt(result as unknown as Record<string, unknown>),
    kind: 'answer',
    answer: t(lang,
      `As of ${result.meta.asOf}, the segment (${who}) has ${n(p.customers, 'count')} customers, ${n(p.segmentShare, 'percent')} of the ${n(p.customersWithOrders, 'count')} customers with orders, and revenue ${money(input, p.revenue)} (${n(p.revenueShare, 'percent')} of identified customers' revenue, all time up to that day).${members}${persona}`,
      `截至 ${result.meta.asOf}，该客群（${who}）有 ${n(p.customers, 'count')} 位客户，占 ${n(p.customersWithOrders, 'count')} 位有订单客户的 ${n(p.segmentShare, 'percent')}，累计收入 ${money(input, p.revenue)}（占已识别客户收入的 ${n(p.revenueShare, 'percent')}）。${members}${persona}`),
    table: listed
      ? membersTable(lang, p.sample)
      : { columns: [t(lang, 'country', '国家'), t(lang, 'share', '占比')], rows: p.persona.countries.map((c) => [c.value, c.share]) },
    followUps: [t(lang, 'What are the RFM tier sizes?', 'RFM 各层级有多少客户？'), t(lang, 'Which customers are at risk of churning?', '哪些客户有流失风险？')],
  };
}

/** The segment's members with the highest revenue, ranked ("who are our top 10 customers?"). */
function topCustomersAnswer(input: HandlerInput, result: { profile: Profile; meta: { asOf: string } }, asked: number): Draft {
  const { lang } = input;
  const p = result.profile;
  const who = describeFilters(input.slots.filter, lang);
  // in revenue order, unnumbered (ordinals inside a sentence would read as numbers to the grounding check)
  const ranked = p.sample.map((m) => `${m.name ?? '?'}${m.country ? ` (${m.country})` : ''} ${money(input, m.revenue)}`);
  const scope = who ? t(lang, ` among ${who}`, `（${who}）`) : '';
  const fewer = p.sample.length < asked ? t(lang, ` (only ${n(p.sample.length, 'count')} customers match)`, `（只有 ${n(p.sample.length, 'count')} 位客户符合）`) : '';
  return {
    ...receipt(result as unknown as Record<string, unknown>),
    kind: 'answer',
    answer: t(lang,
      `Top ${n(p.sample.length, 'count')} customers by revenue${scope}, all time up to ${result.meta.asOf}${fewer}: ${ranked.join('; ')}. Together ${n(p.customers, 'count')} customers${who ? ' in the segment' : ' with orders'} brought in ${money(input, p.revenue)}.`,
      `截至 ${result.meta.asOf}，累计收入最高的 ${n(p.sample.length, 'count')} 位客户${scope}${fewer}：${ranked.join('；')}。${who ? '该客群' : '有订单的'} ${n(p.customers, 'count')} 位客户累计收入 ${money(input, p.revenue)}。`),
    table: membersTable(lang, p.sample),
    followUps: [t(lang, 'Which customers are at risk of churning?', '哪些客户有流失风险？'), t(lang, 'What are the RFM tier sizes?', 'RFM 各层级有多少客户？')],
  };
}

/**
 * The customers in a top or bottom share by revenue or orders and the revenue they bring ("what share of revenue comes
 * from our top 10% of customers?"): the revenue share leads, the customer count says how many the share holds (ties
 * at the boundary are all in or all out, so it can differ from the share asked for).
 */
function topShareAnswer(input: HandlerInput, result: { profile: Profile; meta: { asOf: string } }, share: NonNullable<HandlerInput['slots']['topShare']>): Draft {
  const { lang } = input;
  const p = result.profile;
  const pct = `${Math.round(share.share * 1000) / 10}%`;
  const scope = describeFilters(input.slots.filter, lang);
  // the percentile ranks among all customers with orders; a filter keeps those of them it matches
  const ranked = t(lang, `the ${share.side} ${pct} of customers by ${share.metric === 'orders' ? 'order count' : 'revenue'}`,
    `按${share.metric === 'orders' ? '订单数' : '累计收入'}排名${share.side === 'top' ? '前' : '后'} ${pct} 的客户`);
  const group = scope ? t(lang, `customers in ${scope} among ${ranked} overall`, `全部客户中${ranked}里属于${scope}的客户`) : ranked;
  const persona = p.persona.aov.group === null ? '' : t(lang,
    ` Their average order value is ${money(input, p.persona.aov.group)} and they placed ${n(p.persona.frequency.group ?? 0, 'decimal')} orders each on average.`,
    `他们的客单价为 ${money(input, p.persona.aov.group)}，人均 ${n(p.persona.frequency.group ?? 0, 'decimal')} 单。`);
  // a named period only moves the as-of day: the rank is by revenue (or orders) up to it, not within the period
  const label = input.slots.time ? input.slots.time.label?.[lang] ?? `${input.slots.time.from} – ${input.slots.time.to}` : '';
  const period = label ? t(lang, ` Customers are ranked by everything up to ${result.meta.asOf}, not by ${label} alone.`, `按截至 ${result.meta.asOf} 的累计数据排名，而非仅${label}。`) : '';
  return {
    ...receipt(result as unknown as Record<string, unknown>),
    kind: 'answer',
    answer: t(lang,
      `As of ${result.meta.asOf}, ${group} — ${n(p.customers, 'count')} of ${n(p.customersWithOrders, 'count')} customers with orders (${n(p.segmentShare, 'percent')}) — brought in ${money(input, p.revenue)}, ${n(p.revenueShare, 'percent')} of identified customers' revenue (all time up to that day).${period}${persona}`,
      `截至 ${result.meta.asOf}，${group}（${n(p.customersWithOrders, 'count')} 位有订单客户中的 ${n(p.customers, 'count')} 位，占 ${n(p.segmentShare, 'percent')}）累计贡献收入 ${money(input, p.revenue)}，占已识别客户收入的 ${n(p.revenueShare, 'percent')}。${period}${persona}`),
    table: membersTable(lang, p.sample),
    followUps: [t(lang, 'Who are our top 10 customers?', '消费最多的前10位客户是谁？'), t(lang, 'What are the RFM tier sizes?', 'RFM 各层级有多少客户？')],
  };
}

/** Profile members as a table: name, country, revenue, last order, days since. */
function membersTable(lang: HandlerInput['lang'], sample: Profile['sample']): NonNullable<Draft['table']> {
  return {
    columns: [t(lang, 'customer', '客户'), t(lang, 'country', '国家'), t(lang, 'revenue', '收入'), t(lang, 'last order', '最近下单'), t(lang, 'days since', '距今天数')],
    rows: sample.map((m) => [m.name, m.country, m.revenue, m.lastOrder, m.recencyDays]),
  };
}
