import type { AnalysisId } from '../semantic/index.ts';

/**
 * Words that pick one reading of an analysis: what lapsed customers did last, acting on churn risk (win-back), value
 * of RFM tiers, and how customer records were unified (identity resolution).
 */

/**
 * "What do customers do before they churn?", "last steps of churned customers", "客户流失前通常做了什么": the last event
 * types of customers without a recent order (journey_paths mode churn), not who is at risk.
 */
export const CHURN_PATH = new RegExp([
  // ("before they leave a review" is not churn: leave / quit only at the end of the clause, or leaving us)
  String.raw`\b(?:what|which|how (?:do|did|does))\b.{0,40}\bbefore (?:they |customers |users |people |clients |a customer |someone )?(?:churn(?:s|ed)?|(?:leave|leaves|left|quit)(?= us\b|\s*[?.!,]|$)|lapse[sd]?|stop (?:buying|ordering|shopping)|go quiet|disappear|drop off)`,
  String.raw`\b(?:last|final) (?:steps?|actions?|events?|things?|moves?|clicks?)\b.{0,40}\b(?:churn\w*|lapsed|lost|inactive|dormant)\b`,
  String.raw`\b(?:churn\w*|lapsed|lost|inactive|dormant) (?:customers|users|clients)\b.{0,30}\b(?:do|did|doing)\b.{0,10}\b(?:last|before)\b`,
  String.raw`\b(?:paths?|journeys?)\b.{0,20}\b(?:to|into|before|of) (?:churn\w*|lapsed|lost customers)`,
  String.raw`流失(?:之?前|以前).{0,12}(?:做|行为|路径|干|操作|步骤|事件|经历|动作|浏览)`,
  String.raw`(?:流失|沉睡|不活跃)的?(?:客户|用户|顾客).{0,10}(?:最后(?!一次下单|一次购买|.{0,6}(?:收入|金额|贡献|什么时候))|行为路径|做了什么|干了什么|做什么)`,
].join('|'));

/** "Who should we target for a win-back campaign?", "应该召回哪些客户": churn risk, with the tool's suggested win-back segment. */
export const WIN_BACK = /\bwin[- ]?back\b|\bre-?activat\w*|\bre-?engag\w*|\bsave (?:them|those|these|customers)\b|\bcampaigns?\b|\btarget(?:ed|ing)?\b|\breach out\b|\bcall (?:them|those|these|customers|on)\b|召回|挽回|挽留|唤醒|营销|触达/;

/** Value words of lifetime value, for a question an RFM tier's name drew to the RFM analysis ("average CLV of Champions"). */
export const CLV_WORDS = /\b(?:clv|ltv|lifetime value|customer value|future value|expected value|predicted value|worth)\b|生命周期价值|终身价值|客户价值|未来价值|预期价值|预测价值|值多少钱/;
/** Tier words without a tier's name ("CLV by RFM tier", "各层级的客户价值"): lifetime value per tier. */
export const TIER_WORDS = /\btiers?\b|\brfm\b|层级|分层/;
/** Groups of customers without a group's name ("which segment", 客群): the RFM tiers are the groups every customer is in. */
const WHICH_GROUP = /\b(?:segments?|customer groups?|groups? of customers|tiers?)\b|客群|人群|客户群|分群|层级/;
const MOST_VALUABLE = /\bmost valuable\b|最有价值|价值最高/;

/**
 * "What is the CLV by RFM tier?", "Which segment has the highest CLV?", "Which customer group is most valuable?",
 * "哪个客群的客户终身价值最高": predicted lifetime value per RFM tier (customer_lifetime_value by tier).
 */
export function valueByGroup(analysis: AnalysisId | null, rest: string, filter: object): boolean {
  if (analysis === 'clv') return TIER_WORDS.test(rest) || WHICH_GROUP.test(rest);
  // (a group named beside it, "the most valuable segment in Germany", keeps the segment reading: CLV by tier has no filter)
  return (analysis === null || analysis === 'segment' || analysis === 'rfm') && Object.keys(filter).length === 0 && WHICH_GROUP.test(rest) && (CLV_WORDS.test(rest) || MOST_VALUABLE.test(rest));
}

/** "Which segment is growing fastest?": the tiers' movement against a year earlier (not just the largest tier). */
export const SEGMENT_GROWS = /\b(?:grow\w*|grew|gain\w*|expand\w*|increas\w*|ris(?:e|es|ing|en))\b|增长|增加/;

/**
 * How customer records from different systems were unified ("how many customers are in more than one source system?",
 * "how many duplicate customers were merged?", "客户ID打通了吗"): describe_data's identity report.
 */
export const IDENTITY_ASKED = new RegExp([
  String.raw`\b(?:source systems?|data sources?|more than one source|several sources|multiple sources|different sources|both sources|identity resolution|id (?:mapping|matching|unification))\b`,
  // duplicates and merges of customers (not of orders or reviews)
  String.raw`\b(?:duplicate|duplicated|merged|unified) (?:customers?|customer records|records|profiles|accounts|ids)\b|\b(?:customers?|customer records|records|profiles|accounts|ids) (?:were |got |have been |are )?(?:merged|unified|deduplicated)\b|\bdid we (?:merge|unify|deduplicate)\b|\bdeduplicat\w* (?:customers|records|profiles)\b`,
  '数据源|来源系统|多个系统|多个来源|不同系统|(?:重复|合并)的?(?:客户|顾客|用户|记录|档案)|(?:客户|顾客|用户)(?:记录|档案)?(?:被)?合并|客户去重|身份识别|身份统一|id ?打通|统一身份|一人多号',
].join('|'));

/** What a group buys ("what do our Champions buy?", "冠军客户都买什么"): its profile's main categories, not the tier sizes. */
const WHAT_THEY_BUY = /\bwhat (?:do|does|did) (?:our |the |these )?[a-z' -]{1,30} (?:buy|purchase|order)\b|(?:都|主要|一般)?(?:买|购买)(?:了)?(?:什么|哪些)/;
/** A share of the customers asked ("what percentage of customers are from China?", "来自中国的客户占多少"). */
const SHARE_OF_CUSTOMERS = /\b(?:what|which) (?:percentage|percent|share|proportion|fraction) of (?:our |all |the )?(?:customers|clients|buyers)\b|\b(?:customers|clients|buyers) (?:make up|account for)\b|客户(?:中)?(?:占比|占多少|占几成|的比例|比例)|(?:占|是)(?:全部|所有)?客户的?(?:比例|多少|百分之几)/;

/** Orders per customer ("how many orders per customer on average?", 平均每个客户下几单): the profile's frequency. */
export const ORDERS_PER_CUSTOMER = /\b(?:orders?|purchases?) per (?:customer|client|buyer|head)\b|\bhow many (?:orders|times) (?:does|do) (?:a|each|the average|our) (?:customer|client|buyer)s? (?:place|order|buy|make)\b|每个(?:客户|顾客|用户)(?:平均)?(?:下|买)?(?:几|多少)(?:单|次)|人均(?:订单|下单)(?:数|量)|人均(?:几|多少)单/;

/**
 * A group of customers profiled: what it buys, or its share of all customers (customer_segments profile: main
 * categories, and the group's size as a share of the customers with orders). Applies to a group named by a tier or a
 * dimension value with no period (a share of a period's customers is a KPI); returns the analysis.
 */
export function profileAsked(text: string, analysis: AnalysisId | null, slots: { filter: Record<string, unknown>; groupBy?: string; metric?: string; customerType?: string }, hasTime: boolean): AnalysisId | null {
  const { filter } = slots;
  if (analysis !== null && analysis !== 'rfm') return analysis;
  // (a breakdown asked is no profile: products or categories bought most are a KPI breakdown already, purchases.ts)
  if (hasTime || slots.groupBy) return analysis;
  // all customers' orders per customer, all time (kpi_trend has no such metric; a period named stays a KPI question)
  if (analysis === null && ORDERS_PER_CUSTOMER.test(text)) return 'segment';
  if (Object.keys(filter).length === 0) return analysis;
  // (a tier's share of the customers is the RFM answer's already)
  if (analysis === 'rfm') return filter.rfm_tier && WHAT_THEY_BUY.test(text) ? 'segment' : analysis;
  // a share by country or tier only: a segment's channel and category are the customer's main ones, which would
  // understate "what share of customers use the app / buy Electronics"
  // (and a share of the customers themselves: "what share of customers in Germany are repeat customers?" is a rate)
  const byCustomer = Object.keys(filter).every((k) => k === 'country' || k === 'rfm_tier') && (!slots.metric || slots.metric === 'customers') && !slots.customerType;
  return WHAT_THEY_BUY.test(text) || (byCustomer && SHARE_OF_CUSTOMERS.test(text)) ? 'segment' : analysis;
}
