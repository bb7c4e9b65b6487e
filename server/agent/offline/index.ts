import { ANALYSIS_BY_ID, type AnalysisId } from '../semantic/index.ts';
import type { AnswerPayload, Planner, PlannerContext, Turn } from '../types.ts';
import { answerCohort, answerFunnel } from './answers/behaviour.ts';
import { answerClusters } from './answers/clusters.ts';
import { t, type Draft, type HandlerInput } from './answers/common.ts';
import { answerClv } from './answers/clv.ts';
import { answerChurn, answerSegment } from './answers/customers.ts';
import { answerRfm } from './answers/rfm.ts';
import { answerDescribe, answerJourney } from './answers/data.ts';
import { answerSearch, answerThemes } from './answers/feedback.ts';
import { answerKpi } from './answers/kpi.ts';
import { answerOverview, overviewPeriod } from './answers/overview.ts';
import { answerDrivers, canExplain, driversPeriod } from './answers/drivers.ts';
import { ToolCaller } from './calls.ts';
import { clarifyQuestion } from './clarify.ts';
import { isFollowUp, mergeFollowUp, previousState, type PlannerState } from './followup.ts';
import { parseQuestion, type Slots } from './parse.ts';
import { performanceMetric } from './defaultMetric.ts';
import { forecastRefusal, outOfScope, refusalFor } from './policy.ts';
import { detectLanguage, longestMatch } from './text.ts';
import { EMPTY_VALUES, valuesFromDescribe } from './values.ts';

/**
 * The offline planner: deterministic, bilingual (en/zh), no model. Question → refusal check → describe_data (the
 * loaded dimension values, once per question) → intent and slots (parse.ts, from the semantic layer) → follow-up
 * merge with the previous turn → one clarifying question if something is missing → the analysis's tool(s) through
 * runTool → an answer built only from the tool results, naming the window and the metric definition, with a chart
 * and/or table and follow-up suggestions. The grounding check runs after it (ask.ts).
 */
const HANDLERS: Record<AnalysisId, (input: HandlerInput) => Promise<Draft>> = {
  kpi: answerKpi,
  rfm: answerRfm,
  churn: answerChurn,
  cohort: answerCohort,
  funnel: answerFunnel,
  feedback_themes: answerThemes,
  feedback_search: answerSearch,
  segment: answerSegment,
  clusters: answerClusters,
  clv: answerClv,
  journey: answerJourney,
  describe: answerDescribe,
  overview: answerOverview,
  drivers: answerDrivers,
};

export function createOfflinePlanner(): Planner {
  return { name: 'offline', ask: (question, conversation, ctx) => ask(question, conversation, ctx) };
}

async function ask(question: string, conversation: readonly Turn[], ctx: PlannerContext): Promise<AnswerPayload> {
  const lang = detectLanguage(question);
  const caller = new ToolCaller(ctx);
  const finish = (draft: Draft, state?: PlannerState): AnswerPayload => {
    const payload: AnswerPayload = {
      question,
      language: lang,
      planner: 'offline',
      kind: draft.kind,
      toolCalls: caller.calls,
      answer: draft.answer,
      ...(draft.chart ? { chart: draft.chart } : {}),
      ...(draft.table ? { table: draft.table } : {}),
      followUps: [...new Set([...draft.followUps, ...examples(lang)])].slice(0, Math.max(2, Math.min(3, draft.followUps.length))),
      grounded: false, // set by the grounding check (ask.ts → applyGrounding)
      window: draft.window ?? null,
      definitions: draft.definitions ?? {},
      ...(state ? { state: state as unknown as Record<string, unknown> } : {}),
    };
    ctx.onEvent?.({ type: 'token', text: payload.answer });
    return payload;
  };

  const refusal = refusalFor(question, lang, ctx.tools.role);
  if (refusal) {
    ctx.onEvent?.({ type: 'plan', planner: 'offline', steps: [`refuse: ${refusal.reason}`] });
    return finish({ kind: 'refuse', answer: refusal.text, followUps: examples(lang) });
  }

  const described = await caller.call('describe_data', { maxValues: 200 });
  const values = described.result ? valuesFromDescribe(described.result) : EMPTY_VALUES;
  const today = ctx.tools.clock.today();
  const parsed = parseQuestion(question, today, values);
  const prev = previousState(conversation);
  let analysis: AnalysisId | null = parsed.analysis ?? (parsed.slots.metric ? 'kpi' : null);
  let slots: Slots = parsed.slots;
  if (isFollowUp(parsed, prev)) ({ analysis, slots } = mergeFollowUp(parsed, prev));
  // rfm_analysis has no filters or breakdowns: a tier within (or across) countries, channels, categories is a segment
  // question, whose profile lists them
  // (two tiers side by side stay RFM: the group named beside them is said not to apply)
  if (analysis === 'rfm' && !slots.versus && (slots.filter.country || slots.filter.channel || slots.filter.category || (slots.groupBy && slots.groupBy !== 'month'))) analysis = 'segment';

  if (groupKpi(parsed, analysis, slots)) analysis = 'kpi';
  // "which high-value customers are at risk of churning?": the tier's members judged by the inactivity rule, profiled
  // ("the customers most at risk in Germany" stay churn_risk's, judged within the country: answerChurn's filter)
  if ((analysis === 'segment' || analysis === 'churn') && slots.filter.rfm_tier && longestMatch(parsed.text, CHURN_WORDS)) {
    [analysis, slots] = ['segment', { ...slots, atRisk: true }];
  }

  const performance = analysis ? null : performanceMetric(parsed, slots);
  if (performance) [analysis, slots] = ['kpi', { ...slots, metric: performance }];
  // "how are we doing?", "最近怎么样？": a snapshot of the whole business (a breakdown or a named group still asks which measure)
  // (its default period kept in the state, so "and the month before?" has a period to step back from)
  if (!analysis && parsed.overview && wholeBusiness(slots)) [analysis, slots] = ['overview', { ...slots, time: overviewPeriod(slots.time, lang, ctx.tools.clock.today()) }];
  // "why did revenue drop in September?": where a sum's change came from, over the asked period or the last complete month
  if (analysis === 'kpi' && slots.explain && canExplain(slots)) [analysis, slots] = ['drivers', { ...slots, time: driversPeriod(slots.time, lang, ctx.tools.clock.today()) }];
  // a follow-up that asks drivers of a ratio ("what about the average order value?"): that KPI, which no split explains
  if (analysis === 'drivers' && !canExplain(slots)) analysis = 'kpi';

  // a KPI for a period that has not happened: no tool forecasts it (CLV and churn risk are predictions, and answered)
  if (parsed.future && (analysis === 'kpi' || analysis === 'overview' || analysis === 'drivers')) {
    ctx.onEvent?.({ type: 'plan', planner: 'offline', steps: ['refuse: forecast'] });
    return finish({ kind: 'refuse', answer: forecastRefusal(lang).text, followUps: examples(lang) });
  }

  const question_ = clarifyQuestion(parsed, analysis, slots, values);
  if (question_) {
    ctx.onEvent?.({ type: 'plan', planner: 'offline', steps: ['clarify'] });
    // keep what was understood, so the answer to the clarifying question can continue it
    const state = analysis ? { v: 1 as const, analysis, slots } : undefined;
    return finish({ kind: 'clarify', answer: question_, followUps: examples(lang) }, state);
  }
  if (!analysis) {
    ctx.onEvent?.({ type: 'plan', planner: 'offline', steps: ['refuse: out_of_scope'] });
    return finish({ kind: 'refuse', answer: outOfScope(lang).text, followUps: examples(lang) });
  }
  ctx.onEvent?.({ type: 'plan', planner: 'offline', steps: [`${analysis}: ${describeSlots(slots)}`] });
  const draft = await HANDLERS[analysis]({ lang, slots, caller, values, today, role: ctx.tools.role });
  return finish(draft, { v: 1, analysis, slots });
}

/**
 * A KPI of an RFM tier in a window ("上个季度高价值客户贡献了多少收入？", "revenue from Champions last quarter"): kpi_trend
 * over the window, filtered to the tier. Without a window (or asked for a profile) a segment answers with the tier's
 * all-time totals and persona.
 */
function groupKpi(parsed: ReturnType<typeof parseQuestion>, analysis: AnalysisId | null, slots: Slots): boolean {
  if ((analysis !== 'segment' && analysis !== 'rfm') || !slots.metric || !slots.time || !slots.filter.rfm_tier) return false;
  if (slots.filter.segment || slots.ranges || slots.topShare || slots.intervals) return false;
  // "who are our top customers", "哪些大客户": members are asked for, which a profile lists
  return !/^\s*(?:who|which customers)\b|\b(?:profile|persona|describe|look like)\b|画像|特点|特征|哪些|谁/.test(parsed.text);
}

const CHURN_WORDS = (({ en, zh }) => [...en, ...zh])(ANALYSIS_BY_ID.get('churn')!.triggers);

function describeSlots(slots: Slots): string {
  const parts = Object.entries({ ...slots, time: slots.time && `${slots.time.from}..${slots.time.to}` }).filter(([, v]) => v !== undefined && !(typeof v === 'object' && v !== null && Object.keys(v).length === 0));
  return parts.map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(' ');
}

function examples(lang: 'en' | 'zh'): string[] {
  return [
    t(lang, 'What was revenue last month?', '上个月收入是多少？'),
    t(lang, 'Revenue by country last quarter', '上季度各国家的收入'),
    t(lang, 'How many customers are at risk of churning?', '有多少客户有流失风险？'),
  ];
}

/** No breakdown and no group of customers or orders named: the question is about the business as a whole. */
function wholeBusiness(slots: Slots): boolean {
  return !slots.groupBy && Object.values(slots.filter).every((v) => v === undefined) && !slots.tag && !slots.customerType;
}
