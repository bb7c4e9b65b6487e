import { formatMonth, formatNumber as n } from '../../format.ts';
import { ANALYSIS_BY_ID, buildArgs } from '../../semantic/index.ts';
import { describeWindow } from '../time.ts';
import { compareCohorts } from './cohortCompare.ts';
import { KEY_MONTHS, keyMonthColumns, keyMonthRates } from './cohortWords.ts';
import { capitalise, describeFilters, failure, receipt, t, type Draft, type HandlerInput } from './common.ts';

/** Answers about behaviour over time: cohort retention and the conversion funnel. */

interface Cell { month: number; customers: number; rate: number; partial: boolean }
interface CohortResult {
  cohorts: { cohort: string; size: number; cells: Cell[] }[];
  average: { month: number; cohorts: number; size: number; rate: number }[];
  comparison: { month: number; best: { cohort: string; value: number } | null; worst: { cohort: string; value: number } | null } | null;
}


export async function answerCohort(input: HandlerInput): Promise<Draft> {
  const { lang, slots, caller } = input;
  const filled: Record<string, unknown> = {};
  if (slots.time) Object.assign(filled, { 'time.fromMonth': slots.time.from.slice(0, 7), 'time.toMonth': slots.time.to.slice(0, 7) });
  for (const [dim, value] of Object.entries(slots.filter)) filled[`filter.${dim}`] = value;
  // several countries or channels compared ("app vs web", "各渠道的留存率对比"): each one's cohorts side by side
  const dim = slots.groupBy === 'country' || slots.groupBy === 'channel' ? slots.groupBy : null;
  const compared = dim && (slots.versus ?? input.values[dim]);
  if (dim && compared && compared.length > 1) return compareCohorts(input, dim, compared, filled);
  const args = buildArgs(ANALYSIS_BY_ID.get('cohort')!, filled);
  const { result, error } = await caller.call<CohortResult>('cohort_retention', args);
  if (!result) return failure(lang, 'cohort_retention', error);
  const definition = t(lang, 'Retention = cohort members (customers by month of first order) who ordered in month k after their first ÷ cohort size.', '留存率＝在首单后第 k 个月下单的同期群成员（按首单月份分组的客户）÷ 同期群人数。');
  const scope = describeFilters(slots.filter, lang);
  const base = { ...receipt(result as unknown as Record<string, unknown>), kind: 'answer' as const, followUps: [t(lang, 'Which customers are at risk of churning?', '哪些客户有流失风险？'), t(lang, 'New customers by month', '每月新客户数')] };
  if (result.cohorts.length === 0) {
    return { ...base, answer: t(lang, `No customers had their first order in the cohort months asked for${scope ? ` (${scope})` : ''}. ${definition}`, `所问月份${scope ? `（${scope}）` : ''}没有首次下单的客户。${definition}`) };
  }
  const cellText = (cells: Cell[]) => keyMonthRates(cells, lang);
  if (result.cohorts.length === 1) {
    const c = result.cohorts[0]!;
    const retained = cellText(c.cells);
    const average = await averageBeside(input, filled, c);
    return {
      ...base,
      answer: t(lang,
        `The ${formatMonth(c.cohort, 'en')} cohort${scope ? ` (${scope})` : ''} has ${n(c.size, 'count')} customers (first order in that month). Retention: ${retained || 'no later month has begun yet'}.${average} ${definition}`,
        `${formatMonth(c.cohort, 'zh')}同期群${scope ? `（${scope}）` : ''}共 ${n(c.size, 'count')} 位客户（当月首次下单）。留存：${retained || '尚无后续月份'}。${average}${definition}`),
      chart: { type: 'line', title: t(lang, `Retention of the ${c.cohort} cohort`, `${c.cohort} 同期群留存`), data: { categories: c.cells.map((x) => String(x.month)), series: [{ name: c.cohort, values: c.cells.map((x) => x.rate) }] } },
      table: { columns: [t(lang, 'month', '月份'), t(lang, 'customers', '客户数'), t(lang, 'retention', '留存率')], rows: c.cells.map((x) => [x.month, x.customers, x.rate]) },
    };
  }
  const first = result.cohorts[0]!.cohort;
  const last = result.cohorts.at(-1)!.cohort;
  const avg = keyMonthRates(result.average, lang);
  const cmp = result.comparison;
  const bestWorst = cmp?.best && cmp.worst
    ? t(lang, ` At month ${cmp.month}, the best cohort was ${cmp.best.cohort} (${n(cmp.best.value, 'percent')}) and the weakest ${cmp.worst.cohort} (${n(cmp.worst.value, 'percent')}).`, `第${cmp.month}个月留存最好的是 ${cmp.best.cohort}（${n(cmp.best.value, 'percent')}），最差的是 ${cmp.worst.cohort}（${n(cmp.worst.value, 'percent')}）。`)
    : '';
  return {
    ...base,
    answer: t(lang,
      `Cohorts ${first} to ${last}${scope ? ` (${scope})` : ''}: ${n(result.cohorts.length, 'count')} cohorts; average retention weighted by cohort size, ${avg || 'no complete month yet'}.${bestWorst} ${definition}`,
      `${first} 至 ${last} 的同期群${scope ? `（${scope}）` : ''}：共 ${n(result.cohorts.length, 'count')} 个；按人数加权的平均留存：${avg || '尚无完整月份'}。${bestWorst}${definition}`),
    chart: { type: 'heatmap', title: t(lang, 'Cohort retention', '同期群留存'), data: { categories: result.cohorts.map((c) => c.cohort), series: result.cohorts.map((c) => ({ name: c.cohort, values: c.cells.map((x) => x.rate) })) } },
    table: { columns: [t(lang, 'cohort', '同期群'), t(lang, 'size', '人数'), ...keyMonthColumns(lang)], rows: result.cohorts.map((c) => [c.cohort, c.size, ...KEY_MONTHS.map((m) => c.cells.find((x) => x.month === m)?.rate ?? null)]) },
  };
}

interface Step { step: number; type: string; users: number; stepConversion: number | null; overallConversion: number | null }
interface DropOff { from: string; to: string; lost: number; stepConversion: number }
interface FunnelResult { steps: Step[]; biggestDropOff: DropOff | null; splits: { value: string; steps: Step[]; biggestDropOff: DropOff | null }[] | null; meta: { window: { from: string; to: string } | null } }

export async function answerFunnel(input: HandlerInput): Promise<Draft> {
  const { lang, slots, caller } = input;
  // The funnel tool has no filters: a channel or country in the question becomes a split, and the answer reads that
  // value's funnel (never the overall one in its place).
  const only = slots.filter.channel !== undefined ? { dim: 'channel', value: slots.filter.channel } : slots.filter.country !== undefined ? { dim: 'country', value: slots.filter.country } : null;
  // Named steps ("checkout to purchase") are the funnel: users enter at their first checkout (docs/demo-data.md).
  const filled: Record<string, unknown> = { groupBy: only?.dim ?? slots.groupBy, steps: slots.steps };
  if (slots.time) Object.assign(filled, { 'time.from': slots.time.from, 'time.to': slots.time.to < input.today ? slots.time.to : input.today });
  const { result: raw, error } = await caller.call<FunnelResult>('funnel_analysis', buildArgs(ANALYSIS_BY_ID.get('funnel')!, filled));
  if (!raw) return failure(lang, 'funnel_analysis', error);
  const split = only ? raw.splits?.find((s) => s.value.toLowerCase() === only.value.toLowerCase()) : undefined;
  const result = split ? { ...raw, steps: split.steps, biggestDropOff: split.biggestDropOff, splits: null } : only ? { ...raw, steps: raw.steps.map((s) => ({ ...s, users: 0 })), splits: null } : raw;
  const who = only ? t(lang, ` (${only.dim} ${only.value})`, `（${only.dim === 'channel' ? '渠道' : '国家'} ${only.value}）`) : '';
  const w = result.meta.window;
  const window = w ? describeWindow(w, slots.time, lang) : '';
  const definition = t(lang, 'Conversion = users who reached a step ÷ users who reached the previous step, in order, within the conversion window of their first step.', '转化率＝到达某一步的用户 ÷ 到达上一步的用户（按顺序，且在首步后的转化窗口内）。');
  const first = result.steps[0]!;
  const last = result.steps.at(-1)!;
  const base = { ...receipt(result as unknown as Record<string, unknown>), kind: 'answer' as const, followUps: [t(lang, 'Break the funnel down by channel', '按渠道拆分漏斗'), t(lang, 'What are customers complaining about this month?', '本月客户主要在抱怨什么？')] };
  if (first.users === 0) return { ...base, answer: t(lang, `No users started the funnel${who} in ${window}. ${definition}`, `${window}${who}没有用户进入漏斗。${definition}`) };
  const worst = result.biggestDropOff;
  const worstText = worst
    ? t(lang, ` The worst step is ${worst.from} → ${worst.to}: ${n(worst.stepConversion, 'percent')} converted and ${n(worst.lost, 'count')} users were lost.`, `最差的一步是 ${worst.from} → ${worst.to}：转化率 ${n(worst.stepConversion, 'percent')}，流失 ${n(worst.lost, 'count')} 位用户。`)
    : '';
  const steps = result.steps.slice(1).map((s) => `${s.type} ${n(s.stepConversion ?? 0, 'percent')}`).join(t(lang, ', ', '，'));
  const rate = (steps: Step[]) => steps.at(-1)!.overallConversion;
  const what = slots.steps ? t(lang, `${first.type} → ${last.type} conversion`, `${first.type} → ${last.type} 转化率`) : t(lang, 'overall conversion', '总转化率');
  const byValue = (result.splits ?? []).filter((s) => s.steps[0]!.users > 0 && rate(s.steps) !== null);
  const splits = byValue.slice(0, 6).map((s) => `${s.value} ${n(rate(s.steps)!, 'percent')}`).join(t(lang, '; ', '；'));
  const ranked = [...byValue].sort((a, b) => rate(a.steps)! - rate(b.steps)!);
  const pick = slots.superlative === 'max' ? ranked.at(-1) : ranked[0];
  const lead = slots.superlative && pick
    ? t(lang, ` ${pick.value} has the ${pick === ranked[0] ? 'lowest' : 'highest'} ${what}: ${n(rate(pick.steps)!, 'percent')}.`, ` ${what}${pick === ranked[0] ? '最低' : '最高'}的是 ${pick.value}：${n(rate(pick.steps)!, 'percent')}。`)
    : '';
  const splitText = splits ? t(lang, ` ${capitalise(what)} by ${slots.groupBy}: ${splits}.${lead}`, ` 按${slots.groupBy === 'channel' ? '渠道' : slots.groupBy === 'country' ? '国家' : '月份'}的${what}：${splits}。${lead}`) : '';
  return {
    ...base,
    answer: t(lang,
      `Funnel ${result.steps.map((s) => s.type).join(' → ')}${who} in ${window}: ${n(first.users, 'count')} users entered and ${n(last.users, 'count')} reached ${last.type} (overall conversion ${n(last.overallConversion ?? 0, 'percent')}). Step conversion: ${steps}.${worstText}${splitText} ${definition}`,
      `${window}${who}的漏斗 ${result.steps.map((s) => s.type).join(' → ')}：${n(first.users, 'count')} 位用户进入，${n(last.users, 'count')} 位到达 ${last.type}（总转化率 ${n(last.overallConversion ?? 0, 'percent')}）。各步转化率：${steps}。${worstText}${splitText}${definition}`),
    chart: { type: 'funnel', title: t(lang, 'Conversion funnel', '转化漏斗'), data: { categories: result.steps.map((s) => s.type), series: [{ name: t(lang, 'users', '用户数'), values: result.steps.map((s) => s.users) }] } },
    table: { columns: [t(lang, 'step', '步骤'), t(lang, 'users', '用户数'), t(lang, 'step conversion', '步骤转化率'), t(lang, 'overall conversion', '总转化率')], rows: result.steps.map((s) => [s.type, s.users, s.stepConversion, s.overallConversion]) },
  };
}

/**
 * One cohort asked for ("the January 2026 cohort"): beside it, the average of the default cohorts (the 12 months before
 * today's, same filters) at the months the cohort has complete, and whether the cohort is above or below it.
 */
async function averageBeside(input: HandlerInput, filled: Record<string, unknown>, cohort: CohortResult['cohorts'][number]): Promise<string> {
  const { lang, caller } = input;
  const { 'time.fromMonth': _from, 'time.toMonth': _to, ...filters } = filled;
  const { result } = await caller.call<CohortResult & { meta: { args: { from: string; to: string } } }>('cohort_retention', buildArgs(ANALYSIS_BY_ID.get('cohort')!, filters));
  if (!result || result.average.length === 0) return '';
  const pairs = cohort.cells.filter((c) => KEY_MONTHS.includes(c.month) && !c.partial)
    .flatMap((c) => { const a = result.average.find((x) => x.month === c.month); return a ? [{ month: c.month, own: c.rate, avg: a.rate }] : []; });
  if (pairs.length === 0) return '';
  const { from, to } = result.meta.args;
  const list = keyMonthRates(pairs.map((p) => ({ month: p.month, rate: p.avg })), lang);
  const last = pairs.at(-1)!;
  const verdict = last.own > last.avg ? t(lang, 'above', '高于') : last.own < last.avg ? t(lang, 'below', '低于') : t(lang, 'level with', '持平于');
  return t(lang,
    ` Average of the cohorts ${from} to ${to}, weighted by size: ${list}; at month ${last.month} this cohort is ${verdict} the average.`,
    `${from} 至 ${to} 各同期群按人数加权的平均：${list}；第${last.month}个月该同期群${verdict}平均。`);
}
