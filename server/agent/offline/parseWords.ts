import { daysBetween } from '../../../tools/lib/clock.ts';
import type { Grain } from './time.ts';

/** The word lists the question parser (parse.ts) reads: grains, comparisons, growth, superlatives, follow-ups, vague questions. */

export const GRAIN_WORDS: [Grain, string[]][] = [
  ['day', ['daily', 'by day', 'per day', 'each day', 'day by day', 'which day', 'what day', 'best day', 'worst day', 'busiest day', 'quietest day', 'slowest day', '每天', '每日', '按天', '按日', '逐日', '哪一天', '哪天']],
  ['week', ['weekly', 'by week', 'per week', 'each week', 'week by week', 'week-by-week', 'which week', 'best week', 'worst week', 'busiest week', 'quietest week', 'slowest week', '每周', '哪一周', '哪周', '每个星期', '每星期', '按周', '逐周']],
  // "which month had the most …": the series by month, whose answer names the highest and lowest month
  ['month', ['monthly', 'by month', 'per month', 'each month', 'month by month', 'month-by-month', 'which month', 'what month', 'best month', 'worst month', 'strongest month', 'weakest month', 'biggest month', 'top month', 'best months', 'busiest month', 'quietest month', 'slowest month', '每月', '哪个月', '哪一个月', '哪月', '每一个月', '分月', '按月', '逐月', '月度', '每个月']],
  ['quarter', ['quarterly', 'by quarter', 'per quarter', 'each quarter', 'quarter by quarter', 'quarter-by-quarter', 'which quarter', 'best quarter', 'worst quarter', 'strongest quarter', 'weakest quarter', 'busiest quarter', '每季度', '哪个季度', '每个季度', '每一季度', '分季度', '按季度', '季度趋势']],
  ['year', ['yearly', 'annually', 'by year', 'per year', 'each year', '每年', '按年', '年度趋势']],
];
/** "month over month", "周环比": each period against the one before, when the window holds several of them (stepGrain). */
const OVER_PERIOD: [Grain, RegExp][] = [
  ['week', /\bweek[- ](?:over|on)[- ]week\b|\bwow\b(?= (?:growth|change))|周环比/],
  ['month', /\bmonth[- ](?:over|on)[- ]month\b|\bmom (?:growth|change)\b|月环比|逐月环比/],
  ['quarter', /\bquarter[- ](?:over|on)[- ]quarter\b|\bqoq\b|季度环比|季环比/],
];
const DAYS: Record<Grain, number> = { day: 1, week: 7, month: 31, quarter: 92, year: 366 };

/**
 * "How did revenue change month over month this year?": the grain whose periods are each compared with the one before,
 * when the window named holds more than one of them; undefined otherwise ("revenue last month, month over month" is
 * the month against the month before: the ordinary comparison).
 */
export function stepGrain(text: string, time: { from: string; to: string } | undefined): Grain | undefined {
  const grain = OVER_PERIOD.find(([, re]) => re.test(text))?.[0];
  if (!grain || !time) return undefined;
  return daysBetween(time.from, time.to) + 1 > DAYS[grain] ? grain : undefined;
}

export const TREND_WORDS = ['trend', 'over time', 'trending', 'time series', 'evolution', 'evolve', 'develop', '趋势', '走势', '变化趋势'];
export const COMPARE_WORDS = [
  'compared', 'compare', 'comparison', 'vs', 'versus', 'change', 'changed', 'growth', 'grow', 'grew', 'increase', 'increased', 'decrease', 'decreased',
  'decline', 'declined', 'drop', 'dropped', 'up or down', 'previous period', 'prior period', 'period over period', 'month over month', 'mom', 'qoq',
  'quarter over quarter', 'than the month before', 'than the previous', '环比', '变化', '增长', '下降', '增加', '减少', '对比', '相比', '比较', '涨', '跌',
];
export const GROWTH_WORDS = ['grew', 'grow', 'growing', 'growth', 'grown', 'increased', 'increase', 'rose', 'risen', 'surged', 'soared', 'improved', '增长', '增幅', '涨幅', '上涨', '提升'];
export const DECLINE_WORDS = ['declined', 'decline', 'declining', 'dropped', 'drop', 'dropping', 'decreased', 'decrease', 'decreasing', 'fell', 'fallen', 'falling', 'tanked', 'plunged', 'crashed', 'shrank', 'shrink', 'shrinking', 'worsened',
  '下降', '下滑', '减少', '降幅', '跌', '缩小', '萎缩', '变少'];
export const YEAR_AGO_WORDS = ['year over year', 'year-over-year', 'year on year', 'year-on-year', 'yoy', 'same period last year', 'same month last year', 'same quarter last year',
  'same week last year', 'same time last year', 'same period a year ago', 'same quarter a year ago', 'same month a year ago', 'a year earlier', 'a year ago',
  'than last year', 'to last year', 'vs last year', 'vs. last year', 'versus last year', 'with last year', 'against last year', 'against the same period last year', '同比', '去年同期', '去年同一季度', '去年同季度', '去年同月', '比去年', '和去年', '与去年', '跟去年'];
export const MAX_WORDS = ['most', 'highest', 'best', 'largest', 'biggest', 'top', 'leading', 'strongest', 'busiest', '最多', '最常', '最高', '最大', '最好', '第一', '领先', '排名', '最有价值'];
export const MIN_WORDS = ['least', 'lowest', 'worst', 'smallest', 'fewest', 'weakest', 'quietest', 'slowest', '最少', '最低', '最小', '最差'];
export const FOLLOW_UP = /^(and|what about|how about|same for|same but|now|also|then|ok and|what if|how 'bout)\b|^(那|那么|还有|换成|改成|再看|那如果)|呢[?？]?$/;
export const FUTURE = /\b(?:next|coming|upcoming|following) (?:week|month|quarter|year|few months)\b|\b(?:forecast|forecasts|forecasting|predict|prediction|projected|projection|expect to|going to (?:be|sell|make|get))\b|\bwill (?:we|our|the|it|revenue|sales|orders|customers)\b|下个?月|下一?个?季度|下周|明年|来年|预测|预计|将会|会有多少/;
/** Chat openers before the real question ("ok, and in October?", "好的，那德国呢？"): skipped when looking for a follow-up cue. */
export const FILLER = /^(?:(?:ok(?:ay)?|cool|great|thanks|thank you|nice|right|alright|hmm+|sure|got it|perfect|interesting|good|好的|好|嗯+|行|谢谢|明白了?|了解)[,，.!！。\s]*)+/;
export const VAGUE = ['how are we doing', 'how is business', 'how did we do', 'how did it go', 'how is it going', 'performance', 'how are things', 'kpis', 'kpi', 'dashboard',
  'the numbers', 'numbers', 'the figure', 'figures', 'overview', 'stats', 'metrics', 'better than before', 'worse than before', 'compare the two', 'compare', 'comparison',
  'statistics', 'analytics', 'tracking', 'performing', 'business', 'status update', 'quick update', 'an update', 'recap', 'snapshot', 'summary', 'highlights', 'health check',
  'key figures', 'headline', 'insights', 'analyze', 'analyse', 'deep dive', 'which is better', 'which one is better', 'trend', 'trends', 'chart', 'graph',
  'break it down', 'breakdown', 'drill down', 'what is driving', 'drivers', 'data', 'better than', 'worse than', 'doing better', 'doing worse', 'improvement',
  'improved', 'improving', 'getting better', 'getting worse', 'any suggestions', 'any recommendations', 'what should i look at', 'how are we looking', 'how is it looking', 'what is new', 'what changed', 'good or bad', 'on track',
  'where do we stand', 'where are we at', 'shaping up', 'the status', 'current state', 'state of the business', 'state of things', 'state of play',
  '业绩', '表现', '经营情况', '怎么样', '情况如何', '如何', '概况', '数据概览', '数据', '那个数', '对比', '比较', '比之前', '好吗',
  '咋样', '怎样', '生意', '统计', '数字', '指标', '报表', '汇报', '概览', '近况', '现状', '总结', '整体情况', '情况', '好不好', '行不行', '还行吗', '有啥变化', '有什么变化', '分析一下', '分析下', '趋势', '走势', '图表', '拆分一下', '细分一下', '比一比', '比比看', '比一下', '好转', '变好', '变差', '帮我看看', '随便看看', '有什么建议', '给点建议'];
/**
 * The vague questions that ask how the business stands as a whole ("how are we doing?", "give me a quick recap",
 * "最近怎么样？"): answered with an overview of the main KPIs, churn and feedback (answers/overview.ts) instead of a
 * question back. Only when nothing else is named: once the period is blanked out, every word must be one of
 * OVERVIEW_WORDS (Chinese: the text must be made of OVERVIEW_ZH phrases), so "how is our support team performing?",
 * "what is a KPI?", "员工表现怎么样" or "双十一的业绩怎么样" still get a question back (or a refusal).
 */
export const OVERVIEW_WORDS = new Set(['how', 's', 're', 've', 'is', 'are', 'was', 'were', 'did', 'do', 'does', 'have', 'has', 'been', 'done', 'we', 'our', 'us', 'it', 'things',
  'everything', 'the', 'business', 'company', 'shop', 'store', 'doing', 'going', 'looking', 'performing', 'tracking', 'overall', 'lately', 'recently', 'so', 'far',
  'give', 'me', 'a', 'an', 'quick', 'brief', 'short', 'high', 'level', 'high-level', 'of', 'on', 'in', 'for', 'can', 'you', 'please', 'could', 'update', 'summary',
  'summarize', 'summarise', 'recap', 'overview', 'snapshot', 'status', 'highlights', 'health', 'check', 'kpis', 'key', 'figures', 'headline', 'performance',
  'go', 'went', 'gone', 'show', 'and', 'all', 'now', 'this', 'period', 'with', 'hey', 'hi', 'ok', 'okay', 'tell', 'executive', 'any', 'i', 'want', 'see', 'like', 'would',
  'what', 'where', 'state', 'stand', 'play', 'current', 'currently', 'today', 'at', 'shaping', 'up']);
/** Comparison words: part of an overview question only beside a year-ago phrase ("how are we doing vs last year?"). */
const OVERVIEW_COMPARE = new Set(['compared', 'compare', 'to', 'versus', 'vs', 'against']);
const OVERVIEW_COMPARE_ZH = ['相比', '对比', '比较', '和', '跟', '与', '比'];
/** At least one of these: the question asks for the state of things, not just any vague word. */
export const OVERVIEW_CUES = new Set(['doing', 'going', 'looking', 'performing', 'tracking', 'business', 'update', 'summary', 'summarize', 'summarise', 'recap',
  'overview', 'snapshot', 'highlights', 'health', 'kpis', 'figures', 'headline', 'performance', 'things', 'done', 'went', 'gone', 'state', 'stand', 'status', 'shaping']);
/** "how did we do", "how did it go", "where are we at": a cue only in that shape ("how do we check the status?" is a how-to). */
const DID_WE_DO = /\bhow (?:did|have) (?:we|it|things|you) (?:do|go|done|gone)\b|\bwhere are we at\b/;
/** Asking for the cause of a change ("why did revenue drop?", "what is driving orders?", "收入为什么下降"). */
export const EXPLAIN = /\bwhy\b|\bwhat (?:caused|causes|drove|drives|is driving|was driving|explains|is behind|was behind)\b|\b(?:drivers?|reasons?|causes?) (?:of|for|behind)\b|\bexplain\b|\bbreak down the (?:change|drop|fall|decline|rise|increase|growth)\b|为什么|为何|原因|怎么回事|什么导致|是什么导致|驱动因素|拉动因素/;
/** A change named beside EXPLAIN: a direction or a change noun ("why did revenue drop?", "收入为什么下降"). */
export const CHANGE_ASKED = /\b(?:drop|dropped|dropping|drops|fall|fell|fallen|falling|falls|decline|declined|declining|decrease|decreased|decreasing|dip|dipped|slump|slumped|tank|tanked|plunge|plunged|crash|crashed|rise|rose|risen|rising|rises|increase|increased|increasing|grow|grew|grown|growing|growth|jump|jumped|spike|spiked|surge|surged|soar|soared|improve|improved|improving|worsen|worsened|change|changed|changes|up|down|shrink|shrank|shrinking|so low|so high|so bad|so weak|so slow)\b|下降|下滑|减少|增长|增加|上涨|上升|提升|提高|降低|变化|波动|变少|变多|变差|变好|少了|多了|掉|这么低|这么差|这么少|涨|跌|降/;
/** "what drove revenue last month?", "what is driving revenue in Germany?": drivers asked without a change word. */
export const DRIVERS_ASKED = /\bwhat (?:drove|drives|is driving|was driving|has driven)\b|驱动因素|拉动因素|是什么驱动/;
/** A definition, not a cause ("explain how revenue is calculated", "why are guest orders included", "收入的口径"). */
export const DEFINITION_ASKED = /\bhow (?:is|are|do you|does it) [a-z ]{0,30}\b(?:calculated|computed|defined|measured|counted)\b|\bwhat counts\b|\bincluded\b|\bexcluded\b|口径|怎么计算|如何计算|怎么算|定义|包含|不含/;
/** "revenue is down", "why are sales up?": a direction after a form of be / go (group 1: the words between, group 2: up or down). */
export const UP_DOWN = /\b(?:is|are|was|were|been|went|gone|go|going)((?:\s+[a-z']+){0,3}?)\s+(down|up)\b(?!\s+to\b)/;
/** Verbs whose "up" / "down" is no direction ("signing up", "picked up", "set up", "broken down"). */
export const PHRASAL_UP_DOWN = /(?:^|\s)(?:sign|signs|signed|signing|pick|picks|picked|picking|set|sets|setting|show|shows|showed|showing|come|comes|came|coming|end|ends|ended|ending|look|looks|looked|looking|break|breaks|broke|broken|breaking|turn|turns|turned|turning|make|makes|made|take|takes|took|taken|give|gives|gave|given|get|gets|got|getting|open|opened|fill|filled|follow|followed|following|shut|slow|slowed|narrow|narrowed|sum|summed|add|added|adding|shape|shapes|shaped|shaping|pop|pops|popped|keep|kept|catch|caught|mix|mixed|line|lined|hold|held|cut|shut|write|written|wrote|track|tracked|scale|scaled|round|rounded|bring|brought|run|ran|build|built|grow|grown)$/;
/** Small talk or a how-to, not the state of the business. */
const NOT_OVERVIEW = /\bfor you\b|\bhow (?:do|does|can|should) (?:i|we|you)\b/;
export const OVERVIEW_ZH = ['数据概览', '有啥变化', '有什么变化', '经营情况', '经营状况', '整体情况', '整体表现', '总体情况', '最近', '我们', '咱们', '公司', '整体', '总体', '整个',
  '怎么样', '怎样', '如何', '咋样', '好不好', '给我', '一下', '看看', '说说', '讲讲', '来个', '生意', '业绩', '表现', '情况', '经营', '状况', '概况', '概览', '近况', '现状',
  '总结', '汇报', '到目前为止', '截至目前', '截止目前', '目前为止', '目前', '当前', '现在', '为止', '的', '了', '呢', '吗', '啊', '呀', '一个', '个', '一'];
const ZH_CUES = ['生意', '业绩', '表现', '情况', '经营', '状况', '概况', '概览', '近况', '现状', '总结', '汇报', '怎么样', '咋样', '如何', '怎样'];

/** Whether `scan` (the question with its period blanked) asks only how the business is doing. */
export function asksOverview(scan: string, yearAgo = false): boolean {
  const text = scan.toLowerCase().replace(/[?？!！。.,，、:：;；'"“”]/g, ' ');
  if (/[\u4e00-\u9fff]/.test(text)) {
    let rest = text.replace(/\s+/g, '');
    if (!ZH_CUES.some((w) => rest.includes(w))) return false;
    for (const w of [...OVERVIEW_ZH, ...(yearAgo ? OVERVIEW_COMPARE_ZH : [])].sort((a, b) => b.length - a.length)) rest = rest.split(w).join('');
    return rest === '';
  }
  const words = text.split(/\s+/).filter(Boolean);
  const known = (w: string) => OVERVIEW_WORDS.has(w) || (yearAgo && OVERVIEW_COMPARE.has(w));
  if (words.length === 0 || NOT_OVERVIEW.test(text) || !words.every(known)) return false;
  return words.some((w) => OVERVIEW_CUES.has(w)) || DID_WE_DO.test(text.replace(/\s+/g, ' '));
}
/**
 * "how is it / are we / are things …", "…怎么样了？": asks how things stand without naming what (→ vague when nothing else
 * is named); "how is going" is what "how is this month going?" leaves once its period is read.
 */
export const VAGUE_SHAPES = [/\bhow (?:is|are|was|were|did|do|does|have)\s+(?:we|it|things|everything|business|the business|the shop|the store|our shop|us|going)\b/, /(?:怎么样|咋样|如何|怎样|好不好|行不行)[了呢吗啊呀]*[?？]?$/];
export const SHIFT_BACK = /(?:and |what about |how about )?the (?:month|quarter|year|week|period) before(?: that)?(?! last)|the previous (?:month|quarter|year|period) (?:then|before that)|再往前一?个?(?:月|季度|年|周)|往前一?个?(?:月|季度)|再前一个?(?:月|季度)/;

/** Shorthand people type in chat ("last yr", "orders last wk", "3 mths") → the words the time parser reads. */
export const ABBREVIATIONS: [RegExp, string][] = [
  [/\byrs\b/g, 'years'], [/\byr\b/g, 'year'], [/\bwks\b/g, 'weeks'], [/\bwk\b/g, 'week'], [/\bmths\b|\bmos\b/g, 'months'], [/\bmth\b/g, 'month'],
  [/\bqtr\b/g, 'quarter'], [/\bqtrs\b/g, 'quarters'], [/\bfortnight\b/g, '2 weeks'],
  // a rolling half year ("最近半年", "the past half year"); 上半年 / 下半年 stay halves of a calendar year
  [/(最近|近|过去|这)半年/g, '$16个月'], [/\b(past|last) half(?: a)? year\b/g, '$1 6 months'], [/\bprev\b/g, 'previous'], [/\bgimme\b/g, 'give me'], [/\bcust(?:s|omrs?)\b/g, 'customers'],
];
/** "9月跟8月比", "和上个月比": a Chinese comparison with 比 after the other period (比例 is a ratio, not a comparison). */
export const ZH_COMPARE = /(?:跟|和|与|同)[^，。？?]{1,10}比(?!例|率)/;
export function expandAbbreviations(text: string): string {
  return ABBREVIATIONS.reduce((t, [re, word]) => t.replace(re, word), text);
}

/** Products ranked or split ("which products", "top 5 items", "by product", "best sellers", "各商品", "爆款"). */
export const PRODUCT_BREAKDOWN = /\b(?:by|each|every|which|top(?: \d+| \w+)?|best[- ]?selling|worst[- ]?selling|most popular|least popular|popular)\s+(?:\w+\s+)?(?:products?|items?|skus?)\b|\bper (?:product|sku)\b|\b(?:best|top) ?sellers?\b|\brank(?:s|ed|ing)?\b|(?:各|每个|每种|每款|哪些|哪个|哪款|哪种|按)(?:商品|产品|单品|货品)|爆款|畅销|排名|排行|榜/;
/** Products ranked by how often they are bought (orders with them); units sold are not a metric. */
export const POPULAR = /\bpopular\b|\bmost ordered\b|\bordered most\b|受欢迎|销量|人气/;
/** "items per order": a basket size, not a breakdown by product. */
export const ITEMS_PER_ORDER = /\bitems? (?:per|in each|in an?|in every) (?:order|basket|purchase)\b|每单.{0,4}件/;
