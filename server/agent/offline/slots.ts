import type { AnalysisId, DimensionId, MetricId } from '../semantic/index.ts';
import type { Language } from '../types.ts';
import type { Grain, TimeRange } from './time.ts';
import type { TopShare } from './topCustomers.ts';

/** What a question names (parse.ts): the analysis, and the slots its tool arguments and answer are built from. */
export type GroupBy = 'country' | 'channel' | 'category' | 'product' | 'month';
export type Mode = 'value' | 'trend' | 'breakdown' | 'compare';

export interface Slots {
  metric?: MetricId;
  time?: TimeRange;
  filter: Partial<Record<DimensionId, string>>;
  groupBy?: GroupBy;
  grain?: Grain;
  top?: number;
  mode?: Mode;
  /** Compare with the same window a year earlier (同比, year over year). */
  yearAgo?: boolean;
  /** "why did revenue drop?", "上个月收入为什么下降": where the change came from (answers/drivers.ts), for metrics that add up. */
  explain?: boolean;
  superlative?: 'max' | 'min';
  /**
   * "the month before that" / "再往前一个月": the previous turn's window, one period earlier (follow-ups only); 'year'
   * ("and the year before?", "再往前一年"): the same window a year earlier.
   */
  shiftBack?: true | 'year';
  /** Customer-level ranges for segments: "spent more than 1,000", "10 orders or more", "下单10次及以上". */
  ranges?: { revenue?: { min?: number; max?: number }; orders?: { min?: number; max?: number }; recencyDays?: { min?: number; max?: number } };
  /** "month over month this year": each period of the series against the one before (parseWords.ts stepGrain). */
  stepChange?: boolean;
  /** Direction asked for in a ranking by change ("grew the most" / "declined the most"). */
  change?: 'up' | 'down';
  query?: string;
  /** Feedback tone asked for: negative (差评, bad reviews, complaints) → ratings ≤ 2, positive → ≥ 4. */
  tone?: 'negative' | 'positive';
  /** Values of the groupBy dimension compared ("Germany vs France", "Germany, France and Italy"): the breakdown shows just these. */
  versus?: string[];
  /** Time between purchases asked ("how often do customers buy?"): customer_segments' intervals mode. */
  intervals?: 'gap' | 'second';
  /** A percentile of the customers by revenue or orders ("our top 10% of customers", "前20%的客户"). */
  topShare?: Pick<TopShare, 'side' | 'share' | 'metric'>;
  /** Star ratings asked for ("1-star reviews", "below 3 stars", 一星差评): a range of ratings. */
  stars?: { min?: number; max?: number };
  /** The newest feedback under the filters asked for, without a topic ("show negative reviews from last week"). */
  browse?: boolean;
  /** Feedback about a topic counted ("how many complaints about X") or followed by month ("is feedback about X rising?"). */
  mentions?: 'count' | 'trend';
  /** Funnel steps named in the question (event types, in funnel order), when two or more are named. */
  steps?: string[];
  /** Number of behaviour clusters asked for ("into 4 groups", "分成三类"). */
  k?: number;
  /** Only a group's members at risk of churning ("which high-value customers are at risk"). */
  atRisk?: boolean;
  /** A metric of new or returning customers only ("revenue from new customers"). */
  customerType?: 'new' | 'returning';
  /** Single customers ranked by revenue, how many ("top 10 customers", "消费最多的前5位客户"). */
  topCustomers?: number;
  /** The last steps of lapsed customers asked for ("what do customers do before they churn?"), not paths to a purchase. */
  journey?: 'churn';
  /** Acting on churn risk asked for ("who should we target for a win-back campaign?"): the suggested win-back segment. */
  winBack?: boolean;
  /** Lifetime value per RFM tier asked for ("CLV by RFM tier", "哪个层级的客户最值钱"). */
  byTier?: boolean;
  /** Only the themes flagged rising asked for ("which complaints are increasing?", "哪些投诉越来越多"). */
  risingThemes?: boolean;
  /** "which complaints cost us the most revenue?": themes ranked by the revenue of the customers behind them. */
  themesByValue?: boolean;
  /** "which theme has the most complaints?" (complaints: most 1–2 ratings) / "which theme has the lowest rating?" (low). */
  themesByRating?: 'complaints' | 'low';
  /** "feedback in Chinese about delivery": only feedback written in this language. */
  feedbackLanguage?: 'en' | 'zh';
  /** How customer records were unified across sources asked for ("how many duplicate customers were merged?"). */
  identities?: boolean;
  /** A breakdown's second period ("by channel this quarter vs last quarter"): the earlier one, shown beside `time`. */
  otherTime?: TimeRange;
  /** A customer tag named with the word tag ("customers tagged lapsed"): a segment or KPI filter. */
  tag?: string;
  /** How happy customers are asked, by group ("which country's customers are unhappiest / happiest?"). */
  satisfaction?: 'unhappy' | 'happy';
  /** A churn rate asked ("what is our churn rate?", "各国家的流失率"): lost customers read as a share of the period before's. */
  churnRate?: boolean;
}

export interface Parsed {
  lang: Language;
  text: string;
  analysis: AnalysisId | null;
  slots: Slots;
  /** Starts like a follow-up ("and …", "what about …", "那…呢"). */
  followUpCue: boolean;
  /** In-domain but names nothing measurable ("how are we doing?", "业绩怎么样"). */
  vague: boolean;
  /** Vague in the way "how are we doing?" is: asks how the business stands as a whole (OVERVIEW words or a vague shape). */
  overview: boolean;
  /** Asks about a period that has not happened yet, or for a forecast ("next month", "will … be", "明年", "预测"). */
  future: boolean;
  /** A dimension word with no value ("which country", "by channel") — used for breakdowns. */
  dimensionWords: DimensionId[];
  /** The same phrase names values of several dimensions. */
  ambiguous: { phrase: string; dims: DimensionId[] }[];
}
