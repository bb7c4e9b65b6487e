import { englishNumber } from './text.ts';
import { parseNumber } from './time.ts';

/**
 * "Who are our top 10 customers?", "our biggest customers by revenue", "消费最多的前10位客户": a ranking of single
 * customers by their revenue, answered with customer_segments' profile members (highest revenue first). Returns how
 * many customers are asked for (10 when no number is given), or undefined when the question is not such a ranking.
 */
const COUNT = '(\\d+|one|two|three|four|five|six|seven|eight|nine|ten|fifteen|twenty)';
const RANKED = '(?:top|biggest|largest|best|most valuable|highest[- ]spending|highest[- ]value|highest[- ]revenue)';
const NOUN = '(?:customers|clients|buyers|spenders|accounts)';
const EN: RegExp[] = [
  new RegExp(`\\b${RANKED}\\s+${COUNT}\\s+${NOUN}\\b`), // "top 10 customers", "biggest five clients"
  new RegExp(`\\b${COUNT}\\s+${RANKED}\\s+${NOUN}\\b`), // "the 10 biggest customers"
  // "our biggest customers" (not "top / best customers", "top / biggest spenders": names of the Champions tier, dimensions.ts)
  new RegExp(`\\b(?:biggest|largest|highest[- ]spending)\\s+(?:customers|clients|buyers|accounts)\\b`),
  new RegExp(`\\b${NOUN}\\s+(?:who|that)\\s+(?:spent|spend|bought|paid)\\s+the\\s+most\\b`), // "customers who spent the most"
  new RegExp(`\\bwho\\s+(?:spent|spends|has spent|have spent)\\s+the\\s+most\\b`), // "who spent the most with us"
  new RegExp(`\\b(?:which|what)\\s+${NOUN}\\s+(?:spent|spend|spends|bought|buy|paid)\\s+the\\s+most\\b`), // "which customers spent the most"
];
const ZH_NUMBER = '(\\d+|[一二两三四五六七八九十]+)';
const ZH: RegExp[] = [
  new RegExp(`(?:消费|花钱|花费|贡献|收入|买得)最多的(?:前)?\\s*${ZH_NUMBER}?\\s*(?:位|个|名)?(?:客户|顾客|买家)`),
  new RegExp(`前\\s*${ZH_NUMBER}\\s*(?:位|个|名)?(?:大)?(?:客户|顾客|买家)`),
  // (大客户 alone names the Champions tier: dimensions.ts)
  /(?:最大的|排名前列的)(?:客户|顾客|买家)(?!群)/,
];

/** Customers ranked by their order count rather than their revenue. */
const BY_ORDERS = /\bby (?:number of |the number of )?orders\b|\bby order count\b|订单数|下单次数/;

export function detectTopCustomers(text: string): number | undefined {
  // ranked by something else (orders): not this revenue ranking
  if (BY_ORDERS.test(text) || /单数最多/.test(text)) return undefined;
  for (const re of EN) {
    const m = text.match(re);
    if (m) return count(m.slice(1).find((g) => g !== undefined), englishNumber);
  }
  for (const re of ZH) {
    const m = text.match(re);
    if (m) return count(m[1], parseNumber);
  }
  return undefined;
}

/** The number asked for, 10 by default; at most 100 (the tool's cap on members listed). */
function count(word: string | undefined, read: (w: string) => number): number {
  const n = word === undefined ? 10 : read(word);
  return Number.isFinite(n) && n >= 1 ? Math.min(Math.round(n), 100) : 10;
}

/** A top or bottom share of the customers ranked by revenue or order count ("top 10% of customers", "前20%的客户"). */
export interface TopShare {
  side: 'top' | 'bottom';
  /** Share of the customers asked for (0.1 = 10%). */
  share: number;
  metric: 'revenue' | 'orders';
  /** Where the words are in the text (to blank them: "top 10" is not a ranking of ten customers here). */
  index: number;
  length: number;
}

const PERCENT = String.raw`(\d+(?:\.\d+)?)\s*(?:%|％|percent\b|per cent\b)`;
const SHARE_EN = new RegExp(String.raw`\b(top|bottom|highest[- ]spending|lowest[- ]spending|biggest|best|least valuable|smallest)\s+${PERCENT}`);
// (前 not of 之前 / 以前 / 目前 / 提前 …: "以前20%的订单" is not a share of customers)
const SHARE_ZH = new RegExp(String.raw`((?<![之以往从提向目])前|(?<![之以往然今最])后|头部|尾部|最高的?|最低的?|top)\s*(?:(\d+(?:\.\d+)?)\s*[%％]|百分之\s*(\d+|[一二两三四五六七八九十]+))`);
/** The share is of customers ("top 20% of products" is not). */
const CUSTOMER_WORD = /\b(?:customers?|clients?|buyers?|shoppers?|spenders?|accounts?)\b|客户|顾客|买家|用户/;

/**
 * "What share of revenue comes from our top 10% of customers?", "bottom 50 percent of customers by orders",
 * "前20%的客户贡献了多少收入", "收入最低的百分之十客户": customers by percentile of their revenue (or order count),
 * answered with customer_segments' percentile filter. Undefined when no such share is named (or it is 0 or ≥ 100%).
 */
export function detectTopShare(text: string): TopShare | undefined {
  const en = text.match(SHARE_EN);
  const zh = en ? null : text.match(SHARE_ZH);
  const m = en ?? zh;
  if (!m || !CUSTOMER_WORD.test(text)) return undefined;
  const word = m[1]!;
  const pct = en ? Number(m[2]) : m[2] !== undefined ? Number(m[2]) : parseNumber(m[3]!);
  if (!Number.isFinite(pct) || pct <= 0 || pct >= 100) return undefined;
  const bottom = /^(?:bottom|lowest|least|smallest|后|尾部|最低)/.test(word);
  const metric = BY_ORDERS.test(text) ? 'orders' : 'revenue';
  return { side: bottom ? 'bottom' : 'top', share: pct / 100, metric, index: m.index!, length: m[0].length };
}
