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

export function detectTopCustomers(text: string): number | undefined {
  // ranked by something else (orders): not this revenue ranking
  if (/\bby (?:number of |the number of )?orders\b|\bby order count\b|订单数|下单次数|单数最多/.test(text)) return undefined;
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
