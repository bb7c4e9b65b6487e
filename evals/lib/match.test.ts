import { describe, expect, it } from 'vitest';
import { extractNumbers } from '../../server/agent/numbers.ts';
import type { ToolCallRecord } from '../../server/agent/types.ts';
import { argMismatches, effectiveArgs, numberInResults, numberWritten, valueMatches } from './match.ts';

const call = (args: Record<string, unknown>, metaArgs: Record<string, unknown> = {}): ToolCallRecord => ({
  tool: 'kpi_trend', args, result: { meta: { args: metaArgs } }, ms: 1,
});

describe('argument matching', () => {
  it('reads the arguments after defaults: what the planner sent overlaid with meta.args', () => {
    const c = call({ metric: 'revenue', filters: { country: 'Germany' } }, { metric: 'revenue', from: '2026-10-01', to: '2026-10-31', filters: { country: 'Germany' }, grain: 'month' });
    expect(effectiveArgs(c)).toEqual({ metric: 'revenue', from: '2026-10-01', to: '2026-10-31', filters: { country: 'Germany' }, grain: 'month' });
    expect(argMismatches(c, { metric: 'revenue', from: '2026-10-01', filters: { country: 'Germany' } })).toEqual([]);
  });

  it('names every wrong key', () => {
    const c = call({ metric: 'orders', from: '2026-09-01', to: '2026-09-30' });
    const issues = argMismatches(c, { metric: 'revenue', from: '2026-09-01', to: '2026-10-31' });
    expect(issues).toHaveLength(2);
    expect(issues[0]).toContain('metric: expected "revenue", got "orders"');
    expect(issues[1]).toContain('to:');
  });

  it('a missing nested key or a different filter value is a mismatch; extra keys are fine', () => {
    expect(valueMatches({ country: 'France' }, { country: 'Germany' })).toBe(false);
    expect(valueMatches({}, { country: 'Germany' })).toBe(false);
    expect(valueMatches({ country: 'Germany', channel: 'web' }, { country: 'Germany' })).toBe(true);
  });

  it('operators: $gte/$lte on ISO months, $in, $ci, $absent', () => {
    expect(valueMatches('2026-01', { $lte: '2026-03' })).toBe(true);
    expect(valueMatches('2026-04', { $lte: '2026-03' })).toBe(false);
    expect(valueMatches(undefined, { $gte: '2026-03' })).toBe(false);
    expect(valueMatches('2026-10-31', { $in: ['2026-10-31', '2026-11-01'] })).toBe(true);
    expect(valueMatches('2026-10-30', { $in: ['2026-10-31', '2026-11-01'] })).toBe(false);
    expect(valueMatches('france', { $ci: 'France' })).toBe(true);
    expect(valueMatches(['FRANCE'], { $ci: 'France' })).toBe(true);
    expect(valueMatches(undefined, { $absent: true })).toBe(true);
    expect(valueMatches('web', { $absent: true })).toBe(false);
  });

  it('one value equals a one-element list (segment filters accept both), but not a longer list', () => {
    expect(valueMatches(['Champions'], 'Champions')).toBe(true);
    expect(valueMatches(['Champions', 'Loyal'], 'Champions')).toBe(false);
    expect(valueMatches(['a', 'b'], ['a', 'b'])).toBe(true);
    expect(valueMatches(['b', 'a'], ['a', 'b'])).toBe(false);
  });
});

describe('numbers in the answer', () => {
  const find = (text: string, value: number, ratio = false, tolerance = 0.002) =>
    numberWritten(extractNumbers(text, /[\u4e00-\u9fff]/.test(text) ? 'zh' : 'en'), value, { ratio, tolerance })?.text;

  it('matches at the displayed precision (en and zh scales)', () => {
    expect(find('Revenue in November 2011 was £1,509,496.33.', 1509496.33)).toContain('1,509,496.33');
    expect(find('Revenue was $1.51M in November.', 1509496.33)).toContain('1.51M');
    expect(find('2011年11月销售额为150.9万英镑。', 1509496.33)).toContain('150.9万');
    expect(find('Revenue was $1.61M.', 1509496.33)).toBeUndefined();
  });

  it('rejects displays too coarse to tell (under ~2 significant digits)', () => {
    expect(find('Revenue was about $2M.', 1509496.33)).toBeUndefined();
    expect(find('Revenue was $1.5M.', 1509496.33)).toContain('1.5M');
  });

  it('fractions match as percentages; signs are said in words', () => {
    expect(find('Conversion was 85.0%.', 0.8502, true)).toBe('85.0%');
    expect(find('Conversion was 85%.', 0.8502, true)).toBe('85%');
    expect(find('Conversion was 84%.', 0.8502, true)).toBeUndefined();
    expect(find('Orders fell 6.1% vs Q2.', -0.061, true)).toBe('6.1%');
  });

  it('dates and ordinals are not numbers to match', () => {
    expect(find('In 2026-10 we had 2,752 orders.', 10)).toBeUndefined();
    expect(find('In 2026-10 we had 2,752 orders.', 2752)).toContain('2,752');
  });

  it('numbers checked against the tool results', () => {
    const calls: ToolCallRecord[] = [{ tool: 'churn_risk', args: {}, result: { counts: { inactiveRepeat: 1808, nested: [{ x: 0.5 }] } }, ms: 1 }];
    expect(numberInResults(calls, 1808, 0)).toBe(true);
    expect(numberInResults(calls, 0.5, 0)).toBe(true);
    expect(numberInResults(calls, 1809, 0)).toBe(false);
  });
});
