import type { ToolMeta } from '../../tools/types.ts';
import type { AnswerPayload, ChartSpec, Language, ToolCallRecord } from './types.ts';

/**
 * A plain, always-grounded rendering of tool results: the fallback answer when a planner's text fails the grounding
 * check, and a readable summary for any tool (new tools get the generic renderer for free). Numbers are printed
 * as the tool returned them (rounded to 2 decimals, or as a percentage with 1 decimal for rates), so every number
 * here rounds to a tool value by construction.
 */
const TEXT = {
  en: {
    nothing: 'I could not get data to answer this question.',
    failed: (tool: string) => `The ${tool} tool could not run with these arguments.`,
    window: (from: string, to: string) => `Window: ${from} to ${to}.`,
    trend: (metric: string, total: string) => `${metric}: ${total} in total`,
    change: (pct: string, prev: string) => `, ${pct} vs the previous window (${prev})`,
    top: 'By group',
    // No counts here: the renderer counts rows itself, and a number no tool returned would fail the grounding check.
    rows: (shown: number, total: number) => (shown < total ? ' (first rows only)' : ''),
    sep: '; ',
  },
  zh: {
    nothing: '没有取得可以回答这个问题的数据。',
    failed: (tool: string) => `工具 ${tool} 无法用这些参数运行。`,
    window: (from: string, to: string) => `时间范围：${from} 至 ${to}。`,
    trend: (metric: string, total: string) => `${metric}：合计 ${total}`,
    change: (pct: string, prev: string) => `，较上一期（${prev}）${pct}`,
    top: '分组',
    rows: (shown: number, total: number) => (shown < total ? '（仅列出前几项）' : ''),
    sep: '；',
  },
} as const;

const RATE_KEY = /(rate|pct|share|ratio|probability|palive|conversion|retention)$/i;
const MAX_ROWS = 5;

export function formatValue(key: string, value: number): string {
  if (RATE_KEY.test(key) && Math.abs(value) <= 1) return `${(value * 100).toFixed(1)}%`;
  return value.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

export function renderResults(toolCalls: readonly ToolCallRecord[], language: Language): string {
  const t = TEXT[language];
  const parts = toolCalls.map((call) => {
    if (!call.result) return t.failed(call.tool);
    const body = call.tool === 'kpi_trend' ? renderKpiTrend(call.result, language) : renderGeneric(call.result, language);
    const window = (call.result.meta as { window?: { from: string; to: string } | null } | undefined)?.window;
    return [body, window ? t.window(window.from, window.to) : ''].filter(Boolean).join(' ');
  });
  return parts.some((p) => p.length > 0) ? parts.join('\n') : t.nothing;
}

interface TrendSeries { group: string | null; total: number; previous: { value: number; changePct: number | null } }

function renderKpiTrend(result: Record<string, unknown>, language: Language): string {
  const t = TEXT[language];
  const overall = result.overall as TrendSeries;
  const metric = String(result.metric);
  let text = t.trend(metric, formatValue(metric, overall.total));
  if (overall.previous.changePct !== null) {
    text += t.change(signed(formatValue('changePct', overall.previous.changePct)), formatValue(metric, overall.previous.value));
  }
  text += language === 'zh' ? '。' : '.';
  const groups = (result.groups as TrendSeries[] | null) ?? [];
  if (groups.length) {
    const shown = groups.slice(0, MAX_ROWS).map((g) => `${g.group ?? '-'} ${formatValue(metric, g.total)}`);
    text += ` ${t.top}${t.rows(shown.length, groups.length)}: ${shown.join(t.sep)}.`;
  }
  return text;
}

const signed = (s: string) => (s.startsWith('-') ? s : `+${s}`);

/** Top-level numbers, one level of nested numbers, and the first rows of arrays of records. */
function renderGeneric(result: Record<string, unknown>, language: Language): string {
  const t = TEXT[language];
  const facts: string[] = [];
  const lists: string[] = [];
  for (const [key, value] of Object.entries(result)) {
    if (key === 'meta') continue;
    if (typeof value === 'number') facts.push(`${key} ${formatValue(key, value)}`);
    else if (Array.isArray(value) && value.length && isRecord(value[0])) lists.push(renderRows(key, value, language));
    else if (isRecord(value)) {
      for (const [sub, v] of Object.entries(value)) if (typeof v === 'number') facts.push(`${key}.${sub} ${formatValue(sub, v)}`);
    }
  }
  const end = language === 'zh' ? '。' : '.';
  return [facts.length ? facts.join(t.sep) + end : '', ...lists].filter(Boolean).join(' ');
}

function renderRows(key: string, rows: unknown[], language: Language): string {
  const t = TEXT[language];
  const shown = rows.slice(0, MAX_ROWS).filter(isRecord).map((row) => {
    const entries = Object.entries(row);
    const label = entries.find(([, v]) => typeof v === 'string')?.[1] as string | undefined;
    const numbers = entries.filter(([, v]) => typeof v === 'number').slice(0, 3).map(([k, v]) => `${k} ${formatValue(k, v as number)}`);
    return [label, ...numbers].filter(Boolean).join(' ');
  });
  return `${key}${t.rows(shown.length, rows.length)}: ${shown.join(t.sep)}${language === 'zh' ? '。' : '.'}`;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Window and definitions of the last successful call (the one the answer is mostly about), for the receipt. */
export function receiptOf(toolCalls: readonly ToolCallRecord[]): Pick<AnswerPayload, 'window' | 'definitions'> {
  const metas = toolCalls.filter((c) => c.result).map((c) => c.result!.meta as ToolMeta | undefined);
  const last = metas.at(-1);
  if (!last) return {};
  const definitions = Object.assign({}, ...metas.map((m) => m?.definitions ?? {})) as Record<string, string>;
  return { window: last.window, definitions };
}

/** A line chart for a kpi_trend result (one series, or one per group); other tools bring their own charts. */
export function chartFor(toolCalls: readonly ToolCallRecord[]): ChartSpec | undefined {
  const call = toolCalls.findLast((c) => c.tool === 'kpi_trend' && c.result);
  if (!call) return undefined;
  const r = call.result as { metric: string; grain: string; overall: { points: { period: string; value: number }[] }; groups: { group: string | null; points: { period: string; value: number }[] }[] | null };
  const series = (r.groups ?? [{ group: r.metric, points: r.overall.points }]).map((g) => ({
    name: g.group ?? r.metric,
    values: g.points.map((p) => p.value),
  }));
  return { type: 'line', title: `${r.metric} by ${r.grain}`, data: { categories: r.overall.points.map((p) => p.period), series } };
}
