import { themesByRating, themesByValue } from './feedbackValue.ts';
import { formatNumber as n } from '../../format.ts';
import { ANALYSIS_BY_ID, buildArgs } from '../../semantic/index.ts';
import { isMissingTool } from '../calls.ts';
import { describeFilters, failure, receipt, t, type Draft, type HandlerInput } from './common.ts';
import { feedbackByCountry } from './feedbackByCountry.ts';
import { countAnswer, trendAnswer, trendWindow, type MentionsResult } from './feedbackMentions.ts';
import { topiclessAnswer } from './feedbackTotals.ts';

/**
 * Feedback answers through feedback_themes and search_feedback. Their output is read defensively (the fields below
 * are looked up by the names the feedback issue describes, and whatever is missing is left out), and a server
 * without these tools gets a plain "not available" answer. Feedback text is untrusted data: it is quoted, cut short,
 * stripped of markup and never followed as an instruction.
 */

type Obj = Record<string, unknown>;
const num = (o: Obj, ...keys: string[]) => keys.map((k) => o[k]).find((v): v is number => typeof v === 'number');
const str = (o: Obj, ...keys: string[]) => keys.map((k) => o[k]).find((v): v is string => typeof v === 'string' && v.length > 0);
const list = (o: Obj | null, ...keys: string[]) => (keys.map((k) => o?.[k]).find(Array.isArray) ?? []) as Obj[];

/** A feedback text as a safe, short quote: no tags, no line breaks, at most 140 characters. */
export function quote(text: string): string {
  const clean = text.replace(/<[^>]*>/g, '').replace(/[\r\n\t]+/g, ' ').replace(/[`*_#>[\]]/g, '').trim();
  return `“${clean.length > 140 ? `${clean.slice(0, 137)}…` : clean}”`;
}

function unavailable(lang: 'en' | 'zh', tool: string, what: { en: string; zh: string }): Draft {
  return {
    kind: 'answer',
    answer: t(lang, `${what.en} is not available on this server yet (the ${tool} tool is not installed), so I cannot answer this from the data.`, `本服务器暂不支持${what.zh}（未安装工具 ${tool}），因此无法根据数据回答。`),
    followUps: [t(lang, 'What are the RFM tier sizes?', 'RFM 各层级有多少客户？'), t(lang, 'Revenue by month this year', '今年每月收入')],
  };
}

/**
 * A complaint theme: at least half of its rated rows are rated 1–2, with enough of them rated to say so (5 rows, and a
 * fifth of the theme: one 1-star review in a theme of unrated tickets is not a verdict).
 */
function isComplaint(th: Theme): boolean {
  const r = th.ratings;
  return Boolean(r && r.rated >= 5 && r.rated >= 0.2 * th.size && (r.lowShare ?? 0) >= 0.5);
}

function windowArgs(input: HandlerInput): Record<string, unknown> {
  const { slots } = input;
  return slots.time ? { 'time.from': slots.time.from, 'time.to': slots.time.to } : {};
}

interface Theme {
  id?: number;
  name: string;
  size: number;
  share: number;
  ratings?: { rated: number; average?: number | null; low: number; lowShare: number | null };
  trend?: { direction?: string; recentShare?: number; baselineShare?: number; periods?: { period: string; count: number; share: number }[] };
  quotes?: { text: string }[];
  breakdown?: Record<string, { value: string; count: number; share: number }[]>;
  customers?: { count: number; revenue: number; yearlyRevenue: number };
}

/** The theme breakdown (feedback_themes) that counts a group of customers, and the group in words. */
interface GroupBreakdown { dimension: string; value: string; scope: string }

/**
 * The customers a feedback question is about ("what do our high-value customers complain about", "德国客户的反馈"):
 * the search_feedback filters of the slots' RFM tier, customer country and saved segment, and the theme breakdown that
 * counts them (segments have none: themes break down by tag instead). Order channel and category are not properties
 * of feedback and are not applied.
 */
function feedbackCustomers(input: HandlerInput): { args: Obj; scope: string; breakdown?: GroupBreakdown } {
  const f = input.slots.filter;
  const args: Obj = {
    ...(f.rfm_tier ? { rfmTiers: [f.rfm_tier] } : {}), ...(f.country ? { countries: [f.country] } : {}), ...(f.segment ? { segment: f.segment } : {}),
  };
  const scope = describeFilters({ rfm_tier: f.rfm_tier, country: f.country, segment: f.segment }, input.lang);
  // themes rank by one breakdown: the tier when both are named (the scope says which one was used)
  const breakdown = f.rfm_tier ? { dimension: 'rfmTier', value: f.rfm_tier, scope: describeFilters({ rfm_tier: f.rfm_tier }, input.lang) }
    : f.country ? { dimension: 'country', value: f.country, scope: describeFilters({ country: f.country }, input.lang) } : undefined;
  return { args, scope, ...(breakdown ? { breakdown } : {}) };
}

/**
 * feedback_themes clusters all feedback and reports each theme's monthly series; it takes no date range. For a
 * question about one month, the themes are ranked by that month's count from the series; otherwise by size.
 */
export async function answerThemes(input: HandlerInput): Promise<Draft> {
  const { lang, caller, slots } = input;
  // "which country has the most complaints?": counts per country, not themes
  if (slots.groupBy === 'country' && !slots.risingThemes) return feedbackByCountry(input);
  const group = feedbackCustomers(input).breakdown;
  // every theme, so a month's ranking is complete; for a group of customers every value of its breakdown (top 10)
  const { result, error } = await caller.call('feedback_themes', { limit: 60, ...(group ? { top: 10 } : {}) });
  if (isMissingTool(error, 'feedback_themes')) return unavailable(lang, 'feedback_themes', { en: 'Feedback theme analysis', zh: '反馈主题分析' });
  if (!result) return failure(lang, 'feedback_themes', error);
  const all = list(result, 'themes') as unknown as Theme[];
  // "what are customers complaining about": the themes whose rated feedback is mostly 1–2 stars
  const complaints = slots.tone === 'negative' ? all.filter(isComplaint) : [];
  const themes = complaints.length ? complaints : all;
  // themes cluster feedback in every language: a language asked narrows searches and counts, not themes (said)
  const languages = slots.feedbackLanguage ? t(lang, ' Themes cover feedback in every language; a language narrows searches and counts only.', '主题涵盖所有语言的反馈；语言只用于搜索和计数。') : '';
  const rule = (slots.tone !== 'negative' ? ''
    : complaints.length ? t(lang, ' Complaint themes = at least half of their rated feedback has one of the two lowest ratings.', '投诉主题＝其有评分的反馈中至少一半为最低的两档评分。')
    : t(lang, ' No theme is mostly rated at the bottom of the scale, so all themes are listed.', '没有以最低两档评分为主的主题，因此列出全部主题。')) + languages;
  const what = complaints.length ? t(lang, 'complaint themes', '投诉主题') : t(lang, 'feedback themes', '反馈主题');
  const meta = receipt(result);
  const followUps = [t(lang, 'Show feedback about late delivery', '搜索关于物流延迟的反馈'), t(lang, 'Which customers are at risk of churning?', '哪些客户有流失风险？')];
  if (themes.length === 0) return { ...meta, kind: 'answer', answer: t(lang, 'No feedback has been clustered into themes yet.', '还没有可聚类的反馈主题。'), followUps };
  // (a group's rising themes are not measured: the trend is over all feedback, said so below)
  const overAll = group ? t(lang, ` The rising flags are over all feedback, not only that of customers in ${group.scope}.`, `上升标记基于全部反馈，而非仅${group.scope}客户的反馈。`) : '';
  if (slots.risingThemes) return risingThemesAnswer(input, result, themes, { ...meta, followUps, rule: `${rule}${overAll}`, what });
  // "which theme has the most complaints / the lowest rating?": every theme by its ratings (all feedback: a period
  // named is said; a group of customers keeps its own themes below, whose breakdown counts them)
  // (one month of the series named: its complaint themes by that month's counts, below)
  const oneMonth = slots.time !== undefined && slots.time.from.slice(0, 7) === slots.time.to.slice(0, 7);
  const period = slots.time?.label?.[lang] ?? (slots.time ? `${slots.time.from} – ${slots.time.to}` : '');
  if (slots.themesByRating && !group && !oneMonth) return themesByRating(input, all, slots.themesByRating, { ...meta, followUps }, period);
  // themes by their writers' revenue: all feedback and all writers (a period or a group named is said, not applied)
  if (slots.themesByValue) {
    const scope = [period, group?.scope ?? ''].filter(Boolean).join(t(lang, ', ', '、'));
    const unapplied = scope ? t(lang, ` The ranking is over all feedback and all its writers, not only ${scope}.`, `排序基于全部反馈及其全部客户，而不仅是${scope}。`) : '';
    return themesByValue(input, themes, { ...meta, followUps, rule: rule + unapplied, what });
  }
  // a group's counts come from each theme's breakdown, which is over all feedback: a period named is said, not applied
  const allTime = period ? t(lang, ` The counts are over all their feedback, not only ${period}.`, `条数基于其全部反馈，而不仅是${period}。`) : '';
  if (group) return groupThemes(input, themes, group, { ...meta, followUps, rule: rule + allTime, what });
  // a saved segment has no theme breakdown (themes break down by tag): said, not silently dropped
  // "which product category gets the most complaints?": feedback has no order or product, so no such split exists
  const split = slots.groupBy === 'category'
    ? t(lang, ' Feedback is not linked to orders or products, so it cannot be split by product category: these themes cover all feedback.', '反馈未关联订单或商品，因此无法按商品品类拆分：以下主题基于全部反馈。')
    : slots.groupBy && slots.groupBy !== 'month'
      ? t(lang, ` The themes are not ranked by ${slots.groupBy}; ask about one group instead, e.g. "what do customers in Germany complain about?".`, `主题未按${slots.groupBy === 'country' ? '国家' : '渠道'}排序；可以问某一个群体，例如“德国客户抱怨什么？”。`)
      : '';
  const unfiltered = split + (slots.filter.segment ? t(lang, ` Themes are over all feedback: they are not broken down by saved segment (${slots.filter.segment}).`, `主题基于全部反馈：不按已保存客群（${slots.filter.segment}）拆分。`) : '');
  const month = slots.time && slots.time.from.slice(0, 7) === slots.time.to.slice(0, 7) ? `${slots.time.from.slice(0, 7)}-01` : null;
  const inMonth = (th: Theme) => th.trend?.periods?.find((p) => p.period === month);
  const monthly = month ? themes.filter((th) => (inMonth(th)?.count ?? 0) > 0).sort((a, b) => inMonth(b)!.count - inMonth(a)!.count) : [];
  const direction = (th: Theme) => {
    const d = th.trend?.direction;
    return d === 'rising' || d === 'falling' ? t(lang, `, ${d}`, d === 'rising' ? '，上升' : '，下降') : '';
  };
  const rising = (list(result, 'rising') as unknown as { id?: number; name: string }[])
    .filter((r) => !complaints.length || complaints.some((c) => c.id === r.id))
    .slice(0, 3)
    .map((r) => r.name);
  const risingText = rising.length ? t(lang, ` Rising in recent months: ${rising.join(', ')}.`, `近几个月上升的主题：${rising.join('、')}。`) : '';
  const quotes = (themes[0]!.quotes ?? []).slice(0, 2).map((q) => quote(q.text)).join(' ');
  const label = month && slots.time?.label ? slots.time.label[lang] : month;
  if (month && monthly.length) {
    const top = monthly.slice(0, 5).map((th) => `${th.name} (${n(inMonth(th)!.count, 'count')}, ${n(inMonth(th)!.share, 'percent')}${direction(th)})`);
    return {
      ...meta,
      kind: 'answer',
      answer: t(lang,
        `Main ${what} in ${label} (feedback that month, share of that month's feedback): ${top.join('; ')}.${risingText}${rule} Themes are clusters of all feedback texts, named by their keywords.`,
        `${label}的主要${what}（当月反馈条数、占当月反馈比例）：${top.join('；')}。${risingText}${rule}主题由全部反馈文本聚类得到，以关键词命名。`),
      chart: { type: 'bar', title: t(lang, `Feedback themes, ${label}`, `${label}反馈主题`), data: { categories: monthly.slice(0, 5).map((th) => th.name), series: [{ name: t(lang, 'feedback', '反馈数'), values: monthly.slice(0, 5).map((th) => inMonth(th)!.count) }] } },
      followUps,
    };
  }
  // a longer window: the themes' sizes are over all feedback (the tool takes no date range): said, not hidden
  const note = month ? t(lang, ` The monthly series has no feedback for ${label} (it covers whole months before today), so these are the themes over all feedback.`, `月度序列中没有${label}的反馈（只包含今天之前的完整月份），以下为全部反馈的主题。`)
    : period ? t(lang, ` The counts are over all feedback, not only ${period}.`, `条数基于全部反馈，而不仅是${period}。`) : '';
  const top = themes.slice(0, 5).map((th) => `${th.name} (${n(th.size, 'count')}, ${n(th.share, 'percent')}${direction(th)})`);
  return {
    ...meta,
    kind: 'answer',
    answer: t(lang,
      `Main ${what} (feedback count, share of all feedback): ${top.join('; ')}.${risingText}${rule}${note}${unfiltered}${quotes ? ` Examples from the largest: ${quotes}` : ''}`,
      `主要${what}（反馈条数、占全部反馈比例）：${top.join('；')}。${risingText}${rule}${note}${unfiltered}${quotes ? `最大主题的例子：${quotes}` : ''}`),
    chart: { type: 'bar', title: t(lang, 'Feedback themes', '反馈主题'), data: { categories: themes.slice(0, 5).map((th) => th.name), series: [{ name: t(lang, 'feedback', '反馈数'), values: themes.slice(0, 5).map((th) => th.size) }] } },
    followUps,
  };
}

export async function answerSearch(input: HandlerInput): Promise<Draft> {
  const { lang, caller, slots } = input;
  const customers = feedbackCustomers(input);
  // no topic: counts, a trend or the newest rows of the feedback under the filters ("how many 1-star reviews last month?")
  const topicless = !slots.query && Boolean(slots.mentions || slots.browse || slots.feedbackLanguage);
  // "差评最多的国家是哪个", "average rating by country": counts per country of the writers
  if (!slots.query && !slots.browse && slots.groupBy === 'country') return feedbackByCountry(input);
  // "德国客户的差评": no topic, a group of customers → what that group's feedback is about
  if (!slots.query && !topicless && customers.breakdown) return answerThemes(input);
  if (!slots.query && !topicless) {
    return { kind: 'clarify', answer: t(lang, 'What should I search the feedback for? For example: "feedback about late delivery".', '要在反馈中搜索什么内容？例如：“关于物流延迟的反馈”。'), followUps: [] };
  }
  const tool = ANALYSIS_BY_ID.get('feedback_search')!;
  // stars asked are those ratings; complaints counted without a topic are the low-rated rows among all feedback
  const stars = slots.stars ? { ...(slots.stars.min ? { ratingMin: slots.stars.min } : {}), ...(slots.stars.max ? { ratingMax: slots.stars.max } : {}) } : undefined;
  const tone = stars
    ?? (topicless && slots.mentions && slots.tone === 'negative' ? {}
      : slots.tone === 'negative' ? { ratingMax: 2 } : slots.tone === 'positive' ? { ratingMin: 4 } : {});
  // a trend question without a period reads the last 12 whole months
  const window = slots.mentions === 'trend' && !slots.time ? trendWindow(input.today) : undefined;
  const period = window ? { 'time.from': window.from, 'time.to': window.to } : windowArgs(input);
  const counting = slots.mentions ? { mentions: true } : {};
  const language = slots.feedbackLanguage ? { language: slots.feedbackLanguage } : {};
  const { result, error } = await caller.call('search_feedback', { ...buildArgs(tool, { query: slots.query, ...period }), ...tone, ...customers.args, ...language, ...counting, limit: 8 });
  if (isMissingTool(error, 'search_feedback')) return unavailable(lang, 'search_feedback', { en: 'Feedback search', zh: '反馈搜索' });
  if (!result) return failure(lang, 'search_feedback', error);
  const hits = list(result, 'results', 'hits', 'items', 'feedback');
  const meta = receipt(result);
  const written = slots.feedbackLanguage ? t(lang, ` written in ${slots.feedbackLanguage === 'zh' ? 'Chinese' : 'English'}`, `${slots.feedbackLanguage === 'zh' ? '中文' : '英文'}`) : '';
  const from = (customers.scope ? t(lang, ` from customers in ${customers.scope}`, `来自${customers.scope}客户的`) : '') + written;
  const counted = (result.mentions ?? null) as MentionsResult | null;
  if (topicless) return { ...meta, kind: 'answer', ...topiclessAnswer(input, hits, counted, from), followUps: [t(lang, 'What are customers complaining about this month?', '本月客户主要在抱怨什么？')] };
  if (hits.length === 0 && !counted) return { ...meta, kind: 'answer', answer: t(lang, `No feedback${from} matches "${slots.query}".`, `没有与“${slots.query}”匹配的${from}反馈。`), followUps: [] };
  const rows = hits.slice(0, 8).map((h) => [str(h, 'date', 'createdAt', 'created_at') ?? null, num(h, 'rating') ?? null, quote(str(h, 'text', 'quote') ?? '')] as (string | number | null)[]);
  // The sentence quotes up to five different texts (customers often send the same words); the table lists every hit.
  const distinct = [...new Set(rows.map((r) => r[2]))];
  const quoted = distinct.slice(0, 5).join(' ');
  if (counted && counted.terms.length) {
    const ctx = { query: slots.query!, from, quotes: distinct.slice(0, 2).join(' '), complaints: slots.tone === 'negative' };
    const draft = slots.mentions === 'trend' ? trendAnswer(input, counted, ctx) : countAnswer(input, counted, ctx);
    const followUps = [t(lang, 'What are customers complaining about this month?', '本月客户主要在抱怨什么？')];
    return { ...meta, kind: 'answer', ...(draft.table ? {} : { table: { columns: [t(lang, 'date', '日期'), t(lang, 'rating', '评分'), t(lang, 'feedback', '反馈')], rows } }), ...draft, followUps };
  }
  return {
    ...meta,
    kind: 'answer',
    answer: t(lang,
      `Feedback${from} matching "${slots.query}"${slots.tone ? ` with ${slots.tone === 'negative' ? 'ratings of 2 or below' : 'ratings of 4 or above'}` : ''} (hybrid keyword + semantic search, best matches first): ${quoted}`,
      `与“${slots.query}”相关的${slots.tone === 'negative' ? '低分（不高于 2 分）' : slots.tone === 'positive' ? '高分（不低于 4 分）' : ''}${from}反馈（关键词与语义混合检索，最相关在前）：${quoted}`),
    table: { columns: [t(lang, 'date', '日期'), t(lang, 'rating', '评分'), t(lang, 'feedback', '反馈')], rows },
    followUps: [t(lang, 'What are customers complaining about this month?', '本月客户主要在抱怨什么？')],
  };
}

/**
 * Themes of one group of customers' feedback ("what do our high-value customers complain about?"): the themes ranked
 * by how many of their rows come from the group (each theme's breakdown by RFM tier or country, top 10 values; a theme
 * where the group is not among them is left out), with the group's share of the theme.
 */
function groupThemes(input: HandlerInput, themes: Theme[], group: GroupBreakdown, base: Pick<Draft, 'followUps'> & { rule: string; what: string }): Draft {
  const { lang } = input;
  const scope = group.scope;
  const of = (th: Theme) => th.breakdown?.[group.dimension]?.find((v) => v.value === group.value);
  const ranked = themes.filter((th) => (of(th)?.count ?? 0) > 0).sort((a, b) => of(b)!.count - of(a)!.count).slice(0, 5);
  const { rule, what, ...draft } = base;
  if (ranked.length === 0) {
    return { ...draft, kind: 'answer', answer: t(lang, `No ${what} lists customers in ${scope} among the 10 largest groups of its writers.`, `没有哪个${what}在其前 10 大写作群体中包含${scope}的客户。`) };
  }
  const top = ranked.map((th) => t(lang, `${th.name} (${n(of(th)!.count, 'count')}, ${n(of(th)!.share, 'percent')} of the theme)`, `${th.name}（${n(of(th)!.count, 'count')} 条，占该主题 ${n(of(th)!.share, 'percent')}）`));
  const quotes = (ranked[0]!.quotes ?? []).slice(0, 2).map((q) => quote(q.text)).join(' ');
  const f = input.slots.filter;
  const one = f.rfm_tier && f.country
    ? t(lang, ` Ranked by the RFM tier alone (not by country ${f.country}): a theme's breakdown counts one dimension at a time.`, `仅按 RFM 层级排序（未按国家 ${f.country}）：主题的拆分一次只统计一个维度。`) : '';
  return {
    ...draft,
    kind: 'answer',
    answer: t(lang,
      `Main ${what} in feedback from customers in ${scope} (their feedback in the theme, share of the theme; each theme lists the 10 largest groups of its writers): ${top.join('; ')}.${rule}${one} Themes are clusters of all feedback texts, named by their keywords.${quotes ? ` Examples from the first: ${quotes}` : ''}`,
      `${scope}客户反馈中的主要${what}（该群体在主题中的反馈条数、占该主题比例；每个主题列出其前 10 大写作群体）：${top.join('；')}。${rule}${one}主题由全部反馈文本聚类得到，以关键词命名。${quotes ? `第一个主题的例子：${quotes}` : ''}`),
    chart: { type: 'bar', title: t(lang, `Feedback themes, ${scope}`, `${scope}反馈主题`), data: { categories: ranked.map((th) => th.name), series: [{ name: t(lang, 'feedback', '反馈数'), values: ranked.map((th) => of(th)!.count) }] } },
  };
}

/**
 * "Which complaints are increasing?": the themes the tool flags rising (biggest change first), each with its share of
 * all feedback in the recent months against the months before; when none rises, that said beside the largest ones.
 */
function risingThemesAnswer(input: HandlerInput, result: Obj, themes: Theme[], words: Omit<Draft, 'kind' | 'answer'> & { rule: string; what: string }): Draft {
  const { lang } = input;
  const { rule, what, ...meta } = words;
  const byId = new Map(themes.map((th) => [th.id, th]));
  const rising = list(result, 'rising').flatMap((r) => byId.get(r.id as number) ?? []);
  // the recent months the tool compared (its recentPeriods argument, in the receipt)
  const months = n(((result.meta as { args: { recentPeriods: number } }).args).recentPeriods, 'count');
  if (rising.length === 0) {
    const largest = themes.slice(0, 3).map((th) => `${th.name} (${n(th.size, 'count')}, ${n(th.share, 'percent')})`).join(t(lang, '; ', '；'));
    return {
      ...meta,
      kind: 'answer',
      answer: t(lang,
        `None of the ${what} is rising: no theme has a significantly larger share of feedback in the last ${months} months than in the months before. The largest: ${largest}.${rule}`,
        `没有正在上升的${what}：没有哪个主题在最近 ${months} 个月的反馈占比显著高于之前。最大的几个：${largest}。${rule}`),
    };
  }
  const shown = rising.slice(0, 5);
  const rows = shown.map((th) => `${th.name} (${n(th.trend!.recentShare!, 'percent')} ${t(lang, 'vs', '对比')} ${n(th.trend!.baselineShare!, 'percent')})`);
  const quotes = (shown[0]!.quotes ?? []).slice(0, 2).map((q) => quote(q.text)).join(' ');
  return {
    ...meta,
    kind: 'answer',
    answer: t(lang,
      `Rising ${what} (share of all feedback in the last ${months} months vs the months before): ${rows.join('; ')}.${rule} A theme rises when the change is both statistically significant and material.${quotes ? ` Examples from the first: ${quotes}` : ''}`,
      `正在上升的${what}（最近 ${months} 个月占全部反馈的比例 对比 之前各月）：${rows.join('；')}。${rule}变化需统计显著且幅度足够大才算上升。${quotes ? `第一个主题的例子：${quotes}` : ''}`),
    chart: {
      type: 'bar', title: t(lang, `Rising ${what}`, `正在上升的${what}`),
      data: { categories: shown.map((th) => th.name), series: [
        { name: t(lang, 'earlier months', '之前各月'), values: shown.map((th) => th.trend!.baselineShare!) },
        { name: t(lang, `last ${months} months`, `最近 ${months} 个月`), values: shown.map((th) => th.trend!.recentShare!) },
      ] },
    },
  };
}
