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
