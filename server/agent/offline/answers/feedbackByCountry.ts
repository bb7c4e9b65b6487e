import { formatNumber as n } from '../../format.ts';
import { failure, receipt, t, type Draft, type HandlerInput } from './common.ts';
import type { MentionsResult } from './feedbackMentions.ts';

/**
 * Feedback by the writers' country ("which country's customers are unhappiest?", "差评最多的国家是哪个", "average rating
 * by country"): search_feedback's counts (all feedback under the period, no topic) once per country, side by side —
 * complaints (rated 1–2) with their share of the rated rows and the average rating. The country named first: by that
 * share for (un)happiness, by the count for "the most complaints".
 */

/** Countries compared at most: describe_data lists them by customers, most first. */
const MAX_COUNTRIES = 8;

interface Row { country: string; m: MentionsResult }

export async function feedbackByCountry(input: HandlerInput): Promise<Draft> {
  const { lang, caller, slots } = input;
  // the period and an RFM tier named ("which country's Champions are unhappiest?") apply to every country's counts
  const period = { ...(slots.time ? { from: slots.time.from, to: slots.time.to } : {}), ...(slots.filter.rfm_tier ? { rfmTiers: [slots.filter.rfm_tier] } : {}) };
  const rows: Row[] = [];
  let first: Record<string, unknown> | null = null;
  for (const country of input.values.country.slice(0, MAX_COUNTRIES)) {
    const { result, error } = await caller.call<{ mentions: MentionsResult }>('search_feedback', { ...period, countries: [country], mentions: true, limit: 1 });
    if (!result) return failure(lang, 'search_feedback', error);
    first ??= result as unknown as Record<string, unknown>;
    if (result.mentions.rated > 0) rows.push({ country, m: result.mentions });
  }
  const followUps = [t(lang, 'What do customers in Germany complain about?', '德国客户抱怨什么？')];
  if (!first || rows.length === 0) return { kind: 'answer', answer: t(lang, 'No rated feedback from customers of any country in this period.', '该时期没有来自任何国家客户的有评分反馈。'), followUps };
  // no tone, no (un)happiness: the average rating is what is asked ("average rating by country")
  const happy = slots.satisfaction === 'happy' || (!slots.satisfaction && slots.tone !== 'negative');
  // ranked by what is asked, highest first (ties by name): the low-rated share, the average rating, or the complaints
  const key = (r: Row) => (slots.satisfaction === 'unhappy' ? r.m.lowRatedShare ?? 0 : happy ? r.m.avgRating ?? 0 : r.m.lowRated);
  const ranked = [...rows].sort((a, b) => key(b) - key(a) || a.country.localeCompare(b.country));
  const lead = ranked[0]!;
  const last = ranked.at(-1)!;
  const leadText = happy
    ? t(lang, `Customers in ${lead.country} rate us highest: ${n(lead.m.avgRating!, 'decimal')} of 5 on average (lowest: ${last.country}, ${n(last.m.avgRating!, 'decimal')}).`,
      `评分最高的是 ${lead.country} 的客户：平均 ${n(lead.m.avgRating!, 'decimal')}（满分 5；最低为 ${last.country}，${n(last.m.avgRating!, 'decimal')}）。`)
    : slots.satisfaction === 'unhappy'
      ? t(lang, `Customers in ${lead.country} are the least happy: ${n(lead.m.lowRatedShare!, 'percent')} of their rated feedback is rated 2 or below.`, `最不满意的是 ${lead.country} 的客户：其有评分反馈中 ${n(lead.m.lowRatedShare!, 'percent')} 评分不高于 2 分。`)
      : t(lang, `Customers in ${lead.country} sent the most complaints: ${n(lead.m.lowRated, 'count')}.`, `投诉最多的是 ${lead.country} 的客户：${n(lead.m.lowRated, 'count')} 条。`);
  const list = ranked.map(({ country, m }) => t(lang,
    `${country} ${n(m.lowRated, 'count')} (${n(m.lowRatedShare ?? 0, 'percent')}, average ${m.avgRating === null ? 'n/a' : n(m.avgRating, 'decimal')})`,
    `${country} ${n(m.lowRated, 'count')} 条（${n(m.lowRatedShare ?? 0, 'percent')}，平均 ${m.avgRating === null ? '无' : n(m.avgRating, 'decimal')}）`)).join(t(lang, '; ', '；'));
  const shown = input.values.country.length > MAX_COUNTRIES ? t(lang, ` (the ${MAX_COUNTRIES} countries with the most customers)`, `（客户最多的 ${MAX_COUNTRIES} 个国家）`) : '';
  return {
    ...receipt(first),
    kind: 'answer',
    answer: t(lang,
      `${leadText} Complaints (feedback rated 2 or below) by customer country${shown}, with their share of the rated feedback and the average rating (of 5): ${list}.`,
      `${leadText}按客户国家的投诉（评分不高于 2 分）${shown}，括号内为占有评分反馈的比例和平均评分（满分 5）：${list}。`),
    chart: { type: 'bar', title: t(lang, 'Share of feedback rated 2 or below, by country', '各国家低分反馈占比'), data: { categories: ranked.map((r) => r.country), series: [{ name: t(lang, 'rated 2 or below', '低分占比'), values: ranked.map((r) => r.m.lowRatedShare ?? 0) }] } },
    table: {
      columns: [t(lang, 'country', '国家'), t(lang, 'feedback', '反馈数'), t(lang, 'rated 2 or below', '低分数'), t(lang, 'share of rated', '占有评分比例'), t(lang, 'average rating', '平均评分')],
      rows: ranked.map(({ country, m }) => [country, m.feedback, m.lowRated, m.lowRatedShare, m.avgRating]),
    },
    followUps,
  };
}
