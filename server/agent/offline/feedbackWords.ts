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
  if (zh) return zh[1]!.replace(/(?:相关|方面)$/, '').trim() || undefined;
  const en = text.match(SEARCH_PREPOSITIONS) ?? text.match(WEAK_PREPOSITION);
  // the topic ends where the period or a trend asked about it begins ("about the app getting worse last month");
  // a trend word leading the topic is the topic ("about rising prices")
  const q = en?.[1]?.replace(PERIOD_AFTER_TOPIC, '').replace(TREND_AFTER_TOPIC, '').trim();
  return q ? q : undefined;
}

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

/** Stars asked for: "1-star reviews", "five star", "一星差评", "3分的评价" → that rating exactly. */
export function starsAsked(text: string): number | undefined {
  const en = text.match(/\b([1-5]|one|two|three|four|five)[- ]?stars?\b/);
  const zh = en ? null : text.match(/([1-5一二三四五])\s*(?:星|颗星|分)(?:的)?(?:评价|评论|反馈|差评|好评|评分)/);
  const word = en?.[1] ?? zh?.[1];
  if (word === undefined) return undefined;
  const n = '12345'.includes(word) ? Number(word) : ['one', 'two', 'three', 'four', 'five'].indexOf(word) + 1 || '一二三四五'.indexOf(word) + 1;
  return n >= 1 && n <= 5 ? n : undefined;
}

/** The average rating asked ("what's our average rating this month?", "平均评分"). */
export const RATING_ASKED = /\baverage (?:rating|score|stars?|review score)s?\b|\bmean rating\b|\bratings? (?:trend|over time|by month)\b|\bhow (?:are|is) (?:our|the) ratings?\b|平均评分|平均分|平均星级|评分(?:趋势|怎么样|如何)/;

/** A list of feedback asked without a topic ("show negative reviews from last week", "最近一周的差评有哪些"). */
const LIST_ASKED = /\b(?:show|list|see|give me|display|pull up|latest|newest|most recent)\b|有哪些|哪些|列出|看看|看一下|最新/;

/**
 * What a feedback question without a topic asks for: a count or a monthly trend of the feedback under its filters
 * ("how many 1-star reviews did we get last month?", "what's the average rating this month?"), or the newest rows
 * ("show negative reviews from last week"); undefined = neither (themes, or a clarifying question).
 */
/** Themes asked for ("主要有哪些主题", "pain points"): the themes answer, not a list of rows. */
const THEMES_ASKED = /\b(?:themes?|topics?|pain points?|main (?:complaints|issues|problems)|top complaints)\b|主题|痛点|话题|主要问题/;

export function withoutTopic(text: string, narrowed: boolean): 'count' | 'trend' | 'list' | undefined {
  if (THEMES_ASKED.test(text)) return undefined;
  const counted = mentionsAsked(text, '');
  if (counted && (narrowed || RATING_ASKED.test(text) || COUNT_ASKED.test(text))) return counted;
  if (RATING_ASKED.test(text)) return 'count';
  return narrowed && LIST_ASKED.test(text) ? 'list' : undefined;
}
