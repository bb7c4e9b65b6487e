import { DIMENSION_BY_ID, METRICS } from '../semantic/index.ts';
import type { Language } from '../types.ts';
import { joinList } from '../format.ts';
import { t } from './answers/common.ts';
import type { Parsed, Slots } from './parse.ts';
import type { DataValues } from './values.ts';
import { ORDERS_PER_CUSTOMER } from './behaviourWords.ts';

/**
 * When a question can't be answered without guessing, ask exactly one question back. The cases: the same word names
 * values of two dimensions; an in-domain question names no metric ("how are we doing?", "which country is best?",
 * "那德国呢？" with nothing before it); a segment question that names no customers.
 */
const METRIC_CHOICES = ['revenue', 'orders', 'customers', 'aov'] as const;

function metricChoices(lang: Language): string {
  const names = METRIC_CHOICES.map((id) => METRICS.find((m) => m.id === id)!.names[lang]);
  return lang === 'zh' ? names.join('、') : joinList(names, 'en').replace(' and ', ' or ');
}

/** The one clarifying question for a parsed question, or null when it is clear enough to answer. */
export function clarifyQuestion(parsed: Parsed, analysis: string | null, slots: Slots, values: DataValues): string | null {
  const { lang } = parsed;
  if (parsed.ambiguous.length) {
    const a = parsed.ambiguous[0]!;
    const dims = a.dims.map((d) => DIMENSION_BY_ID.get(d)!.names[lang]);
    return t(lang, `Do you mean "${a.phrase}" as a ${dims.join(' or a ')}?`, `“${a.phrase}”指的是${dims.join('还是')}？`);
  }
  if (!analysis) {
    const about = Object.values(slots.filter).filter(Boolean) as string[];
    if (slots.groupBy && slots.groupBy !== 'month') {
      const dim = DIMENSION_BY_ID.get(slots.groupBy)!;
      return t(lang, `Which measure should I compare ${dim.names.enPlural} by: ${metricChoices(lang)}?`, `按哪个指标比较${dim.names.zh}：${metricChoices(lang)}？`);
    }
    if (about.length) {
      return t(lang, `What would you like to know about ${joinList(about, 'en')}: ${metricChoices(lang)}?`, `您想了解${about.join('、')}的哪个指标：${metricChoices(lang)}？`);
    }
    if (parsed.vague || slots.time) {
      return t(lang, `Which measure do you mean: ${metricChoices(lang)}? You can also ask about RFM tiers, churn risk, cohorts, the funnel or feedback.`, `您指的是哪个指标：${metricChoices(lang)}？也可以问 RFM 分层、流失风险、同期群、转化漏斗或客户反馈。`);
    }
    return null;
  }
  if (analysis === 'segment' && Object.keys(slots.filter).length === 0 && !slots.tag && !slots.ranges && !slots.topCustomers && !slots.topShare && !slots.intervals && !parsed.text.match(/all customers|所有客户|全部客户|our customers|我们的客户/) && !ORDERS_PER_CUSTOMER.test(parsed.text)) {
    const saved = values.segment.slice(0, 8);
    const options = saved.length ? t(lang, ` Saved segments: ${saved.join(', ')}.`, `已保存的客群：${saved.join('、')}。`) : '';
    return t(lang, `Which customers should I profile — a saved segment, an RFM tier (e.g. Champions) or a country?${options}`, `要分析哪些客户——已保存的客群、RFM 层级（如 Champions）还是某个国家？${options}`);
  }
  return null;
}
