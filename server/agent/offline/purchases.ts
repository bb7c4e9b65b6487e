import { DIMENSION_BY_ID, RETURNED_ORDERS, type AnalysisId } from '../semantic/index.ts';
import { TIER_WORDS } from './behaviourWords.ts';
import { ITEMS_PER_ORDER, POPULAR, PRODUCT_BREAKDOWN } from './parseWords.ts';
import type { Slots } from './slots.ts';
import { hasAny } from './text.ts';

/** What customers buy ("what did customers in Canada buy most?", "法国客户最常买哪个品类", "which products do … buy"). */
const BUY_WHAT = /\bwhat (?:do|did|does) .{0,40}\b(?:buy|purchase|order)\b|\bwhich (?:categor(?:y|ies)|products?) (?:do|did|does) .{0,40}\b(?:buy|purchase|order)\b|买(?:什么|哪些|了什么)|最常买|买得最多|最爱买/;
/** "which products did Champions return most?": returns ranked (RETURNED_ORDERS has the noun phrases). */
const RETURN_VERB = /\breturn(?:s|ed|ing)? (?:the )?most\b|\bmost (?:often )?returned\b|\bdo (?:they|[a-z ]{0,30}) return\b|退(?:货|回)?(?:得)?最多/;
const PRODUCT_WORDS = [...DIMENSION_BY_ID.get('product')!.words.en, ...DIMENSION_BY_ID.get('product')!.words.zh];

/**
 * Questions about what is bought: categories or products ranked by a KPI (kpi_trend groupBy category / product),
 * possibly for one RFM tier's customers. Runs after the superlative and top-N words are read; returns the analysis
 * (null = a KPI question) and fills groupBy / metric.
 */
export function purchaseSlots(text: string, scan: string, rest: string, analysis: AnalysisId | null, slots: Slots): AnalysisId | null {
  const buysWhat = BUY_WHAT.test(text);
  const namesProducts = hasAny(text, PRODUCT_WORDS) && !ITEMS_PER_ORDER.test(text);
  const ranked = Boolean(slots.superlative || slots.top || PRODUCT_BREAKDOWN.test(text));
  // "which products did Champions buy most?", "top products among Champions": the products a tier's customers buy
  // (kpi_trend's tier filter), not the tier's size; naming RFM or tiers keeps the RFM analysis, and "what do our loyal
  // customers buy?" (no products named) stays the tier's profile, whose persona lists their categories
  if ((analysis === 'rfm' || analysis === 'segment') && slots.filter.rfm_tier && !TIER_WORDS.test(rest) && !slots.groupBy && namesProducts && (buysWhat || ranked)) {
    analysis = null;
  }
  if (analysis) return analysis;
  // "what did customers in Canada buy most?", "法国客户最常买哪个品类": orders by category (or product, when products are
  // named: "which products do Champions buy?"), what is bought, not a count of buyers
  if (buysWhat && (!slots.metric || slots.metric === 'customers') && !slots.filter.category && (!slots.groupBy || slots.groupBy === 'category')) {
    slots.groupBy = namesProducts && !slots.groupBy ? 'product' : 'category';
    slots.metric = 'orders';
  }
  // "which products sell best?", "top 5 products", "退货最多的商品": a KPI by product, when a ranking or breakdown of the
  // products is asked ("how much did toy products make?" is the category's total; "items per order" a basket size).
  // No other analysis reads products ("product views" are a funnel step); "returned" names returns there.
  if (!slots.groupBy && !slots.versus && ranked && namesProducts) {
    slots.groupBy = 'product';
    // a ranking with no measure named: returned → returns, popular / most ordered / 销量 → orders, else (sellers, 畅销) revenue
    if (!slots.metric) slots.metric = hasAny(scan, [...RETURNED_ORDERS.en, ...RETURNED_ORDERS.zh]) || RETURN_VERB.test(text) ? RETURNED_ORDERS.metric : POPULAR.test(text) ? 'orders' : 'revenue';
  }
  return null;
}
