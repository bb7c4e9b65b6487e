import { ANALYSIS_BY_ID, type AnalysisId } from '../semantic/index.ts';
import type { Turn } from '../types.ts';
import type { Parsed, Slots } from './parse.ts';
import { findPhrase } from './text.ts';
import { previousRange, yearBefore } from './time.ts';
import { buildMatchers, customerTypeNamed } from './values.ts';

/**
 * Follow-ups: a question that only changes one thing ("and in Germany?", "那法国呢？", "what about last year?",
 * "and orders?") reuses the previous turn's intent and slots, replacing the ones it names. The previous turn's slots
 * travel in payload.state (versioned, offline planner only).
 */
export interface PlannerState {
  v: 1;
  analysis: AnalysisId;
  slots: Slots;
}

export function previousState(conversation: readonly Turn[]): PlannerState | null {
  for (let i = conversation.length - 1; i >= 0; i--) {
    const s = conversation[i]!.payload.state as Partial<PlannerState> | undefined;
    if (s?.v === 1 && s.analysis && s.slots) return s as PlannerState;
    if (conversation[i]!.payload.kind === 'answer') return null; // an answer without our state: not ours to continue
  }
  return null;
}

/** Slots the question names at all (anything that can change a previous question). */
function namesSomething(p: Parsed): boolean {
  const s = p.slots;
  return Boolean(s.metric || s.time || s.shiftBack || Object.keys(s.filter).length || s.groupBy || s.top || s.mode || s.grain || s.yearAgo || s.steps || s.k);
}

/** Whether the previous analysis's tool can take every slot the question names (else it is a new question). */
function fits(p: Parsed, analysis: AnalysisId): boolean {
  const def = ANALYSIS_BY_ID.get(analysis)!;
  const slots = new Set(Object.values(def.args));
  const s = p.slots;
  // a metric after an overview ("what about orders?") is that KPI over the overview's period and filters; after drivers,
  // that metric's drivers
  if (s.metric && analysis !== 'kpi' && analysis !== 'overview' && analysis !== 'drivers') return false;
  // periods, top-N and comparisons only change a KPI question
  if (analysis !== 'kpi' && ((s.mode && s.mode !== 'breakdown') || s.grain || s.top || s.yearAgo)) return false;
  if ((s.time || s.shiftBack) && ![...slots].some((x) => x.startsWith('time.'))) return false;
  if (Object.keys(s.filter).some((dim) => !slots.has(`filter.${dim}`))) return false;
  if (s.groupBy && !def.groupBy?.[s.groupBy]) return false;
  return true;
}

/** "which of them should we win back?", "其中哪些": the customers of the previous answer, named by a pronoun. */
const REFERS_BACK = /\b(?:of them|of those|of these|among them|among those|those customers|these customers)\b|其中|这些客户|这些人/;

/** Whether the question continues the previous one rather than starting afresh. */
export function isFollowUp(p: Parsed, prev: PlannerState | null): prev is PlannerState {
  // the same analysis about "them" keeps the previous question's customers even when it names nothing new
  if (prev && p.analysis === prev.analysis && REFERS_BACK.test(p.text) && fits(p, prev.analysis)) return true;
  if (prev && addedTier(p, prev)) return true;
  if (!prev || !namesSomething(p) || !fits(p, prev.analysis)) return false;
  if (p.analysis && p.analysis !== prev.analysis) return false;
  return p.followUpCue || (!p.analysis && !p.slots.metric) || (p.analysis === prev.analysis && !p.slots.metric && p.text.length < 40);
}

/** Tier names and aliases (the values of the rfm_tier dimension; no data values needed). */
const TIER_MATCHERS = buildMatchers({ country: [], channel: [], category: [], segment: [], currency: null }, { tiers: true }).filter((m) => m.dim === 'rfm_tier');

/**
 * "and Loyal?", "那忠诚客户呢？" after "compare Champions and At Risk": the tier one more short follow-up names beside
 * them (tier names are read here, after a comparison of tiers only: elsewhere "and new?" means new customers).
 */
function addedTier(p: Parsed, prev: PlannerState): string | null {
  if (prev.analysis !== 'rfm' || !prev.slots.versus || !p.followUpCue || p.text.length > 30 || p.slots.metric || p.slots.time) return null;
  return TIER_MATCHERS.find((m) => findPhrase(p.text, m.phrase))?.value ?? null;
}

export function mergeFollowUp(p: Parsed, prev: PlannerState): { analysis: AnalysisId; slots: Slots } {
  const s = p.slots;
  const base = prev.slots;
  const tier = addedTier(p, prev);
  if (tier) return { analysis: 'rfm', slots: { ...base, versus: [...new Set([...base.versus!, tier])] } };
  const filter = { ...base.filter, ...s.filter };
  let groupBy = s.groupBy ?? (s.mode && s.mode !== 'breakdown' && s.mode !== 'compare' ? undefined : base.groupBy);
  // "and in Germany?" after "revenue by country": the value replaces the breakdown on that dimension
  if (groupBy && !s.groupBy && s.filter[groupBy as keyof typeof s.filter] !== undefined) groupBy = undefined;
  if (s.groupBy && filter[s.groupBy as keyof typeof filter] !== undefined && s.filter[s.groupBy as keyof typeof s.filter] === undefined) {
    delete filter[s.groupBy as keyof typeof filter];
  }
  let mode = s.mode ?? base.mode;
  if (mode === 'breakdown' && !groupBy) mode = 'value';
  if (s.groupBy && s.groupBy !== 'month') mode = 'breakdown';
  // "compared to Q2?" / "跟上上个月比呢" after a question about Q3 / last month: the earlier period is the baseline of a
  // comparison, the window stays
  const baseline = s.mode === 'compare' && s.time && base.time && s.time.to < base.time.from;
  // "and returning customers?" after the new customers' repeat rate: the other customer type, the same measure (only
  // when the type is all it names: "returning customers" alone also reads as the repeat rate; "how many new customers"
  // and "revenue from returning customers" name their own measure)
  const typeOnly = !s.customerType && (!s.metric || (s.metric === 'repeat_rate' && !/\brepeat rate|\brepurchase|复购率|回购率/.test(p.text)));
  const otherType = base.customerType && typeOnly ? customerTypeNamed(p.text) : undefined;
  const slots: Slots = {
    metric: otherType ? base.metric : s.metric ?? base.metric,
    time: baseline ? base.time : s.time ?? (s.shiftBack && base.time ? (s.shiftBack === 'year' ? yearBefore : previousRange)(base.time) : base.time),
    filter,
    groupBy,
    grain: s.grain ?? (s.time && !baseline ? undefined : base.grain),
    top: s.top ?? base.top,
    mode,
    // "and orders?" after a year-over-year question stays year over year; a breakdown or a trend asked does not
    yearAgo: s.yearAgo ?? (s.mode || s.groupBy ? undefined : base.yearAgo),
    // "and orders?" after "revenue month over month this year": month over month again, while the window stays
    stepChange: s.stepChange ?? (mode === 'trend' && !s.time && !s.grain ? base.stepChange : undefined),
    superlative: s.superlative ?? (groupBy ? base.superlative : undefined),
    change: s.change ?? (groupBy ? base.change : undefined),
    // the values compared stay while the follow-up keeps the dimension ("and orders?")
    versus: s.versus ?? (groupBy === base.groupBy ? base.versus : undefined),
    // a follow-up naming another metric on its own ("what about all customers?") drops the customer type and a tag
    customerType: otherType ?? s.customerType ?? (s.metric ? undefined : base.customerType),
    tag: s.tag ?? (s.metric ? undefined : base.tag),
    // a churn rate stays one while the measure stays lost customers ("and last quarter?")
    churnRate: s.churnRate ?? (s.metric && s.metric !== 'lost_customers' ? undefined : base.churnRate),
    ...keptSlots(s, base),
  };
  return { analysis: prev.analysis === 'overview' && s.metric ? 'kpi' : prev.analysis, slots };
}

/**
 * Slots a follow-up keeps unless it names its own: the topic, steps, ranges, stars, a browse, counts, and what the
 * question was about (churn paths, win-back, CLV by tier, rising themes, the identity report, feedback tone and
 * (un)happiness) — a new period does not make "and last month?" a question about paths to a purchase.
 */
const KEPT = [
  'query', 'steps', 'ranges', 'topShare', 'stars', 'browse', 'intervals', 'mentions', 'atRisk', 'k',
  'journey', 'winBack', 'byTier', 'risingThemes', 'themesByValue', 'feedbackLanguage', 'identities', 'tone', 'satisfaction',
] as const satisfies readonly (keyof Slots)[];
function keptSlots(s: Slots, base: Slots): Pick<Slots, (typeof KEPT)[number]> {
  return Object.fromEntries(KEPT.map((k) => [k, s[k] ?? base[k]])) as Pick<Slots, (typeof KEPT)[number]>;
}
