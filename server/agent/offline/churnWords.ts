import type { AnalysisId } from '../semantic/index.ts';
import type { Slots } from './slots.ts';

/** Churn in a question: a risk to come (churn_risk), customers already lost (kpi_trend lost_customers), or its trend. */

/** Words of a risk to come (churn_risk), not of customers already lost. */
export const AT_RISK = /\b(?:at risk|at-risk|risk|about to|might|could|likely|going to|will)\b|风险|可能|将要|快要|会不会|即将/;

/** "How many customers have churned?", "德国有多少客户流失了": customers already lost (a count of a period), said in the past. */
export const LOST_ALREADY = /\b(?:churned|lost|did we lose)\b|流失了|丢了/;

/** Customers asked for by name or as a list ("which customers churned?", 哪些客户流失了): members, not a count. */
export const MEMBERS_ASKED = /\b(?:which|who|list|show me)\b|哪些|哪几|名单|列出/;

/** A breakdown or ranking by customer group ("by segment", "which tier", 按层级, 哪个客群). */
const BY_GROUP = /\b(?:by|per) (?:rfm )?(?:tier|segment|group)s?\b|\b(?:which|each|every) (?:rfm )?(?:tier|segment|group)\b|按(?:rfm)?(?:层级|分层|客群|分群)|(?:哪个|各|每个)(?:rfm)?(?:层级|分层|客群|分群)/;
const MOST = /\bmost\b|最多/;

/**
 * "Which RFM tier lost the most customers last quarter?", "How many lost customers by segment this year?",
 * "上个季度哪个层级流失的客户最多": customers lost by a customer group. The Lost tier only shares the word (its customers have
 * stopped ordering by definition: 100% of them "lost"), and lost_customers has no split by tier (tiers are scored as of
 * a day, after the customers left), so this is the tiers that shrank, largest fall first (rfm_analysis on two days).
 * Returns the analysis; `tierPhrase` = the phrase read as a tier, whose filter is dropped.
 */
export function lostByTier(text: string, analysis: AnalysisId | null, slots: Slots, tierPhrase: string | undefined): AnalysisId | null {
  if (slots.metric !== 'lost_customers' || !(MOST.test(text) || BY_GROUP.test(text))) return analysis;
  if (tierPhrase && /lost|流失/.test(tierPhrase)) delete slots.filter.rfm_tier;
  if (slots.filter.rfm_tier || !BY_GROUP.test(text)) return analysis;
  slots.change = 'down';
  return 'rfm';
}

const CHURN = /\bchurn(?:ed|ing)?\b|\battrition\b|\blost customers\b|\bcustomers? (?:we )?lost\b|流失/;
/** The worst churn is the highest rate. */
const WORST = /\bworst\b|最严重|最差|最糟|最厉害/;
/** How churn moves: a direction or a trend asked ("getting worse", "rising", 在上升, 趋势). */
const MOVING = /\b(?:worse|worsening|better|improv\w*|ris(?:e|es|ing)|increas\w*|decreas\w*|grow\w*|fall\w*|trend\w*|going (?:up|down))\b|上升|增加|增多|加剧|恶化|好转|改善|下降|减少|趋势|走势|变化/;

/**
 * "Is churn going up?", "Is churn getting worse in Germany?", "How is churn trending?", "流失率在上升吗": the churn rate
 * month by month (kpi_trend lost_customers; the answer compares the latest month with the one before), not the
 * customers at risk now; churn by a dimension ("which channel has the worst churn?") is the churn rate by it. Applies
 * when churn is named with a direction, a trend or a dimension, and neither a risk to come, a cause nor a list is asked.
 */
export function churnTrendSlots(text: string, analysis: AnalysisId | null, slots: Slots): AnalysisId | null {
  if (analysis !== 'churn' && !(analysis === null && slots.metric === 'lost_customers')) return analysis;
  // (a cause asked is the drivers answer's; customers asked for are a list)
  if (!CHURN.test(text) || AT_RISK.test(text) || slots.explain || (MEMBERS_ASKED.test(text) && !slots.groupBy)) return analysis;
  // "Which channel has the worst churn?", "哪个国家流失最严重": the churn rate by that dimension (worst = highest)
  if (slots.groupBy && slots.groupBy !== 'month') {
    if (analysis !== 'churn') return analysis;
    Object.assign(slots, { metric: 'lost_customers', churnRate: true, mode: 'breakdown', ...(WORST.test(text) ? { superlative: 'max' } : {}) });
    return null;
  }
  if (!slots.change && slots.mode !== 'trend' && !MOVING.test(text)) return analysis;
  // by month: a quarter to date would otherwise be read day by day (a day's churn against the day before says nothing)
  Object.assign(slots, { metric: 'lost_customers', churnRate: true, mode: 'trend', grain: slots.grain && slots.grain !== 'day' ? slots.grain : 'month' });
  delete slots.change;
  return null;
}
