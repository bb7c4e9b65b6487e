import type { Language } from '../types.ts';
import { ANALYSES, ANALYSIS_BY_ID, buildArgs, type AnalysisDef, type AnalysisId } from './analyses.ts';
import { DIMENSIONS, DIMENSION_BY_ID, EVENT_STEPS, type DimensionDef, type DimensionId } from './dimensions.ts';
import { METRICS, METRIC_BY_ID, PERFORMANCE_QUESTION, PER_UNIT, RETURNED_ORDERS, RETURNS_AS_SHARE, type MetricDef, type MetricId } from './metrics.ts';

/**
 * The semantic layer: metrics, dimensions and analyses with their en/zh names, synonyms, tools and argument
 * mappings, kept as data in this folder. The offline planner parses questions with it; the LLM system prompt and
 * describe_data-style listings are generated from it (describeSemanticLayer), so both planners share one vocabulary.
 */
export const SEMANTIC_LAYER = { metrics: METRICS, dimensions: DIMENSIONS, analyses: ANALYSES } as const;

export { ANALYSES, ANALYSIS_BY_ID, buildArgs, DIMENSIONS, DIMENSION_BY_ID, EVENT_STEPS, METRICS, METRIC_BY_ID, PERFORMANCE_QUESTION, PER_UNIT, RETURNED_ORDERS, RETURNS_AS_SHARE };
export type { AnalysisDef, AnalysisId, DimensionDef, DimensionId, MetricDef, MetricId };

/** A plain-text listing of the vocabulary (for a system prompt or a help screen), in one language. */
export function describeSemanticLayer(lang: Language): string {
  const lines: string[] = [];
  lines.push(lang === 'zh' ? '指标（工具 kpi_trend 的 metric 参数）：' : 'Metrics (kpi_trend argument `metric`):');
  for (const m of METRICS) {
    lines.push(`- ${m.id} (${m.names[lang]}; ${m.synonyms[lang].slice(0, 4).join(', ')}): ${m.definition[lang]}`);
  }
  lines.push(lang === 'zh' ? '维度：' : 'Dimensions:');
  for (const d of DIMENSIONS) {
    lines.push(`- ${d.id} (${d.names[lang]}; ${d.words[lang].slice(0, 3).join(', ')})${d.fixedValues ? `: ${d.fixedValues.join(', ')}` : ''}`);
  }
  lines.push(lang === 'zh' ? '分析及其工具：' : 'Analyses and their tools:');
  for (const a of ANALYSES) {
    const fixed = Object.entries(a.fixed ?? {}).map(([arg, value]) => `${arg}=${JSON.stringify(value)}`);
    const args = [...fixed, ...Object.entries(a.args).map(([arg, slot]) => `${arg}←${slot}`)].join(', ');
    lines.push(`- ${a.id} → ${a.tool} (${a.names[lang]})${args ? `; ${args}` : ''}`);
  }
  return lines.join('\n');
}
