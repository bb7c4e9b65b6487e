import { ANALYSES, DIMENSIONS, EVENT_STEPS, PERFORMANCE_QUESTION, type AnalysisId, type DimensionId, type MetricId } from '../semantic/index.ts';
import type { Language } from '../types.ts';
import { CLUSTER_COUNT, CUSTOMER_KINDS_ZH, CUSTOMER_NOUN, FEEDBACK_TEXT, parseClusterCount } from './clusters.ts';
import { CUSTOMERS_SAY, feedbackSlots } from './feedbackWords.ts';
import { correctTypos } from './typos.ts';
import { blank, detectLanguage, findPhrase, hasAny, longestMatch, normalize } from './text.ts';
import { parseTimeRange, type Grain, type TimeRange } from './time.ts';
import { buildMatchers, customerTypeGroup, detectTag, withoutGroupNames, type DataValues } from './values.ts';
import { detectTopCustomers, detectTopShare, type TopShare } from './topCustomers.ts';
import { detectMetric, detectTop, intervalsAsked, parseRanges } from './quantities.ts';
import { CHURN_PATH, CLV_WORDS, IDENTITY_ASKED, TIER_WORDS, WIN_BACK } from './behaviourWords.ts';

/**
 * Question → intent and slots, deterministically. Every slot comes from words in the question (or, for follow-ups,
 * the previous turn's state: see followup.ts); nothing is filled by guessing — a missing slot stays empty and the
 * planner either uses the tool's documented default (and names it) or asks.
 */
export type GroupBy = 'country' | 'channel' | 'category' | 'month';
export type Mode = 'value' | 'trend' | 'breakdown' | 'compare';

export interface Slots {
  metric?: MetricId;
  time?: TimeRange;
  filter: Partial<Record<DimensionId, string>>;
  groupBy?: GroupBy;
  grain?: Grain;
  top?: number;
  mode?: Mode;
  /** Compare with the same window a year earlier (同比, year over year). */
  yearAgo?: boolean;
  superlative?: 'max' | 'min';
  /** "the month before that" / "再往前一个月": the previous turn's window, one period earlier (follow-ups only). */
  shiftBack?: boolean;
  /** Customer-level ranges for segments: "spent more than 1,000", "10 orders or more", "下单10次及以上". */
  ranges?: { revenue?: { min?: number; max?: number }; orders?: { min?: number; max?: number }; recencyDays?: { min?: number; max?: number } };
  /** Direction asked for in a ranking by change ("grew the most" / "declined the most"). */
  change?: 'up' | 'down';
  query?: string;
  /** Feedback tone asked for: negative (差评, bad reviews, complaints) → ratings ≤ 2, positive → ≥ 4. */
  tone?: 'negative' | 'positive';
  /** Values of the groupBy dimension compared ("Germany vs France", "Germany, France and Italy"): the breakdown shows just these. */
  versus?: string[];
  /** Time between purchases asked ("how often do customers buy?"): customer_segments' intervals mode. */
  intervals?: 'gap' | 'second';
  /** A percentile of the customers by revenue or orders ("our top 10% of customers", "前20%的客户"). */
  topShare?: Pick<TopShare, 'side' | 'share' | 'metric'>;
  /** Star ratings asked for ("1-star reviews", "below 3 stars", 一星差评): a range of ratings. */
  stars?: { min?: number; max?: number };
  /** The newest feedback under the filters asked for, without a topic ("show negative reviews from last week"). */
  browse?: boolean;
  /** Feedback about a topic counted ("how many complaints about X") or followed by month ("is feedback about X rising?"). */
  mentions?: 'count' | 'trend';
  /** Funnel steps named in the question (event types, in funnel order), when two or more are named. */
  steps?: string[];
  /** Number of behaviour clusters asked for ("into 4 groups", "分成三类"). */
  k?: number;
  /** Only a group's members at risk of churning ("which high-value customers are at risk"). */
  atRisk?: boolean;
  /** A metric of new or returning customers only ("revenue from new customers"). */
  customerType?: 'new' | 'returning';
  /** Single customers ranked by revenue, how many ("top 10 customers", "消费最多的前5位客户"). */
  topCustomers?: number;
  /** The last steps of lapsed customers asked for ("what do customers do before they churn?"), not paths to a purchase. */
  journey?: 'churn';
  /** Acting on churn risk asked for ("who should we target for a win-back campaign?"): the suggested win-back segment. */
  winBack?: boolean;
  /** Lifetime value per RFM tier asked for ("CLV by RFM tier", "哪个层级的客户最值钱"). */
  byTier?: boolean;
  /** Only the themes flagged rising asked for ("which complaints are increasing?", "哪些投诉越来越多"). */
  risingThemes?: boolean;
  /** How customer records were unified across sources asked for ("how many duplicate customers were merged?"). */
  identities?: boolean;
  /** A breakdown's second period ("by channel this quarter vs last quarter"): the earlier one, shown beside `time`. */
  otherTime?: TimeRange;
  /** A customer tag named with the word tag ("customers tagged lapsed"): a segment or KPI filter. */
  tag?: string;
}

export interface Parsed {
  lang: Language;
  text: string;
  analysis: AnalysisId | null;
  slots: Slots;
  /** Starts like a follow-up ("and …", "what about …", "那…呢"). */
  followUpCue: boolean;
  /** In-domain but names nothing measurable ("how are we doing?", "业绩怎么样"). */
  vague: boolean;
  /** Asks about a period that has not happened yet, or for a forecast ("next month", "will … be", "明年", "预测"). */
  future: boolean;
  /** A dimension word with no value ("which country", "by channel") — used for breakdowns. */
  dimensionWords: DimensionId[];
  /** The same phrase names values of several dimensions. */
  ambiguous: { phrase: string; dims: DimensionId[] }[];
}

const GRAIN_WORDS: [Grain, string[]][] = [
  ['day', ['daily', 'by day', 'per day', 'each day', 'day by day', 'which day', 'what day', '每天', '每日', '按天', '按日', '逐日', '哪一天', '哪天']],
  ['week', ['weekly', 'by week', 'per week', 'each week', 'week by week', 'week-by-week', 'which week', '每周', '哪一周', '哪周', '每个星期', '每星期', '按周', '逐周']],
  // "which month had the most …": the series by month, whose answer names the highest and lowest month
  ['month', ['monthly', 'by month', 'per month', 'each month', 'month by month', 'month-by-month', 'which month', 'what month', 'best month', 'worst month', 'strongest month', 'weakest month', 'biggest month', 'top month', 'best months', '每月', '哪个月', '哪一个月', '哪月', '每一个月', '分月', '按月', '逐月', '月度', '每个月']],
  ['quarter', ['quarterly', 'by quarter', 'per quarter', 'each quarter', 'quarter by quarter', 'quarter-by-quarter', 'which quarter', 'best quarter', 'worst quarter', 'strongest quarter', 'weakest quarter', '每季度', '哪个季度', '每个季度', '每一季度', '分季度', '按季度', '季度趋势']],
  ['year', ['yearly', 'annually', 'by year', 'per year', 'each year', '每年', '按年', '年度趋势']],
];
const TREND_WORDS = ['trend', 'over time', 'trending', 'time series', 'evolution', 'evolve', 'develop', '趋势', '走势', '变化趋势'];
const COMPARE_WORDS = [
  'compared', 'compare', 'comparison', 'vs', 'versus', 'change', 'changed', 'growth', 'grow', 'grew', 'increase', 'increased', 'decrease', 'decreased',
  'decline', 'declined', 'drop', 'dropped', 'up or down', 'previous period', 'prior period', 'period over period', 'month over month', 'mom', 'qoq',
  'quarter over quarter', 'than the month before', 'than the previous', '环比', '变化', '增长', '下降', '增加', '减少', '对比', '相比', '比较', '涨', '跌',
];
const GROWTH_WORDS = ['grew', 'grow', 'growing', 'growth', 'increased', 'increase', 'rose', 'improved', '增长', '增幅', '涨幅', '上涨', '提升'];
const DECLINE_WORDS = ['declined', 'decline', 'dropped', 'drop', 'decreased', 'decrease', 'fell', 'shrank', 'worsened', '下降', '下滑', '减少', '降幅', '跌'];
const YEAR_AGO_WORDS = ['year over year', 'year-over-year', 'year on year', 'year-on-year', 'yoy', 'same period last year', 'same month last year', 'same quarter last year',
  'same week last year', 'same time last year', 'same period a year ago', 'same quarter a year ago', 'same month a year ago', 'a year earlier', 'a year ago',
  'than last year', 'to last year', 'vs last year', 'versus last year', 'with last year', '同比', '去年同期', '去年同一季度', '去年同季度', '去年同月', '比去年', '和去年', '与去年', '跟去年'];
const MAX_WORDS = ['most', 'highest', 'best', 'largest', 'biggest', 'top', 'leading', 'strongest', '最多', '最高', '最大', '最好', '第一', '领先', '排名', '最有价值'];
const MIN_WORDS = ['least', 'lowest', 'worst', 'smallest', 'fewest', 'weakest', '最少', '最低', '最小', '最差'];
const FOLLOW_UP = /^(and|what about|how about|same for|same but|now|also|then|ok and|what if|how 'bout)\b|^(那|那么|还有|换成|改成|再看|那如果)|呢[?？]?$/;
const FUTURE = /\b(?:next|coming|upcoming|following) (?:week|month|quarter|year|few months)\b|\b(?:forecast|forecasts|forecasting|predict|prediction|projected|projection|expect to|going to (?:be|sell|make|get))\b|\bwill (?:we|our|the|it|revenue|sales|orders|customers)\b|下个?月|下一?个?季度|下周|明年|来年|预测|预计|将会|会有多少/;
/** Chat openers before the real question ("ok, and in October?", "好的，那德国呢？"): skipped when looking for a follow-up cue. */
const FILLER = /^(?:(?:ok(?:ay)?|cool|great|thanks|thank you|nice|right|alright|hmm+|sure|got it|perfect|interesting|good|好的|好|嗯+|行|谢谢|明白了?|了解)[,，.!！。\s]*)+/;
const VAGUE = ['how are we doing', 'how is business', 'how did we do', 'how did it go', 'how is it going', 'performance', 'how are things', 'kpis', 'kpi', 'dashboard',
  'the numbers', 'numbers', 'the figure', 'figures', 'overview', 'stats', 'metrics', 'better than before', 'worse than before', 'compare the two', 'compare', 'comparison',
  'statistics', 'analytics', 'tracking', 'performing', 'business', 'status update', 'quick update', 'an update', 'recap', 'snapshot', 'summary', 'highlights', 'health check',
  'key figures', 'headline', 'insights', 'analyze', 'analyse', 'deep dive', 'which is better', 'which one is better', 'trend', 'trends', 'chart', 'graph',
  'break it down', 'breakdown', 'drill down', 'what is driving', 'drivers', 'data', 'better than', 'worse than', 'doing better', 'doing worse', 'improvement',
  'improved', 'improving', 'getting better', 'getting worse', 'any suggestions', 'any recommendations', 'what should i look at', 'how are we looking', 'how is it looking', 'what is new', 'what changed', 'good or bad', 'on track',
  '业绩', '表现', '经营情况', '怎么样', '情况如何', '如何', '概况', '数据概览', '数据', '那个数', '对比', '比较', '比之前', '好吗',
  '咋样', '怎样', '生意', '统计', '数字', '指标', '报表', '汇报', '概览', '近况', '现状', '总结', '整体情况', '情况', '好不好', '行不行', '还行吗', '有啥变化', '有什么变化', '分析一下', '分析下', '趋势', '走势', '图表', '拆分一下', '细分一下', '比一比', '比比看', '比一下', '好转', '变好', '变差', '帮我看看', '随便看看', '有什么建议', '给点建议'];
/** "how is it / are we / are things …", "…怎么样了？": asks how things stand without naming what (→ vague when nothing else is named). */
const VAGUE_SHAPES = [/\bhow (?:is|are|was|were|did|do|does|have)\s+(?:we|it|things|everything|business|the business|the shop|the store|our shop|us)\b/, /(?:怎么样|咋样|如何|怎样|好不好|行不行)[了呢吗啊呀]*[?？]?$/];
const SHIFT_BACK = /(?:and |what about |how about )?the (?:month|quarter|year|week|period) before(?: that)?(?! last)|the previous (?:month|quarter|year|period) (?:then|before that)|再往前一?个?(?:月|季度|年|周)|往前一?个?(?:月|季度)|再前一个?(?:月|季度)/;

/** Shorthand people type in chat ("last yr", "orders last wk", "3 mths") → the words the time parser reads. */
const ABBREVIATIONS: [RegExp, string][] = [
  [/\byrs\b/g, 'years'], [/\byr\b/g, 'year'], [/\bwks\b/g, 'weeks'], [/\bwk\b/g, 'week'], [/\bmths\b|\bmos\b/g, 'months'], [/\bmth\b/g, 'month'],
  [/\bqtr\b/g, 'quarter'], [/\bqtrs\b/g, 'quarters'], [/\bfortnight\b/g, '2 weeks'], [/\bprev\b/g, 'previous'], [/\bgimme\b/g, 'give me'], [/\bcust(?:s|omrs?)\b/g, 'customers'],
];
/** "9月跟8月比", "和上个月比": a Chinese comparison with 比 after the other period (比例 is a ratio, not a comparison). */
const ZH_COMPARE = /(?:跟|和|与|同)[^，。？?]{1,10}比(?!例|率)/;
export function expandAbbreviations(text: string): string {
  return ABBREVIATIONS.reduce((t, [re, word]) => t.replace(re, word), text);
}

function detectAnalysis(text: string): AnalysisId | null {
  const feedbackText = FEEDBACK_TEXT.test(text);
  const customers = CUSTOMER_NOUN.test(text);
  if (!feedbackText && customers && (CLUSTER_COUNT.test(text) || CUSTOMER_KINDS_ZH.test(text))) return 'clusters';
  // "what did customers in the UK say last month?", "英国客户上个月说了什么": what customers said is their feedback
  if (CUSTOMERS_SAY.test(text)) return 'feedback_search';
  if (hasAny(text, ['profile', 'persona', '画像']) || /tell me about .*customers|describe .*customers|what do .*customers .*look like|what are .*customers like/.test(text)) return 'segment';
  // "法国客户是什么样的", "这些顾客有什么特点": a description of a group of customers
  if (/(?:客户|顾客|用户|买家)(?:群体?)?(?:都|大多)?(?:是)?(?:什么样|怎样的|有什么特点|有哪些特点|有什么特征|有哪些特征)/.test(text)) return 'segment';
  // "how many customers are in more than one source system?": how records were unified (describe_data's identities)
  if (IDENTITY_ASKED.test(text)) return 'describe';
  // "what do customers do before they churn?": the last steps of lapsed customers, not who is at risk
  if (CHURN_PATH.test(text)) return 'journey';
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

/** Words that join two periods into one span ("from March to October", "3月到10月"). */
const SPAN = /\b(?:from|between)\b|到|至/;

/** "Which channel lost the most customers": a ranking of lost customers over a period (the default one when none is named). */
const MOST = /\bmost\b|最多/;
/** A churn rate ("what is our churn rate?", 流失率): lost customers as a share of the period before's (kpi_trend). */
const CHURN_RATE = /\bchurn rates?\b|\battrition\b|流失率/;
/** Words of a risk to come (churn_risk), not of customers already lost. */
const AT_RISK = /\b(?:at risk|at-risk|risk|about to|might|could|likely|going to|will)\b|风险|可能|将要|快要|会不会|即将/;

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
  if (analysis === 'churn' && (time || MOST.test(rest) || CHURN_RATE.test(rest)) && named?.metric === 'lost_customers' && !AT_RISK.test(rest)) analysis = null;
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
  const slots: Slots = { filter: {}, time, ...(before && !time ? { shiftBack: true } : {}) };
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
  for (let i = 0; i < matchers.length; i++) {
    const m = matchers[i]!;
    const hit = findPhrase(scan, m.phrase);
    if (!hit) continue;
    const rivals = matchers.filter((o) => o.phrase === m.phrase && o.dim !== m.dim && o.dim !== 'rfm_tier' && m.dim !== 'rfm_tier');
    if (rivals.length) ambiguous.push({ phrase: m.phrase, dims: [m.dim, ...rivals.map((r) => r.dim)] });
    if (slots.filter[m.dim] === undefined) slots.filter[m.dim] = m.value;
    else if (slots.filter[m.dim] !== m.value && (!second || second.dim === m.dim)) second = { dim: m.dim, values: [...(second?.values ?? []), m.value] };
    scan = blank(scan, hit.index, hit.length);
  }
  // "what's the average order value of Champions?", "冠军客户上个月的收入": a KPI of the tier's customers (kpi_trend's
  // tier filter), not the tier sizes; naming RFM or tiers keeps the RFM analysis
  if (analysis === 'rfm' && slots.filter.rfm_tier && metricHit && metricHit.metric !== 'customers' && !TIER_WORDS.test(rest)) analysis = null;
  // "revenue per customer in Germany vs France", "德国和法国的收入对比": values of one dimension, side by side
  if (second && (!analysis || analysis === 'cohort') && (second.dim === 'country' || second.dim === 'channel' || second.dim === 'category') && VERSUS.test(text)) {
    slots.versus = [slots.filter[second.dim]!, ...second.values];
    delete slots.filter[second.dim];
    slots.groupBy = second.dim;
  }

  // dimension words without a value → breakdown
  const dimensionWords = DIMENSIONS.filter((d) => d.id !== 'rfm_tier' && d.id !== 'segment')
    .filter((d) => hasAny(scan, [...d.words.en, ...d.words.zh]))
    .map((d) => d.id);
  const breakdownDim = dimensionWords.find((d) => slots.filter[d] === undefined);
  if (breakdownDim && !slots.versus) slots.groupBy = breakdownDim as GroupBy;

  // "which month had more revenue, September or October?" compares the two months named, not the series
  const grainHit = GRAIN_WORDS.find(([, words]) => hasAny(scan, other ? words.filter((w) => !WHICH_PERIOD.test(w)) : words));
  if (grainHit) slots.grain = grainHit[0];
  slots.top = detectTop(scan);
  if (hasAny(rest, MAX_WORDS)) slots.superlative = 'max';
  if (hasAny(rest, MIN_WORDS)) slots.superlative = 'min';
  // "where do we sell the most?", "哪里卖得最好": a place ranked by a measure is a ranking of countries
  if (slots.superlative && metricHit && !slots.groupBy && !analysis && !slots.filter.country && /\bwhere\b|哪里|哪儿|哪些地方|什么地方/.test(scan)) slots.groupBy = 'country';
  if (yearAgo) slots.yearAgo = true;
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
  else if (grainHit && !slots.yearAgo) slots.mode = 'trend';
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
  if (analysis === 'segment') slots.ranges = parseRanges(text);
  if (topCustomers) slots.topCustomers = topCustomers;
  if (topShare) slots.topShare = { side: topShare.side, share: topShare.share, metric: topShare.metric };
  if (intervals) slots.intervals = intervals;
  if (analysis === 'clusters') slots.k = parseClusterCount(text);
  if (analysis === 'journey' && CHURN_PATH.test(text)) slots.journey = 'churn';
  if (analysis === 'churn' && WIN_BACK.test(text)) slots.winBack = true;
  if (analysis === 'describe' && IDENTITY_ASKED.test(text)) slots.identities = true;
  if (analysis === 'clv' && !slots.filter.rfm_tier && TIER_WORDS.test(rest)) slots.byTier = true;
  analysis = feedbackSlots(question, text, rest, analysis, slots);
  if (hasAny(scan, GROWTH_WORDS)) slots.change = 'up';
  if (hasAny(scan, DECLINE_WORDS)) slots.change = 'down';
  if (analysis === 'funnel') {
    const steps = EVENT_STEPS.filter((s) => hasAny(text, [...s.en, ...s.zh])).map((s) => s.type);
    // naming the first and last default steps ("visit to purchase") is the default funnel itself
    if (steps.length >= 2 && !(steps[0] === EVENT_STEPS[0]!.type && steps.at(-1) === EVENT_STEPS.at(-1)!.type)) slots.steps = steps;
  }

  const followUpCue = FOLLOW_UP.test(text.replace(FILLER, '').replace(/[?？!！。.,，]+$/, (p) => (p.includes('?') || p.includes('？') ? p : '')));
  const vague = !analysis && !metricHit && (hasAny(scan, VAGUE) || VAGUE_SHAPES.some((re) => re.test(scan)));
  return { lang, text, analysis, slots, followUpCue, vague, future: FUTURE.test(text), dimensionWords, ambiguous };
}

/** The metric a "how did <named value> do" question is read as (PERFORMANCE_QUESTION), or null. */
export function performanceMetric(parsed: Parsed, slots: Slots): MetricId | null {
  if (slots.metric || parsed.analysis) return null;
  if (!slots.filter.country && !slots.filter.channel && !slots.filter.category) return null;
  return hasAny(parsed.text, [...PERFORMANCE_QUESTION.en, ...PERFORMANCE_QUESTION.zh]) ? PERFORMANCE_QUESTION.metric : null;
}
