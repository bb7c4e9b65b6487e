import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../tools/lib/clock.ts';
import type { Db } from '../../db/index.ts';
import { refreshCustomerSummary } from '../../db/summary.ts';
import { runImport } from '../../import/run.ts';
import { openTestDb, TEST_DRIVERS } from '../../testing/db.ts';
import { hasSharedData, sharedDataPath } from '../../testing/sharedData.ts';
import { formatNumber } from '../format.ts';
import { checkGrounding } from '../grounding.ts';
import type { AnswerPayload, Turn } from '../types.ts';
import { createOfflinePlanner } from './index.ts';

/**
 * The offline planner on the imported Online Retail data set, today = 2011-12-10. Every expected number comes from
 * SQL written here over the raw order lines (invoices starting with C are cancellations; revenue = Σ quantity × unit
 * price over lines with both positive), not from a tool.
 */
const FILE = ['online_retail', 'online_retail.csv.gz'] as const;
const planner = createOfflinePlanner();

for (const driver of TEST_DRIVERS) {
  describe.runIf(hasSharedData(...FILE))(`offline planner on Online Retail [${driver}]`, () => {
    let db: Db;
    beforeAll(async () => {
      db = await openTestDb(driver);
      await runImport(db, { entity: 'orders', file: sharedDataPath(...FILE), preset: 'online-retail' });
      await refreshCustomerSummary(db, 'all');
    }, 600_000);
    afterAll(async () => db?.close());

    const ask = async (question: string, conversation: Turn[] = []) => {
      const payload = await planner.ask(question, conversation, { tools: { db, clock: fixedClock('2011-12-10'), role: 'analyst' } });
      expect(checkGrounding(payload.answer, payload.toolCalls, { question, language: payload.language }).ungrounded, payload.answer).toEqual([]);
      return payload;
    };
    const kpiArgs = (p: AnswerPayload) => p.toolCalls.find((c) => c.tool === 'kpi_trend')?.args;
    const revenueSql = (where: string, params: unknown[]) =>
      db.query<{ revenue: number }>(
        `SELECT round(sum(l.quantity * l.unit_price) FILTER (WHERE l.quantity > 0 AND l.unit_price > 0), 2)::float8 AS revenue
           FROM orders o JOIN order_lines l ON l.order_id = o.id LEFT JOIN customers c ON c.id = o.customer_id
          WHERE o.external_id NOT LIKE 'C%' AND ${where}`,
        params,
      );

    it('"What was revenue in November 2011?" calls kpi_trend and answers 1,509,496.33 (en and zh)', async () => {
      const { rows: [nov] } = await revenueSql(`o.ordered_at >= '2011-11-01T00:00Z' AND o.ordered_at < '2011-12-01T00:00Z'`, []);
      expect(nov!.revenue).toBeCloseTo(1509496.33, 2); // the documented figure (docs) and our own SQL agree
      const en = await ask('What was revenue in November 2011?');
      expect(kpiArgs(en)).toMatchObject({ metric: 'revenue', from: '2011-11-01', to: '2011-11-30' });
      expect(en.answer).toContain(`${formatNumber(nov!.revenue, 'money')} GBP`);
      expect(en.answer).toContain('1,509,496.33');
      const zh = await ask('2011年11月的收入是多少？');
      expect(kpiArgs(zh)).toMatchObject({ metric: 'revenue', from: '2011-11-01', to: '2011-11-30' });
      expect(zh.answer).toContain('1,509,496.33');
    });

    it('top countries by revenue in 2011, then the follow-up "and in Germany?"', async () => {
      const { rows } = await db.query<{ country: string; revenue: number }>(
        `SELECT coalesce(o.country, c.country) AS country,
                round(sum(l.quantity * l.unit_price) FILTER (WHERE l.quantity > 0 AND l.unit_price > 0), 2)::float8 AS revenue
           FROM orders o JOIN order_lines l ON l.order_id = o.id LEFT JOIN customers c ON c.id = o.customer_id
          WHERE o.external_id NOT LIKE 'C%' AND o.ordered_at >= '2011-01-01T00:00Z' AND o.ordered_at < '2011-12-10T00:00Z'
          GROUP BY 1 ORDER BY 2 DESC LIMIT 3`,
      );
      const top = await ask('Top 3 countries by revenue in 2011');
      expect(kpiArgs(top)).toMatchObject({ groupBy: 'country', top: 3, from: '2011-01-01', to: '2011-12-09' }); // 2011 so far: up to yesterday
      const expected = rows.map((r) => `${r.country} ${formatNumber(r.revenue, 'money')} GBP`).join('; ');
      expect(top.answer).toContain(expected);
      const de = await ask('and in Germany?', [{ question: top.question, payload: top }]);
      const { rows: [germany] } = await revenueSql(
        `coalesce(o.country, c.country) = 'Germany' AND o.ordered_at >= '2011-01-01T00:00Z' AND o.ordered_at < '2011-12-10T00:00Z'`, [],
      );
      expect(kpiArgs(de)).toMatchObject({ filters: { country: 'Germany' }, from: '2011-01-01', to: '2011-12-09' });
      expect(de.answer).toContain(formatNumber(germany!.revenue, 'money'));
    });

    it('retention of the January 2011 cohort (members = first order in January 2011)', async () => {
      const { rows: [c] } = await db.query<{ size: number; m1: number }>(
        `WITH o AS (SELECT customer_id, ordered_at FROM orders WHERE external_id NOT LIKE 'C%' AND customer_id IS NOT NULL),
              firsts AS (SELECT customer_id, min(ordered_at) AS first_at FROM o GROUP BY 1),
              cohort AS (SELECT customer_id FROM firsts WHERE first_at >= '2011-01-01T00:00Z' AND first_at < '2011-02-01T00:00Z')
         SELECT (SELECT count(*) FROM cohort)::int AS size,
                (SELECT count(DISTINCT o.customer_id) FROM o JOIN cohort USING (customer_id)
                  WHERE o.ordered_at >= '2011-02-01T00:00Z' AND o.ordered_at < '2011-03-01T00:00Z')::int AS m1`,
      );
      const p = await ask('What is the retention of the January 2011 cohort?');
      expect(p.toolCalls.find((x) => x.tool === 'cohort_retention')?.args).toEqual({ from: '2011-01', to: '2011-01' });
      expect(p.answer).toContain(`has ${formatNumber(c!.size, 'count')} customers`);
      expect(p.answer).toContain(`month 1: ${formatNumber(c!.m1 / c!.size, 'percent')}`);
    });
  });
}
