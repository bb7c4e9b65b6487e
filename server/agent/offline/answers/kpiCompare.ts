import { formatNumber } from '../../format.ts';
import { yearAgoWindow } from '../../../../tools/lib/kpi_common.ts';
import { describeRange } from '../time.ts';
import { describeFilters, t, type HandlerInput } from './common.ts';

/**
 * The sentences that put a kpi_trend value beside another: the loaded orders' range (outside the data, new vs
 * returning customers unknown), the same days a year earlier, and everyone's value beside a group's.
 */

/** What these sentences read of a kpi_trend result. */
interface KpiTotals {
  overall: { total: number; previous: { from: string; to: string; value: number; change: number; changePct: number | null } };
}
type OfAll = { total: number; share: number } | null;

/** The loaded orders' first and last day, from the question's describe_data call (null when unknown). */
export function loadedOrders(input: HandlerInput): { from: string | null; to: string | null } | null {
  const described = input.caller.calls.find((c) => c.tool === 'describe_data' && c.result)?.result as { ranges?: { orders?: { from: string | null; to: string | null } } } | undefined;
  return described?.ranges?.orders ?? null;
}

/**
 * When an empty window lies outside the loaded orders (e.g. "last month" on data that ended earlier), where the data
 * is. '' when the window overlaps the data (filters emptied it).
 */
export function outsideLoadedOrders(input: HandlerInput, window: { from: string; to: string }): string {
  const orders = loadedOrders(input);
  if (!orders?.from || !orders.to || (window.to >= orders.from && window.from <= orders.to)) return '';
  return t(input.lang, ` The loaded orders run from ${orders.from} to ${orders.to}.`, `已加载的订单日期为 ${orders.from} 至 ${orders.to}。`);
}

/**
 * New or returning customers (a filter, or the new_customers metric) in a previous period that starts on or before the
 * first loaded order: everyone in it looks new (no earlier orders are known), so it is not compared. null when the
 * comparison holds.
 */
export function customerTypeUnknown(input: HandlerInput, previous: { from: string; to: string }): string | null {
  const first = loadedOrders(input)?.from;
  if (!(input.slots.customerType || input.slots.metric === 'new_customers') || !first || previous.from > first) return null;
  const prev = describeRange({ ...previous, label: null }, input.lang);
  return t(input.lang,
    `No comparison with the previous period (${prev}): the orders start on ${first}, so nobody can be told apart as new or returning in it.`,
    `无法与上一周期（${prev}）比较：订单从 ${first} 开始，无法区分其中的新老客户。`);
}

/**
 * The same days a year earlier ("year over year", 同比): a second kpi_trend call with compareWith year_ago, whose
 * previous window is that one, so the change and its percentage are the tool's. Lost customers compare adjacent
 * windows only: there the year-ago window is read on its own and said beside this one (no difference computed).
 */
export async function yearAgoSentence(input: HandlerInput, args: Record<string, unknown>, fmt: (v: number) => string, fmtChange: (v: number) => string, now: number): Promise<string> {
  const { lang, caller } = input;
  if (!args.from || !args.to) return '';
  // the window kpi_trend compares with (compareWith year_ago), also where this reads it on its own
  const w = yearAgoWindow({ from: String(args.from), to: String(args.to) });
  if (args.metric === 'lost_customers') {
    const { result } = await caller.call<KpiTotals>('kpi_trend', { ...args, ...w });
    if (!result) return '';
    const then = result.overall.total;
    const word = now > then ? t(lang, 'higher than', '高于') : now < then ? t(lang, 'lower than', '低于') : t(lang, 'the same as', '等于');
    return t(lang, ` The same window a year earlier (${w.from} to ${w.to}) had ${fmt(then)}, so this period is ${word} a year ago.`, `去年同期（${w.from} 至 ${w.to}）为 ${fmt(then)}，本期${word}去年同期。`);
  }
  // a year earlier than the loaded orders: nothing to compare with; partly loaded, or new customers in it: not comparable
  const first = loadedOrders(input)?.from;
  if (first && w.from < first) {
    const why = w.to < first ? t(lang, 'they are before the loaded orders', '早于已加载的订单') : t(lang, 'the loaded orders start inside them', '已加载的订单从其中开始');
    return t(lang,
      ` No year-over-year comparison: the same days a year earlier (${w.from} to ${w.to}) are not comparable, as ${why} (first order ${first}).`,
      `无法同比：去年同期（${w.from} 至 ${w.to}）${why}（首笔订单 ${first}），不可比较。`);
  }
  if (first && w.from === first && (input.slots.customerType || args.metric === 'new_customers')) {
    return t(lang,
      ` No year-over-year comparison: the orders start on ${first}, so nobody can be told apart as new or returning in the same days a year earlier.`,
      `无法同比：订单从 ${first} 开始，去年同期无法区分新老客户。`);
  }
  const { result } = await caller.call<KpiTotals>('kpi_trend', { ...args, compareWith: 'year_ago' });
  if (!result) return '';
  const p = result.overall.previous;
  const pct = p.changePct === null ? '' : ` (${formatNumber(p.changePct, 'percent', { plus: true })})`;
  const direction = p.change > 0 ? t(lang, 'up', '增长') : p.change < 0 ? t(lang, 'down', '下降') : t(lang, 'unchanged', '持平');
  return t(lang,
    ` Year over year: the same days a year earlier (${p.from} to ${p.to}) had ${fmt(p.value)}, so ${direction}, a change of ${fmtChange(p.change)}${pct}.`,
    `同比：去年同期（${p.from} 至 ${p.to}）为 ${fmt(p.value)}，${direction}，变化 ${fmtChange(p.change)}${pct}。`);
}

/** The same metric over the same window for all orders (a second call without the customer group): what the group's part is of. */
export async function wholeWindowSentence(input: HandlerInput, args: Record<string, unknown>, fmt: (v: number) => string, ofAll: OfAll): Promise<string> {
  const { rfm_tier: _t, ...others } = input.slots.filter;
  const scope = describeFilters(others, input.lang);
  // a metric that adds up: the tool returned everyone's value and the group's share of it
  if (ofAll) {
    return t(input.lang,
      ` All orders in the same window${scope ? ` for ${scope}` : ''}, any customer or guest: ${fmt(ofAll.total)}, so this group's share is ${formatNumber(ofAll.share, 'percent')}.`,
      `同期${scope ? `（${scope}）` : ''}全部订单（任何客户及游客）为 ${fmt(ofAll.total)}，该群体占 ${formatNumber(ofAll.share, 'percent')}。`);
  }
  const { rfmTier: _tier, customerType: _type, tag: _tag, ...filters } = (args.filters ?? {}) as Record<string, unknown>;
  const { result } = await input.caller.call<KpiTotals>('kpi_trend', { ...args, filters });
  if (!result) return '';
  // a rate of customers (repeat rate, revenue per customer) is over identified customers only: guests are not in it
  if (args.metric === 'repeat_rate' || args.metric === 'revenue_per_customer') {
    return t(input.lang,
      ` All customers in the same window${scope ? ` for ${scope}` : ''}: ${fmt(result.overall.total)}.`,
      `同期${scope ? `（${scope}）` : ''}全部客户为 ${fmt(result.overall.total)}。`);
  }
  return t(input.lang,
    ` All orders in the same window${scope ? ` for ${scope}` : ''}, any customer or guest: ${fmt(result.overall.total)}.`,
    `同期${scope ? `（${scope}）` : ''}全部订单（任何客户及游客）为 ${fmt(result.overall.total)}。`);
}
