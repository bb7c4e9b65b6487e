import type { AnalysisId } from '../semantic/index.ts';
import { CUSTOMER_NOUN } from './clusters.ts';
import type { Slots } from './parse.ts';
import { hasAny } from './text.ts';

/** Words of the feedback questions: what to search for, and whether negative or positive feedback is asked for. */

/** Words before a topic, whole words only; "on" only when none of the others is there ("reviews on Amazon mention refunds"). */
const SEARCH_PREPOSITIONS = /\b(?:about|regarding|mentioning|mentions|mention|similar to|like|saying|containing)\b\s*:?\s+"?([^"?.!]+)"?/;
const WEAK_PREPOSITION = /\bon\b\s*:?\s+"?([^"?.!]+)"?/;
/** Where the topic ends: a period named after it ("about refunds last month"). */
const PERIOD_AFTER_TOPIC = /\b(?:in|from|during|for|last|this|the past|lately|recently)\b.*$/;
/** A trend asked at the end of the topic ("about the app getting worse", "about delivery rising", "… by month"). */
const TREND_AFTER_TOPIC = /\s+(?:(?:is|are|was|were)\s+)?(?:getting|becoming|rising|increasing|decreasing|falling|growing|declining|going up|going down|trending|over time|by month|per month|each month|month by month)(?:\s+[a-z]+)?\s*$/;
const QUOTED = /["“「『]([^"”」』]+)["”」』]|(?<![\p{L}\p{N}])['‘]([^'’]+?)['’](?![\p{L}\p{N}])/u;

/** The search text of a feedback question: quoted, or after "about / like / mentioning" (关于, 提到, 对…的评价). */
export function extractQuery(original: string, text: string): string | undefined {
  const quoted = original.match(QUOTED);
  const inQuotes = (quoted?.[1] ?? quoted?.[2])?.trim();
  if (inQuotes) return inQuotes;
  const zh = text.match(/对\s*([^，。？?的]{1,10}?)\s*(?:有什么|有哪些|的)?\s*(?:评论|评价|反馈|意见|看法|抱怨)/) ?? text.match(/(?:关于|提到|有关)\s*([^，。？?的]+?)\s*(?:的反馈|的评价|的评论|的投诉|的差评|的好评|的意见|$)/) ?? text.match(/([^\s，。？?]{1,12})的(?:反馈|评价|评论|投诉)/) ?? text.match(/(?:提到|说到|涉及|关于|有关)\s*([^，。？?的\s]{1,10})/);
  // "物流相关的投诉", "退款方面的反馈": the topic without 相关 / 方面 (a count needs every character pair of the topic)
  // question words are not a topic ("最近哪些问题的投诉在增加": which problems, not a search for them)
  if (zh) return zh[1]!.replace(/(?:相关|方面)$/, '').replace(ZH_NOT_TOPIC, '').trim() || undefined;
  const en = text.match(SEARCH_PREPOSITIONS) ?? text.match(WEAK_PREPOSITION);
  // the topic ends where the period or a trend asked about it begins ("about the app getting worse last month");
  // a trend word leading the topic is the topic ("about rising prices"), trend words alone are not ("about more and more")
  const q = en?.[1]?.replace(PERIOD_AFTER_TOPIC, '').replace(TREND_AFTER_TOPIC, '').trim();
  return q && !ONLY_TREND.test(q) ? q : undefined;
}

/** A "topic" that only says how often ("complaining about more and more", "about lately"). */
const ONLY_TREND = /^(?:more and more|more|most|more often|increasingly|lately|recently|these days|nowadays|now|a lot|so much)$/;
/** Chinese words of the question itself, never part of a topic. */
const ZH_NOT_TOPIC = /最近|近期|哪些|哪个|哪类|什么|多少|主要/g;

/**
 * Which themes are rising ("which complaints are increasing?", "what issues are customers complaining about more and
 * more?", "最近哪些问题的投诉在增加？"): the themes flagged rising, not a count of all feedback or a search.
 */
export const RISING_THEMES = new RegExp([
  String.raw`\b(?:which|what)\b(?: \w+){0,4} (?:complaints?|issues?|problems?|themes?|topics?|pain points?)\b.{0,40}\b(?:increasing|rising|growing|on the rise|more and more|more often|more common|trending up|getting worse)\b`,
  String.raw`\b(?:which|what) (?:complaints?|issues?|problems?|themes?|topics?)\b.{0,20}\b(?:increased|rose|grew)\b`,
  String.raw`哪些.{0,8}(?:投诉|问题|主题|抱怨|吐槽).{0,8}(?:增加|增多|越来越多|上升|变多)`,
  String.raw`(?:投诉|问题|抱怨).{0,4}(?:在增加|在增多|越来越多|在上升).{0,4}(?:的是|是哪些|有哪些)`,
].join('|'));

const COUNT_ASKED = /\bhow many\b|\bnumber of\b|\bcount\b|多少|几条|几个/;
const TREND_ASKED = new RegExp([
  String.raw`\b(?:getting|got|becoming|become|became) (?:worse|better|more|less|common|rare)`,
  String.raw`\b(?:rising|increasing|decreasing|falling|growing|declining|on the rise|going up|going down|more often|less often|more frequent|over time|trend|trending|by month|per month|each month|month by month)\b`,
  '越来越|变多|变少|增多|增加|减少|上升|下降|变差|变好|趋势|走势|每月|按月',
].join('|'));

/**
 * A count of the feedback that mentions a topic ("how many complaints about delivery last month?", "关于退款的投诉有多少条")
 * or its monthly trend ("is feedback about the app getting worse?", "物流的投诉是不是越来越多"); undefined = quotes only.
 */
export function mentionsAsked(text: string, query: string): 'count' | 'trend' | undefined {
  // trend words inside the topic are the topic ("how many complaints about rising prices?")
  const outside = query ? text.replace(new RegExp(query.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i'), ' ') : text;
  if (TREND_ASKED.test(outside)) return 'trend';
  return COUNT_ASKED.test(outside) ? 'count' : undefined;
}

const NEGATIVE_WORDS = ['negative', 'bad review', 'bad reviews', 'complaints', 'complaint', 'complain', 'complaining', 'complained', 'unhappy', '差评', '投诉', '不满', '负面', '抱怨'];
/** Problem words that ask for complaint themes (a search for "problems with X" still searches all feedback about X). */
const COMPLAINT_THEME_WORDS = ['pain points', 'pain point', 'problems', 'issues', '痛点', '吐槽'];

const POSITIVE_WORDS = ['positive', 'good review', 'good reviews', 'praise', 'happy customers', '好评', '表扬', '正面'];

/** Negative (差评, complaints → ratings ≤ 2) or positive (好评 → ≥ 4) feedback asked for; undefined = all. */
export function feedbackTone(text: string, analysis: 'feedback_search' | 'feedback_themes'): 'negative' | 'positive' | undefined {
  if (hasAny(text, NEGATIVE_WORDS) || (analysis === 'feedback_themes' && hasAny(text, COMPLAINT_THEME_WORDS))) return 'negative';
  return hasAny(text, POSITIVE_WORDS) ? 'positive' : undefined;
}

const STAR_WORDS: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5 };
const star = (w: string) => STAR_WORDS[w] ?? Number(w);

/**
 * Star ratings asked for, as a range: "1-star reviews" = 1..1, "1 or 2 stars" = 1..2, "below 3 stars" / "低于3分" =
 * ..2, "4 stars or higher" / "4星及以上" = 4.., "3星以下" = ..3. Not "out of 5 stars", not "4.5 stars" (an average).
 */
export function starsAsked(text: string): { min?: number; max?: number } | undefined {
  const n = '([1-5]|one|two|three|four|five)';
  const en = text.replace(/\bout of (?:5|five)(?:[- ]stars?)?\b/g, ' ').replace(/\d\.\d+\s*stars?/g, ' ');
  const pair = en.match(new RegExp(`\\b${n}\\s*(?:or|to|-|–)\\s*${n}[- ]?stars?\\b`));
  if (pair) return { min: star(pair[1]!), max: star(pair[2]!) };
  const below = en.match(new RegExp(`\\b(?:below|under|less than|fewer than)\\s+${n}[- ]?stars?\\b`));
  if (below) return star(below[1]!) > 1 ? { max: star(below[1]!) - 1 } : undefined;
  const one = en.match(new RegExp(`\\b${n}[- ]?stars?(?:\\s+(or (?:lower|less|below|worse|higher|more|above|better)|and (?:below|above|up|under)))?\\b`));
  if (one) {
    const v = star(one[1]!);
    if (!one[2]) return { min: v, max: v };
    return /lower|less|below|worse|under/.test(one[2]) ? { max: v } : { min: v };
  }
  const zh = text.match(/(低于|少于|高于)?\s*([1-5一二两三四五])\s*(?:星|颗星|分)(及以下|以下|及以上|以上)?(?:的)?(?:评价|评论|反馈|差评|好评|评分)/);
  if (!zh) return undefined;
  const v = star(zh[2]!);
  if (zh[1] === '低于' || zh[1] === '少于') return v > 1 ? { max: v - 1 } : undefined;
  if (zh[1] === '高于') return v < 5 ? { min: v + 1 } : undefined;
  if (zh[3]) return zh[3].includes('下') ? { max: v } : { min: v };
  return { min: v, max: v };
}

/** The average rating asked ("what's our average rating this month?", "平均评分"). */
export const RATING_ASKED = /\b(?:what|which) (?:percentage|percent|share|proportion|fraction) of (?:our |the |all )?(?:feedback|reviews|comments|ratings)\b|差评率|差评占比|负面反馈(?:的)?占比|好评率|\baverage (?:rating|score|stars?|review score)s?\b|\bmean rating\b|\bratings? (?:trend|over time|by month)\b|\bhow (?:are|is) (?:our|the) ratings?\b|平均评分|平均分|平均星级|评分(?:趋势|怎么样|如何)/;

/** A list of feedback asked without a topic ("show negative reviews from last week", "最近一周的差评有哪些"). */
const LIST_ASKED = /\b(?:show|list|give me|display|pull up|latest|newest|most recent)\b|有哪些|列出|看看|看一下|最新/;

/** Themes asked for ("主要有哪些主题", "pain points"): the themes answer, not a list of rows. */
const THEMES_ASKED = /\b(?:themes?|topics?|pain points?|main (?:complaints|issues|problems)|top complaints|mostly about|mainly about)\b|主题|痛点|话题|主要问题|主要是什么问题|主要有什么问题|主要有哪些问题|哪些方面|什么方面|集中在|主要是关于|主要关于/;

/**
 * What a feedback question without a topic asks for: a count or a monthly trend of the feedback under its filters
 * ("how many 1-star reviews did we get last month?", "what's the average rating this month?"), or the newest rows
 * ("show negative reviews from last week"); undefined = neither (themes, or a clarifying question). `rating`: the
 * average rating is asked (RATING_ASKED).
 */
export function withoutTopic(text: string, narrowed: boolean, rating: boolean): 'count' | 'trend' | 'list' | undefined {
  if (THEMES_ASKED.test(text)) return undefined;
  const counted = mentionsAsked(text, '');
  if (counted && (narrowed || rating || COUNT_ASKED.test(text))) return counted;
  if (rating) return 'count';
  return narrowed && LIST_ASKED.test(text) ? 'list' : undefined;
}

/** A theme asked for by name of the noun ("which theme", "哪个主题"). */
const WHICH_THEME = /\bwhich (?:theme|topic|issue|problem|complaint theme)s?\b|\b(?:worst|lowest|best|highest)[- ]rated (?:theme|topic)s?\b|哪个主题|哪些主题|哪个话题|哪类问题|哪个问题|(?:评分|评价)最(?:差|低|高|好)的(?:主题|话题)/;

/** Most complaints (1–2 ratings) or the lowest average rating asked; undefined for other rankings ("the biggest"). */
function themesByRating(text: string, slots: Slots): 'complaints' | 'low' | undefined {
  if (feedbackTone(text, 'feedback_themes') === 'negative' && slots.superlative === 'max') return 'complaints';
  const lowest = slots.superlative === 'min' || /\bworst\b|最差|最低/.test(text);
  return lowest && /\brat(?:ing|ed)s?\b|\breviews?\b|\bscores?\b|\bstars?\b|评分|评价|星/.test(text) ? 'low' : undefined;
}

/** (Un)happiness of customers ("which country's customers are unhappiest?", "哪个国家的客户最不满意"): their ratings. */
export const UNHAPPY = /\b(?:unhappiest|least (?:satisfied|happy)|most (?:dissatisfied|unhappy)|lowest ratings?|worst ratings?)\b|最不满意|满意度最低|评分最低|差评率最高/;
export const HAPPY = /\b(?:happiest|most (?:satisfied|happy)|highest ratings?|best ratings?)\b|最满意|满意度最高|评分最高/;

/** "What did customers in the UK say?", "英国客户说了什么": what customers said is their feedback. */
export const CUSTOMERS_SAY = /\b(?:what|how) (?:do|did|does|are|were|have) (?:our |the )?(?:customers|clients|buyers|shoppers|people|users)\b.{0,40}\b(?:say|said|saying|tell|telling|told)\b|(?:客户|顾客|用户|买家).{0,10}(?:说了什么|怎么说|说了啥|都说了些什么)/;

/** A language the feedback is written in ("in Chinese", "English reviews", "英文的差评", "用中文"). */
const FEEDBACK_LANGUAGE = /\b(?:in|written in) (?:chinese|mandarin|english)\b|\b(?:chinese|mandarin|english)[- ](?:language )?(?:feedback|reviews?|comments?|complaints?|tickets?)\b|(?:中文|汉语|华语|英文|英语)(?:的)?(?:反馈|评价|评论|差评|好评|投诉|留言)|用(?:中文|英文|英语)/;

/** The asked language into the slots ("any feedback in Chinese about delivery?"); the language phrase is no topic. */
function setLanguage(text: string, slots: Slots): void {
  const language = text.match(FEEDBACK_LANGUAGE);
  if (language) slots.feedbackLanguage = /chinese|mandarin|中文|汉语|华语/.test(language[0]) ? 'zh' : 'en';
  // ("用中文写的投诉")
  if (language && slots.query && FEEDBACK_LANGUAGE.test(slots.query)) delete slots.query;
}

/** Revenue named beside themes, with a ranking ("which complaints cost us the most revenue?", "哪些投诉影响的收入最多"). */
const THEMES_BY_VALUE = /\brevenue\b|\bmoney\b|\bsales\b|\bat stake\b|收入|营收|销售额|金额/;
const THEME_NOUNS = /\b(?:themes?|complaints?|feedback|needs|issues|problems|topics)\b|投诉|反馈|主题|问题|需求/;
/** Revenue as the thing ranked: "the most revenue", "by revenue", "matter most", "影响的收入最多" (not "the most common complaints about revenue"). */
const VALUE_RANKING = /\b(?:most|more|biggest|largest|highest) (?:revenue|money|sales)\b|\b(?:by|in terms of) (?:revenue|sales)\b|\brevenue at stake\b|\b(?:ranked|rank) by\b|\bmatter(?:s)? most\b|(?:收入|营收|销售额|金额)(?:最多|最大|最高)|按(?:收入|营收|销售额|金额)|影响.{0,4}(?:收入|营收|销售额)/;
const HURTS = /\bhurts?\b|\bhurting\b|\bcost(?:s|ing)?\b|\blos(?:e|es|ing)\b|\baffect(?:s|ing)?\b|影响|损失/;

/**
 * The feedback slots of a question (topic, tone, stars, counts, trend, browse) and the feedback analysis they call
 * for: a topic counted or followed ("how many complaints about delivery?"), or no topic with counts, a trend or the
 * newest rows ("how many 1-star reviews last month?", "are complaints rising?", "show negative reviews from last week").
 */
export function feedbackSlots(question: string, text: string, rest: string, analysis: AnalysisId | null, slots: Slots): AnalysisId | null {
  // "which complaints cost us the most revenue?", "which customer needs matter most by revenue?": themes ranked by the
  // revenue of the customers behind them (a complaint's cost: complaint themes only)
  const themeQuestion = analysis === 'feedback_themes' || analysis === 'feedback_search' || (THEME_NOUNS.test(text) && (analysis === null || analysis === 'churn'));
  if (themeQuestion && THEMES_BY_VALUE.test(text) && (VALUE_RANKING.test(text) || (HURTS.test(text) && /\bmost\b|最/.test(text))) && !slots.filter.rfm_tier) {
    slots.themesByValue = true;
    slots.tone = feedbackTone(text, 'feedback_themes') ?? (HURTS.test(text) ? 'negative' : undefined);
    setLanguage(text, slots);
    delete slots.metric;
    delete slots.superlative;
    return 'feedback_themes';
  }
  // "which country's customers are unhappiest?": ratings by the writers' country (feedback counts per country)
  if ((UNHAPPY.test(text) || HAPPY.test(text)) && slots.groupBy === 'country') {
    slots.satisfaction = UNHAPPY.test(text) ? 'unhappy' : 'happy';
    slots.tone = slots.satisfaction === 'unhappy' ? 'negative' : 'positive';
    return 'feedback_search';
  }
  // "which complaints are increasing?": the rising themes (a topic there is a question word, not a search)
  // (without a feedback analysis, only when no metric or breakdown is named: "which categories have problems with
  // increasing returns?" is about returns)
  const plain = analysis === null && !slots.metric && !slots.groupBy;
  if ((analysis === 'feedback_search' || analysis === 'feedback_themes' || plain) && RISING_THEMES.test(text) && !(slots.metric && slots.metric !== 'customers')) {
    slots.risingThemes = true;
    slots.tone = feedbackTone(text, 'feedback_themes');
    return 'feedback_themes';
  }
  // "which theme has the most complaints / the lowest rating?", "哪个主题的差评最多": themes ranked by their ratings
  const byRating = analysis === 'feedback_themes' && WHICH_THEME.test(text) ? themesByRating(text, slots) : undefined;
  if (byRating) {
    slots.themesByRating = byRating;
    slots.tone = feedbackTone(text, 'feedback_themes');
    delete slots.superlative;
    return analysis;
  }
  const feedback = analysis === 'feedback_search' || analysis === 'feedback_themes';
  if (feedback) {
    slots.query = extractQuery(question, rest);
    setLanguage(text, slots);
    // a country filters feedback only as the customers' ("customers in Germany", "德国客户", "feedback from Germany");
    // "shipping to Canada" is a topic
    const country = slots.filter.country;
    if (country && !CUSTOMER_NOUN.test(text) && !writtenFrom(text, country, slots.query)) delete slots.filter.country;
    slots.tone = feedbackTone(text, analysis as 'feedback_search' | 'feedback_themes');
  }
  // ("how many reviews mention refunds?", "物流相关的投诉是不是越来越多": a topic named, so not the themes of all feedback)
  const mentions = feedback && slots.query ? mentionsAsked(text, slots.query) : undefined;
  if (mentions) {
    slots.mentions = mentions;
    analysis = 'feedback_search';
  }
  const rating = RATING_ASKED.test(text);
  const stars = feedback || rating ? starsAsked(text) : undefined;
  if (stars) slots.stars = stars;
  // "上个月的差评主要集中在哪些方面？", "what are last month's bad reviews mostly about?": the themes, not a search
  if (analysis === 'feedback_search' && !slots.query && THEMES_ASKED.test(text)) analysis = 'feedback_themes';
  if ((feedback || rating) && !slots.query) {
    const narrowed = Boolean(slots.time || slots.tone || stars || slots.filter.rfm_tier || slots.filter.country || slots.filter.segment);
    // "what did customers in the UK say last month?": that period's words, newest first (group themes are all-time)
    const asked = withoutTopic(text, narrowed, rating) ?? (slots.time && CUSTOMERS_SAY.test(text) ? 'list' : undefined);
    if (asked) analysis = 'feedback_search';
    if (asked === 'list') slots.browse = true;
    else if (asked) slots.mentions = asked;
  }
  return analysis;
}

/** "Feedback about refunds from Germany", "reviews in France": the writers' country, unless the topic holds it. */
function writtenFrom(text: string, country: string, query: string | undefined): boolean {
  const name = country.toLowerCase();
  if (query?.toLowerCase().includes(name)) return false;
  return new RegExp(String.raw`\b(?:from|in) (?:the )?${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\b`).test(text);
}
