import { describe, expect, it } from 'vitest';
import { DATE_TOKEN_RE, formatMonth, formatNumber, formatRange, joinList } from './format.ts';
import { extractNumbers, roundsTo } from './numbers.ts';

describe('formatNumber', () => {
  it('prints counts, money, decimals and percentages in one simple shape for both languages', () => {
    expect(formatNumber(1509496.333, 'money')).toBe('1,509,496.33');
    expect(formatNumber(7, 'money')).toBe('7.00');
    expect(formatNumber(25900, 'count')).toBe('25,900');
    expect(formatNumber(2.345, 'decimal')).toBe('2.35');
    expect(formatNumber(3, 'decimal')).toBe('3');
    expect(formatNumber(0.3142, 'percent')).toBe('31.4%');
    expect(formatNumber(1, 'percent')).toBe('100%');
  });

  it('keeps signs as ASCII and adds "+" to positive changes only when asked', () => {
    expect(formatNumber(-1234.5, 'money')).toBe('-1,234.50');
    expect(formatNumber(354517.03, 'money', { plus: true })).toBe('+354,517.03');
    expect(formatNumber(-0.333, 'percent', { plus: true })).toBe('-33.3%');
    expect(formatNumber(0, 'count', { plus: true })).toBe('0');
    expect(formatNumber(-0.0001, 'money')).toBe('0.00');
  });

  it('every number it prints is read back by the grounding parser as the same value', () => {
    const cases: [number, Parameters<typeof formatNumber>[1]][] = [[1509496.33, 'money'], [25900, 'count'], [0.3142, 'percent'], [-0.1234, 'percent'], [2.35, 'decimal']];
    for (const [value, kind] of cases) {
      const [n] = extractNumbers(`value ${formatNumber(value, kind, { plus: true })} here`, 'en');
      expect(n, `${value} ${kind}`).toBeDefined();
      expect(roundsTo(n!, value), `${value} ${kind}`).toBe(true);
    }
  });
});

describe('dates', () => {
  it('labels months and ranges, and DATE_TOKEN_RE finds every date form it emits', () => {
    expect(formatMonth('2011-11-01', 'en')).toBe('November 2011');
    expect(formatMonth('2011-11', 'zh')).toBe('2011年11月');
    expect(formatRange({ from: '2011-11-01', to: '2011-11-30' }, 'zh')).toBe('2011-11-01 至 2011-11-30');
    const text = 'November 2011, 2011年11月, Q3 2011, 2011年第3季度, year 2011, 2011-11-01 and 2011-11';
    const found = text.match(DATE_TOKEN_RE);
    expect(found).toEqual(['November 2011', '2011年11月', 'Q3 2011', '2011年第3季度', 'year 2011', '2011-11-01', '2011-11']);
  });

  it('joins lists the way each language does', () => {
    expect(joinList(['a', 'b', 'c'], 'en')).toBe('a, b and c');
    expect(joinList(['甲', '乙', '丙'], 'zh')).toBe('甲、乙和丙');
  });
});
