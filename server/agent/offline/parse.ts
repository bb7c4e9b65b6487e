import { ANALYSES, DIMENSIONS, EVENT_STEPS, type AnalysisId, type DimensionId } from '../semantic/index.ts';
import { CLUSTER_COUNT, CUSTOMER_KINDS_ZH, CUSTOMER_NOUN, FEEDBACK_TEXT, parseClusterCount } from './clusters.ts';
import { CUSTOMERS_SAY, feedbackSlots } from './feedbackWords.ts';
import { correctTypos } from './typos.ts';
import { blank, detectLanguage, findPhrase, hasAny, longestMatch, normalize } from './text.ts';
import { parseTimeRange } from './time.ts';
import { buildMatchers, customerTypeGroup, detectTag, withoutGroupNames, type DataValues } from './values.ts';
import { detectTopCustomers, detectTopShare } from './topCustomers.ts';
import { purchaseSlots } from './purchases.ts';
import { AT_RISK, churnTrendSlots, LOST_ALREADY, lostByTier, MEMBERS_ASKED } from './churnWords.ts';
import { asksOneOrder, detectMetric, detectTop, intervalsAsked, parseRanges } from './quantities.ts';
import { CHURN_PATH, CLV_WORDS, IDENTITY_ASKED, profileAsked, SEGMENT_GROWS, TIER_WORDS, valueByGroup, WIN_BACK } from './behaviourWords.ts';
import {
  asksOverview, CHANGE_ASKED, COMPARE_WORDS, DEFINITION_ASKED, DRIVERS_ASKED, EXPLAIN, DECLINE_WORDS, PHRASAL_UP_DOWN, UP_DOWN, FILLER, FOLLOW_UP, FUTURE, GRAIN_WORDS, GROWTH_WORDS, MAX_WORDS, MIN_WORDS, SHIFT_BACK, TREND_WORDS, VAGUE, VAGUE_SHAPES, YEAR_AGO_WORDS, ZH_COMPARE,
  expandAbbreviations, stepGrain,
} from './parseWords.ts';
import type { GroupBy, Parsed, Slots } from './slots.ts';

/**
 * Question → intent and slots, deterministically. Every slot comes from words in the question (or, for follow-ups,
 * the previous turn's state: see followup.ts); nothing is filled by guessing — a missing slot stays empty and the
 * planner either uses the tool's documented default (and names it) or asks.
 */
export type { GroupBy, Mode, Parsed, Slots } from './slots.ts';
export { expandAbbreviations } from './parseWords.ts';

function detectAnalysis(text: string): AnalysisId | null {
  const feedbackText = FEEDBACK_TEXT.test(text);
  const customers = CUSTOMER_NOUN.test(text);
  if (!feedbackText && customers && (CLUSTER_COUNT.test(text) || CUSTOMER_KINDS_ZH.test(text))) return 'clusters';
  // "what did customers in the UK say last month?", "英国客户上个月说了什么": what customers said is their feedback
  if (CUSTOMERS_SAY.test(text)) return 'feedback_search';
  if (hasAny(text, ['profile', 'persona', '画像']) || /tell me about .*customers|describe .*customers|what do .*customers .*look like|what are .*customers like/.test(text)) return 'segment';
  // "法国客户是什么样的", "这些顾客有什么特点": a description of a group of customers
  if (/(?:客户|顾客|用户|买家)(?:群体?)?(?:都|大多)?(?:是)?(?:什么样|怎样的|有什么特点|有哪些特点|有什么特征|有哪些特征)/.test(text)) return 'segment';
  // "how many customers are in more than one source system?": how records were unified (describe_data's identities);
  // "what do customers do before they churn?": the last steps of lapsed customers, not who is at risk. Neither when
  // a metric other than customers is asked ("revenue by source system", "what did churned customers spend")
  // (the customers themselves blanked: "what did churned customers spend" names revenue, not lost customers)
  const aboutCustomers = !detectMetric(text.replace(/\b(?:churned|lost|lapsed) customers\b|\bcustomers?\b|客户|顾客|用户/g, ' '));
  if (aboutCustomers && IDENTITY_ASKED.test(text)) return 'describe';
  if (aboutCustomers && CHURN_PATH.test(text)) return 'journey';
  // predicting what customers are worth ("estimate each customer's value", "预测客户未来的价值") is lifetime value
  if (/\b(?:predict|predicted|estimate|estimated|forecast|expected)\b.{0,30}\bvalue\b|(?:预测|估计|预估|预计|预期).{0,12}价值/.test(text)) return 'clv';
  let best: { id: AnalysisId; length: number } | null = null;
  const hits = new Map<AnalysisId, number>(); // each analysis's longest trigger
  for (const a of ANALYSES) {
    if (a.id === 'clusters' && (feedbackText || !customers)) continue;
    const hit = longestMatch(text, [...a.triggers.en, ...a.triggers.zh]);
    if (hit) hits.set(a.id, hit.phrase.length);
    if (hit && (!best || hit.phrase.length > best.length)) best = { id: a.id, length: hit.phrase.length };
  }
  const topic = text.replace(/\babout\s+(?:(?:in|during|for|over|from|since|the|this|last|past|recently|lately|these|days|now|right|at|on|our|us|it|lot|most|often|frequently)\b\s*)*/g, 'about ');
  const aboutSomething = /(?:\babout|关于)\s*[a-z\u4e00-\u9fff]/.test(topic);
  // Feedback words with a group of customers ("what do our high-value customers complain about?", "feedback about
  // late delivery from VIP customers", "高价值客户对物流有什么反馈"): the group filters the feedback, it is not the question.
  // Only words that can only mean feedback: "average ticket" is a metric, 评价 also means "evaluate".
  // A tier's name ("what do our Champions complain about?") is such a group too; RFM itself named is the RFM analysis.
  const tierGroup = best?.id === 'rfm' && longestMatch(text, FEEDBACK_TIER_WORDS) !== null && !/\brfm\b|\btiers?\b|分层|层级/.test(text);
  if (FEEDBACK_ONLY.test(text) && (!best || best.id === 'segment' || tierGroup)) {
    // a search trigger longer than any themes trigger ("feedback about", "show me feedback") asks for a search
    const searchWins = (hits.get('feedback_search') ?? 0) > (hits.get('feedback_themes') ?? 0);
    if (searchWins || aboutSomething || /对.{1,12}(?:有什么|有哪些|的)?(?:反馈|评价|意见)/.test(text)) return 'feedback_search';
    best = { id: 'feedback_themes', length: 0 };
  }
  if (best?.id === 'feedback_themes' && aboutSomething) {
    return 'feedback_search';
  }
  // customers picked by their own spend or order count ("消费超过1000的客户", "customers with more than 5 orders") are a segment
  if (!best && parseRanges(text) && /\b(?:customers?|buyers?|shoppers?|clients?)\b|客户|顾客|买家|用户/.test(text)) return 'segment';
  return best?.id ?? null;
}

/**
 * Tier names that, in a feedback question, can only mean the customers (not "parcels that are lost", "items that need
 * attention"): with one of them, the tier matchers run for feedback too.
 */
const FEEDBACK_TIER_WORDS = ['champions', 'champs', "can't lose", 'cant lose', 'potential loyalists', 'potential loyalist', 'hibernating customers', '冠军客户', '休眠客户', '忠诚客户', '潜力客户'];

/** Words that name customer feedback and nothing else (FEEDBACK_TEXT also has tickets, comments, 评价: metrics or verbs too). */
const FEEDBACK_ONLY = /\b(?:feedback|reviews?|complain(?:s|ed|ing|ts?)?)\b|反馈|投诉|差评|好评|抱怨|吐槽/;

/** "which month" / 哪个月: a grain word only when no second period is named. */
const WHICH_PERIOD = /^(?:which|what|best|worst|strongest|weakest|biggest|top) |^哪/;

/** Words that put two named values side by side. */
const VERSUS = /\bvs\.?(?=\s|$)|\bversus\b|\bcompared?\b|\bcomparison\b|\band\b|\bor\b|对比|比较|和|与|跟|还是|相比/;

/** A segment that grows the most ("which customer segment is growing fastest?", "哪个客群增长最快"). */
const FASTEST_SEGMENT = /\b(?:segments?|groups?|tiers?)\b.{0,30}\b(?:fastest|the most|most)\b|(?:客群|分群|群体|层级).{0,10}(?:增长|增加)最(?:快|多)/;

/** Champions aliases that describe customers by value rather than name the tier ("top customers", "vip", 大客户). */
const DESCRIPTIVE_TIER_WORDS = /best|top|vip|whales|spenders|value|valuable|最好|优质|核心|大客户/;

/** Words that join two periods into one span ("from March to October", "3月到10月"). */
const SPAN = /\b(?:from|between)\b|到|至/;

/** "Which channel lost the most customers": a ranking of lost customers over a period (the default one when none is named). */
const MOST = /\bmost\b|最多/;
/** A churn rate ("what is our churn rate?", 流失率): lost customers as a share of the period before's (kpi_trend). */
const CHURN_RATE = /\bchurn rates?\b|\battrition\b|流失率/;

export function parseQuestion(question: string, today: string, values: DataValues): Parsed {
  const lang = detectLanguage(question);
  const text = correctTypos(expandAbbreviations(normalize(question.replace(/\bUS\b/g, 'USA'))));
  let rest = text;
  const before = rest.match(SHIFT_BACK);
  if (before) rest = blank(rest, before.index!, before[0].length);
  // "compared to last year" / "去年同期" ask for a comparison, they do not name the window
  const yearAgo = longestMatch(rest, YEAR_AGO_WORDS);
  if (yearAgo) rest = blank(rest, yearAgo.index, yearAgo.phrase.length);
  const time = parseTimeRange(rest, today) ?? undefined;
  if (time) {
    const at = rest.indexOf(time.matched);
    if (at >= 0) rest = blank(rest, at, time.matched.length);
  }
  // a second period ("Q2 and Q3", "more in October than in September"): kept aside for comparisons below
  const other = time ? parseTimeRange(rest, today) ?? undefined : undefined;
  // "customers tagged lapsed", "高价值标签的客户": a rule tag (only beside the word tag, its name blanked for what follows)
  const tagged = detectTag(rest, values);
  if (tagged) rest = tagged.rest;
  let analysis = detectAnalysis(rest);
  // "what is the average CLV of Champions?", "各层级的客户价值": lifetime value of (or by) RFM tiers, not the tiers' sizes
  if (analysis === 'rfm' && CLV_WORDS.test(rest)) analysis = 'clv';
  // "how much revenue did our high-value customers bring in": the customers of a group's name are not the metric
  const groupless = withoutGroupNames(rest);
  const namesGroup = groupless !== rest;
  const named = detectMetric(rest);
  // "which customer groups spent the most last month": a KPI over a window, not behaviour clusters
  if (analysis === 'clusters' && time && named && named.metric !== 'customers') analysis = null;
  // "上个季度流失了多少客户", "churned customers last month": customers already lost in a past period are a count of
  // that period (kpi_trend lost_customers); churn risk is about who may leave next
  if (analysis === 'churn' && (time || MOST.test(rest) || CHURN_RATE.test(rest) || (LOST_ALREADY.test(rest) && !MEMBERS_ASKED.test(rest) && !WIN_BACK.test(rest))) && named?.metric === 'lost_customers' && !AT_RISK.test(rest)) analysis = null;
  const churnRate = !analysis && named?.metric === 'lost_customers' && CHURN_RATE.test(rest);
  // "customers who spent over 5000 but haven't ordered in 3 months", "90天没下单的客户": customers picked by how long
  // they have been silent are that segment; churn risk is the model's guess of who may leave next
  if (analysis === 'churn' && parseRanges(text)?.recencyDays && !/\b(?:risk|likely|about to|might|could|churn\w*)\b|风险|可能|流失/.test(rest)) analysis = 'segment';
  // "how often do customers buy?", "复购周期": the segment's time between purchases
  const intervals = intervalsAsked(rest);
  if (intervals) analysis = 'segment';
  // "our top 10% of customers", "前20%的客户": a percentile of the customers, not the ten biggest
  const topShare = analysis === null || analysis === 'segment' ? detectTopShare(rest) : undefined;
  if (topShare) {
    rest = blank(rest, topShare.index, topShare.length);
    analysis = 'segment';
  }
  // "who are our top 10 customers?": single customers by revenue (all time, so not when a period is named)
  // (a churn, feedback or other analysis about them stays that analysis)
  const topCustomers = time || topShare || (analysis && analysis !== 'segment') ? undefined : detectTopCustomers(rest);
  if (topCustomers) analysis = 'segment';
  const groupMetric = namesGroup ? detectMetric(groupless) : null;
  const metricHit = groupMetric || named;
  // "what do our loyal customers buy?", "how many loyal customers do we have?": the group itself, profiled
  if (!analysis && namesGroup && !groupMetric) analysis = 'segment';
  const slots: Slots = { filter: {}, time, ...(before && !time ? { shiftBack: /year|年/.test(before[0]) ? 'year' : true } : {}) };
  if (churnRate) slots.churnRate = true;
  if (tagged) {
    slots.tag = tagged.tag;
    // the tagged customers themselves, unless a metric or another analysis is asked about them
    if (!analysis && (!metricHit || (metricHit.metric === 'customers' && !time))) analysis = 'segment';
  }
  if (metricHit) slots.metric = metricHit.metric;
  const typed = customerTypeGroup(rest, detectMetric);
  if (typed) Object.assign(slots, typed);

  // dimension values (longest phrase first; a consumed span cannot match again)
  const ambiguous: Parsed['ambiguous'] = [];
  // feedback names a tier only by a name that is not also a topic word ("our Champions", 冠军客户; not "the new app")
  const feedbackTier = (analysis === 'feedback_search' || analysis === 'feedback_themes') && longestMatch(rest, FEEDBACK_TIER_WORDS) !== null;
  const tiers = analysis === 'rfm' || analysis === 'segment' || analysis === 'clusters' || analysis === 'clv' || feedbackTier || namesGroup;
  const matchers = buildMatchers(values, { tiers });
  let scan = rest;
  if (metricHit && !analysis) {
    const hit = findPhrase(scan, metricHit.phrase);
    if (hit) scan = blank(scan, hit.index, hit.length);
  }
  let second: { dim: DimensionId; values: string[] } | undefined;
  let tierPhrase: string | undefined;
  const tierAt = new Map<string, number>();
  for (let i = 0; i < matchers.length; i++) {
    const m = matchers[i]!;
    const hit = findPhrase(scan, m.phrase);
    if (!hit) continue;
    const rivals = matchers.filter((o) => o.phrase === m.phrase && o.dim !== m.dim && o.dim !== 'rfm_tier' && m.dim !== 'rfm_tier');
    if (rivals.length) ambiguous.push({ phrase: m.phrase, dims: [m.dim, ...rivals.map((r) => r.dim)] });
    if (m.dim === 'rfm_tier' && !tierAt.has(m.value)) tierAt.set(m.value, hit.index);
    if (slots.filter[m.dim] === undefined) {
      slots.filter[m.dim] = m.value;
      if (m.dim === 'rfm_tier') tierPhrase = m.phrase;
    } else if (slots.filter[m.dim] !== m.value && (!second || second.dim === m.dim)) second = { dim: m.dim, values: [...(second?.values ?? []), m.value] };
    scan = blank(scan, hit.index, hit.length);
  }
  // "who are our most valuable customers by CLV?", "top customers by predicted value": the CLV top list; only a tier's
  // own name ("average CLV of Champions") picks the tier there
  if (analysis === 'clv' && tierPhrase && DESCRIPTIVE_TIER_WORDS.test(tierPhrase)) delete slots.filter.rfm_tier;
  // "what's the average order value of Champions?", "冠军客户上个月的收入": a KPI of the tier's customers (kpi_trend's
  // tier filter), not the tier sizes; naming RFM or tiers keeps the RFM analysis
  if (analysis === 'rfm' && slots.filter.rfm_tier && metricHit && metricHit.metric !== 'customers' && !TIER_WORDS.test(rest)) analysis = null;
  // "compare Champions and At Risk", "冠军客户和流失客户对比": the tiers side by side (rfm_analysis has every tier)
  // (tiers are scored over all customers: a country, channel or category named beside them is said, not applied)
  if (second?.dim === 'rfm_tier' && (analysis === 'rfm' || analysis === 'segment') && VERSUS.test(text)) {
    // in the order asked
    const named = [slots.filter.rfm_tier!, ...second.values];
    [slots.versus, analysis] = [named.sort((a, b) => tierAt.get(a)! - tierAt.get(b)!), 'rfm'];
    delete slots.filter.rfm_tier;
  }
  // "revenue per customer in Germany vs France", "德国和法国的收入对比": values of one dimension, side by side
  if (second && (!analysis || analysis === 'cohort') && (second.dim === 'country' || second.dim === 'channel' || second.dim === 'category') && VERSUS.test(text)) {
    slots.versus = [slots.filter[second.dim]!, ...second.values];
    delete slots.filter[second.dim];
    slots.groupBy = second.dim;
  }

  // dimension words without a value → breakdown
  const dimensionWords = DIMENSIONS.filter((d) => d.id !== 'rfm_tier' && d.id !== 'segment' && d.id !== 'product')
    .filter((d) => hasAny(scan, [...d.words.en, ...d.words.zh]))
    .map((d) => d.id);
  const breakdownDim = dimensionWords.find((d) => slots.filter[d] === undefined);
  if (breakdownDim && !slots.versus) slots.groupBy = breakdownDim as GroupBy;

  // "which month had more revenue, September or October?" compares the two months named, not the series
  const grainHit = GRAIN_WORDS.find(([, words]) => hasAny(scan, other ? words.filter((w) => !WHICH_PERIOD.test(w)) : words));
  if (grainHit) slots.grain = grainHit[0];
  const step = stepGrain(scan, time);
  if (step && (!grainHit || grainHit[0] === step)) [slots.grain, slots.stepChange] = [step, true];
  slots.top = detectTop(scan);
  if (hasAny(rest, MAX_WORDS)) slots.superlative = 'max';
  if (hasAny(rest, MIN_WORDS)) slots.superlative = 'min';
  analysis = purchaseSlots(text, scan, rest, analysis, slots);
  // "where do we sell the most?", "哪里卖得最好": a place ranked by a measure is a ranking of countries
  if (slots.superlative && metricHit && !slots.groupBy && !analysis && !slots.filter.country && /\bwhere\b|哪里|哪儿|哪些地方|什么地方/.test(scan)) slots.groupBy = 'country';
  if (yearAgo) slots.yearAgo = true;
  // "why did revenue drop?": a cause of a change (a definition asked with "explain" / "why is X included" is not one)
  // (a comparative of groups, "why is revenue higher on mobile than on the web?", is no change over time)
  const comparative = /\b(?:higher|lower|better|worse)\b|更高|更低|更好|更差/.test(text) && slots.time !== undefined && !/\bthan\b/.test(text);
  if (EXPLAIN.test(text) && !DEFINITION_ASKED.test(text) && (CHANGE_ASKED.test(text) || DRIVERS_ASKED.test(text) || comparative)) slots.explain = true;
  if (analysis === 'funnel' && grainHit?.[0] === 'month' && !slots.groupBy) slots.groupBy = 'month';

  // "which channel brings the most valuable customers?", "哪个渠道的客户最有价值": customer value per group is CLV by group
  // (only the customers' value itself: no other metric named, no filter, which CLV by group would not apply; "most
  // valuable customers" also names the Champions tier, which here is the value asked, not a filter)
  const valuable = /\b(?:most )?valuable (?:customers|clients|buyers)\b|(?:客户|顾客|用户|买家)最有价值|最有价值的(?:客户|顾客|用户|买家)/.test(text);
  const tierOnly = Object.keys(slots.filter).every((k) => k === 'rfm_tier');
  if ((!analysis || (analysis === 'segment' && namesGroup)) && valuable && tierOnly && slots.groupBy && slots.groupBy !== 'month' && (!slots.metric || slots.metric === 'customers') && !slots.time) {
    delete slots.filter.rfm_tier;
    analysis = 'clv';
  }
  if (slots.groupBy && slots.groupBy !== 'month') slots.mode = 'breakdown';
  else if ((grainHit && !slots.yearAgo) || slots.stepChange) slots.mode = 'trend';
  else if (slots.yearAgo || hasAny(scan, COMPARE_WORDS) || ZH_COMPARE.test(scan) || (other && !analysis && /\bthan\b|比(?!例|率)/.test(scan))) slots.mode = 'compare';
  else if (hasAny(scan, TREND_WORDS)) slots.mode = 'trend';
  // two periods compared: the later one is the window, compared with the period before it
  if (analysis) {
    // analyses read their own periods (a cohort month and a later month, say)
  } else if (slots.mode === 'breakdown' && time && other && (hasAny(scan, COMPARE_WORDS) || (!SPAN.test(text) && VERSUS.test(scan)))) {
    // "revenue by channel this quarter vs last quarter", "… in September and October": each group in the later
    // period beside the earlier one ("between March and October" is one span, below)
    [slots.time, slots.otherTime] = other.from > time.from ? [other, time] : [time, other];
  } else if (slots.mode === 'compare' && time && other && other.from > time.from) slots.time = other;
  // "from March to October", "3月到10月": one span from the first period's start to the second's end
  else if (time && other && other.from > time.from && SPAN.test(text)) {
    slots.time = { from: time.from, to: other.to, grain: time.grain, label: null, matched: time.matched };
  }
  // "how many customers never came back after their first order?": the one-order segment, not churn risk or cohorts
  if ((analysis === 'churn' || analysis === 'cohort') && asksOneOrder(text)) analysis = 'segment';
  if (analysis === 'segment') slots.ranges = parseRanges(text);
  // "which customer segment is growing fastest?", "哪个客群增长最快": no group named, so the RFM tiers' movement
  // against a year earlier (the segments every customer is in)
  if (analysis === 'segment' && FASTEST_SEGMENT.test(text) && Object.keys(slots.filter).length === 0 && !slots.ranges && !slots.tag && !topCustomers && !topShare) {
    analysis = 'rfm';
    if (!slots.time && SEGMENT_GROWS.test(text)) slots.yearAgo = true;
  }
  if (topCustomers) slots.topCustomers = topCustomers;
  if (topShare) slots.topShare = { side: topShare.side, share: topShare.share, metric: topShare.metric };
  if (intervals) slots.intervals = intervals;
  if (analysis === 'clusters') slots.k = parseClusterCount(text);
  if (analysis === 'journey' && CHURN_PATH.test(text)) slots.journey = 'churn';
  if (analysis === 'churn' && WIN_BACK.test(text)) slots.winBack = true;
  if (analysis === 'describe' && IDENTITY_ASKED.test(text)) slots.identities = true;
  if (!slots.filter.rfm_tier && valueByGroup(analysis, rest, slots.filter)) [analysis, slots.byTier] = ['clv', true];
  analysis = feedbackSlots(question, text, rest, analysis, slots);
  // (a product breakdown is a KPI's: not of an analysis the feedback words chose)
  if (analysis && slots.groupBy === 'product') [slots.groupBy, slots.mode] = [undefined, undefined];
  if (hasAny(scan, GROWTH_WORDS)) slots.change = 'up';
  if (hasAny(scan, DECLINE_WORDS)) slots.change = 'down';
  // "why are sales down?", "revenue is up": a direction said with up / down after a verb
  const upDown = scan.match(UP_DOWN);
  if (!slots.change && upDown && !PHRASAL_UP_DOWN.test(upDown[1]!) && !/\bup or down\b|\bdown or up\b|\bwhat is up\b/.test(scan)) slots.change = upDown[2] === 'down' ? 'down' : 'up';
  analysis = profileAsked(text, lostByTier(text, churnTrendSlots(text, analysis, slots), slots, tierPhrase), slots, Boolean(time));
  if (analysis === 'funnel') {
    const steps = EVENT_STEPS.filter((s) => hasAny(text, [...s.en, ...s.zh])).map((s) => s.type);
    // naming the first and last default steps ("visit to purchase") is the default funnel itself
    if (steps.length >= 2 && !(steps[0] === EVENT_STEPS[0]!.type && steps.at(-1) === EVENT_STEPS.at(-1)!.type)) slots.steps = steps;
  }

  const followUpCue = FOLLOW_UP.test(text.replace(FILLER, '').replace(/[?？!！。.,，]+$/, (p) => (p.includes('?') || p.includes('？') ? p : '')));
  const vagueShape = VAGUE_SHAPES.some((re) => re.test(scan));
  const vague = !analysis && !metricHit && (hasAny(scan, VAGUE) || vagueShape);
  // a second period or a grain ("weekly summary") asks for more than one period's snapshot (a year ago: the overview says it)
  const overview = vague && !other && !grainHit && asksOverview(scan, Boolean(yearAgo));
  return { lang, text, analysis, slots, followUpCue, vague, overview, future: FUTURE.test(text), dimensionWords, ambiguous };
}
