import { formatNumber as n } from '../../format.ts';
import { ANALYSIS_BY_ID, buildArgs } from '../../semantic/index.ts';
import { describeWindow } from '../time.ts';
import { failure, receipt, t, type Draft, type HandlerInput } from './common.ts';

/** What data is loaded (describe_data, already called once for this question) and the paths users take (journey_paths). */

interface Described {
  counts: { customers: number; orders: number; returns: number; events: number; feedback: number };
  ranges: { orders: { from: string | null; to: string | null } };
  dimensions: Record<'country' | 'channel' | 'category' | 'tag', { value: string; count: number }[]>;
}

export async function answerDescribe(input: HandlerInput): Promise<Draft> {
  const { lang, caller } = input;
  if (input.slots.identities) return answerIdentities(input);
  const earlier = caller.calls.find((c) => c.tool === 'describe_data' && c.result);
  const result = (earlier?.result ?? (await caller.call('describe_data', { maxValues: 200 })).result) as unknown as Described | null;
  if (!result) return failure(lang, 'describe_data', caller.calls.at(-1)?.error);
  const c = result.counts;
  const r = result.ranges.orders;
  const values = (key: 'country' | 'channel' | 'category') => {
    const list = result.dimensions[key];
    const shown = list.slice(0, 10).map((v) => v.value).join(t(lang, ', ', '、'));
    return list.length > 10 ? t(lang, `${shown} and ${n(list.length - 10, 'count')} more`, `${shown}等 ${n(list.length, 'count')} 个`) : shown || t(lang, 'none', '无');
  };
  // tags with how many customers hold each (a tag is asked with its name and the word tag: "customers tagged lapsed")
  const tags = result.dimensions.tag.map((v) => `${v.value} (${n(v.count, 'count')})`).join(t(lang, ', ', '、')) || t(lang, 'none', '无');
  const range = r.from && r.to ? t(lang, `, orders from ${r.from} to ${r.to}`, `，订单日期 ${r.from} 至 ${r.to}`) : '';
  return {
    ...receipt(result as unknown as Record<string, unknown>),
    kind: 'answer',
    answer: t(lang,
      `Loaded: ${n(c.customers, 'count')} customers, ${n(c.orders, 'count')} orders and ${n(c.returns, 'count')} returns${range}, ${n(c.events, 'count')} behaviour events and ${n(c.feedback, 'count')} feedback texts. Countries: ${values('country')}. Channels: ${values('channel')}. Categories: ${values('category')}. Customer tags (customers): ${tags}. You can ask about revenue, orders, customers, average order value, RFM tiers, churn risk, cohorts, the funnel, paths, segments and feedback.`,
      `已加载：${n(c.customers, 'count')} 位客户、${n(c.orders, 'count')} 笔订单和 ${n(c.returns, 'count')} 笔退货${range}，${n(c.events, 'count')} 条行为事件和 ${n(c.feedback, 'count')} 条反馈。国家：${values('country')}。渠道：${values('channel')}。品类：${values('category')}。客户标签（客户数）：${tags}。可以问收入、订单、客户、客单价、RFM 分层、流失风险、同期群、漏斗、路径、客群和反馈。`),
    table: { columns: [t(lang, 'what', '项目'), t(lang, 'rows', '行数')], rows: Object.entries(c).map(([k, v]) => [k, v]) },
    followUps: [t(lang, 'What was revenue last month?', '上个月收入是多少？'), t(lang, 'Revenue by country last quarter', '上季度各国家的收入')],
  };
}

interface IdentityResult {
  counts: { customers: number };
  identities: { sources: { source: string; customers: number }[]; customersInSeveralSources: number; withEmail: number; withPhone: number; merged: number; rejectedImportRows: number };
}

/** "How many customers are in more than one source system?": how the stored customer records were unified. */
async function answerIdentities(input: HandlerInput): Promise<Draft> {
  const { lang, caller } = input;
  const { result, error } = await caller.call<IdentityResult>('describe_data', { maxValues: 200, identities: true });
  if (!result) return failure(lang, 'describe_data', error);
  const id = result.identities;
  const sources = id.sources.map((s) => t(lang, `${s.source} (${n(s.customers, 'count')} customers)`, `${s.source}（${n(s.customers, 'count')} 位客户）`)).join(t(lang, ', ', '、'));
  const systems = id.sources.length
    // (the number of systems is not a number the tool returned: they are listed)
    ? id.sources.length === 1
      ? t(lang, `Customer ids come from one source system: ${sources}.`, `客户编号来自一个来源系统：${sources}。`)
      : t(lang, `Customer ids come from these source systems: ${sources}; ${n(id.customersInSeveralSources, 'count')} customers hold ids from more than one.`,
        `客户编号来自以下来源系统：${sources}；其中 ${n(id.customersInSeveralSources, 'count')} 位客户同时拥有多个系统的编号。`)
    : t(lang, 'No source system ids were imported (customers are known by email or phone only).', '没有导入来源系统的客户编号（客户仅以邮箱或手机号识别）。');
  return {
    ...receipt(result as unknown as Record<string, unknown>),
    kind: 'answer',
    answer: t(lang,
      `${n(result.counts.customers, 'count')} customers after identity resolution (records sharing an email, a phone number or a source system's id are one customer). ${systems} On file: an email for ${n(id.withEmail, 'count')}, a phone number for ${n(id.withPhone, 'count')}. Stored records later merged into another: ${n(id.merged, 'count')}. Import rows rejected (kept with the reason): ${n(id.rejectedImportRows, 'count')}.`,
      `身份识别后共 ${n(result.counts.customers, 'count')} 位客户（邮箱、手机号或某个来源系统编号相同的记录视为同一客户）。${systems}有邮箱的 ${n(id.withEmail, 'count')} 位，有手机号的 ${n(id.withPhone, 'count')} 位。导入后被合并到其他客户的记录：${n(id.merged, 'count')} 条。被拒绝的导入行（连同原因保存）：${n(id.rejectedImportRows, 'count')} 行。`),
    table: { columns: [t(lang, 'source system', '来源系统'), t(lang, 'customers', '客户数')], rows: id.sources.map((s) => [s.source, s.customers]) },
    followUps: [t(lang, 'What data is loaded?', '加载了哪些数据？'), t(lang, 'How many customers do we have?', '我们有多少客户？')],
  };
}

interface JourneyResult {
  users: number;
  usersWithoutPath: number;
  paths: { path: string[]; users: number; share: number }[];
  edges: { source: string; target: string; count: number }[];
  meta: { window: { from: string; to: string } | null; asOf: string; args: { target: string; churnDays: number } };
}

export async function answerJourney(input: HandlerInput): Promise<Draft> {
  const { lang, slots, caller } = input;
  const filled = slots.time ? { 'time.from': slots.time.from, 'time.to': slots.time.to < input.today ? slots.time.to : input.today } : {};
  const churn = slots.journey === 'churn';
  const args = { ...buildArgs(ANALYSIS_BY_ID.get('journey')!, filled), ...(churn ? { mode: 'churn' } : {}) };
  const { result, error } = await caller.call<JourneyResult>('journey_paths', args);
  if (!result) return failure(lang, 'journey_paths', error);
  const w = result.meta.window;
  const window = w ? describeWindow(w, slots.time, lang) : '';
  const target = result.meta.args.target;
  const top = result.paths.slice(0, 3).map((p) => `${p.path.join(' → ')} (${n(p.users, 'count')}, ${n(p.share, 'percent')})`).join(t(lang, '; ', '；'));
  const table = { columns: [t(lang, 'path', '路径'), t(lang, 'users', '用户数'), t(lang, 'share', '占比')], rows: result.paths.map((p) => [p.path.join(' → '), p.users, p.share]) };
  const links = result.edges.map((l) => ({ source: l.source, target: l.target, value: l.count }));
  if (churn) return churnPathsAnswer(input, result, window, top, table, links);
  return {
    ...receipt(result as unknown as Record<string, unknown>),
    kind: 'answer',
    answer: t(lang,
      `In ${window}, ${n(result.users, 'count')} users reached ${target}. The most common paths right before it (users, share): ${top || 'none'}. A path is the last distinct event types before the user's first ${target}.`,
      `${window}共有 ${n(result.users, 'count')} 位用户到达 ${target}。到达前最常见的路径（用户数、占比）：${top || '无'}。路径＝用户首次 ${target} 之前最近的几种不同事件类型。`),
    chart: { type: 'sankey', title: t(lang, `Paths to ${target}`, `到达 ${target} 的路径`), data: { series: [], links } },
    table,
    followUps: [t(lang, 'Show the conversion funnel last month', '上个月的转化漏斗'), t(lang, 'Which step of the funnel is worst?', '漏斗中哪一步最差？')],
  };
}

/** "What do customers do before they churn?": the last steps of customers without a recent order (mode churn). */
function churnPathsAnswer(input: HandlerInput, result: JourneyResult, window: string, top: string, table: Draft['table'], links: { source: string; target: string; value: number }[]): Draft {
  const { lang } = input;
  const days = n(result.meta.args.churnDays, 'count');
  const asOf = result.meta.asOf;
  return {
    ...receipt(result as unknown as Record<string, unknown>),
    kind: 'answer',
    answer: t(lang,
      `${n(result.users, 'count')} customers with no order in the ${days} days up to ${asOf} had behaviour events in ${window}. What they did last (customers, share): ${top || 'none'}. A path here is the last distinct event types up to the customer's last event in the window; customers with no events in it are not counted.`,
      `截至 ${asOf} 已有 ${days} 天未下单、且在${window}有行为事件的客户共 ${n(result.users, 'count')} 位。他们最后的行为路径（客户数、占比）：${top || '无'}。路径＝客户在该时间段内最后一个事件为止最近的几种不同事件类型；该时间段内没有事件的客户不计入。`),
    chart: { type: 'sankey', title: t(lang, 'Last steps of lapsed customers', '流失客户的最后路径'), data: { series: [], links } },
    table,
    followUps: [t(lang, 'Which customers are at risk of churning?', '哪些客户有流失风险？'), t(lang, 'Show the conversion funnel last month', '上个月的转化漏斗')],
  };
}
