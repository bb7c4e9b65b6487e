import { DIMENSIONS, type DimensionId, type MetricId } from '../semantic/index.ts';
import { blank, findPhrase, longestMatch } from './text.ts';

/**
 * Dimension values of the loaded data (from one describe_data call per question), and the phrase table that maps
 * what people type to them: the values themselves plus the semantic layer's aliases whose group contains a loaded
 * value. Matching is case-insensitive; the longest phrase wins, so "United Arab Emirates" beats "united".
 */
export interface DataValues {
  country: string[];
  channel: string[];
  category: string[];
  segment: string[];
  /** Customer tag names (rule tags such as "high value"); named in a question only with the word tag / 标签. */
  tag?: string[];
  /** The only currency of the orders, when there is exactly one (named beside money amounts). */
  currency: string | null;
}

export const EMPTY_VALUES: DataValues = { country: [], channel: [], category: [], segment: [], currency: null };

type ValueList = { value: string; count: number }[];
export function valuesFromDescribe(result: Record<string, unknown> | null): DataValues {
  const dims = (result?.dimensions ?? {}) as Record<string, ValueList | undefined>;
  const list = (key: string) => (dims[key] ?? []).map((v) => v.value).filter((v) => typeof v === 'string' && v.length > 0);
  const currencies = list('currency');
  return { country: list('country'), channel: list('channel'), category: list('category'), segment: list('segment'), tag: list('tag'), currency: currencies.length === 1 ? currencies[0]! : null };
}

export interface ValueMatcher {
  phrase: string;
  dim: DimensionId;
  value: string;
}

/** Phrases for every loaded value and alias; RFM tier names only when asked for (they are also common words). */
export function buildMatchers(values: DataValues, opts: { tiers: boolean }): ValueMatcher[] {
  const out: ValueMatcher[] = [];
  for (const dim of DIMENSIONS) {
    if (dim.id === 'rfm_tier' && !opts.tiers) continue;
    const loaded = dim.describeKey ? values[dim.describeKey] : [...(dim.fixedValues ?? [])];
    const byLower = new Map(loaded.map((v) => [v.toLowerCase(), v]));
    for (const v of loaded) out.push({ phrase: v.toLowerCase(), dim: dim.id, value: v });
    for (const group of dim.aliases) {
      const value = group.map((a) => byLower.get(a)).find((v) => v !== undefined);
      if (value) for (const alias of group) out.push({ phrase: alias, dim: dim.id, value });
    }
  }
  const seen = new Set<string>();
  return out
    .filter((m) => m.phrase.length > 1 && !seen.has(`${m.dim}|${m.phrase}`) && seen.add(`${m.dim}|${m.phrase}`))
    .sort((a, b) => b.phrase.length - a.phrase.length);
}

/** RFM tier names that end in a customer noun ("high-value customers", "高价值客户") blanked out. */
const GROUP_NAMES = DIMENSIONS.find((d) => d.id === 'rfm_tier')!
  .aliases.flat()
  // ("lost customers" asks about churn, not about the Lost tier's orders)
  .filter((a) => /customers|客户|顾客/.test(a) && !/lost|流失/.test(a))
  .sort((a, b) => b.length - a.length);
export function withoutGroupNames(text: string): string {
  for (const name of GROUP_NAMES) {
    const hit = findPhrase(text, name);
    if (hit) text = blank(text, hit.index, hit.length);
  }
  return text;
}

/**
 * Words for customers who ordered before ("revenue from returning customers", "老客户贡献了多少收入"). "Repeat
 * customers" of another metric ("what share of revenue comes from repeat customers?") are these too: the answer names
 * the definition (first order before the window); alone, "repeat customers" is the repeat rate.
 */
const RETURNING = ['returning customers', 'returning customer', 'existing customers', 'old customers', 'repeat customers', 'repeat customer',
  'repeat buyers', 'repeat buyer', '老客户', '老客', '老顾客', '回头客', '复购客户'];
/** Words for customers whose first order is in the window (customer nouns only: 新增订单 is not a group). */
const NEW = ['new customers', 'new customer', 'new buyers', 'first-time customers', 'first time customers', 'first-time buyers', 'first time buyers',
  'new shoppers', 'new clients', '新客户', '新客', '新顾客', '新买家', '首购客户', '新用户'];
/**
 * Metrics about the customers themselves: with these, "new customers" is the metric, not a group. The repeat rate is a
 * share of a group of customers: "the repeat rate of new customers" (新客户的复购率) is the new customers' own.
 */
const OF_CUSTOMERS: ReadonlySet<MetricId> = new Set(['customers', 'new_customers', 'lost_customers']);

/** New or returning customers named at all ("and returning customers?"); undefined when neither is. */
export function customerTypeNamed(text: string): 'new' | 'returning' | undefined {
  const [n, r] = [longestMatch(text, NEW), longestMatch(text, RETURNING)];
  if (n && (!r || n.phrase.length >= r.phrase.length)) return 'new';
  return r ? 'returning' : undefined;
}

/**
 * New or returning customers named as the group another metric is asked for ("how much revenue came from new
 * customers last month?"): that metric and the customer type; null when the phrase is the metric itself ("how many
 * new customers").
 */
export function customerTypeGroup(text: string, detect: (text: string) => { metric: MetricId } | null): { metric: MetricId; customerType: 'new' | 'returning' } | null {
  for (const [customerType, phrases] of [['new', NEW], ['returning', RETURNING]] as const) {
    const hit = longestMatch(text, phrases);
    if (!hit) continue;
    const other = detect(blank(text, hit.index, hit.phrase.length));
    if (other && !OF_CUSTOMERS.has(other.metric)) return { metric: other.metric, customerType };
  }
  return null;
}

/**
 * A tag named next to the word tag ("customers tagged lapsed", "with the high value tag", "tag: overdue"): tag names
 * are ordinary words ("loyal", "new"), so never alone, and not in "by tag" / "which tags". The tag, and the question
 * with the tag phrase blanked so its words are not read again as a tier or a metric.
 */
export function detectTag(text: string, values: DataValues): { tag: string; rest: string } | null {
  if (!values.tag?.length || !/\btag|标签/.test(text)) return null;
  const names = [...values.tag].sort((a, b) => b.length - a.length);
  for (const tag of names) {
    const name = tag.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const hit = text.match(new RegExp(String.raw`\btagged (?:as |with )?(?:"|')?${name}\b|\b${name}(?:"|')? tag\b|\btag:? (?:"|')?${name}\b|标签(?:为|是)?${name}|${name}标签`));
    if (hit) return { tag, rest: blank(text, hit.index!, hit[0].length) };
  }
  return null;
}
