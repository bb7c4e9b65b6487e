import { describe, expect, it } from 'vitest';
import { applyGrounding, checkGrounding, extractNumbers, splitSentences } from './grounding.ts';
import type { AnswerPayload, ToolCallRecord } from './types.ts';

/** A kpi_trend-shaped result for November 2011 (values chosen by hand). */
const november: ToolCallRecord = {
  tool: 'kpi_trend',
  args: { metric: 'revenue', grain: 'month', from: '2011-11-01', to: '2011-11-30' },
  result: {
    metric: 'revenue',
    overall: { total: 1509496.33, previous: { from: '2011-10-01', to: '2011-10-31', value: 1154979.3, change: 354517.03, changePct: 0.3069 } },
    repeatRate: 0.2345,
    meta: {
      tool: 'kpi_trend', args: { top: 10 }, window: { from: '2011-11-01', to: '2011-11-30' }, rowCounts: { orders: 2657 },
      definitions: { revenue: 'Σ order revenue over lines with quantity > 0 and unit price > 0; 42 is not data' }, asOf: '2011-12-10',
    },
  },
  ms: 12,
};

const values = (text: string, lang: 'en' | 'zh' = 'en') => extractNumbers(text, lang).map((n) => [n.text, n.value, n.unit]);

describe('extractNumbers', () => {
  it('reads English formats with their displayed precision', () => {
    expect(values('Revenue was $1,509,496.33, about 1.5M or 1.51 million; up 30.7% (+3.2 pp), 2.4x the median.')).toEqual([
      ['$1,509,496.33', 1509496.33, 0.01],
      ['1.5M', 1.5e6, 1e5],
      ['1.51 million', 1.51e6, 1e4],
      ['30.7%', 30.7, 0.1],
      ['+3.2 pp', 3.2, 0.1],
      ['2.4x', 2.4, 0.1],
    ]);
  });

  it('reads Chinese scales 万 and 亿, percentages and 个百分点', () => {
    expect(values('收入为150.9万元，全年约1.2亿，增长30.7%，复购率上升3.2个百分点。', 'zh')).toEqual([
      ['150.9万', 1509000, 1000],
      ['1.2亿', 1.2e8, 1e7],
      ['30.7%', 30.7, 0.1],
      ['3.2个百分点', 3.2, 0.1],
    ]);
  });

  it('leaves out dates, times, quarters, ordinals, list markers and codes', () => {
    const text = '1. On 2011-12-01 at 09:30, March 2011, 10 March, Mar 10, 2011, Q3 2011, week 12, the 3rd product P2 and 85123A.';
    expect(values(text)).toEqual([]);
    expect(values('2011年3月10日、11月、5号、第3季度、第2名和2011年第三季度', 'zh')).toEqual([]);
    // …but they are reported with their reason when asked for.
    const all = extractNumbers('the 3rd product P2 in 2011-12', 'en', { includeExempt: true });
    expect(all.map((n) => n.exempt)).toEqual(['ordinal', 'identifier', 'date', 'date']);
  });

  it('keeps numbers next to a lower-case "may" and notes period units', () => {
    const [churn, days] = extractNumbers('12 may churn within 90 days', 'en');
    expect(churn).toMatchObject({ value: 12, period: null });
    expect(days).toMatchObject({ value: 90, period: 'day', plainInteger: true });
    expect(extractNumbers('过去3个月', 'zh')[0]).toMatchObject({ value: 3, period: 'month' });
  });
});

describe('checkGrounding', () => {
  it('accepts every rounding of a tool value and rates as percentages', () => {
    for (const answer of [
      'Revenue was 1,509,496.33.', 'Revenue was 1,509,496.', 'Revenue was $1.5M.', 'Revenue was 1.51 million.',
      'Up 30.7% on October (1,154,979.30).', 'The repeat rate was 23.45%.', 'The repeat rate was 23%.',
    ]) {
      expect(checkGrounding(answer, [november]), answer).toMatchObject({ grounded: true, ungrounded: [] });
    }
    expect(checkGrounding('收入为150.9万，较上月增长30.7%。', [november], { language: 'zh' }).grounded).toBe(true);
  });

  it('rejects a number that no tool returned, and wrong roundings', () => {
    expect(checkGrounding('Revenue was 1,609,496.33.', [november]).ungrounded).toEqual(['1,609,496.33']);
    // 1.509… million is 1.5M, not 1.6M; 30.69% is 30.7%, not 31.5%.
    expect(checkGrounding('About 1.6M, up 31.5%.', [november]).ungrounded).toEqual(['1.6M', '31.5%']);
    expect(checkGrounding('收入为160万。', [november], { language: 'zh' }).ungrounded).toEqual(['160万']);
  });

  it('exempts numbers from the question, years and lengths of the tool window, but not definition digits', () => {
    const r = checkGrounding('In 2011 the top 5 countries over the last 30 days had 1.5M.', [november], {
      question: 'top 5 countries, last 30 days?',
    });
    expect(r.grounded).toBe(true);
    expect(r.numbers.map((n) => n.reason ?? n.status)).toEqual(['year of a tool window', 'in the question', 'in the question', 'matched']);
    // 30 days = the window's length even when the question did not say it; 42 appears only in a definition.
    expect(checkGrounding('Over 30 days: 1.5M.', [november]).grounded).toBe(true);
    expect(checkGrounding('Over 31 days: 42 orders.', [november]).ungrounded).toEqual(['31', '42']);
    expect(checkGrounding('In 1999 revenue was 1.5M.', [november]).ungrounded).toEqual(['1999']);
  });

  it('has nothing to match when every call failed', () => {
    const failed: ToolCallRecord = { tool: 'kpi_trend', args: {}, result: null, error: { code: 'invalid_argument', message: 'x' }, ms: 1 };
    expect(checkGrounding('Revenue was 10.', [failed]).ungrounded).toEqual(['10']);
  });
});

describe('applyGrounding', () => {
  const payload = (answer: string, toolCalls = [november], language: 'en' | 'zh' = 'en'): AnswerPayload => ({
    question: 'What was revenue in November 2011?', language, planner: 'llm', kind: 'answer', toolCalls, answer,
    followUps: [], grounded: false,
  });

  it('keeps a grounded answer as it is', () => {
    const out = applyGrounding(payload('Revenue in November 2011 was 1,509,496.33, up 30.7%.'));
    expect(out).toMatchObject({ grounded: true, grounding: { status: 'grounded', ungrounded: [], dropped: [] } });
  });

  it('drops the sentence with an invented number and keeps the rest', () => {
    const out = applyGrounding(payload('Revenue in November 2011 was 1,509,496.33. That is 12.5% above plan. Orders rose too.'));
    expect(out.answer).toBe('Revenue in November 2011 was 1,509,496.33. Orders rose too.');
    expect(out).toMatchObject({ grounded: true, grounding: { status: 'repaired', ungrounded: ['12.5%'], dropped: ['That is 12.5% above plan.'] } });
  });

  it('falls back to the plain rendering when nothing grounded is left', () => {
    const out = applyGrounding(payload('收入约为200万。', [november], 'zh'));
    expect(out.grounding?.status).toBe('replaced');
    expect(out.grounded).toBe(true);
    expect(out.answer).toContain('revenue：合计 1,509,496.33');
    expect(out.answer).toContain('+30.7%');
    expect(out.answer).toContain('2011-11-01 至 2011-11-30');
  });

  it('splits sentences without breaking decimals', () => {
    expect(splitSentences('It was 1.5M. Next.\n- item 2.5%\n收入150万。增长')).toEqual(['It was 1.5M. ', 'Next.\n', '- item 2.5%\n', '收入150万。', '增长']);
  });
});
