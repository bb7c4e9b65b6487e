import { describe, expect, it } from 'vitest';
import { collectOrderLines, linesText } from './orderBatch.ts';
import type { OrderHeader, OrderLineRow } from './orders.ts';

const header = (orderId: string, kind: 'order' | 'return' = 'order'): OrderHeader => ({
  orderId,
  customer: null,
  kind,
  orderedAt: new Date('2024-03-01T10:00:00Z'),
  channel: 'web',
  currency: 'GBP',
  country: null,
});

const line = (h: OrderHeader, lineNo: number, productName: string, quantity = 1): OrderLineRow => ({
  header: h,
  lineNo,
  productCode: 'P1',
  productName,
  category: null,
  quantity,
  unitPrice: 2.5,
  amount: quantity * 2.5,
});

describe('collectOrderLines', () => {
  const a = header('A');
  const b = header('B$&1', 'return');
  const a2 = header('A'); // the same order again after B: one order, headers stay apart for identity resolution
  const collector = collectOrderLines({ source: 'shop', runId: 1, startedAt: new Date() });
  [line(a, 1, 'Mug'), line(a, 2, 'Tab\there'), line(b, 1, 'Lamp'), line(a2, 3, 'Cup', 2)].forEach((l) => collector.add(l));
  const batch = collector.finish();

  it('groups lines by order in first-appearance order, with totals and counts', () => {
    expect(batch.headers).toEqual([a, b, a2]);
    expect(batch.orders.map((o) => [o.header, o.lineCount])).toEqual([[0, 3], [1, 1]]);
    expect(batch.orders[0]!.tail).toBe('shop\tA\torder\t2024-03-01T10:00:00.000Z\tweb\tGBP\t\\N\t10\t3');
    expect(batch.orders[1]!.tail).toBe('shop\tB$&1\treturn\t2024-03-01T10:00:00.000Z\tweb\tGBP\t\\N\t0\t1');
    expect(batch).toMatchObject({ lineCount: 4, returnLines: 1, guestLines: 4 });
  });

  it('puts each order id in front of its lines, literally and only for the orders asked for', async () => {
    expect(await linesText(batch, [{ index: 0, first: '7' }, { index: 1, first: 'B$&1' }])).toBe(
      [
        '7\t1\tP1\tMug\t\\N\t1\t2.5\t2.5',
        '7\t2\tP1\tTab\\there\t\\N\t1\t2.5\t2.5',
        '7\t3\tP1\tCup\t\\N\t2\t2.5\t5',
        'B$&1\t1\tP1\tLamp\t\\N\t1\t2.5\t2.5',
        '',
      ].join('\n'),
    );
    expect(await linesText(batch, [{ index: 1, first: '9' }])).toBe('9\t1\tP1\tLamp\t\\N\t1\t2.5\t2.5\n');
    expect(await linesText(batch, [])).toBe('');
  });
});
