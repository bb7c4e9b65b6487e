import { describe, expect, it } from 'vitest';
import { summarizeTransactions, toDayNumber, type Transaction } from './summary.ts';
import { CDNOW_SUMMARY, CDNOW_SUMMARY_ZBAR, cdnowSummary, hasCdnow, readNumericCsv } from './testing/cdnow.ts';

describe('summarizeTransactions (hand-worked)', () => {
  // Calibration ends 2024-01-29 (inclusive), holdout ends 2024-02-12.
  const txns: Transaction[] = [
    // A: first 2024-01-01 ($10); same day $5 more → one $15 transaction; repeats 01-08 ($20) and 01-22 ($40);
    //    holdout 02-05 ($7) and 02-20 (after holdoutEnd, ignored).
    { customerId: 'A', date: '2024-01-01', value: 10 },
    { customerId: 'A', date: '2024-01-01', value: 5 },
    { customerId: 'A', date: '2024-01-08', value: 20 },
    { customerId: 'A', date: '2024-01-22', value: 40 },
    { customerId: 'A', date: '2024-02-05', value: 7 },
    { customerId: 'A', date: '2024-02-20', value: 9 },
    // B: a single purchase on 2024-01-15 (given as a Date at UTC midnight).
    { customerId: 'B', date: new Date(Date.UTC(2024, 0, 15)), value: 3 },
    // C: first purchase 2024-01-29 = calibrationEnd (T = 0), then two holdout purchases on the same day.
    { customerId: 'C', date: '2024-01-29', value: 1 },
    { customerId: 'C', date: '2024-02-01', value: 2 },
    { customerId: 'C', date: '2024-02-01', value: 2 },
    // D: first purchase in the holdout → not a calibration customer.
    { customerId: 'D', date: '2024-02-02', value: 100 },
  ];
  const opts = { calibrationEnd: '2024-01-29', holdoutEnd: '2024-02-12' } as const;

  it('computes x, t_x, T, zbar and holdout in weeks with same-day merging', () => {
    const s = summarizeTransactions(txns, opts);
    expect(s.unit).toBe('weeks');
    expect(s.holdoutLength).toBe(2);
    expect(s.excludedCustomers).toBe(1);
    expect(s.customers.map((c) => c.customerId)).toEqual(['A', 'B', 'C']);
    const [a, b, c] = s.customers;
    // A: days 0, 7, 21 in calibration; T = 28 days.
    expect(a).toEqual({
      customerId: 'A', firstPurchase: '2024-01-01', x: 2, tx: 3, T: 4, zbar: 30, firstValue: 15,
      holdoutCount: 1, holdoutValue: 7,
    });
    expect(b).toMatchObject({ x: 0, tx: 0, T: 2, zbar: 0, firstValue: 3, holdoutCount: 0 });
    expect(c).toMatchObject({ x: 0, tx: 0, T: 0, zbar: 0, holdoutCount: 1, holdoutValue: 4 });
  });

  it('keeps same-day transactions separate when mergeSameDay = false', () => {
    const s = summarizeTransactions(txns, { ...opts, mergeSameDay: false, unit: 'days' });
    const [a, , c] = s.customers;
    // A: events day 0 ($10), day 0 ($5), day 7, day 21 → x = 3, zbar = (5 + 20 + 40)/3.
    expect(a).toMatchObject({ x: 3, tx: 21, T: 28, firstValue: 10, holdoutCount: 1 });
    expect(a?.zbar).toBeCloseTo(65 / 3, 12);
    expect(c).toMatchObject({ holdoutCount: 2, holdoutValue: 4 });
  });

  it('supports months (days / 30.4375) and an open-ended holdout', () => {
    const s = summarizeTransactions(txns, { calibrationEnd: '2024-01-29', unit: 'months' });
    expect(s.holdoutLength).toBeNull();
    expect(s.customers[0]?.T).toBeCloseTo(28 / 30.4375, 12);
    expect(s.customers[0]?.holdoutCount).toBe(2);
  });

  it('rejects malformed dates and values', () => {
    expect(() => toDayNumber('2024-02-30')).toThrow(/calendar date/);
    expect(() => toDayNumber('2024/01/01')).toThrow(/YYYY-MM-DD/);
    expect(() => summarizeTransactions([{ customerId: 'A', date: '2024-01-01', value: NaN }], opts)).toThrow(/non-finite/);
  });
});

describe.runIf(hasCdnow())('summarizeTransactions on CDNOW_sample.txt', () => {
  const summary = cdnowSummary();
  const round2 = (v: number): number => Math.round(v * 100) / 100;

  it('reproduces cdnow_customers_summary.csv for all 2,357 customers', () => {
    const ref = readNumericCsv(CDNOW_SUMMARY);
    expect(ref).toHaveLength(2357);
    expect(summary.customers).toHaveLength(2357);
    expect(summary.excludedCustomers).toBe(0);
    const byId = new Map(summary.customers.map((c) => [Number(c.customerId), c]));
    const mismatches: string[] = [];
    for (const row of ref) {
      const c = byId.get(row.ID as number);
      if (!c || c.x !== row.frequency || round2(c.tx) !== row.recency || round2(c.T) !== row.T) {
        mismatches.push(`${row.ID}: ${JSON.stringify(c)} vs ${JSON.stringify(row)}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('matches the totals and the worked example for customer 1', () => {
    const sumX = summary.customers.reduce((s, c) => s + c.x, 0);
    const holdout = summary.customers.reduce((s, c) => s + c.holdoutCount, 0);
    expect(sumX).toBe(2457);
    expect(holdout).toBe(1882);
    expect(summary.holdoutLength).toBe(39);
    expect(summary.customers.filter((c) => c.x > 0)).toHaveLength(946);
    const c1 = summary.customers.find((c) => c.customerId === '1');
    expect(c1).toMatchObject({ x: 2, firstPurchase: '1997-01-01' });
    expect(c1?.tx).toBeCloseTo(213 / 7, 12);
    expect(c1?.T).toBeCloseTo(272 / 7, 12);
    expect(round2(c1?.tx ?? 0)).toBe(30.43);
    expect(round2(c1?.T ?? 0)).toBe(38.86);
  });

  it('matches zbar of cdnow_customers_summary_with_transactions.csv to ±0.01 (rounding)', () => {
    const ref = readNumericCsv(CDNOW_SUMMARY_ZBAR);
    const byId = new Map(summary.customers.map((c) => [Number(c.customerId), c]));
    let worst = 0;
    for (const row of ref) worst = Math.max(worst, Math.abs((byId.get(row.ID as number)?.zbar ?? NaN) - (row.zbar as number)));
    expect(worst).toBeLessThanOrEqual(0.0100001);
  });
});
