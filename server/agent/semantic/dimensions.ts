/**
 * Dimensions as data: names, the words that ask for a breakdown ("by country", "各国家"), where the valid values come
 * from (describe_data), and aliases that map what people type (UK, 英国, app) to the stored value. An alias only
 * resolves to a value that exists in the loaded data, so the same table serves the demo shop and Online Retail.
 */
export type DimensionId = 'country' | 'channel' | 'category' | 'segment' | 'rfm_tier' | 'product';

export interface DimensionDef {
  id: DimensionId;
  names: { en: string; zh: string; enPlural: string };
  /** Words that name the dimension itself; "by/per/each/which <word>" or "按/各/每个/哪个<word>" asks for a breakdown. */
  words: { en: string[]; zh: string[] };
  /** Key of describe_data's `dimensions` that lists the loaded values (null: fixed values below). */
  describeKey: 'country' | 'channel' | 'category' | 'segment' | null;
  /** Groups of interchangeable spellings (lower-case); the first one present in the data is the value. */
  aliases: string[][];
  /** Fixed values (dimensions not listed by describe_data). */
  fixedValues?: readonly string[];
}

export const DIMENSIONS: readonly DimensionDef[] = [
  {
    id: 'country',
    names: { en: 'country', zh: '国家', enPlural: 'countries' },
    words: { en: ['country', 'countries', 'market', 'markets', 'region', 'regions', 'geography', 'geographies'], zh: ['国家', '地区', '市场', '各国', '国别', '哪国', '各地'] },
    describeKey: 'country',
    aliases: [
      ['united kingdom', 'uk', 'u.k.', 'britain', 'great britain', 'england', 'british', '英国'],
      ['united states', 'usa', 'u.s.', 'u.s.a.', 'the us', 'america', 'american', 'united states of america', '美国'],
      ['germany', 'deutschland', 'german', '德国'],
      ['france', 'french', '法国'],
      ['china', 'prc', '中国'],
      ['japan', 'japanese', '日本'],
      ['canada', 'canadian', '加拿大'],
      ['australia', 'australian', '澳大利亚', '澳洲'],
      ['eire', 'ireland', 'irish', '爱尔兰'],
      ['netherlands', 'holland', 'the netherlands', 'dutch', '荷兰'],
      ['spain', 'spanish', '西班牙'],
      ['belgium', 'belgian', '比利时'],
      ['switzerland', 'swiss', '瑞士'],
      ['portugal', 'portuguese', '葡萄牙'],
      ['italy', 'italian', '意大利'],
      ['norway', '挪威'],
      ['sweden', '瑞典'],
      ['finland', '芬兰'],
      ['denmark', '丹麦'],
      ['austria', '奥地利'],
      ['poland', '波兰'],
      ['greece', '希腊'],
      ['cyprus', '塞浦路斯'],
      ['israel', '以色列'],
      ['singapore', '新加坡'],
      ['hong kong', '香港'],
      ['iceland', '冰岛'],
      ['brazil', '巴西'],
      ['rsa', 'south africa', '南非'],
      ['united arab emirates', 'uae', '阿联酋'],
      ['saudi arabia', '沙特', '沙特阿拉伯'],
      ['lebanon', '黎巴嫩'],
      ['lithuania', '立陶宛'],
      ['malta', '马耳他'],
      ['bahrain', '巴林'],
      ['czech republic', 'czechia', '捷克'],
      ['channel islands', '海峡群岛'],
    ],
  },
  {
    id: 'channel',
    names: { en: 'channel', zh: '渠道', enPlural: 'channels' },
    words: { en: ['channel', 'channels', 'sales channel', 'sales channels'], zh: ['渠道', '销售渠道'] },
    describeKey: 'channel',
    aliases: [
      ['mobile_app', 'mobile app', 'app', 'mobile', '移动端', '手机', 'app端', '移动应用'],
      ['web', 'website', 'online shop', 'web shop', '网站', '官网', '网页'],
      ['marketplace', 'marketplaces', '第三方平台', '电商平台', '平台'],
      ['store', 'stores', 'in-store', 'retail store', 'offline', '门店', '线下', '实体店'],
      ['online', '线上'],
    ],
  },
  {
    id: 'category',
    names: { en: 'category', zh: '品类', enPlural: 'categories' },
    words: { en: ['category', 'categories', 'product category', 'product categories'], zh: ['品类', '类目', '商品类别', '分类', '类别'] },
    describeKey: 'category',
    aliases: [
      ['electronics', '数码电子', '电子产品', '数码'],
      ['home & kitchen', 'home and kitchen', 'home', '家居厨房', '家居'],
      ['beauty', '美妆个护', '美妆', '个护'],
      ['apparel', 'clothing', 'clothes', 'fashion', '服饰', '服装'],
      ['books', 'book', '图书', '书籍'],
      ['sports', 'sport', '运动户外', '运动'],
      ['toys', 'toy', '玩具'],
    ],
  },
  {
    id: 'segment',
    names: { en: 'saved segment', zh: '已保存客群', enPlural: 'saved segments' },
    words: { en: ['segment', 'segments'], zh: ['客群', '分群', '细分'] },
    describeKey: 'segment',
    aliases: [],
  },
  {
    id: 'rfm_tier',
    names: { en: 'RFM tier', zh: 'RFM 层级', enPlural: 'RFM tiers' },
    words: { en: ['rfm tier', 'rfm tiers', 'rfm segment', 'rfm segments', 'tier', 'tiers'], zh: ['rfm层级', 'rfm分层', '层级', '分层'] },
    describeKey: null,
    fixedValues: ['Champions', 'Loyal', 'Potential Loyalist', 'New', 'Promising', 'Need Attention', 'About to Sleep', 'At Risk', "Can't Lose", 'Hibernating', 'Lost'],
    aliases: [
      ['champions', 'champion', 'best customers', 'top customers', 'vip', 'vip customers', 'whales', 'big spenders', 'biggest spenders', 'top spenders', 'high-value customers', 'high value customers', 'most valuable customers', 'highest-value customers',
        '冠军客户', '冠军', '最好的客户', '优质客户', '核心客户', 'vip客户', '大客户', '高价值客户'],
      ['loyal', 'loyal customers', '忠诚客户', '忠实客户'],
      ['potential loyalist', 'potential loyalists', '潜在忠诚客户', '潜力客户'],
      ['new', 'new tier', '新客户层'],
      ['promising', '有潜力客户', '有希望客户'],
      ['need attention', 'needs attention', '需要关注', '需关注客户'],
      ['about to sleep', '即将沉睡', '快要沉睡'],
      ['at risk', 'at-risk tier', '风险客户层'],
      ["can't lose", 'cant lose', 'can’t lose', 'cannot lose', '不能流失', '不能失去'],
      ['hibernating', 'hibernating customers', 'sleeping customers', '休眠', '休眠客户', '沉睡客户'],
      ['lost', 'lost customers', '已流失', '流失客户层'],
    ],
  },
  {
    // a breakdown only ("which products sell best?", "退货最多的商品"): products are too many to list as values, and the
    // parser reads these words only for KPI questions (a "product view" is a funnel step)
    id: 'product',
    names: { en: 'product', zh: '商品', enPlural: 'products' },
    words: { en: ['product', 'products', 'item', 'items', 'sku', 'skus', 'bestseller', 'bestsellers', 'best sellers', 'top sellers', 'top seller'], zh: ['商品', '产品', '单品', '货品', '爆款'] },
    describeKey: null,
    aliases: [],
  },
];

export const DIMENSION_BY_ID: ReadonlyMap<DimensionId, DimensionDef> = new Map(DIMENSIONS.map((d) => [d.id, d]));

/** Behaviour event types as funnel steps, with the words that name them ("from checkout to purchase", "加购到支付"). */
export const EVENT_STEPS: readonly { type: string; en: string[]; zh: string[] }[] = [
  { type: 'visit', en: ['visit', 'visits', 'visited', 'session start'], zh: ['访问', '进店'] },
  { type: 'view', en: ['view', 'views', 'viewed', 'product view', 'product views'], zh: ['浏览', '查看商品'] },
  { type: 'cart', en: ['cart', 'add to cart', 'added to cart', 'basket'], zh: ['加购', '购物车', '加入购物车'] },
  { type: 'checkout', en: ['checkout', 'checkouts', 'check out', 'check-out'], zh: ['结算', '结账', '下单页'] },
  { type: 'purchase', en: ['purchase', 'purchases', 'purchased', 'buy', 'bought', 'payment'], zh: ['购买', '支付', '付款', '成交'] },
];
