import { METRIC_BY_ID, METRICS, PER_UNIT, RETURNED_ORDERS, RETURNS_AS_SHARE, type MetricId } from '../semantic/index.ts';
import type { Slots } from './parse.ts';
import { englishNumber, hasAny, longestMatch } from './text.ts';
import { parseNumber } from './time.ts';

/** The quantities a question names: its metric, how many of the top items it wants, and customer-level bounds. */

/**
 * The metric: the longest synonym found, except that in English the noun right after "how many / how much / number
 * of" wins ("how many invoices did Irish customers place" asks for orders, not customers).
 */
const OF_CUSTOMERS = /\b(?:from|by|among) (?:our |the |all |these |those |its )?(?:[a-z-]+ ){0,2}customers\b/;

export function detectMetric(text: string): { metric: MetricId; phrase: string } | null {
  const hits: { metric: MetricId; phrase: string; index: number }[] = [];
  for (const m of METRICS) {
    const hit = longestMatch(text, [...m.synonyms.en, ...m.synonyms.zh]);
    if (hit) hits.push({ metric: m.id, ...hit });
  }
  const anchor = text.match(/\b(?:how many|how much|number of|count of|total)\b/);
  // "how many people" is as long as "first purchase" only because of its question words: rank by the rest
  const weight = (phrase: string) => phrase.replace(/^(?:how many|how much|number of|count of) /, '').length;
  const specific = hits.filter((h) => h.phrase.includes(' ') && h.phrase.length >= 12).sort((a, b) => weight(b.phrase) - weight(a.phrase))[0];
  let best = hits.sort((a, b) => weight(b.phrase) - weight(a.phrase))[0] ?? null;
  // "revenue from customers in Germany", "orders by customers tagged loyal": customers after from / by / among name whose
  // metric it is; another metric named is the one asked
  if (best?.metric === 'customers' && OF_CUSTOMERS.test(text)) best = hits.find((h) => h.metric !== 'customers') ?? best;
  if (anchor && !specific) {
    // "how much" asks for an amount: a money metric named after it wins over a count ("how much did customers spend")
    const money = anchor[0] === 'how much' ? hits.filter((h) => h.index >= anchor.index! && METRIC_BY_ID.get(h.metric)?.format === 'money') : [];
    const after = (money.length ? money : hits.filter((h) => h.index >= anchor.index!)).sort((a, b) => a.index - b.index || b.phrase.length - a.phrase.length)[0];
    // (a money verb may come after the group: "how much did customers in the UK spend")
    if (after && after.index - anchor.index! <= (money.length ? 60 : 30)) best = after;
  }
  // "新增了多少收入" ("how much revenue was added"): 新增 is the verb of the metric after it, not new customers
  if (best?.metric === 'new_customers' && /^新增了?$/.test(best.phrase)) {
    const added = hits.filter((h) => h.index > best!.index && h.metric !== 'new_customers' && h.metric !== 'customers').sort((a, b) => a.index - b.index)[0];
    if (added) best = added;
  }
  // money "per order" / "per customer" is the ratio metric (PER_UNIT)
  if (best?.metric === 'revenue') {
    const per = PER_UNIT.find((u) => hasAny(text, [...u.en, ...u.zh]));
    if (per) return { ...best, metric: per.metric };
  }
  if (best?.metric === 'orders' && hasAny(text, [...RETURNED_ORDERS.en, ...RETURNED_ORDERS.zh])) best = { ...best, metric: RETURNED_ORDERS.metric };
  if (best?.metric === 'returns' && hasAny(text, [...RETURNS_AS_SHARE.en, ...RETURNS_AS_SHARE.zh])) return { ...best, metric: RETURNS_AS_SHARE.metric };
  return best;
}

export function detectTop(text: string): number | undefined {
  const words = '(\\d+|one|two|three|four|five|six|seven|eight|nine|ten|fifteen|twenty)';
  const m =
    text.match(new RegExp(`\\btop\\s*-?\\s*${words}\\b`)) ??
    text.match(new RegExp(`\\b${words}\\s+(?:best|biggest|largest|highest|top|leading|most)\\b`)) ??
    text.match(new RegExp(`\\b(?:best|biggest|largest|highest|leading|strongest)\\s+${words}\\b`)) ??
    text.match(new RegExp(`\\b(?:which|the|our)\\s+${words}\\s+(?:countries|channels|categories|markets|product categories|customers)\\b`)) ??
    text.match(/(?<![之以往从提向])前\s*(\d+|[一二两三四五六七八九十]+)\s*(?:名|个|大|位)?/) ??
    text.match(/(\d+|[一二两三四五六七八九十]+)\s*个\s*(?:国家|渠道|品类|类目|市场)/) ??
    text.match(/最.{0,8}?(\d+|[一二两三四五六七八九十]+)\s*[个位名]\s*(?:客户|顾客)/);
  if (!m) return undefined;
  const n = /^[\da-z]+$/.test(m[1]!) ? englishNumber(m[1]!) : parseNumber(m[1]!);
  return Number.isFinite(n) && n >= 1 && n <= 20 ? n : undefined;
}

const ONCE = /\b(?:only (?:bought|ordered|purchased|shopped|bought from us|ordered from us) once|(?:bought|ordered|purchased) (?:from us )?only once|(?:one-time|one time|one-off|single-purchase|single purchase) (?:buyers|customers|shoppers|purchasers|clients)|(?:haven'?t|have not|hasn'?t|has not|never|didn'?t|did not) (?:come back|came back|returned|ordered again|bought again|been back) (?:after|since) (?:their|the|a|his|her) first (?:order|purchase))\b|首单后(?:就)?(?:再也)?(?:没有?|未)(?:再)?(?:下单|购买|回来|复购|回购)|只买过一次|只买了一次|只下过一次单|只下过一单|只下了一单|只购买过一次|一次性客户|一次性买家/;

/** "customers who never came back after their first order", "只买过一次的客户": one-order customers (a segment). */
export const asksOneOrder = (text: string) => ONCE.test(text);

const UNIT_DAYS: Record<string, number> = { day: 1, week: 7, month: 30, year: 365, 天: 1, 周: 7, 星期: 7, 个星期: 7, 个月: 30, 年: 365 };
const SILENT_EN = /\b(?:haven'?t|have not|hasn'?t|has not|didn'?t|did not|not)\s+(?:ordered|bought|purchased|shopped|placed an order)(?:\s+anything)?(?:\s+from us)?\s+(?:in|for|within)\s+(?:the\s+(?:last|past)\s+)?(\d+|a|one|two|three|four|six|nine|twelve)\s+(day|week|month|year)s?\b|\bno (?:orders?|purchases?) (?:in|for) (?:the (?:last|past) )?(\d+|a|one|two|three|four|six|nine|twelve) (day|week|month|year)s?\b/;
// (a duration: 天 / 周 / 个月 / 年 after a small number; "10月没有下单" is a month, "2024年" a year)
const SILENT_ZH = /(?<![\d一二两三四五六七八九十])(\d{1,3}|[一二两三四五六七八九十]+)\s*(天|周|个星期|星期|个月|年)(?:以上|多|都)?\s*(?:都|了)?\s*(?:没有?|未|不曾)(?:再)?(?:下单|购买|买过?|消费|下过单)/;

/** "haven't ordered in 3 months", "90天没下单": days since the last order, at least (months as 30 days, years as 365). */
function silentDays(text: string): number | undefined {
  const en = text.match(SILENT_EN);
  const zh = en ? null : text.match(SILENT_ZH);
  const count = en ? en[1] ?? en[3] : zh?.[1];
  const unit = en ? en[2] ?? en[4] : zh?.[2];
  if (count === undefined || unit === undefined) return undefined;
  const n = /^\d+$/.test(count) ? Number(count) : /^[a-z]+$/.test(count) ? (count === 'a' ? 1 : englishNumber(count)) : parseNumber(count);
  // (years of silence beyond ten are a year named, not a duration)
  return Number.isFinite(n) && n > 0 && !(unit === '年' && n > 10) ? n * UNIT_DAYS[unit]! : undefined;
}

/** Customer revenue, order-count and silence bounds in a segment question (numbers from the question itself). */
export function parseRanges(text: string): Slots['ranges'] {
  const out: NonNullable<Slots['ranges']> = {};
  const amount = (s: string) => Number(s.replace(/,/g, ''));
  const money = text.match(/(?:spent|spend|spending|revenue of|worth|消费|花了|累计消费)\s*(more than|over|at least|above|less than|under|below|超过|大于|高于|不少于|少于|低于)?\s*[$£€¥]?\s*([\d,]+(?:\.\d+)?)/);
  if (money) out.revenue = /less|under|below|少于|低于/.test(money[1] ?? '') ? { max: amount(money[2]!) } : { min: amount(money[2]!) };
  const orders =
    text.match(/(more than|over|at least|fewer than|less than)\s+(\d+)\s+orders/) ??
    text.match(/(\d+)\s+(?:or more|\+)\s+orders/) ??
    text.match(/(?:下单|购买|买了?)\s*(\d+)\s*次\s*(及以上|以上|或以上|及更多)?/);
  if (orders) {
    const n = Number(orders[2] && /^\d+$/.test(orders[2]) ? orders[2] : orders[1]);
    // order counts are whole numbers: "more than 5" is at least 6, "fewer than 3" at most 2
    const word = orders[1] ?? '';
    out.orders = /fewer|less/.test(word) ? { max: n - 1 } : { min: /more than|over/.test(word) ? n + 1 : n };
  }
  // "customers who only bought once", "one-time buyers", "只买过一次的客户": one order at most
  if (!out.orders && ONCE.test(text)) out.orders = { max: 1 };
  const silent = silentDays(text);
  if (silent !== undefined) out.recencyDays = { min: silent };
  return Object.keys(out).length ? out : undefined;
}

/**
 * Time between purchases asked ("what's the average time between orders?", "how often do our Champions buy?",
 * "客户的复购周期是多少天？"): customer_segments' intervals mode. Not when the usual gap is the yardstick of a churn
 * question ("quiet for twice their usual gap between orders": churn risk).
 */
const INTERVAL_WORDS = /\b(?:time|days|weeks|gap|gaps|interval|intervals) between (?:orders|purchases|order days)\b|\b(?:purchase|order|inter-?purchase|reorder|repurchase|buying) (?:interval|cycle|gap|frequency)s?\b|\bhow (?:often|frequently) do (?:(?:our|the|most|these|[a-z]+) )*(?:customers|clients|buyers|shoppers|they|people|champions)(?: [a-z]+){0,3} (?:buy|order|purchase|shop|come back)\b|\bhow long (?:until|before|do|does|between)\b.*\b(?:next|second|another|repeat) (?:order|purchase)\b|复购周期|回购周期|购买间隔|下单间隔|购买周期|复购间隔|多久(?:买|下单|复购|回购|购买)一次|隔多久(?:买|下单|复购|回购|购买)|多久(?:才)?(?:会)?(?:第二次|再次)(?:购买|下单)|多久(?:才|会|再)?(?:下|买)(?:一次|一)?单|多快(?:会)?(?:再次|第二次)(?:购买|下单)|\bhow soon (?:do|does|did|will) (?:(?:our|the|new|most) )*(?:customers|clients|buyers|shoppers|they|people)\b.{0,20}\b(?:buy|order|purchase|come back)\b/;
const USES_GAP = /\b(?:risk|churn\w*|quiet|inactive|lapsed|overdue|twice|times)\b|流失|风险|没回来|不活跃|两倍|倍/;

/** 'second' when the time to the second purchase is what is asked (answered with the gap, said to be the closest). */
export function intervalsAsked(text: string): 'gap' | 'second' | undefined {
  if (!INTERVAL_WORDS.test(text) || USES_GAP.test(text)) return undefined;
  return /\bsecond (?:order|purchase)\b|第二次/.test(text) ? 'second' : 'gap';
}
