import type { Mentions } from '../../../feedback/mentions.ts';
import { monthWindow } from '../../../feedback/trend.ts';
import { formatNumber as n } from '../../format.ts';
import type { Draft, HandlerInput } from './common.ts';
import { t } from './common.ts';

/**
 * Answers that count the feedback mentioning a topic (search_feedback with `mentions: true`): "how many complaints
 * about delivery last month?" (a count and its share of that period's feedback) and "is feedback about the app getting
 * worse?" (the monthly series, the recent months' share against the earlier months', and the low-rated share of the
 * mentions). Every number stated is one the tool returned: counts, shares and the trend test's shares.
 */

export type MentionsResult = Mentions;

/** The window a trend question reads when it names none: the 12 whole months before today's month. */
export function trendWindow(today: string): { from: string; to: string } {
  const months = monthWindow(today, 12);
  const last = new Date(`${today}T00:00:00Z`);
  return { from: months[0]!, to: new Date(Date.UTC(last.getUTCFullYear(), last.getUTCMonth(), 0)).toISOString().slice(0, 10) };
}

interface Context { query: string; from: string; quotes: string; complaints: boolean }

/** What is counted, in words: complaints (rated 1–2) or all feedback rows. */
const noun = (lang: 'en' | 'zh', complaints: boolean) => (complaints ? t(lang, 'complaints (feedback rated 2 or below)', '条低分（不高于 2 分）投诉') : t(lang, 'feedback rows', '条反馈'));
const matchRule = (lang: 'en' | 'zh', query: string) =>
  t(lang, ` Counted: rows containing every word of "${query}" (word stems; Chinese by character pairs).`, `计数规则：包含“${query}”每个词的反馈（英文按词干，中文按相邻字对）。`);

/** " in October 2026" / "2026年10月" (a range: "2026-10-01 至 2026-10-31，") for the period asked, " to date" / 迄今 without one. */
export function periodWords(input: HandlerInput): string {
  const { lang, slots } = input;
  if (!slots.time) return t(lang, ' to date', '迄今');
  const label = slots.time.label?.[lang] ?? t(lang, `${slots.time.from} – ${slots.time.to}`, `${slots.time.from} 至 ${slots.time.to}，`);
  return t(lang, ` in ${label}`, label);
}

export function countAnswer(input: HandlerInput, m: MentionsResult, ctx: Context): Pick<Draft, 'answer' | 'table' | 'chart'> {
  const { lang } = input;
  const inPeriod = periodWords(input);
  const share = m.share === null ? '' : t(lang, ` — ${n(m.share, 'percent')} of the ${n(m.feedback, 'count')} ${ctx.complaints ? 'complaints' : 'feedback rows'}${inPeriod}`, `，占同期 ${n(m.feedback, 'count')} ${ctx.complaints ? '条投诉' : '条反馈'}的 ${n(m.share, 'percent')}`);
  const low = !ctx.complaints && m.mentions > 0 && m.lowRatedShare !== null
    ? t(lang, ` ${n(m.lowRated, 'count')} of them are rated 2 or below (${n(m.lowRatedShare, 'percent')} of the rated ones).`, `其中 ${n(m.lowRated, 'count')} 条评分不高于 2 分（占有评分者的 ${n(m.lowRatedShare, 'percent')}）。`)
    : '';
  const examples = ctx.quotes ? t(lang, ` Best matches: ${ctx.quotes}`, `最相关的例子：${ctx.quotes}`) : '';
  return {
    answer: t(lang,
      `${n(m.mentions, 'count')} ${noun(lang, ctx.complaints)}${ctx.from}${inPeriod} mention "${ctx.query}"${share}.${low}${matchRule(lang, ctx.query)}${examples}`,
      `${inPeriod}共有 ${n(m.mentions, 'count')} ${noun(lang, ctx.complaints)}${ctx.from ? `（${ctx.from.trim()}）` : ''}提到“${ctx.query}”${share}。${low}${matchRule(lang, ctx.query)}${examples}`),
  };
}

const directionWords = (lang: 'en' | 'zh', d: string, worse: boolean) => {
  if (d === 'rising') return worse ? t(lang, 'worse (significantly more)', '变差（显著增加）') : t(lang, 'rising', '上升');
  if (d === 'falling') return worse ? t(lang, 'better (significantly fewer)', '好转（显著减少）') : t(lang, 'falling', '下降');
  if (d === 'stable') return t(lang, 'no significant change', '没有显著变化');
  return t(lang, 'too little data to tell', '数据太少，无法判断');
};

export function trendAnswer(input: HandlerInput, m: MentionsResult, ctx: Context): Pick<Draft, 'answer' | 'table' | 'chart'> {
  const { lang } = input;
  const months = m.byMonth;
  if (!m.feedback) {
    return { answer: t(lang, `There is no ${ctx.complaints ? 'complaint' : 'feedback'}${ctx.from} in the period to follow "${ctx.query}" in.`, `该时期没有${ctx.complaints ? '投诉' : '反馈'}，无法跟踪“${ctx.query}”。`) };
  }
  const span = `${months[0]!.month} – ${months.at(-1)!.month}`;
  const head = t(lang,
    `Feedback${ctx.from} mentioning "${ctx.query}"${ctx.complaints ? ' among complaints (rated 2 or below)' : ''}, ${span}: ${n(m.mentions, 'count')} rows, ${n(m.share!, 'percent')} of all ${ctx.complaints ? 'complaints' : 'feedback'}.`,
    `${span}${ctx.from ? `${ctx.from.trim()}的` : ''}${ctx.complaints ? '低分投诉' : '反馈'}中提到“${ctx.query}”的共 ${n(m.mentions, 'count')} 条，占全部${ctx.complaints ? '投诉' : '反馈'}的 ${n(m.share!, 'percent')}。`);
  let body = '';
  if (m.trend) {
    const { share, lowRatedShare, recentMonths } = m.trend;
    body = t(lang,
      ` Last ${recentMonths} months: ${n(share.recentShare, 'percent')} of ${ctx.complaints ? 'complaints' : 'feedback'} vs ${n(share.baselineShare, 'percent')} in the months before — ${directionWords(lang, share.direction, false)}.`,
      `最近 ${recentMonths} 个月占 ${n(share.recentShare, 'percent')}，之前各月为 ${n(share.baselineShare, 'percent')}：${directionWords(lang, share.direction, false)}。`);
    if (!ctx.complaints && lowRatedShare.direction !== 'insufficient_data') {
      body += t(lang,
        ` Rated 2 or below: ${n(lowRatedShare.recentShare, 'percent')} of the rated mentions recently vs ${n(lowRatedShare.baselineShare, 'percent')} before — ${directionWords(lang, lowRatedShare.direction, true)}.`,
        `低分（不高于 2 分）占有评分提及的比例：最近 ${n(lowRatedShare.recentShare, 'percent')}，之前 ${n(lowRatedShare.baselineShare, 'percent')}：${directionWords(lang, lowRatedShare.direction, true)}。`);
    }
    body += t(lang, ' A change counts when it is both statistically significant and material.', '变化需统计显著且幅度足够大才算。');
  } else {
    body = t(lang, ' Too few months to compare recent months with earlier ones.', '月份太少，无法比较最近几个月与之前。');
  }
  return {
    answer: `${head}${body}${matchRule(lang, ctx.query)}${ctx.quotes ? t(lang, ` Best matches: ${ctx.quotes}`, `最相关的例子：${ctx.quotes}`) : ''}`,
    table: {
      columns: [t(lang, 'month', '月份'), t(lang, 'mentions', '提及数'), t(lang, 'share of feedback', '占反馈比例'), t(lang, 'rated ≤ 2', '低分占比')],
      rows: months.map((r) => [r.month, r.mentions, r.share === null ? null : n(r.share, 'percent'), r.lowRatedShare === null ? null : n(r.lowRatedShare, 'percent')]),
    },
    chart: {
      type: 'line',
      title: t(lang, `Feedback mentioning "${ctx.query}" by month`, `每月提到“${ctx.query}”的反馈`),
      data: { categories: months.map((r) => r.month), series: [{ name: t(lang, 'mentions', '提及数'), values: months.map((r) => r.mentions) }] },
    },
  };
}
