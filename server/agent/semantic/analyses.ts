/**
 * The analyses beyond a single KPI, as data: which tool serves each, the phrases that ask for it (en/zh, lower-case,
 * matched as substrings; the analysis with the longest matching phrase wins, ties in list order), and how the
 * planner's slots map onto the tool's arguments. Slot names: time.from / time.to (YYYY-MM-DD), time.fromMonth /
 * time.toMonth (YYYY-MM), filter.<dimension>, groupBy, top, query, tier, k (number of clusters).
 */
export type AnalysisId =
  | 'kpi'
  | 'rfm'
  | 'churn'
  | 'cohort'
  | 'funnel'
  | 'feedback_themes'
  | 'feedback_search'
  | 'segment'
  | 'clusters'
  | 'clv'
  | 'journey'
  | 'describe'
  | 'overview'
  | 'drivers';

export interface AnalysisDef {
  id: AnalysisId;
  tool: string;
  names: { en: string; zh: string };
  triggers: { en: string[]; zh: string[] };
  /** tool argument path ← slot name; a slot that is not filled leaves the argument to the tool's default. */
  args: Record<string, string>;
  /** Arguments this analysis always sends (the same tool can serve several analyses, e.g. a segment's modes). */
  fixed?: Record<string, unknown>;
  /** Breakdowns the tool can do (slot groupBy → this argument value). */
  groupBy?: Partial<Record<'country' | 'channel' | 'category' | 'product' | 'month', string>>;
  /** Glossary metrics whose definitions the answer names. */
  definitions: string[];
}

export const ANALYSES: readonly AnalysisDef[] = [
  {
    id: 'kpi',
    tool: 'kpi_trend',
    names: { en: 'KPI over time', zh: '指标趋势' },
    triggers: { en: [], zh: [] }, // chosen by a metric word (metrics.ts), not by a phrase
    args: {
      metric: 'metric', from: 'time.from', to: 'time.to', grain: 'grain', 'filters.country': 'filter.country', 'filters.channel': 'filter.channel',
      'filters.category': 'filter.category', 'filters.rfmTier': 'filter.rfm_tier', 'filters.customerType': 'customerType', 'filters.tag': 'tag', groupBy: 'groupBy', top: 'top',
    },
    groupBy: { country: 'country', channel: 'channel', category: 'category', product: 'product' },
    definitions: [],
  },
  {
    id: 'rfm',
    tool: 'rfm_analysis',
    names: { en: 'RFM tiers', zh: 'RFM 客户分层' },
    triggers: {
      en: ['rfm', 'rfm segment', 'rfm group', 'rfm tier', 'rfm bucket', 'tier sizes', 'customer tiers', 'size of each tier', 'tiers', 'which tier', 'each tier', 'champions', 'champs', 'hibernating', "can't lose", 'cant lose', 'potential loyalist', 'about to sleep', 'need attention', 'at risk tier', 'at risk group', 'at risk segment', "'at risk'", '"at risk"', 'are lost', 'lost tier', 'are hibernating'],
      zh: ['rfm', '客户分层', '分层', '层级', '冠军客户', '休眠客户', '忠诚客户', '潜力客户'],
    },
    args: { asOf: 'time.to' },
    definitions: ['rfm_score', 'rfm_tier'],
  },
  {
    id: 'churn',
    tool: 'churn_risk',
    names: { en: 'customers at risk of churning', zh: '流失风险客户' },
    triggers: {
      en: ['at risk', 'at-risk', 'churn', 'churning', 'revenue at stake', 'at stake', 'might leave', 'could leave', 'losing customers', 'lose customers', 'stopped buying', 'stopped ordering', 'stopped purchasing', 'gone quiet', 'inactive customers', 'lapsed', 'likely to churn', 'risk of leaving', 'likely to leave', 'about to leave', 'lapsing', 'slipping away', 'risk of losing', 'about to lose', 'going to lose', 'win back', 'win-back',
        'gone cold', 'went cold', 'going cold', 'gone dormant', 'dormant customers', 'drifting away', 'drifted away', "haven't bought", "haven't ordered", 'have not bought', 'have not ordered',
        "haven't come back", 'not come back', 'stopped coming', 'not ordered in a while', 'not bought in a while', 'walk away', 'walking away', 'ditch us', 'leaving us', 'abandoning us',
        'stop buying', 'stop ordering', 'stop purchasing', 'stop shopping', 'stopped shopping', 'quit buying', 'no longer buy', 'no longer buying', 'no longer order',
        'save them', 'save these customers', 'keep from leaving', 'stop them from leaving'],
      zh: ['流失风险', '流失', '可能流失', '风险客户', '面临流失', '挽回', '召回', '风险收入', '不买了', '不再购买', '没再买', '很久没买',
        '好久没', '很久没', '一直没来', '没再来', '不来了', '不来买', '快要走', '要跑了', '跑掉', '沉默客户', '睡着了', '不活跃', '挽留', '唤醒'],
    },
    // a group is judged within itself ("most at risk in Germany"): the customers' country, main channel, main category
    args: { asOf: 'time.to', 'filter.country': 'filter.country', 'filter.mainChannel': 'filter.channel', 'filter.mainCategory': 'filter.category' },
    definitions: ['inactivity_ratio', 'p_alive', 'revenue_at_stake'],
  },
  {
    id: 'cohort',
    tool: 'cohort_retention',
    names: { en: 'cohort retention', zh: '同期群留存' },
    triggers: {
      en: ['cohort', 'retention', 'retained', 'retain', 'first ordered in', 'ordered again in', 'still buying', 'acquired in'],
      zh: ['同期群', '留存', '群组', '回访', '留住', '首购', '那批新客户', '首次购买的客户', '首单', '回来了多少', '第二个月', '次月', '还在买', '仍在购买'],
    },
    args: { from: 'time.fromMonth', to: 'time.toMonth', 'filter.country': 'filter.country', 'filter.channel': 'filter.channel' },
    definitions: ['retention_rate'],
  },
  {
    id: 'funnel',
    tool: 'funnel_analysis',
    names: { en: 'conversion funnel', zh: '转化漏斗' },
    triggers: {
      en: ['funnel', 'conversion', 'convert', 'drop-off', 'drop off', 'dropoff', 'checkout to purchase', 'worst step', 'where do we lose', 'abandon', 'which step', 'loses the most', 'lose the most',
        'end up buying', 'ended up buying', 'ends up buying', 'end up purchasing', 'ended up purchasing', 'actually buy', 'actually bought', 'visitors', 'visitor', 'bail out', 'bailing', 'give up before', 'gave up before'],
      zh: ['漏斗', '转化', '流失最多的环节', '哪一步', '哪个环节', '弃购', '放弃购买', '访客', '最终下单', '最后买了', '最终购买', '只看不买', '加购没买', '下单率'],
    },
    args: { from: 'time.from', to: 'time.to', splitBy: 'groupBy', steps: 'steps' },
    groupBy: { channel: 'channel', country: 'country', month: 'month' },
    definitions: ['conversion_rate'],
  },
  {
    id: 'feedback_themes',
    tool: 'feedback_themes',
    names: { en: 'feedback themes', zh: '反馈主题' },
    triggers: {
      en: ['themes', 'theme', 'complaining about', 'complaints', 'complain', 'moaning about', 'grumbling about', 'griping about', 'unhappy about', 'what are customers saying', 'main issues', 'top issues', 'feedback topics', 'pain points', 'complaint', 'common complaint', 'most common complaint', 'biggest complaint', 'what people complain',
        'complain about most', 'complain about the most', 'complained about most', 'complained about the most', 'complaining about most', 'complaining about the most', 'complain most about', 'complained most about'],
      zh: ['主题', '投诉', '抱怨', '吐槽', '反馈主题', '客户在说什么', '主要问题', '痛点'],
    },
    args: {}, // clusters all feedback; the answer reads the asked month from each theme's monthly series
    definitions: [],
  },
  {
    id: 'feedback_search',
    tool: 'search_feedback',
    names: { en: 'feedback search', zh: '反馈搜索' },
    triggers: {
      en: ['feedback about', 'feedback on', 'feedback mentioning', 'reviews about', 'reviews mentioning', 'search feedback', 'find feedback', 'what do customers say about', 'comments about', 'show me feedback', 'feedback like', 'say about', 'says about', 'saying about', 'mentions of', 'complaints about',
        'find reviews', 'search reviews', 'find comments', 'reviews that', 'comments that', 'feedback that', 'that mention', 'which mention', 'mentioning', 'talk about', 'talking about',
        'customers say', 'customers said', 'did customers say', 'do customers say', 'customers telling us', 'customers tell us'],
      zh: ['搜索反馈', '查找反馈', '提到', '的反馈', '的评价', '评论', '差评', '好评', '客户说了什么', '客户都说了什么', '客户怎么说', '顾客说了什么'],
    },
    args: { query: 'query', from: 'time.from', to: 'time.to' },
    definitions: [],
  },
  {
    id: 'segment',
    tool: 'customer_segments',
    names: { en: 'customer segment', zh: '客户群' },
    triggers: {
      en: ['segment', 'profile', 'persona', 'describe the customers', 'what do we know about', 'look like', 'in common', 'customer group', 'best customers', 'top customers', 'most loyal customers', 'customer base of',
        'vip', 'vip customers', 'whales', 'big spenders', 'biggest spenders', 'top spenders', 'high-value customers'],
      zh: ['客群', '分群', '画像', '细分', '人群', '客户群', '最好的客户', '优质客户', '核心客户', 'vip客户', '大客户', '高价值客户'],
    },
    args: {
      asOf: 'time.to', 'filter.country': 'filter.country', 'filter.mainChannel': 'filter.channel', 'filter.mainCategory': 'filter.category',
      'filter.segment': 'filter.segment', 'filter.rfmTier': 'filter.rfm_tier', 'filter.revenue': 'range.revenue', 'filter.orders': 'range.orders',
      'filter.recencyDays': 'range.recencyDays',
    },
    definitions: ['segment_share', 'revenue_share'],
  },
  {
    // customer_segments' clustering mode: the groups come from the data (k-means on behaviour), not from a filter.
    // Longer phrases than the segment ones, so "segment our customers" / "自动分群" land here and "segment" alone there.
    id: 'clusters',
    tool: 'customer_segments',
    names: { en: 'behaviour clusters', zh: '行为聚类' },
    triggers: {
      en: ['cluster', 'clusters', 'clustering', 'kinds of customers', 'types of customers', 'sorts of customers', 'groups of customers', 'customer types',
        'customer groups', 'customer clusters', 'natural groups', 'behaviour groups', 'behavior groups', 'segment our customers', 'segment my customers',
        'segment the customers', 'group our customers', 'group my customers', 'group the customers', 'split our customers', 'split my customers'],
      zh: ['聚类', '分成几类', '分为几类', '分几类', '哪几类客户', '几类客户', '几种客户', '哪些类型的客户', '客户类型', '客户分类', '客户类别', '自动分群', '行为分群', '按行为分'],
    },
    args: {
      asOf: 'time.to', k: 'k', 'filter.country': 'filter.country', 'filter.mainChannel': 'filter.channel', 'filter.mainCategory': 'filter.category',
      'filter.segment': 'filter.segment', 'filter.rfmTier': 'filter.rfm_tier',
    },
    fixed: { mode: 'cluster' },
    definitions: ['silhouette'],
  },
  {
    id: 'journey',
    tool: 'journey_paths',
    names: { en: 'paths before a purchase', zh: '购买前路径' },
    triggers: {
      en: ['path', 'paths', 'journey', 'journeys', 'before they buy', 'before buying', 'before a purchase', 'before purchasing', 'lead to a purchase', 'led to a purchase', 'right before', 'user flow', 'sankey', 'before ordering', 'before they order', 'before checking out', 'steps before'],
      zh: ['路径', '旅程', '购买前', '下单前', '行为路径', '经历哪些步骤', '用户行为', '下单之前', '购买之前', '买之前', '付款前', '付款之前'],
    },
    args: { from: 'time.from', to: 'time.to' },
    definitions: ['path_count'],
  },
  {
    id: 'describe',
    tool: 'describe_data',
    names: { en: 'what data is loaded', zh: '数据概况' },
    triggers: {
      en: ['what data', 'which data', 'data do you have', 'this dataset', 'the dataset', 'dataset contain', 'data set contain', 'can i filter by', 'what can i ask', 'what can you do', 'which countries are there', 'what channels', 'what categories', 'available data', 'date range of the data', 'what tags', 'which tags', 'customer tags'],
      zh: ['哪些数据', '什么数据', '数据集', '有什么内容', '数据范围', '可以按哪些', '能筛选', '可以筛选', '你能做什么', '有哪些国家', '有哪些渠道', '哪些标签', '什么标签', '客户标签'],
    },
    args: {},
    definitions: [],
  },
  {
    id: 'clv',
    tool: 'customer_lifetime_value',
    names: { en: 'customer lifetime value', zh: '客户生命周期价值' },
    triggers: {
      en: ['lifetime value', 'clv', 'ltv', 'customer value prediction', 'customer value', "customer's value", "customers' value", 'future value', 'value of each customer', 'value of our customers', 'customers worth', 'customer worth'],
      zh: ['生命周期价值', '终身价值', 'clv', 'ltv', '客户价值', '未来价值', '顾客价值'],
    },
    args: {},
    definitions: ['clv', 'expected_purchases', 'expected_value'],
  },
  {
    // "how are we doing?": several tools (answers/overview.ts), led by kpi_trend; chosen by the parser's vague-question
    // rule (parseWords.ts OVERVIEW), not by a phrase
    id: 'overview',
    tool: 'kpi_trend',
    names: { en: 'business overview (revenue, orders, customers, new customers and churn rate vs the period before; churn risk; top feedback theme)', zh: '业务概况（收入、订单数、客户数、新客户数和流失率对比上一周期；流失风险；反馈最多的主题）' },
    triggers: { en: [], zh: [] },
    args: { from: 'time.from', to: 'time.to', 'filters.country': 'filter.country', 'filters.channel': 'filter.channel', 'filters.category': 'filter.category' },
    // its first call; orders, customers, new and lost customers follow with the same window and filters
    fixed: { metric: 'revenue' },
    definitions: [],
  },
  {
    // "why did revenue drop in September?": kpi_trend split by country, channel, category, product and new/returning
    // customers, values ranked by their change (answers/drivers.ts); chosen by the parser's EXPLAIN words on a KPI question
    id: 'drivers',
    tool: 'kpi_trend',
    names: { en: 'drivers of a change (a sum\'s change against the period before, split by country, channel, category, product and new vs returning customers, largest moves first)', zh: '变化的驱动因素（指标对比上一周期的变化，按国家、渠道、品类、商品和新老客户拆分，变化最大的在前）' },
    triggers: { en: [], zh: [] },
    args: { metric: 'metric', from: 'time.from', to: 'time.to', 'filters.country': 'filter.country', 'filters.channel': 'filter.channel', 'filters.category': 'filter.category' },
    fixed: { rankGroupsBy: 'change' },
    definitions: [],
  },
];

export const ANALYSIS_BY_ID: ReadonlyMap<AnalysisId, AnalysisDef> = new Map(ANALYSES.map((a) => [a.id, a]));

/** Fill a tool's arguments from slots through the analysis's mapping (unfilled slots are left out). */
export function buildArgs(def: AnalysisDef, slots: Record<string, unknown>): Record<string, unknown> {
  const args: Record<string, unknown> = { ...def.fixed };
  for (const [path, slot] of Object.entries(def.args)) {
    let value = slots[slot];
    if (slot === 'groupBy' && value !== undefined) value = def.groupBy?.[value as keyof NonNullable<AnalysisDef['groupBy']>];
    if (value === undefined || value === null) continue;
    const keys = path.split('.');
    let target = args;
    for (const key of keys.slice(0, -1)) target = (target[key] ??= {}) as Record<string, unknown>;
    target[keys.at(-1)!] = value;
  }
  return args;
}
