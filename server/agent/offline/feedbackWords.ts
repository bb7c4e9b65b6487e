import { hasAny } from './text.ts';

/** Words of the feedback questions: what to search for, and whether negative or positive feedback is asked for. */

const SEARCH_PREPOSITIONS = /(?:about|on|mentioning|mention|regarding|similar to|like|saying|that mention|containing)\s*:?\s+"?([^"?.!]+)"?/;
/** A quotation: double or CJK quotes anywhere, single quotes only around words (not an apostrophe: "customers' orders"). */
const QUOTED = /["“「『]([^"”」』]+)["”」』]|(?<![\p{L}\p{N}])['‘]([^'’]+?)['’](?![\p{L}\p{N}])/u;

/** The search text of a feedback question: quoted, or after "about / like / mentioning" (关于, 提到, 对…的评价). */
export function extractQuery(original: string, text: string): string | undefined {
  const quoted = original.match(QUOTED);
  const inQuotes = (quoted?.[1] ?? quoted?.[2])?.trim();
  if (inQuotes) return inQuotes;
  const zh = text.match(/对\s*([^，。？?的]{1,10}?)\s*(?:有什么|有哪些|的)?\s*(?:评论|评价|反馈|意见|看法|抱怨)/) ?? text.match(/(?:关于|提到|有关)\s*([^，。？?的]+?)\s*(?:的反馈|的评价|的评论|的投诉|的差评|的好评|的意见|$)/) ?? text.match(/([^\s，。？?]{1,12})的(?:反馈|评价|评论|投诉)/) ?? text.match(/(?:提到|说到|涉及|关于|有关)\s*([^，。？?的\s]{1,10})/);
  if (zh) return zh[1]!.trim() || undefined;
  const en = text.match(SEARCH_PREPOSITIONS);
  const q = en?.[1]?.replace(/\b(in|from|during|for|last|this|the past)\b.*$/, '').trim();
  return q ? q : undefined;
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
