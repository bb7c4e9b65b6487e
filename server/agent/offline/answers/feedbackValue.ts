import { formatNumber as n } from '../../format.ts';
import { capitalise, money, t, type Draft, type HandlerInput } from './common.ts';

/** What a theme carries about the customers behind it (feedback_themes `customers`). */
export interface ValuedTheme {
  name: string;
  size: number;
  quotes?: { text: string }[];
  customers?: { count: number; revenue: number; yearlyRevenue: number };
}

/**
 * "Which complaints cost us the most revenue?", "which customer needs matter most by revenue?", "哪些投诉影响的收入最多":
 * the themes ranked by the yearly revenue of the customers who wrote them (feedback_themes `customers.yearlyRevenue`:
 * each customer's revenue to date ÷ their years as a customer, at least one — the revenue a year that stands behind
 * the theme), with their revenue to date beside it. Every number is the tool's.
 */
export function themesByValue(input: HandlerInput, themes: ValuedTheme[], words: Omit<Draft, 'kind' | 'answer'> & { rule: string; what: string }): Draft {
  const { lang } = input;
  const { rule, what, ...meta } = words;
  const valued = themes.filter((th) => th.customers && th.customers.count > 0)
    .sort((a, b) => b.customers!.yearlyRevenue - a.customers!.yearlyRevenue || a.name.localeCompare(b.name));
  if (valued.length === 0) {
    return { ...meta, kind: 'answer', answer: t(lang, `None of the ${what} was written by a known customer, so none can be ranked by revenue.${rule}`, `没有${what}来自已识别的客户，因此无法按收入排序。${rule}`) };
  }
  const shown = valued.slice(0, 5);
  const rows = shown.map((th) => {
    const c = th.customers!;
    return t(lang,
      `${th.name}: ${n(c.count, 'count')} customers, ${money(input, c.yearlyRevenue)} a year (${money(input, c.revenue)} to date)`,
      `${th.name}：${n(c.count, 'count')} 位客户，每年 ${money(input, c.yearlyRevenue)}（累计 ${money(input, c.revenue)}）`);
  });
  return {
    ...meta,
    kind: 'answer',
    answer: t(lang,
      `${capitalise(what)} by the revenue of the customers behind them: ${rows.join('; ')}.${rule} Revenue a year = each writer's revenue to date ÷ their years as a customer (at least one); a customer who wrote in several themes counts in each.`,
      `按背后客户的收入排序的${what}：${rows.join('；')}。${rule}每年收入＝每位反馈客户的累计收入 ÷ 其成为客户的年数（至少一年）；在多个主题中留言的客户在每个主题中都计入。`),
    chart: {
      type: 'bar', title: t(lang, `${capitalise(what)} by customers' revenue a year`, `${what}背后客户的每年收入`),
      data: { categories: shown.map((th) => th.name), series: [{ name: t(lang, 'revenue a year', '每年收入'), values: shown.map((th) => th.customers!.yearlyRevenue) }] },
    },
    table: {
      columns: [t(lang, 'theme', '主题'), t(lang, 'feedback', '反馈数'), t(lang, 'customers', '客户数'), t(lang, 'revenue a year', '每年收入'), t(lang, 'revenue to date', '累计收入')],
      rows: valued.slice(0, 10).map((th) => [th.name, th.size, th.customers!.count, th.customers!.yearlyRevenue, th.customers!.revenue]),
    },
  };
}

/** What a theme carries about its ratings (feedback_themes `ratings`). */
export interface RatedTheme {
  name: string;
  ratings?: { rated: number; average?: number | null; low: number; lowShare: number | null };
}
/** Fewer rated rows than this make an average or a share of complaints too thin to rank a theme by. */
const MIN_RATED = 5;

/**
 * "Which theme has the most complaints?", "哪个主题的差评最多" (most rows rated 1–2) and "which theme has the lowest
 * rating?" (lowest average rating): every theme ranked by its ratings (themes with at least MIN_RATED rated rows).
 * Every number is the tool's.
 */
export function themesByRating(input: HandlerInput, themes: RatedTheme[], by: 'complaints' | 'low', meta: Omit<Draft, 'kind' | 'answer'>, period = ''): Draft {
  const { lang } = input;
  const rated = themes.filter((th) => th.ratings && th.ratings.rated >= MIN_RATED && (by === 'complaints' || th.ratings.average != null));
  const key = (th: RatedTheme) => (by === 'complaints' ? -th.ratings!.low : th.ratings!.average!);
  const ranked = rated.sort((a, b) => key(a) - key(b) || a.name.localeCompare(b.name)).slice(0, 5);
  if (ranked.length === 0) return { ...meta, kind: 'answer', answer: t(lang, 'No theme has enough rated feedback to rank by its ratings.', '没有主题有足够的评分反馈可供排序。') };
  const row = (th: RatedTheme) => {
    const r = th.ratings!;
    const average = r.average == null ? '' : t(lang, `, average ${n(r.average, 'decimal')}`, `，平均 ${n(r.average, 'decimal')} 分`);
    const share = r.lowShare == null ? '' : t(lang, ` (${n(r.lowShare, 'percent')} of ${n(r.rated, 'count')} rated)`, `（占 ${n(r.rated, 'count')} 条有评分的 ${n(r.lowShare, 'percent')}）`);
    return t(lang, `${th.name}: ${n(r.low, 'count')} rated 1–2${share}${average}`, `${th.name}：${n(r.low, 'count')} 条 1–2 分${share}${average}`);
  };
  const lead = by === 'complaints'
    ? t(lang, `${ranked[0]!.name} has the most complaints.`, `差评最多的主题是 ${ranked[0]!.name}。`)
    : t(lang, `${ranked[0]!.name} has the lowest average rating.`, `平均评分最低的主题是 ${ranked[0]!.name}。`);
  const how = by === 'complaints' ? t(lang, 'Themes by their feedback rated 1–2', '按 1–2 分反馈数排序的主题') : t(lang, 'Themes by average rating, lowest first', '按平均评分从低到高排序的主题');
  return {
    ...meta,
    kind: 'answer',
    answer: t(lang,
      `${lead} ${how}: ${ranked.map(row).join('; ')}. Ratings are 1–5; themes with fewer than ${MIN_RATED} rated rows are left out.${period ? ` The counts are over all feedback, not only ${period}.` : ''}`,
      `${lead}${how}：${ranked.map(row).join('；')}。评分为 1–5 分；有评分的反馈少于 ${MIN_RATED} 条的主题不参与排序。${period ? `条数基于全部反馈，而不仅是${period}。` : ''}`),
    chart: {
      type: 'bar', title: how,
      data: { categories: ranked.map((th) => th.name), series: [{ name: by === 'complaints' ? t(lang, 'rated 1–2', '1–2 分') : t(lang, 'average rating', '平均评分'), values: ranked.map((th) => (by === 'complaints' ? th.ratings!.low : th.ratings!.average!)) }] },
    },
  };
}
