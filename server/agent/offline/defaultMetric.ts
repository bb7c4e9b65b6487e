import { PERFORMANCE_QUESTION, type MetricId } from '../semantic/index.ts';
import type { Parsed, Slots } from './slots.ts';
import { hasAny } from './text.ts';

/**
 * The metric a question that names none is read as, or null: "how did <named value> do" (PERFORMANCE_QUESTION), the
 * growth of a breakdown, or the best / busiest period.
 */
export function performanceMetric(parsed: Parsed, slots: Slots): MetricId | null {
  if (slots.metric || parsed.analysis) return null;
  // "which country grew fastest?", "which categories are declining?": a breakdown's growth with no measure named is sales growth
  if (slots.groupBy && slots.groupBy !== 'month' && slots.change) return 'revenue';
  // "what was our best month this year?", "busiest week": the period ranked by sales (busiest, quietest: by orders)
  // (a day of the week is no period the tools know: "which day of the week is busiest?" is not the busiest date)
  if (/\bday of (?:the )?week\b|\bweekdays?\b|星期几|周几/.test(parsed.text)) return null;
  const busy = /\b(?:busiest|quietest|slowest)\b|最忙|最冷清|最淡/.test(parsed.text);
  if (slots.superlative && slots.grain && !slots.groupBy && Object.keys(slots.filter).length === 0) return busy ? 'orders' : 'revenue';
  // "which channel is busiest?": by orders ("which country is best?" still asks which measure)
  if (slots.superlative && slots.groupBy && busy) return 'orders';
  if (!slots.filter.country && !slots.filter.channel && !slots.filter.category) return null;
  return hasAny(parsed.text, [...PERFORMANCE_QUESTION.en, ...PERFORMANCE_QUESTION.zh]) ? PERFORMANCE_QUESTION.metric : null;
}
