import { ANALYSES, DIMENSIONS, EVENT_STEPS, METRICS, type AnalysisId, type DimensionId, type MetricId } from '../semantic/index.ts';
import type { Language } from '../types.ts';
import { blank, detectLanguage, englishNumber, findPhrase, hasAny, longestMatch, normalize } from './text.ts';
import { parseNumber, parseTimeRange, type Grain, type TimeRange } from './time.ts';
import { buildMatchers, type DataValues } from './values.ts';

/**
 * Question → intent and slots, deterministically. Every slot comes from words in the question (or, for follow-ups,
 * the previous turn's state: see followup.ts); nothing is filled by guessing — a missing slot stays empty and the
 * planner either uses the tool's documented default (and names it) or asks.
 */
export type GroupBy = 'country' | 'channel' | 'category' | 'month';
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
  superlative?: 'max' | 'min';
  /** Direction asked for in a ranking by change ("grew the most" / "declined the most"). */
  change?: 'up' | 'down';
  query?: string;
  /** Funnel steps named in the question (event types, in funnel order), when two or more are named. */
  steps?: string[];
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
  /** A dimension word with no value ("which country", "by channel") — used for breakdowns. */
  dimensionWords: DimensionId[];
  /** The same phrase names values of several dimensions. */
  ambiguous: { phrase: string; dims: DimensionId[] }[];
}

const GRAIN_WORDS: [Grain, string[]][] = [
  ['day', ['daily', 'by day', 'per day', 'each day', 'day by day', '每天', '每日', '按天', '按日', '逐日']],
  ['week', ['weekly', 'by week', 'per week', 'each week', 'week by week', '每周', '按周', '逐周']],
  ['month', ['monthly', 'by month', 'per month', 'each month', 'month by month', 'month-by-month', '每月', '按月', '逐月', '月度', '每个月']],
  ['quarter', ['quarterly', 'by quarter', 'per quarter', 'each quarter', '每季度', '按季度', '季度趋势']],
  ['year', ['yearly', 'annually', 'by year', 'per year', 'each year', '每年', '按年', '年度趋势']],
];
const TREND_WORDS = ['trend', 'over time', 'trending', 'time series', 'evolution', 'evolve', 'develop', '趋势', '走势', '变化趋势'];
const COMPARE_WORDS = [
  'compared', 'compare', 'comparison', ' vs', 'versus', 'change', 'changed', 'growth', 'grow', 'grew', 'increase', 'increased', 'decrease', 'decreased',
  'decline', 'declined', 'drop', 'dropped', 'up or down', 'previous period', 'prior period', 'period over period', 'month over month', 'mom', 'qoq',
  'quarter over quarter', 'than the month before', 'than the previous', '环比', '变化', '增长', '下降', '增加', '减少', '对比', '相比', '比较', '涨', '跌',
];
const GROWTH_WORDS = ['grew', 'grow', 'growing', 'growth', 'increased', 'increase', 'rose', 'improved', '增长', '增幅', '涨幅', '上涨', '提升'];
const DECLINE_WORDS = ['declined', 'decline', 'dropped', 'drop', 'decreased', 'decrease', 'fell', 'shrank', 'worsened', '下降', '下滑', '减少', '降幅', '跌'];
const YEAR_AGO_WORDS = ['year over year', 'yoy', 'same period last year', 'same month last year', 'a year earlier', 'a year ago', '同比', '去年同期'];
const MAX_WORDS = ['most', 'highest', 'best', 'largest', 'biggest', 'top', 'leading', 'strongest', '最多', '最高', '最大', '最好', '第一', '领先', '排名'];
const MIN_WORDS = ['least', 'lowest', 'worst', 'smallest', 'fewest', 'weakest', '最少', '最低', '最小', '最差'];
const FOLLOW_UP = /^(and|what about|how about|same for|same but|now|also|then|ok and|what if|how 'bout)\b|^(那|那么|还有|换成|改成|再看|那如果)|呢[?？]?$/;
const VAGUE = ['how are we doing', 'how is business', 'how did we do', 'performance', 'how are things', 'kpis', 'kpi', 'dashboard', 'the numbers', 'overview', 'stats',
  '业绩', '表现', '经营情况', '怎么样', '情况如何', '概况', '数据概览'];
const SEARCH_PREPOSITIONS = /(?:about|on|mentioning|mention|regarding|like|saying|that mention|containing)\s+"?([^"?.!]+)"?/;

function detectAnalysis(text: string): AnalysisId | null {
  if (hasAny(text, ['profile', 'persona', 'who are our', 'who are the', '画像'])) return 'segment';
  let best: { id: AnalysisId; length: number } | null = null;
  for (const a of ANALYSES) {
    const hit = longestMatch(text, [...a.triggers.en, ...a.triggers.zh]);
    if (hit && (!best || hit.phrase.length > best.length)) best = { id: a.id, length: hit.phrase.length };
  }
  const topic = text.replace(/\babout\s+(?:(?:in|during|for|over|from|since|the|this|last|past|recently|lately|these|days|now|right|at|on|our|us|it|lot)\b\s*)*/g, 'about ');
  if (best?.id === 'feedback_themes' && /(?:\babout|关于)\s*[a-z\u4e00-\u9fff]/.test(topic)) {
    return 'feedback_search';
  }
  return best?.id ?? null;
}

function detectMetric(text: string): { metric: MetricId; phrase: string } | null {
  let best: { metric: MetricId; phrase: string } | null = null;
  for (const m of METRICS) {
    const hit = longestMatch(text, [...m.synonyms.en, ...m.synonyms.zh]);
    if (hit && (!best || hit.phrase.length > best.phrase.length)) best = { metric: m.id, phrase: hit.phrase };
  }
  return best;
}

function detectTop(text: string): number | undefined {
  const m =
    text.match(/\btop\s*-?\s*(\d+|one|two|three|four|five|six|seven|eight|nine|ten|fifteen|twenty)\b/) ??
    text.match(/\b(\d+|three|five|ten)\s+(?:best|biggest|largest|highest|top|leading)\b/) ??
    text.match(/前\s*(\d+|[一二两三四五六七八九十]+)\s*(?:名|个|大|位)?/);
  if (!m) return undefined;
  const n = /^[\da-z]+$/.test(m[1]!) ? englishNumber(m[1]!) : parseNumber(m[1]!);
  return Number.isFinite(n) && n >= 1 && n <= 20 ? n : undefined;
}

function extractQuery(original: string, text: string): string | undefined {
  const quoted = original.match(/["“「『]([^"”」』]+)["”」』]/);
  if (quoted) return quoted[1]!.trim();
  const zh = text.match(/(?:关于|提到|有关)\s*([^，。？?的]+?)\s*(?:的反馈|的评价|的评论|的投诉|$)/) ?? text.match(/([^\s，。？?]{1,12})的(?:反馈|评价|评论|投诉)/);
  if (zh) return zh[1]!.trim() || undefined;
  const en = text.match(SEARCH_PREPOSITIONS);
  const q = en?.[1]?.replace(/\b(in|from|during|for|last|this|the past)\b.*$/, '').trim();
  return q ? q : undefined;
}

export function parseQuestion(question: string, today: string, values: DataValues): Parsed {
  const lang = detectLanguage(question);
  const text = normalize(question);
  let rest = text;
  const time = parseTimeRange(rest, today) ?? undefined;
  if (time) {
    const at = rest.indexOf(time.matched);
    if (at >= 0) rest = blank(rest, at, time.matched.length);
  }
  const analysis = detectAnalysis(rest);
  const metricHit = detectMetric(rest);
  const slots: Slots = { filter: {}, time };
  if (metricHit) slots.metric = metricHit.metric;

  // dimension values (longest phrase first; a consumed span cannot match again)
  const ambiguous: Parsed['ambiguous'] = [];
  const tiers = analysis === 'rfm' || analysis === 'segment';
  const matchers = buildMatchers(values, { tiers });
  let scan = rest;
  if (metricHit) {
    const hit = findPhrase(scan, metricHit.phrase);
    if (hit) scan = blank(scan, hit.index, hit.length);
  }
  for (let i = 0; i < matchers.length; i++) {
    const m = matchers[i]!;
    const hit = findPhrase(scan, m.phrase);
    if (!hit) continue;
    const rivals = matchers.filter((o) => o.phrase === m.phrase && o.dim !== m.dim && o.dim !== 'rfm_tier' && m.dim !== 'rfm_tier');
    if (rivals.length) ambiguous.push({ phrase: m.phrase, dims: [m.dim, ...rivals.map((r) => r.dim)] });
    if (slots.filter[m.dim] === undefined) slots.filter[m.dim] = m.value;
    scan = blank(scan, hit.index, hit.length);
  }

  // dimension words without a value → breakdown
  const dimensionWords = DIMENSIONS.filter((d) => d.id !== 'rfm_tier' && d.id !== 'segment')
    .filter((d) => hasAny(scan, [...d.words.en, ...d.words.zh]))
    .map((d) => d.id);
  const breakdownDim = dimensionWords.find((d) => slots.filter[d] === undefined);
  if (breakdownDim) slots.groupBy = breakdownDim as GroupBy;

  const grainHit = GRAIN_WORDS.find(([, words]) => hasAny(scan, words));
  if (grainHit) slots.grain = grainHit[0];
  slots.top = detectTop(scan);
  if (hasAny(scan, MAX_WORDS)) slots.superlative = 'max';
  if (hasAny(scan, MIN_WORDS)) slots.superlative = 'min';
  if (hasAny(scan, YEAR_AGO_WORDS)) slots.yearAgo = true;
  if (analysis === 'funnel' && grainHit?.[0] === 'month' && !slots.groupBy) slots.groupBy = 'month';

  if (slots.groupBy && slots.groupBy !== 'month') slots.mode = 'breakdown';
  else if (slots.yearAgo || hasAny(scan, COMPARE_WORDS)) slots.mode = 'compare';
  else if (grainHit || hasAny(scan, TREND_WORDS)) slots.mode = 'trend';
  if (analysis === 'feedback_search' || analysis === 'feedback_themes') slots.query = extractQuery(question, rest);
  if (hasAny(scan, GROWTH_WORDS)) slots.change = 'up';
  if (hasAny(scan, DECLINE_WORDS)) slots.change = 'down';
  if (analysis === 'funnel') {
    const steps = EVENT_STEPS.filter((s) => hasAny(text, [...s.en, ...s.zh])).map((s) => s.type);
    if (steps.length >= 2) slots.steps = steps;
  }

  const followUpCue = FOLLOW_UP.test(text.replace(/[?？!！。.,，]+$/, (p) => (p.includes('?') || p.includes('？') ? p : '')));
  const vague = !analysis && !metricHit && hasAny(scan, VAGUE);
  return { lang, text, analysis, slots, followUpCue, vague, dimensionWords, ambiguous };
}
