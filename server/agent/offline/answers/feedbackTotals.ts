import { formatNumber as n } from '../../format.ts';
import { capitalise, t, type Draft, type HandlerInput } from './common.ts';
import { quote } from './feedback.ts';
import { periodWords, type MentionsResult } from './feedbackMentions.ts';

/**
 * Feedback questions without a topic, over all feedback under their filters (search_feedback without a query):
 * "how many 1-star reviews did we get last month?", "what's our average rating this month?", "are complaints rising?"
 * (counts or the monthly trend, with `mentions`) and "show negative reviews from last week" (the newest rows).
 * Complaints counted this way are the rows rated 1–2 among all rated feedback, so their share can be stated.
 */

type Obj = Record<string, unknown>;
type Answer = Pick<Draft, 'answer' | 'table' | 'chart'>;

/** What the rows are, in words: 1-star reviews, complaints, positive feedback, or feedback. */
function kind(input: HandlerInput): { en: string; zh: string } {
  const { slots } = input;
  const st = slots.stars;
  if (st) {
    if (st.min !== undefined && st.min === st.max) return { en: `${st.min}-star reviews`, zh: `${st.min} 星评价` };
    if (st.min !== undefined && st.max !== undefined) return { en: `reviews rated ${st.min} to ${st.max} stars`, zh: `${st.min} 到 ${st.max} 星的评价` };
    return st.max !== undefined ? { en: `reviews rated ${st.max} stars or below`, zh: `${st.max} 星及以下的评价` } : { en: `reviews rated ${st.min} stars or above`, zh: `${st.min} 星及以上的评价` };
  }
  if (slots.tone === 'negative') return { en: 'complaints (feedback rated 2 or below)', zh: '投诉（评分不高于 2 分）' };
  if (slots.tone === 'positive') return { en: 'positive feedback (rated 4 or above)', zh: '好评（评分不低于 4 分）' };
  return { en: 'feedback rows', zh: '反馈' };
}

const average = (lang: 'en' | 'zh', avg: number | null) => (avg === null ? '' : t(lang, ` Average rating ${n(avg, 'decimal')} of 5.`, `平均评分 ${n(avg, 'decimal')}（满分 5）。`));

export function topiclessAnswer(input: HandlerInput, hits: Obj[], m: MentionsResult | null, from: string): Answer {
  if (!m) return newest(input, hits, from);
  return input.slots.mentions === 'trend' ? trend(input, m, from) : count(input, m, from);
}

function newest(input: HandlerInput, hits: Obj[], from: string): Answer {
  const { lang } = input;
  const named = kind(input);
  const what = { en: named.en.replace(/^feedback rows$/, 'feedback'), zh: named.zh };
  const period = periodWords(input);
  if (!hits.length) return { answer: t(lang, `No ${what.en}${from}${period}.`, `${period}没有${from}${what.zh}。`) };
  const rows = hits.map((h) => [String(h.date ?? ''), typeof h.rating === 'number' ? h.rating : null, quote(String(h.text ?? ''))] as (string | number | null)[]);
  const quotes = [...new Set(rows.map((r) => r[2]))].slice(0, 5).join(' ');
  return {
    answer: t(lang, `The newest ${what.en}${from}${period}: ${quotes}`, `${period}最新的${from}${what.zh}：${quotes}`),
    table: { columns: [t(lang, 'date', '日期'), t(lang, 'rating', '评分'), t(lang, 'feedback', '反馈')], rows },
  };
}

function count(input: HandlerInput, m: MentionsResult, from: string): Answer {
  const { lang, slots } = input;
  const period = periodWords(input);
  if (!m.feedback) return { answer: t(lang, `No feedback${from}${period}, so nothing to count or average.`, `${period}没有${from}反馈，无可统计。`) };
  // (the average of one star rating is that rating: not said)
  const avg = slots.stars ? '' : average(lang, m.avgRating);
  // complaints: the low-rated rows among all rated feedback (no rating filter was applied)
  if (slots.tone === 'negative' && !slots.stars) {
    const share = m.lowRatedShare === null ? '' : t(lang, `: ${n(m.lowRatedShare, 'percent')} of the ${n(m.rated, 'count')} rated feedback rows`, `，占 ${n(m.rated, 'count')} 条有评分反馈的 ${n(m.lowRatedShare, 'percent')}`);
    return { answer: t(lang, `${n(m.lowRated, 'count')} complaints (feedback rated 2 or below)${from}${period}${share}.${avg}`, `${period}共有 ${n(m.lowRated, 'count')} 条${from}投诉（评分不高于 2 分）${share}。${avg}`) };
  }
  const what = kind(input);
  const low = !slots.stars && !slots.tone && m.lowRatedShare !== null
    ? t(lang, ` ${n(m.lowRated, 'count')} of them are rated 2 or below (${n(m.lowRatedShare, 'percent')} of the rated ones).`, `其中 ${n(m.lowRated, 'count')} 条评分不高于 2 分（占有评分者的 ${n(m.lowRatedShare, 'percent')}）。`)
    : '';
  return { answer: t(lang, `${n(m.mentions, 'count')} ${what.en}${from}${period}.${low}${avg}`, `${period}共有 ${n(m.mentions, 'count')} 条${from}${what.zh}。${low}${avg}`) };
}

const verdict = (lang: 'en' | 'zh', d: string) =>
  d === 'rising' ? t(lang, 'rising (worse)', '上升（变差）') : d === 'falling' ? t(lang, 'falling (better)', '下降（好转）') : d === 'stable' ? t(lang, 'no significant change', '没有显著变化') : t(lang, 'too little data to tell', '数据太少，无法判断');

function trend(input: HandlerInput, m: MentionsResult, from: string): Answer {
  const { lang } = input;
  const months = m.byMonth;
  if (!m.feedback) return { answer: t(lang, `There is no feedback${from} in the period.`, `该时期没有${from}反馈。`) };
  const span = `${months[0]!.month} – ${months.at(-1)!.month}`;
  if (input.slots.stars) return starsByMonth(input, m, from, span);
  const head = t(lang,
    `Feedback${from}, ${span}: ${n(m.feedback, 'count')} rows, ${n(m.lowRated, 'count')} of them rated 2 or below${m.lowRatedShare === null ? '' : ` (${n(m.lowRatedShare, 'percent')} of the rated)`}.${average(lang, m.avgRating)}`,
    `${span}${from}反馈共 ${n(m.feedback, 'count')} 条，其中评分不高于 2 分的 ${n(m.lowRated, 'count')} 条${m.lowRatedShare === null ? '' : `（占有评分者的 ${n(m.lowRatedShare, 'percent')}）`}。${average(lang, m.avgRating)}`);
  const low = m.trend?.lowRatedShare;
  const body = low
    ? t(lang,
      ` Share rated 2 or below in the last ${m.trend!.recentMonths} months: ${n(low.recentShare, 'percent')}, against ${n(low.baselineShare, 'percent')} in the months before — ${verdict(lang, low.direction)}. A change counts when it is both statistically significant and material.`,
      `最近 ${m.trend!.recentMonths} 个月低分占比 ${n(low.recentShare, 'percent')}，之前各月为 ${n(low.baselineShare, 'percent')}：${verdict(lang, low.direction)}。变化需统计显著且幅度足够大才算。`)
    : t(lang, ' Too few months to compare recent months with earlier ones.', '月份太少，无法比较最近几个月与之前。');
  return {
    answer: head + body,
    table: {
      columns: [t(lang, 'month', '月份'), t(lang, 'feedback', '反馈数'), t(lang, 'rated ≤ 2', '低分占比'), t(lang, 'average rating', '平均评分')],
      rows: months.map((r) => [r.month, r.feedback, r.lowRatedShare === null ? null : n(r.lowRatedShare, 'percent'), r.avgRating]),
    },
    chart: {
      type: 'line',
      title: t(lang, 'Share of feedback rated 2 or below, by month', '每月低分反馈占比'),
      data: { categories: months.map((r) => r.month), series: [{ name: t(lang, 'rated ≤ 2', '低分占比'), values: months.map((r) => r.lowRatedShare ?? 0) }] },
    },
  };
}

/**
 * Reviews of some star ratings month by month ("are 1-star reviews increasing?"): their counts. Only rows with those
 * ratings were counted, so no share of all feedback (and no trend test) can be stated; the low-rated share is the
 * question that has one ("are complaints rising?").
 */
function starsByMonth(input: HandlerInput, m: MentionsResult, from: string, span: string): Answer {
  const { lang } = input;
  const what = kind(input);
  const months = m.byMonth;
  return {
    answer: t(lang,
      `${capitalise(what.en)}${from} by month, ${span}: ${months.map((r) => `${r.month} ${n(r.mentions, 'count')}`).join('; ')}. For their share of all feedback, ask whether complaints are rising.`,
      `${span}每月${from}${what.zh}：${months.map((r) => `${r.month} ${n(r.mentions, 'count')} 条`).join('；')}。如需占全部反馈的比例，可以问“投诉是否在增加”。`),
    table: { columns: [t(lang, 'month', '月份'), what[lang]], rows: months.map((r) => [r.month, r.mentions]) },
    chart: { type: 'line', title: t(lang, `${what.en} by month`, `每月${what.zh}`), data: { categories: months.map((r) => r.month), series: [{ name: what[lang], values: months.map((r) => r.mentions) }] } },
  };
}
