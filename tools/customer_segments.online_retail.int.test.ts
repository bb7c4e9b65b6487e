import { describe, expect, it } from 'vitest';
import { refreshCustomerSummary } from '../server/db/summary.ts';
import { runImport } from '../server/import/run.ts';
import { openTestDb, TEST_DRIVERS } from '../server/testing/db.ts';
import { hasSharedData, sharedDataPath } from '../server/testing/sharedData.ts';
import { fixedClock } from './lib/clock.ts';
import { recomputeTags } from './lib/tags.ts';
import { runTool } from './registry.ts';

type Out = any; // eslint-disable-line @typescript-eslint/no-explicit-any
const FILE = ['online_retail', 'online_retail.csv.gz'] as const;

for (const driver of TEST_DRIVERS) {
  describe.runIf(hasSharedData(...FILE))(`customer_segments on Online Retail [${driver}]`, () => {
    it('profiles match independent SQL over the order lines; clusters and tags run in seconds', async () => {
      const db = await openTestDb(driver);
      try {
        await runImport(db, { entity: 'orders', file: sharedDataPath(...FILE), preset: 'online-retail' });
        await refreshCustomerSummary(db, 'all');
        const ctx = { db, clock: fixedClock('2011-12-10'), role: 'analyst' as const };
        const timed = async (label: string, args: object) => {
          const started = performance.now();
          const out = (await runTool('customer_segments', args, ctx)) as Out;
          console.log(`customer_segments ${label} on Online Retail [${driver}]: ${Math.round(performance.now() - started)} ms`);
          return out;
        };
        // Independent: invoices not starting with C are orders; revenue = Σ quantity × price over positive lines.
        const { rows: [facts] } = await db.query<{ buyers: number; revenue: number; de_buyers: number; de_revenue: number; lapsed: number }>(
          `WITH o AS (SELECT o.id, o.customer_id, o.ordered_at FROM orders o WHERE o.external_id NOT LIKE 'C%' AND o.customer_id IS NOT NULL),
                r AS (SELECT o.customer_id, sum(l.quantity * l.unit_price) FILTER (WHERE l.quantity > 0 AND l.unit_price > 0) AS revenue
                        FROM o JOIN order_lines l ON l.order_id = o.id GROUP BY o.customer_id)
           SELECT (SELECT count(DISTINCT customer_id) FROM o) AS buyers, (SELECT sum(revenue) FROM r) AS revenue,
                  (SELECT count(*) FROM r JOIN customers c ON c.id = r.customer_id WHERE c.country = 'Germany') AS de_buyers,
                  (SELECT sum(revenue) FROM r JOIN customers c ON c.id = r.customer_id WHERE c.country = 'Germany') AS de_revenue,
                  (SELECT count(*) FROM (SELECT customer_id FROM o GROUP BY 1
                     HAVING max((ordered_at AT TIME ZONE 'UTC')::date) <= date '2011-12-10' - 180) x) AS lapsed`,
        );
        const de = (await timed('profile Germany', { filter: { country: 'Germany' } })).profile;
        expect(de.customers).toBe(facts!.de_buyers);
        expect(de.customersWithOrders).toBe(facts!.buyers);
        expect(de.revenue).toBeCloseTo(facts!.de_revenue, 1);
        expect(de.revenueShare).toBeCloseTo(facts!.de_revenue / facts!.revenue, 4);
        expect(de.persona.countries[0]).toMatchObject({ value: 'Germany', share: 1 });
        console.log(`Germany: ${de.customers} customers (${de.segmentShare}), revenue share ${de.revenueShare}, lift ${de.persona.countries[0].lift}`);
        await timed('profile RFM Champions+Loyal', { filter: { rfmTier: ['Champions', 'Loyal'] } });
        await timed('profile as of 2011-06-30 (from orders)', { filter: { orders: { min: 5 } }, asOf: '2011-06-30' });
        const csv = await timed('export all', { mode: 'export' });
        expect(csv.export).toMatchObject({ rows: facts!.buyers, truncated: false });

        const started = performance.now();
        const tags = await recomputeTags(db, ctx.clock);
        console.log(`recomputeTags on Online Retail [${driver}]: ${Math.round(performance.now() - started)} ms`, JSON.stringify(tags));
        expect(tags.find((t) => t.tag === 'lapsed')?.members).toBe(facts!.lapsed);
        const top = tags.find((t) => t.tag === 'high value')!.members;
        expect(top / facts!.buyers).toBeGreaterThan(0.09);
        expect(top / facts!.buyers).toBeLessThanOrEqual(0.1);

        const cl = (await timed('cluster (k by silhouette)', { mode: 'cluster' })).clustering;
        expect(cl.customers).toBe(facts!.buyers);
        expect(cl.k).toBeGreaterThanOrEqual(2);
        expect(cl.clusters.reduce((s: number, c: Out) => s + c.customers, 0)).toBe(facts!.buyers);
        console.log(`k = ${cl.k}, silhouette ${cl.silhouette}, scores ${JSON.stringify(cl.scores)}`);
        for (const c of cl.clusters) {
          console.log(`  #${c.cluster} ${c.label}: ${c.customers} (${c.share}), revenue share ${c.revenueShare}, centroid ${JSON.stringify(c.centroid)}`);
        }
      } finally {
        await db.close();
      }
    }, 300_000);
  });
}
