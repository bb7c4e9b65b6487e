import { formatNumber as n } from '../../format.ts';
import { ANALYSIS_BY_ID, buildArgs } from '../../semantic/index.ts';
import { isMissingTool } from '../calls.ts';
import { describeRange } from '../time.ts';
import { failure, receipt, t, type Draft, type HandlerInput } from './common.ts';

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

function windowArgs(input: HandlerInput): Record<string, unknown> {
  const { slots } = input;
  return slots.time ? { 'time.from': slots.time.from, 'time.to': slots.time.to } : {};
}

export async function answerThemes(input: HandlerInput): Promise<Draft> {
  const { lang, caller, slots } = input;
  const tool = ANALYSIS_BY_ID.get('feedback_themes')!;
  const { result, error } = await caller.call('feedback_themes', buildArgs(tool, windowArgs(input)));
  if (isMissingTool(error, 'feedback_themes')) return unavailable(lang, 'feedback_themes', { en: 'Feedback theme analysis', zh: '反馈主题分析' });
  if (!result) return failure(lang, 'feedback_themes', error);
  const themes = list(result, 'themes', 'clusters');
  const meta = receipt(result);
  const window = meta.window ? describeRange({ ...meta.window, label: slots.time && slots.time.from === meta.window.from && slots.time.to === meta.window.to ? slots.time.label : null }, lang) : '';
  if (themes.length === 0) return { ...meta, kind: 'answer', answer: t(lang, `No feedback themes were found${window ? ` for ${window}` : ''}.`, `${window}没有发现反馈主题。`), followUps: [] };
  const named = themes.slice(0, 5).map((th) => {
    const label = str(th, 'name', 'label', 'title') ?? (Array.isArray(th.keywords) ? (th.keywords as unknown[]).slice(0, 3).join('/') : '?');
    const size = num(th, 'size', 'count', 'feedback');
    const share = num(th, 'share');
    const trend = str(th, 'direction', 'trend');
    const parts = [size !== undefined ? n(size, 'count') : null, share !== undefined ? n(share, 'percent') : null, trend && /^(rising|falling|stable)$/.test(trend) ? t(lang, trend, trend === 'rising' ? '上升' : trend === 'falling' ? '下降' : '平稳') : null].filter(Boolean);
    return `${label}${parts.length ? ` (${parts.join(', ')})` : ''}`;
  });
  const top = themes[0]!;
  const quotes = list(top, 'quotes', 'examples').map((q) => str(q, 'text', 'quote') ?? '').filter(Boolean).slice(0, 2).map(quote);
  return {
    ...meta,
    kind: 'answer',
    answer: t(lang,
      `Main feedback themes${window ? ` in ${window}` : ''} (feedback count and share): ${named.join('; ')}.${quotes.length ? ` Examples from the largest theme: ${quotes.join(' ')}` : ''}`,
      `${window}的主要反馈主题（反馈条数和占比）：${named.join('；')}。${quotes.length ? `最大主题的例子：${quotes.join(' ')}` : ''}`),
    chart: { type: 'bar', title: t(lang, 'Feedback themes', '反馈主题'), data: { categories: named.map((x) => x.split(' (')[0]!), series: [{ name: t(lang, 'feedback', '反馈数'), values: themes.slice(0, 5).map((th) => num(th, 'size', 'count', 'feedback') ?? 0) }] } },
    followUps: [t(lang, 'Show feedback about delivery', '搜索关于物流的反馈'), t(lang, 'Which customers are at risk of churning?', '哪些客户有流失风险？')],
  };
}

export async function answerSearch(input: HandlerInput): Promise<Draft> {
  const { lang, caller, slots } = input;
  if (!slots.query) {
    return { kind: 'clarify', answer: t(lang, 'What should I search the feedback for? For example: "feedback about late delivery".', '要在反馈中搜索什么内容？例如：“关于物流延迟的反馈”。'), followUps: [] };
  }
  const tool = ANALYSIS_BY_ID.get('feedback_search')!;
  const { result, error } = await caller.call('search_feedback', { ...buildArgs(tool, { query: slots.query, ...windowArgs(input) }), limit: 5 });
  if (isMissingTool(error, 'search_feedback')) return unavailable(lang, 'search_feedback', { en: 'Feedback search', zh: '反馈搜索' });
  if (!result) return failure(lang, 'search_feedback', error);
  const hits = list(result, 'results', 'hits', 'items', 'feedback');
  const meta = receipt(result);
  if (hits.length === 0) return { ...meta, kind: 'answer', answer: t(lang, `No feedback matches "${slots.query}".`, `没有与“${slots.query}”匹配的反馈。`), followUps: [] };
  const rows = hits.slice(0, 5).map((h) => [str(h, 'date', 'createdAt', 'created_at') ?? null, num(h, 'rating') ?? null, quote(str(h, 'text', 'quote') ?? '')] as (string | number | null)[]);
  return {
    ...meta,
    kind: 'answer',
    answer: t(lang,
      `Feedback matching "${slots.query}" (hybrid keyword + semantic search, best matches first): ${rows.map((r) => r[2]).join(' ')}`,
      `与“${slots.query}”相关的反馈（关键词与语义混合检索，最相关在前）：${rows.map((r) => r[2]).join(' ')}`),
    table: { columns: [t(lang, 'date', '日期'), t(lang, 'rating', '评分'), t(lang, 'feedback', '反馈')], rows },
    followUps: [t(lang, 'What are customers complaining about this month?', '本月客户主要在抱怨什么？')],
  };
}
