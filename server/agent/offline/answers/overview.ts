import { formatNumber as n, formatRange } from '../../format.ts';
import { ANALYSIS_BY_ID, buildArgs, METRIC_BY_ID, type MetricId } from '../../semantic/index.ts';
import { askedLabel, describeRange, describeWindow, isToDate, parseTimeRange, previousRange, wholeMonths, type Grain, type TimeRange } from '../time.ts';
import { yearAgoWindow } from '../../../../tools/lib/kpi_common.ts';
import { chooseGrain } from './kpi.ts';
import { outsideLoadedOrders } from './kpiCompare.ts';
import { daysBetween } from '../../../../tools/lib/clock.ts';
import { isMissingTool } from '../calls.ts';
import { asOfFrom, capitalise, describeFilters, failure, metricValue, money, plural, receipt, t, toDateSentence, type Draft, type HandlerInput } from './common.ts';

/**
 * "How are we doing?", "最近怎么样？", "give me a summary of last quarter": the executive's first question, answered
 * with a snapshot instead of a question back. For the asked period (default: the last complete month) against the
 * period before: revenue, orders, customers who ordered, new customers and the churn rate (kpi_trend, one call per
 * metric), then who is at risk of churning now (churn_risk) and what feedback talks about most in the period
 * (feedback_themes). Each number is a tool's; a part whose tool fails is left out and said so, not guessed.
 */

interface Series {
  total: number;
  previous: { from: string; to: string; value: number; changePct: number | null };
  churn?: { rate: number; previousCustomers: number } | null;
}
interface KpiResult { grain: Grain; window: { from: string; to: string }; partialPeriods: string[]; overall: Series; note: string | null }
interface ChurnResult { asOf: string; counts: { customers: number; atRisk: number }; revenueAtStake: { atRisk: number } }
interface Theme { name: string; size: number; trend?: { direction?: string; periods?: { period: string; count: number }[] } }

/** The KPIs of the snapshot, in the order they are told. */
const KPIS: MetricId[] = ['revenue', 'orders', 'customers', 'new_customers'];
type Called<T> = { result: T | null; error?: { code: string; message: string } };

/** The asked period, or the last complete month before today (named as "last month" would be). */
export function overviewPeriod(time: TimeRange | undefined, lang: HandlerInput['lang'], today: string): TimeRange {
  return time ?? parseTimeRange(t(lang, 'last month', '上个月'), today)!;
}

export async function answerOverview(input: HandlerInput): Promise<Draft> {
  const { lang, caller, slots } = input;
  const time = overviewPeriod(slots.time, lang, input.today);
  const grain = chooseGrain({ ...input, slots: { ...slots, time } });
  const kpi = (metric: MetricId, extra: Record<string, unknown> = {}) => {
    const filled: Record<string, unknown> = { metric: METRIC_BY_ID.get(metric)!.toolMetric, grain, 'time.from': time.from, 'time.to': time.to };
    for (const [dim, value] of Object.entries(slots.filter)) filled[`filter.${dim}`] = value;
    return caller.call<KpiResult>('kpi_trend', { ...buildArgs(ANALYSIS_BY_ID.get('kpi')!, filled), ...extra });
  };
  // one after another: the calls share the question's connection, and the receipt lists them in the order told
  const first = await kpi(KPIS[0]!);
  if (!first.result) return failure(lang, 'kpi_trend', first.error);
  const window = first.result.window;
  // no orders at all in the period (before the data starts, say): said so, not an overview of zeros
  if (first.result.note) return nothingToSay(input, window, time);
  const kpis: Called<KpiResult>[] = [first];
  for (const metric of KPIS.slice(1)) kpis.push(await kpi(metric));
  // "compared to last year": the same KPIs against the same days a year earlier (compareWith year_ago: the change is
  // the tool's) (a year to date is compared with last year to the same date already: not told twice)
  const yearAgoDays = yearAgoWindow(window);
  const yearAgo = slots.yearAgo && first.result.overall.previous.from !== yearAgoDays.from ? yearAgoDays : null;
  const earlier: Called<KpiResult>[] = [];
  if (yearAgo) for (const metric of KPIS) earlier.push(await kpi(metric, { compareWith: 'year_ago' }));
  // a churn rate of days against the days before says little: from a week up
  const lost = daysBetween(window.from, window.to) >= 6 ? await kpi('lost_customers') : null;
  const filtered = describeFilters(slots.filter, lang) !== '';
  // churn risk and feedback themes are about all customers: asked only when the overview is
  const risk = filtered ? null : await caller.call<ChurnResult>('churn_risk', { ...withAsOf(input, time), limit: 1 });
  const themes = filtered ? null : await caller.call<{ themes?: Theme[]; rising?: { name: string }[] }>('feedback_themes', { limit: 60 });

  const periodName = describeWindow(window, time, lang);
  const before = first.result.overall.previous;
  const beforeTime = previousRange(time);
  const beforeName = describeWindow(before, beforeTime, lang);
  const names: Names = { period: shortName(window, time, lang), before: shortName(before, beforeTime, lang), beforeFrom: before.from };
  const kpiText = KPIS.map((metric, i) => kpiLine(input, metric, kpis[i]!)).filter(Boolean).join(lang === 'zh' ? '，' : ', ');
  const sentences = [
    kpiText ? t(lang, `${capitalise(periodName)}${scopeText(input)}, against ${beforeName}: ${kpiText}.`, `${periodName}${scopeText(input)}对比${beforeName}：${kpiText}。`) : '',
    yearAgo ? yearAgoSentence(input, kpis, earlier, yearAgo) : '',
    lost ? churnSentence(input, lost, names) : '',
    risk ? riskSentence(input, risk) : '',
    themes ? feedbackSentence(input, themes, window, names.period) : '',
  ];
  // a period to date ("this month", "Q4 2026 to date"); not a rolling window whose edges cut the grain's periods
  const partial = first.result.partialPeriods.length && isToDate(time) ? toDateSentence(lang, names.period, first.result.grain, window, first.result.overall.previous) : '';
  // a tool this server does not have (feedback themes) is no failure: that part is simply not part of the overview
  const parts: [Called<unknown> | null, string, string][] = [
    ...KPIS.map((metric, i): [Called<unknown>, string, string] => [kpis[i]!, METRIC_BY_ID.get(metric)!.names.en, METRIC_BY_ID.get(metric)!.names.zh]),
    ...earlier.map((call, i): [Called<unknown>, string, string] => [call, `${METRIC_BY_ID.get(KPIS[i]!)!.names.en} a year earlier`, `去年同期${METRIC_BY_ID.get(KPIS[i]!)!.names.zh}`]),
    [lost, 'churn rate', '流失率'], [risk, 'churn risk', '流失风险'],
    [themes && !isMissingTool(themes.error, 'feedback_themes') ? themes : null, 'feedback themes', '反馈主题'],
  ];
  const failed = parts.filter(([call]) => call && !call.result);
  const missing = failed.length
    ? t(lang, `Left out because its tool reported an error: ${failed.map(([, en]) => en).join(', ')}.`, `以下部分因工具报错而略去：${failed.map(([, , zh]) => zh).join('、')}。`)
    : '';
  const definitions = Object.assign({}, ...caller.calls.map((c) => receipt(c.result).definitions));
  return {
    kind: 'answer',
    answer: [...sentences, partial, missing].filter(Boolean).join(lang === 'zh' ? '' : ' '),
    ...chartAndTable(input, kpis, names),
    window,
    definitions,
    followUps: filtered
      ? [t(lang, `Revenue by month this year${scopeText(input)}`, `今年每月的收入${scopeText(input)}`), t(lang, 'Which customers are we about to lose?', '哪些客户快要流失了？')]
      : [t(lang, 'Revenue by country last month', '上个月各国家的收入'), t(lang, 'Which customers are we about to lose?', '哪些客户快要流失了？'), t(lang, 'What are customers complaining about?', '客户都在抱怨什么？')],
  };
}

/** No orders in the period: where the loaded orders are, instead of a row of zeros. */
function nothingToSay(input: HandlerInput, window: { from: string; to: string }, time: TimeRange): Draft {
  const name = describeWindow(window, time, input.lang);
  return {
    kind: 'answer',
    answer: t(input.lang, `No orders match ${name}${scopeText(input)}, so there is nothing to summarise.${outsideLoadedOrders(input, window)}`,
      `${name}${scopeText(input)}没有符合条件的订单，无可概括。${outsideLoadedOrders(input, window)}`),
    window,
    followUps: [t(input.lang, 'What data do you have?', '有哪些数据？')],
  };
}

/** churn_risk is a point in time: the end of the period (never after today). */
function withAsOf(input: HandlerInput, time: TimeRange): { asOf?: string } {
  const asOf = asOfFrom({ ...input.slots, time }, input.today);
  return asOf ? { asOf } : {};
}

/** A period by its name alone ("September 2026") when the window is exactly the named period, else its days. */
function shortName(w: { from: string; to: string }, named: TimeRange, lang: HandlerInput['lang']): string {
  return askedLabel(w, named)?.[lang] ?? formatRange(w, lang);
}

/** " (country Germany)" for a follow-up that named a group ("and in Germany?"), '' for the whole business. */
function scopeText(input: HandlerInput): string {
  const filters = describeFilters(input.slots.filter, input.lang);
  return filters ? t(input.lang, ` (${filters})`, `（${filters}）`) : '';
}

/** "revenue 123,456.78 USD (+5.2%)"; "none before" when the period before had none. */
function kpiLine(input: HandlerInput, metric: MetricId, call: Called<KpiResult>): string {
  if (!call.result) return '';
  const s = call.result.overall;
  const change = s.previous.changePct === null ? t(input.lang, 'none before', '此前为零') : n(s.previous.changePct, 'percent', { plus: true });
  const def = METRIC_BY_ID.get(metric)!;
  const named = `${def.names[input.lang]} ${metricValue(input, def.format, s.total)}`;
  return t(input.lang, `${named} (${change})`, `${named}（${change}）`);
}

/** Short names of the period and the one before (beforeFrom: its first day, to tell it from another call's). */
type Names = { period: string; before: string; beforeFrom: string };

/** "Churn rate 30.1%: 588 of the 1,953 customers who ordered in Q2 2026 did not order in Q3 2026." */
function churnSentence(input: HandlerInput, call: Called<KpiResult>, names: Names): string {
  const churn = call.result?.overall.churn;
  if (!call.result || !churn) return '';
  const lost = n(call.result.overall.total, 'count');
  // lost customers compare adjacent windows: a period to date's differs from the other KPIs' same days before
  const prev = call.result.overall.previous;
  const before = prev.from === names.beforeFrom ? names.before : describeRange({ ...prev, label: null }, input.lang);
  return t(input.lang,
    `Churn rate${scopeText(input)} ${n(churn.rate, 'percent')}: ${lost} of the ${n(churn.previousCustomers, 'count')} customers who ordered in ${before} did not order in ${names.period}.`,
    `流失率${scopeText(input)} ${n(churn.rate, 'percent')}：${before}下过单的 ${n(churn.previousCustomers, 'count')} 位客户中，有 ${lost} 位在${names.period}没有下单。`);
}

function riskSentence(input: HandlerInput, call: Called<ChurnResult>): string {
  const r = call.result;
  if (!r) return '';
  return t(input.lang,
    `As of ${r.asOf}, ${n(r.counts.atRisk, 'count')} of ${n(r.counts.customers, 'count')} customers are at risk of churning, with ${money(input, r.revenueAtStake.atRisk)} of revenue at stake.`,
    `截至 ${r.asOf}，${n(r.counts.customers, 'count')} 位客户中有 ${n(r.counts.atRisk, 'count')} 位存在流失风险，风险收入 ${money(input, r.revenueAtStake.atRisk)}。`);
}

/**
 * The theme with the most feedback in the period, by the themes' monthly counts over the months it covers (a period
 * within a month counts that month), and the themes flagged rising. A count is said only for one month: a sum over
 * months is not a number the tool returned.
 */
function feedbackSentence(input: HandlerInput, call: Called<{ themes?: Theme[]; rising?: { name: string }[] }>, window: { from: string; to: string }, period: string): string {
  const { lang } = input;
  const themes = call.result?.themes ?? [];
  if (!call.result || themes.length === 0) return '';
  const [fromMonth, toMonth] = [`${window.from.slice(0, 7)}-01`, `${window.to.slice(0, 7)}-01`];
  // the themes' monthly counts cover whole months before today (the tool's trend window): a period is counted from
  // them only when it is whole months inside that window, and rising (recent months against the ones before) is said
  // only of a period that ends with the window's last month
  const months = (themes[0]!.trend?.periods ?? []).map((p) => p.period);
  const whole = wholeMonths(window) && months.includes(fromMonth) && months.includes(toMonth);
  const rising = toMonth === months.at(-1) ? (call.result.rising ?? []).slice(0, 2).map((r) => r.name) : [];
  const risingText = rising.length ? t(lang, ` Rising themes in recent months: ${rising.join('; ')}.`, `近几个月上升的主题：${rising.join('；')}。`) : '';
  if (!whole) return risingText.trim();
  const inPeriod = (th: Theme) => (th.trend?.periods ?? []).filter((p) => p.period >= fromMonth && p.period <= toMonth).reduce((sum, p) => sum + p.count, 0);
  const top = themes.map((th) => ({ th, count: inPeriod(th) })).filter((x) => x.count > 0).sort((a, b) => b.count - a.count || a.th.name.localeCompare(b.th.name))[0];
  const oneMonth = fromMonth === toMonth;
  const lead = !top ? t(lang, `No feedback themes have feedback from ${period}.`, `${period}没有归入主题的反馈。`)
    : oneMonth ? t(lang, `Most talked-about feedback theme in ${period}: ${top.th.name} (${n(top.count, 'count')} ${plural(top.count, 'item', 'items')}).`, `${period}反馈最多的主题：${top.th.name}（${n(top.count, 'count')} 条）。`)
    : t(lang, `Most talked-about feedback theme in ${period}: ${top.th.name}.`, `${period}反馈最多的主题：${top.th.name}。`);
  return lead + risingText;
}

/** "A year earlier (2025-10-01 to 2025-10-31): revenue 500.00 USD, lower than now; …" — the year-ago call's values. */
function yearAgoSentence(input: HandlerInput, kpis: Called<KpiResult>[], earlier: Called<KpiResult>[], w: { from: string; to: string }): string {
  const { lang } = input;
  const parts = KPIS.flatMap((metric, i) => {
    const then = earlier[i]?.result?.overall.previous;
    if (!kpis[i]!.result || !then) return [];
    const def = METRIC_BY_ID.get(metric)!;
    const now = kpis[i]!.result!.overall.total;
    const word = now > then.value ? t(lang, 'now higher', '现在更高') : now < then.value ? t(lang, 'now lower', '现在更低') : t(lang, 'the same', '持平');
    const pct = then.changePct === null ? '' : t(lang, `, ${n(then.changePct, 'percent', { plus: true })}`, `，${n(then.changePct, 'percent', { plus: true })}`);
    return [t(lang, `${def.names.en} ${metricValue(input, def.format, then.value)} (${word}${pct})`, `${def.names.zh} ${metricValue(input, def.format, then.value)}（${word}${pct}）`)];
  });
  if (parts.length === 0) return '';
  const none = earlier.every((c) => c.result && c.result.overall.previous.value === 0);
  // (a year earlier than the loaded orders: said so, not "no orders")
  return none ? t(lang, `The same days a year earlier (${w.from} to ${w.to}) had no orders.`, `去年同期（${w.from} 至 ${w.to}）没有订单。`) + outsideLoadedOrders(input, w)
    : t(lang, `The same days a year earlier (${w.from} to ${w.to}): ${parts.join(', ')}.`, `去年同期（${w.from} 至 ${w.to}）：${parts.join('，')}。`);
}

/** The four KPIs side by side with the period before (table), and their changes as bars. */
function chartAndTable(input: HandlerInput, kpis: Called<KpiResult>[], names: Names): Pick<Draft, 'chart' | 'table'> {
  const { lang } = input;
  const shown = KPIS.map((metric, i) => ({ metric, s: kpis[i]!.result?.overall })).filter((x): x is { metric: MetricId; s: Series } => Boolean(x.s));
  const changed = shown.filter((x) => x.s.previous.changePct !== null);
  return {
    chart: {
      type: 'bar',
      title: t(lang, `Change against ${names.before}`, `相比${names.before}的变化`),
      data: { categories: changed.map((x) => METRIC_BY_ID.get(x.metric)!.names[lang]), series: [{ name: t(lang, 'change', '变化'), values: changed.map((x) => x.s.previous.changePct!) }] },
    },
    table: {
      columns: [t(lang, 'measure', '指标'), names.period, names.before, t(lang, 'change', '变化')],
      rows: shown.map((x) => [METRIC_BY_ID.get(x.metric)!.names[lang], x.s.total, x.s.previous.value, x.s.previous.changePct]),
    },
  };
}
