import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { TEST_DRIVERS, openTestDb } from '../testing/db.ts';
import { hasSharedData, sharedDataPath } from '../testing/sharedData.ts';
import { runImport } from './run.ts';

const ONLINE_RETAIL = ['online_retail', 'online_retail.csv.gz'];

/** Independent expectations for Online Retail, computed straight from the file with a plain split, not the importer. */
async function onlineRetailFacts() {
  const lines = createInterface({ input: createReadStream(sharedDataPath(...ONLINE_RETAIL)).pipe(createGunzip()) });
  let rows = 0;
  let revenueCents = 0;
  const invoices = new Set<string>();
  const cancellations = new Set<string>();
  const customers = new Set<string>();
  let header = true;
  for await (const line of lines) {
    if (header) {
      header = false;
      continue;
    }
    rows++;
    const cells = Papa.parse<string[]>(line).data[0]!;
    const [invoice, , , quantity, , price, customer] = cells as [string, string, string, string, string, string, string];
    if (invoice.startsWith('C')) cancellations.add(invoice);
    else {
      invoices.add(invoice);
      if (Number(quantity) > 0 && Number(price) > 0) revenueCents += Math.round(Number(quantity) * Number(price) * 1000);
      if (customer) customers.add(customer);
    }
  }
  return { rows, orders: invoices.size, returns: cancellations.size, revenue: revenueCents / 1000, customersWithOrders: customers.size };
}

for (const driver of TEST_DRIVERS) {
  describe.runIf(hasSharedData(...ONLINE_RETAIL))(`online-retail preset [${driver}]`, () => {
    it('accounts for every line, excludes cancellations and zero/negative lines from revenue, re-imports as a no-op', async () => {
      const facts = await onlineRetailFacts();
      expect(facts.rows).toBe(541_909); // the data set's README
      const db = await openTestDb(driver);
      try {
        const file = sharedDataPath(...ONLINE_RETAIL);
        const first = await runImport(db, { entity: 'orders', file, preset: 'online-retail' });
        expect(first).toMatchObject({ read: 541_909, inserted: 541_909, updated: 0, rejected: 0 });
        expect(first.details).toMatchObject({ orders_created: facts.orders + facts.returns, return_lines: 9_288, guest_lines: 135_080 });
        const { rows } = await db.query<{ orders: number; returns: number; revenue: number; customers: number; buyers: number }>(
          `SELECT count(*) FILTER (WHERE kind = 'order') AS orders, count(*) FILTER (WHERE kind = 'return') AS returns,
                  sum(revenue) AS revenue, (SELECT count(*) FROM customers) AS customers,
                  count(DISTINCT customer_id) FILTER (WHERE kind = 'order') AS buyers
             FROM orders`,
        );
        expect(rows[0]).toMatchObject({ orders: facts.orders, returns: facts.returns, customers: 4_372, buyers: facts.customersWithOrders });
        expect(rows[0]!.revenue).toBeCloseTo(facts.revenue, 2);
        const uk = await db.query<{ n: number }>(`SELECT count(*) AS n FROM customers WHERE country = 'United Kingdom'`);
        expect(uk.rows[0]!.n).toBeGreaterThan(3_900); // most of the 4,372 customers are British

        const orphans = await db.query<{ n: number }>(
          'SELECT count(*) AS n FROM order_lines l LEFT JOIN orders o ON o.id = l.order_id WHERE o.id IS NULL',
        );
        expect(orphans.rows[0]!.n).toBe(0);
        const second = await runImport(db, { entity: 'orders', file, preset: 'online-retail' });
        expect(second).toMatchObject({ read: 541_909, inserted: 0, updated: 0, unchanged: 541_909, rejected: 0 });
      } finally {
        await db.close();
      }
    }, 300_000);
  });

  describe.runIf(hasSharedData('cdnow', 'CDNOW_sample.txt'))(`cdnow preset [${driver}]`, () => {
    it('imports the 2,357-customer sample as 6,919 transactions worth $244,091.94', async () => {
      const db = await openTestDb(driver);
      try {
        const s = await runImport(db, { entity: 'orders', file: sharedDataPath('cdnow', 'CDNOW_sample.txt'), preset: 'cdnow' });
        expect(s).toMatchObject({ read: 6_919, inserted: 6_919, rejected: 0 });
        const { rows } = await db.query<{ customers: number; orders: number; dollars: number; first: string }>(
          `SELECT (SELECT count(*) FROM customers) AS customers, count(*) AS orders, sum(l.amount) AS dollars,
                  to_char(min(o.ordered_at), 'YYYY-MM-DD') AS first
             FROM orders o JOIN order_lines l ON l.order_id = o.id`,
        );
        expect(rows[0]).toMatchObject({ customers: 2_357, orders: 6_919, first: '1997-01-01' });
        expect(rows[0]!.dollars).toBeCloseTo(244_091.94, 2);
        // Customer 1 (sample id 0001) bought on 1997-01-01, 01-18, 08-02 and 12-12 (README example).
        const c1 = await db.query<{ d: string }>(
          `SELECT to_char(o.ordered_at, 'YYYY-MM-DD') AS d FROM orders o
             JOIN customer_identities i ON i.customer_id = o.customer_id AND i.value = '0001' ORDER BY 1`,
        );
        expect(c1.rows.map((r) => r.d)).toEqual(['1997-01-01', '1997-01-18', '1997-08-02', '1997-12-12']);
      } finally {
        await db.close();
      }
    });
  });

  describe.runIf(hasSharedData('banking77', 'test.csv'))(`banking77 preset [${driver}]`, () => {
    it('imports the test split as feedback with 77 gold labels, 40 each', async () => {
      const db = await openTestDb(driver);
      try {
        const s = await runImport(db, { entity: 'feedback', file: sharedDataPath('banking77', 'test.csv'), preset: 'banking77' });
        expect(s).toMatchObject({ read: 3_080, inserted: 3_080, rejected: 0 });
        const { rows } = await db.query<{ labels: number; min: number; max: number }>(
          `SELECT count(*) AS labels, min(n) AS min, max(n) AS max FROM (SELECT label, count(*) AS n FROM feedback GROUP BY label) t`,
        );
        expect(rows[0]).toEqual({ labels: 77, min: 40, max: 40 });
        const again = await runImport(db, { entity: 'feedback', file: sharedDataPath('banking77', 'test.csv'), preset: 'banking77' });
        expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: 3_080 });
      } finally {
        await db.close();
      }
    });
  });

  describe.runIf(hasSharedData('events', 'taobao_userbehavior_sample.csv'))(`taobao preset [${driver}]`, () => {
    it('imports 4,321 behaviour events of 43 users with the funnel steps renamed', async () => {
      const db = await openTestDb(driver);
      try {
        const s = await runImport(db, { entity: 'events', file: sharedDataPath('events', 'taobao_userbehavior_sample.csv'), preset: 'taobao' });
        expect(s).toMatchObject({ read: 4_321, inserted: 4_321, rejected: 0 });
        const { rows } = await db.query<{ type: string; n: number; users: number }>(
          `SELECT type, count(*) AS n, count(DISTINCT customer_id) AS users FROM events GROUP BY type ORDER BY type`,
        );
        // Counts and users per step from the data set's README.
        expect(rows).toEqual([
          { type: 'cart', n: 190, users: 29 },
          { type: 'favorite', n: 128, users: 14 },
          { type: 'purchase', n: 77, users: 23 },
          { type: 'view', n: 3_926, users: 43 },
        ]);
      } finally {
        await db.close();
      }
    });
  });
}
