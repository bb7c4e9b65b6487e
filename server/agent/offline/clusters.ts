import { englishNumber } from './text.ts';
import { parseNumber } from './time.ts';

/**
 * Words of the clusters analysis (customer_segments' clustering mode): questions that split customers into a number
 * of groups, and the number asked for.
 */

/** Text about feedback: clustering it is finding themes, not customer clusters. */
export const FEEDBACK_TEXT = /\b(?:feedback|reviews?|complain\w*|comments?|tickets?)\b|反馈|评论|评价|投诉|抱怨|留言|工单/;
/** Customers named (clusters are groups of customers: "split revenue into 3 groups" is not clustering). */
export const CUSTOMER_NOUN = /\b(?:customers?|buyers?|shoppers?|clients?|users?)\b|客户|顾客|用户|买家/;
/** Kinds of customers in Chinese with the noun before the question word: "客户可以分为哪些类型", "顾客有哪几类". */
export const CUSTOMER_KINDS_ZH = /(?:客户|顾客|用户|买家)[^，。？?]{0,6}(?:哪几类|哪些类型|哪几种|几类|几种)/;
/** Customers split into a number of groups ("into 4 segments", "分成三类"): behaviour clusters. */
export const CLUSTER_COUNT = /\b(?:into|in)\s+(?:\d+|two|three|four|five|six|seven|eight|nine|ten|several|a few)\s+(?:groups|clusters|segments|types|kinds|personas)\b|分(?:成|为)\s*(?:\d+|[两二三四五六七八九十几])\s*个?(?:类|组|群|种)/;

/** "into 4 groups", "five clusters", "分成三类", "分为4个群": the number of clusters asked for (the tool checks its range). */
export function parseClusterCount(text: string): number | undefined {
  const en = text.match(/\b(\d+|two|three|four|five|six|seven|eight|nine|ten)\s+(?:groups|clusters|segments|types|kinds|personas)\b/);
  if (en) return englishNumber(en[1]!);
  const zh = text.match(/分(?:成|为)?\s*(\d+|[两二三四五六七八九十])\s*(?:个)?(?:类|组|群|种)/);
  return zh ? parseNumber(zh[1]!) : undefined;
}
