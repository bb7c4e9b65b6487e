import { describe, expect, it } from 'vitest';
import { describeRange, parseNumber, parseTimeRange, previousRange } from './time.ts';

// Hand-worked expectations with a fixed today. 2011-12-10 is a Saturday; its ISO week starts Monday 2011-12-05.
const TODAY = '2011-12-10';
const range = (q: string, today = TODAY) => {
  const r = parseTimeRange(q, today);
  return r && { from: r.from, to: r.to };
};

describe('parseTimeRange (English)', () => {
  it.each([
    ['What was revenue in November 2011?', '2011-11-01', '2011-11-30'],
    ['in March 2011', '2011-03-01', '2011-03-31'],
    ['orders in Feb. 2011', '2011-02-01', '2011-02-28'],
    ['last quarter', '2011-07-01', '2011-09-30'],
    ['this quarter', '2011-10-01', '2011-12-09'],
    ['last month', '2011-11-01', '2011-11-30'],
    ['this month', '2011-12-01', '2011-12-09'],
    ['last year', '2010-01-01', '2010-12-31'],
    ['the year before last', '2009-01-01', '2009-12-31'],
    ['this year', '2011-01-01', '2011-12-09'],
    ['year to date', '2011-01-01', '2011-12-09'],
    // rolling windows end yesterday: 90 days = 2011-09-11 … 2011-12-09 (Sep 20 + Oct 31 + Nov 30 + Dec 9 = 90)
    ['last 90 days', '2011-09-11', '2011-12-09'],
    ['past 7 days', '2011-12-03', '2011-12-09'],
    ['last 3 months', '2011-09-01', '2011-11-30'],
    ['last 12 months', '2010-12-01', '2011-11-30'],
    ['last 2 weeks', '2011-11-21', '2011-12-04'],
    ['last week', '2011-11-28', '2011-12-04'],
    ['yesterday', '2011-12-09', '2011-12-09'],
    ['Q3 2011', '2011-07-01', '2011-09-30'],
    ['2011 Q1', '2011-01-01', '2011-03-31'],
    ['the third quarter of 2011', '2011-07-01', '2011-09-30'],
    ['from 2011-01-05 to 2011-02-01', '2011-01-05', '2011-02-01'],
    ['in 2010', '2010-01-01', '2010-12-31'],
    // a month without a year is the latest that has begun; a year not over yet ends yesterday (the last full day)
    ['in March', '2011-03-01', '2011-03-31'],
    ['in 2011', '2011-01-01', '2011-12-09'],
    ['2011-11', '2011-11-01', '2011-11-30'],
    ['orders per month from December 2010 to November 2011', '2010-12-01', '2011-11-30'],
    ['the first half of 2011', '2011-01-01', '2011-06-30'],
    ['H2 2010', '2010-07-01', '2010-12-31'],
    ['Q3 last year', '2010-07-01', '2010-09-30'],
    ['March last year', '2010-03-01', '2010-03-31'],
    ["What's our AOV for October?", '2011-10-01', '2011-10-31'],
  ])('%s', (q, from, to) => {
    expect(range(q)).toEqual({ from, to });
  });

  it('a period that starts today is just today', () => {
    expect(range('this month', '2026-11-01')).toEqual({ from: '2026-11-01', to: '2026-11-01' });
  });

  it('January of a leap year and the year boundary', () => {
    expect(range('last month', '2012-01-15')).toEqual({ from: '2011-12-01', to: '2011-12-31' });
    expect(range('last quarter', '2012-02-01')).toEqual({ from: '2011-10-01', to: '2011-12-31' });
    expect(range('february 2012', '2012-06-01')).toEqual({ from: '2012-02-01', to: '2012-02-29' });
    expect(range('in december', '2012-03-01')).toEqual({ from: '2011-12-01', to: '2011-12-31' });
  });

  it('finds nothing where there is no time expression, and does not read month names inside words', () => {
    expect(parseTimeRange('top 5 countries by revenue', TODAY)).toBeNull();
    expect(parseTimeRange('customer summary', TODAY)).toBeNull();
    expect(parseTimeRange('may I see the funnel', TODAY)).toBeNull();
  });
});

describe('parseTimeRange (Chinese)', () => {
  it.each([
    ['上个月的收入', '2011-11-01', '2011-11-30'],
    ['上月', '2011-11-01', '2011-11-30'],
    ['本月', '2011-12-01', '2011-12-09'],
    ['2011年第三季度', '2011-07-01', '2011-09-30'],
    ['2011年第3季度', '2011-07-01', '2011-09-30'],
    ['2011年Q2', '2011-04-01', '2011-06-30'],
    ['过去90天', '2011-09-11', '2011-12-09'],
    ['最近30天', '2011-11-10', '2011-12-09'],
    ['近三个月', '2011-09-01', '2011-11-30'],
    ['去年', '2010-01-01', '2010-12-31'],
    ['前年', '2009-01-01', '2009-12-31'],
    ['今年', '2011-01-01', '2011-12-09'],
    ['上季度', '2011-07-01', '2011-09-30'],
    ['上个季度', '2011-07-01', '2011-09-30'],
    ['2011年11月', '2011-11-01', '2011-11-30'],
    ['2011年三月', '2011-03-01', '2011-03-31'],
    ['十一月的订单', '2011-11-01', '2011-11-30'],
    ['上周', '2011-11-28', '2011-12-04'],
    ['昨天', '2011-12-09', '2011-12-09'],
    ['2010年', '2010-01-01', '2010-12-31'],
    ['2010年12月到2011年11月每月订单数', '2010-12-01', '2011-11-30'],
    ['2011年1月至3月', '2011-01-01', '2011-03-31'],
    ['2011年上半年', '2011-01-01', '2011-06-30'],
    ['去年下半年', '2010-07-01', '2010-12-31'],
    ['三季度整体转化率', '2011-07-01', '2011-09-30'],
    ['2011年三季度', '2011-07-01', '2011-09-30'],
    ['今年第二季度', '2011-04-01', '2011-06-30'],
    ['去年3月', '2010-03-01', '2010-03-31'],
  ])('%s', (q, from, to) => {
    expect(range(q)).toEqual({ from, to });
  });
});

describe('parseTimeRange (spoken relative periods)', () => {
  // 2011-12-10 is a Saturday: the current ISO week starts Monday 2011-12-05, Q4 2011 is the current quarter
  it.each([
    ['past three months', '2011-09-01', '2011-11-30'],
    ['the last two weeks', '2011-11-21', '2011-12-04'],
    ['last 2 quarters', '2011-04-01', '2011-09-30'],
    ['two months ago', '2011-10-01', '2011-10-31'],
    ['a month ago', '2011-11-01', '2011-11-30'],
    ['3 weeks ago', '2011-11-14', '2011-11-20'],
    ['the month before last', '2011-10-01', '2011-10-31'],
    ['the quarter before last', '2011-04-01', '2011-06-30'],
    ['since the start of the year', '2011-01-01', '2011-12-09'],
    ['since the beginning of the quarter', '2011-10-01', '2011-12-09'],
    ['since March', '2011-03-01', '2011-12-09'],
    ['the past month', '2011-11-01', '2011-11-30'],
    ['上上个月', '2011-10-01', '2011-10-31'],
    ['上上季度', '2011-04-01', '2011-06-30'],
    ['两个月前', '2011-10-01', '2011-10-31'],
    ['三天前', '2011-12-07', '2011-12-07'],
    ['前天', '2011-12-08', '2011-12-08'],
    ['年初到现在', '2011-01-01', '2011-12-09'],
    ['月初至今', '2011-12-01', '2011-12-09'],
    ['近两个季度', '2011-04-01', '2011-09-30'],
    ['in the third quarter', '2011-07-01', '2011-09-30'],
    ['the first half of the year', '2011-01-01', '2011-06-30'],
    // 前三季度 is the year's first three quarters to many readers: not read as a rolling window
    ['前三季度', '2011-07-01', '2011-09-30'],
  ])('%s', (q, from, to) => {
    expect(range(q)).toEqual({ from, to });
  });

  it('does not read "this week" inside "this weekend"', () => {
    expect(parseTimeRange('will it rain this weekend?', TODAY)).toBeNull();
  });
});

describe('labels and numbers', () => {
  it('labels calendar periods in both languages and names rolling windows by their days', () => {
    const nov = parseTimeRange('上个月', TODAY)!;
    expect(nov.label).toEqual({ en: 'November 2011', zh: '2011年11月' });
    expect(describeRange(nov, 'en')).toBe('November 2011 (2011-11-01 to 2011-11-30)');
    expect(describeRange(nov, 'zh')).toBe('2011年11月（2011-11-01 至 2011-11-30）');
    const q = parseTimeRange('this quarter', TODAY)!;
    expect(q.label).toEqual({ en: 'Q4 2011 to date', zh: '2011年第4季度至今' });
    const rolling = parseTimeRange('last 90 days', TODAY)!;
    expect(rolling.label).toBeNull();
    expect(describeRange(rolling, 'en')).toBe('2011-09-11 to 2011-12-09');
  });

  it('reads Chinese numerals', () => {
    expect([parseNumber('三'), parseNumber('十'), parseNumber('十一'), parseNumber('二十'), parseNumber('九十'), parseNumber('90')]).toEqual([3, 10, 11, 20, 90, 90]);
  });
});

describe('previousRange: "and the month before?"', () => {
  it('steps back from a period to date by the whole period, from a whole period by its length', () => {
    const before = (q: string, today: string) => {
      const r = previousRange(parseTimeRange(q, today)!);
      return [r.from, r.to];
    };
    // "this month" on the 14th is November 1–13 so far: the month before is all of October
    expect(before('this month', '2026-11-14')).toEqual(['2026-10-01', '2026-10-31']);
    expect(before('this quarter', '2026-11-14')).toEqual(['2026-07-01', '2026-09-30']);
    expect(before('this year', '2026-11-14')).toEqual(['2025-01-01', '2025-12-31']);
    expect(before('this month', '2026-01-20')).toEqual(['2025-12-01', '2025-12-31']);
    expect(before('last month', '2026-11-14')).toEqual(['2026-09-01', '2026-09-30']);
    // a rolling window steps back by its own days
    expect(before('last 7 days', '2026-11-14')).toEqual(['2026-10-31', '2026-11-06']);
  });
});
