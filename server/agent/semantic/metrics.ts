import type { NumberKind } from '../format.ts';

/**
 * The metrics users ask about, as data: names and synonyms in English and Chinese, the tool and argument value that
 * computes each, how its numbers are formatted, its default time grain, and a short definition in each language
 * (digit-free, so it never adds a number to an answer; the exact definitions are in the tools' receipts,
 * docs/metrics.md). Adding a metric or a synonym is an edit here, not planner code.
 */
export type MetricId = 'revenue' | 'orders' | 'customers' | 'new_customers' | 'lost_customers' | 'aov' | 'repeat_rate' | 'revenue_per_customer' | 'returns' | 'return_rate';

export interface MetricDef {
  id: MetricId;
  /** Tool that serves the metric, and the value of its `metric` argument. */
  tool: 'kpi_trend';
  toolMetric: MetricId;
  names: { en: string; zh: string };
  /** Lower-case phrases that name the metric (matched longest first across all metrics). */
  synonyms: { en: string[]; zh: string[] };
  format: NumberKind;
  defaultGrain: 'month';
  definition: { en: string; zh: string };
  /** Dimensions it can be filtered and grouped by (keys of DIMENSIONS). */
  dimensions: ('country' | 'channel' | 'category')[];
}

const ALL_DIMS: MetricDef['dimensions'] = ['country', 'channel', 'category'];
const kpi = (d: Omit<MetricDef, 'tool' | 'toolMetric' | 'defaultGrain' | 'dimensions'>): MetricDef => ({
  ...d,
  tool: 'kpi_trend',
  toolMetric: d.id,
  defaultGrain: 'month',
  dimensions: ALL_DIMS,
});

export const METRICS: readonly MetricDef[] = [
  kpi({
    id: 'revenue',
    names: { en: 'revenue', zh: '收入' },
    synonyms: {
      en: ['revenue', 'sales', 'turnover', 'income', 'gmv', 'takings', 'how much did we sell', 'how much money', 'revenu', 'reveune', 'sales amount', 'sold the most', 'sell the most', 'best-selling', 'best selling', 'sold best',
        'revenues', 'rev', 'sell', 'sold', 'selling', 'top selling', 'top-selling', 'best sellers', 'money', 'how much business', 'brought in', 'bring in', 'brings in', 'earned', 'spend', 'spent',
        'cash', 'pull in', 'pulled in', 'pulls in', 'rake in', 'raked in', 'money made', 'did we make', 'do we make', 'we made', 'earnings', 'earn', 'top line', 'topline', 'dollars', 'sales figures', 'sales volume'],
      zh: ['收入', '营收', '销售额', '销售收入', '营业额', '成交额', '卖了多少钱', '卖了多少', '卖了几多', '销量额', '流水', '卖得最好', '卖得最多', '卖得最差', '卖得',
        '赚了多少', '赚了', '赚多少', '赚钱', '赚得', '进账', '入账', '收了多少钱', '业绩额', '销售业绩', '卖钱', '卖出', '卖多少', '花了多少钱', '花了多少', '花钱', '销售报表', '销售数据', '销售情况', '销售表现', '销售总额', '多少钱', '消费', '消费额', '金额'],
    },
    format: 'money',
    definition: {
      en: 'sum of order amounts; returns, cancellations, free items and negative lines excluded; guest orders included',
      zh: '订单金额合计；不含退货、取消、赠品和负数行；含游客订单',
    },
  }),
  kpi({
    id: 'orders',
    names: { en: 'orders', zh: '订单数' },
    synonyms: {
      en: ['orders', 'order', 'order count', 'number of orders', 'how many orders', 'purchases', 'transactions', 'order volume', 'oders', 'invoices', 'invoice', 'checkouts completed', 'baskets sold'],
      zh: ['订单数', '订单量', '订单', '单量', '下单数', '成交单数', '交易笔数', '下了多少单', '下了几单', '多少单', '几单', '卖了多少单', '多少笔订单', '发票', '单子', '出了多少单', '成交笔数', '笔数', '下单量', '下单次数', '成交量'],
    },
    format: 'count',
    definition: { en: 'number of orders; returns and cancellations excluded; guest orders included', zh: '订单数量；不含退货和取消；含游客订单' },
  }),
  kpi({
    id: 'new_customers',
    names: { en: 'new customers', zh: '新客户数' },
    synonyms: {
      en: ['new customers', 'new customer', 'new buyers', 'first-time customers', 'first time customers', 'first-time buyers', 'first time buyers', 'first-time shoppers', 'first time shoppers', 'new customer count', 'new customers count', 'number of new customers', 'new shoppers', 'acquired customers', 'customer acquisition', 'new clients',
        'first-timer', 'first timer', 'newcomer', 'for the first time', 'first purchase', 'first-ever order', 'first ever order', 'placed their first order', 'made their first order', 'made their first purchase', 'new user', 'new accounts buying', 'new purchasers', 'brand new customer', 'new faces', 'acquisitions', 'new sign-ups who bought'],
      zh: ['新客户', '新客', '新增客户', '新增了', '新增', '新顾客', '首次购买', '首次下单', '新买家', '拉新', '新用户', '新增用户', '新下单用户', '首购客户', '第一次买', '第一次下单', '新人'],
    },
    format: 'count',
    definition: { en: 'customers whose first order ever falls in the window', zh: '首次下单落在该时间段内的客户' },
  }),
  kpi({
    id: 'revenue_per_customer',
    names: { en: 'revenue per customer', zh: '人均收入' },
    synonyms: {
      en: ['revenue per customer', 'spend per customer', 'arpu', 'average revenue per customer', 'sales per customer', 'average spend per customer', 'the average customer', 'each customer spend', 'per customer',
        'per head', 'per capita', 'revenue per head', 'spend per head', 'per buyer', 'per shopper', 'average customer spend', 'average spend per buyer', 'customer spend'],
      zh: ['人均收入', '每客户收入', '人均消费', '客户人均', '人均销售额', '每个客户平均', '每位客户平均', '平均每个客户', '平均每位客户', '人均', '每人平均', '平均每人', '每个人平均', '每人花'],
    },
    format: 'money',
    definition: { en: 'revenue from identified customers divided by customers in the window', zh: '已识别客户的收入除以该时间段内的客户数' },
  }),
  kpi({
    id: 'aov',
    names: { en: 'average order value', zh: '客单价' },
    synonyms: {
      en: ['average order value', 'aov', 'average basket', 'basket size', 'avg order value', 'average order size', 'average order amount', 'average ticket',
        'order value', 'basket value', 'avg basket', 'ticket size', 'per order', 'spend per order', 'average spend per order', 'value per order', 'average sale', 'average transaction value', 'avg order', 'cart size', 'average cart', 'cart value', 'typical order', 'typical basket', 'typical spend per order', 'order size'],
      zh: ['客单价', '平均订单金额', '平均订单价值', '平均客单', '笔单价', '平均每单', '单均', '笔均', '每单平均', '每单', '一单平均', '平均一单', '客单', '平均每笔', '每笔订单平均', '平均每个订单', '订单平均金额', '平均订单'],
    },
    format: 'money',
    definition: { en: 'revenue divided by orders in the window', zh: '该时间段的收入除以订单数' },
  }),
  kpi({
    id: 'repeat_rate',
    names: { en: 'repeat rate', zh: '复购率' },
    synonyms: {
      en: ['repeat rate', 'repeat purchase rate', 'repurchase rate', 'repeat customers', 'repeat buyers', 'ordered more than once', 'bought more than once', 'purchased more than once', 'more than one order', 'ordered again within', 'ordered again', 'order again', 'bought a second time', 'came back to buy', 'come back to buy', 'bought again', 'buy again', 'returning customers',
        'repeat customer', 'repeat buyer', 'repeat purchase', 'returning customer', 'returning buyer', 'came back for more', 'second order', 'reorder rate',
        'two or more times', 'twice or more', 'at least twice', 'more than once', 'multiple times', 'two or more orders', 'at least two orders', 'more than one purchase'],
      zh: ['复购率', '回购率', '重复购买率', '复购', '下单不止一次', '多次下单', '买了不止一次', '回头客', '再次购买', '再次下单', '又下单', '老客复购', '回购', '二次购买', '重复下单', '返购', '两次及以上', '两次以上', '至少两次', '不止一次', '多次购买'],
    },
    format: 'percent',
    definition: {
      en: 'share of the window’s customers who placed two or more orders in the window',
      zh: '该时间段内下单两次及以上的客户占比',
    },
  }),
  kpi({
    id: 'return_rate',
    names: { en: 'return rate', zh: '退货率' },
    synonyms: {
      en: ['return rate', 'returns rate', 'rate of returns', 'refund rate', 'cancellation rate', 'share of orders returned', 'percentage of orders returned',
        'percent of orders returned', 'how often are orders returned'],
      zh: ['退货率', '退款率', '退单率', '取消率', '退货比例', '退货占比'],
    },
    format: 'percent',
    definition: {
      en: 'returns and cancellations ÷ orders in the same window, with the same filters',
      zh: '同一时间段、同样筛选条件下的退货和取消数 ÷ 订单数',
    },
  }),
  kpi({
    id: 'returns',
    names: { en: 'returns', zh: '退货数' },
    synonyms: {
      en: ['returns', 'refunds', 'cancellations', 'cancelled orders', 'returned orders', 'how many returns'],
      zh: ['退货', '退款', '取消订单', '取消的订单', '退单', '退货数', '取消', '退货单', '退货有多少单', '退货多少单', '退货几单', '退了多少单', '退了几单'],
    },
    format: 'count',
    definition: { en: 'number of returns and cancellations', zh: '退货和取消的数量' },
  }),
  kpi({
    id: 'lost_customers',
    names: { en: 'lost customers', zh: '流失客户数' },
    synonyms: {
      en: ['lost customers', 'customers lost', 'customers did we lose', 'customers we lost', 'customers have we lost', 'customers did we lost', 'churned customers', 'customers churned',
        'customers who churned', 'customers that churned', 'customers have churned', 'customers have been lost', 'customers has churned', 'did we lose customers', 'have we lost customers', 'did we lose any customers', 'number of lost customers', 'lapsed customers count', 'customers did not come back', "customers didn't come back", 'lost buyers', 'buyers did we lose', 'lost the most customers', 'lost most customers', 'lose the most customers', 'lost more customers', 'customers were lost',
        'churn rate', 'churn rates', 'customer churn rate', 'attrition rate', 'customer attrition'],
      zh: ['流失客户数', '流失了多少客户', '流失了多少个客户', '流失了多少位客户', '流失了多少顾客', '流失了多少用户', '流失了多少', '流失了几个客户', '流失的客户', '流失客户', '丢了多少客户', '丢失了多少客户', '丢失客户', '流失掉的客户', '流失人数', '客户流失了', '顾客流失了', '用户流失了', '客户流失最多', '流失客户最多', '流失的客户最多', '流失最多', '流失率', '客户流失率'],
    },
    format: 'count',
    definition: {
      en: 'customers with an order in the period before and none in this one (guests excluded)',
      zh: '上一个同长度时间段内下过单、本时间段内没有下单的客户（不含游客）',
    },
  }),
  kpi({
    id: 'customers',
    names: { en: 'customers', zh: '客户数' },
    synonyms: {
      en: ['customers', 'customer', 'buyers', 'unique buyers', 'active customers', 'shoppers', 'customer count', 'number of customers', 'how many customers', 'clients', 'purchasers', 'people', 'ppl', 'how many people',
        'paying customers', 'headcount', 'head count', 'customer base size', 'active buyers', 'distinct customers', 'folks', 'active users', 'paying users'],
      zh: ['客户数', '顾客数', '买家数', '活跃客户', '下单客户', '客户', '顾客', '买家', '用户数', '多少人买', '买过东西', '下过单的人', '下单人数', '购买人数', '成交人数', '付款人数', '客户量', '人数', '用户', '客人', '活跃用户', '多少人下单', '多少人购买', '多少人买了', '多少个客户', '多少位客户'],
    },
    format: 'count',
    definition: { en: 'distinct identified customers with at least one order in the window (guests excluded)', zh: '该时间段内至少下过一单的已识别客户（不含游客）' },
  }),
];

export const METRIC_BY_ID: ReadonlyMap<MetricId, MetricDef> = new Map(METRICS.map((m) => [m.id, m]));

/**
 * Money named "per customer" or "per order" is a ratio metric, whichever words name the money: "avg spend per order"
 * and "单均金额" are average order value, "人均花了多少钱" and "spend per head" revenue per customer.
 */
export const PER_UNIT: readonly { metric: MetricId; en: string[]; zh: string[] }[] = [
  { metric: 'revenue_per_customer', en: ['per customer', 'per head', 'per capita', 'per buyer', 'per shopper', 'per person', 'each customer'], zh: ['人均', '每人', '每个人', '每个客户', '每位客户', '每个顾客', '每位顾客'] },
  { metric: 'aov', en: ['per order', 'each order', 'per transaction', 'per basket', 'per purchase', 'an order'], zh: ['每单', '单均', '笔均', '每笔', '一单', '每个订单', '每笔订单'] },
];

/** Orders named as cancelled, returned or refunded ("how many orders got cancelled", "退款多少单") are returns. */
export const RETURNED_ORDERS: { metric: MetricId; en: string[]; zh: string[] } = {
  metric: 'returns',
  en: ['cancelled', 'canceled', 'cancellation', 'returned', 'refunded', 'sent back', 'came back'],
  zh: ['退款', '退货', '取消', '退回', '退单', '退了'],
};
/** Returns asked as a share of orders ("what percentage of orders get returned?", "退货比例"): the return rate. */
export const RETURNS_AS_SHARE: { metric: MetricId; en: string[]; zh: string[] } = {
  metric: 'return_rate',
  en: ['percent of', 'percentage of', 'share of', 'proportion of', 'rate', 'ratio', 'how often'],
  zh: ['比例', '占比', '比率', '百分比', '几成'],
};

/**
 * "How did the mobile app do in October?", "德国上个月表现如何": how a named country, channel or category performed,
 * with no measure named, is read as this metric (the answer names it and its definition, so nothing is guessed
 * silently). Without a named value such questions stay vague and get a clarifying question.
 */
export const PERFORMANCE_QUESTION: { metric: MetricId; en: string[]; zh: string[] } = {
  metric: 'revenue',
  en: ['do', 'doing', 'did it do', 'perform', 'performed', 'performing', 'performance', 'fare', 'fared', 'go', 'going'],
  zh: ['表现', '卖得怎么样', '卖得如何', '做得怎么样', '怎么样', '如何'],
};
