import { beforeAll, expect, it } from 'vitest';
import type { Db } from '../db/types.ts';
import { describeEachDriver } from '../testing/db.ts';
import { DEMO, seedDemo, type SeedCounts } from './seed.ts';

const CUSTOMERS = 800;

/** md5 per table over an ordered text rendering that leaves out surrogate ids (they differ after a reseed). */
async function checksums(db: Db): Promise<Record<string, string>> {
  const sql = {
    customers: `SELECT md5(string_agg(concat_ws('|', i.value, c.name, c.email, c.phone, c.country, c.city, c.signup_channel,
                  (extract(epoch FROM c.signed_up_at) * 1000)::bigint, c.attributes::text), E'\\n' ORDER BY i.value)) AS h
                  FROM customers c JOIN customer_identities i ON i.customer_id = c.id AND i.kind = 'external_id' AND i.source = 'demo'`,
    identities: `SELECT md5(string_agg(concat_ws('|', x.value, i.kind, i.source, i.value), E'\\n' ORDER BY x.value, i.kind, i.value)) AS h
                  FROM customer_identities i
                  JOIN customer_identities x ON x.customer_id = i.customer_id AND x.kind = 'external_id' AND x.source = 'demo'`,
    orders: `SELECT md5(string_agg(concat_ws('|', o.external_id, x.value, o.kind, (extract(epoch FROM o.ordered_at) * 1000)::bigint,
               o.channel, o.currency, o.country, o.revenue, o.line_count), E'\\n' ORDER BY o.external_id)) AS h
               FROM orders o JOIN customer_identities x ON x.customer_id = o.customer_id AND x.kind = 'external_id' AND x.source = 'demo'`,
    order_lines: `SELECT md5(string_agg(concat_ws('|', o.external_id, l.line_no, l.product_code, l.product_name, l.category, l.quantity,
                    l.unit_price, l.amount), E'\\n' ORDER BY o.external_id, l.line_no)) AS h
                    FROM order_lines l JOIN orders o ON o.id = l.order_id`,
    events: `SELECT md5(string_agg(concat_ws('|', e.dedupe_key, x.value, e.session_id, e.type, (extract(epoch FROM e.occurred_at) * 1000)::bigint,
               e.properties::text), E'\\n' ORDER BY e.dedupe_key)) AS h
               FROM events e JOIN customer_identities x ON x.customer_id = e.customer_id AND x.kind = 'external_id' AND x.source = 'demo'`,
    feedback: `SELECT md5(string_agg(concat_ws('|', f.external_id, x.value, f.channel, f.rating, f.text, f.language, f.label,
                 (extract(epoch FROM f.created_at) * 1000)::bigint), E'\\n' ORDER BY f.external_id)) AS h
                 FROM feedback f JOIN customer_identities x ON x.customer_id = f.customer_id AND x.kind = 'external_id' AND x.source = 'demo'`,
  };
  const out: Record<string, string> = {};
  for (const [name, query] of Object.entries(sql)) out[name] = (await db.query<{ h: string }>(query)).rows[0]!.h;
  return out;
}

async function tableCounts(db: Db): Promise<SeedCounts> {
  const { rows } = await db.query<SeedCounts>(`SELECT
    (SELECT count(*) FROM customers)::int AS customers, (SELECT count(*) FROM customer_identities)::int AS customer_identities,
    (SELECT count(*) FROM orders)::int AS orders, (SELECT count(*) FROM order_lines)::int AS order_lines,
    (SELECT count(*) FROM events)::int AS events, (SELECT count(*) FROM feedback)::int AS feedback,
    (SELECT count(*) FROM customer_summary)::int AS customer_summary`);
  return rows[0]!;
}

describeEachDriver('seedDemo', (use) => {
  let counts: SeedCounts;
  let first: Record<string, string>;

  beforeAll(async () => {
    counts = await seedDemo(use(), { customers: CUSTOMERS, seed: 7 });
    first = await checksums(use());
  });

  it('returns the row counts it wrote, in the expected ranges', async () => {
    expect(await tableCounts(use())).toEqual(counts);
    const per = (n: number) => n / CUSTOMERS;
    expect(counts.customers).toBe(CUSTOMERS);
    expect(per(counts.customer_identities)).toBeGreaterThan(2.4); // external id + most have email and phone
    expect(per(counts.orders)).toBeGreaterThan(8); // ~10 per customer at 5k: ~50k orders
    expect(per(counts.orders)).toBeLessThan(13);
    expect(counts.order_lines / counts.orders).toBeGreaterThan(1.5);
    expect(counts.order_lines / counts.orders).toBeLessThan(2.2);
    expect(per(counts.events)).toBeGreaterThan(50); // ~330k at 5k customers
    expect(per(counts.events)).toBeLessThan(80);
    expect(per(counts.feedback)).toBeGreaterThan(0.9); // ~6k at 5k customers
    expect(per(counts.feedback)).toBeLessThan(1.5);
    const { rows } = await use().query<{ n: number }>(`SELECT count(DISTINCT customer_id)::int AS n FROM orders WHERE kind = 'order'`);
    expect(counts.customer_summary).toBe(rows[0]!.n);
  });

  it('refuses a database that already has customers unless forced', async () => {
    await expect(seedDemo(use(), { customers: 10, seed: 7 })).rejects.toThrow(/already has 800 customers/);
    await expect(seedDemo(use(), { customers: 10, seed: 7 })).rejects.toMatchObject({ code: 'conflict' });
    await expect(seedDemo(use(), { customers: 0, force: true })).rejects.toMatchObject({ code: 'invalid_argument' });
    expect(await tableCounts(use())).toEqual(counts);

    // force refuses (and changes nothing) while other data still points at a demo customer.
    const { rows } = await use().query<{ id: number }>(
      `SELECT customer_id AS id FROM customer_identities WHERE kind = 'external_id' AND source = 'demo' AND value = 'D00001'`,
    );
    await use().query(`INSERT INTO orders (source, external_id, customer_id, ordered_at) VALUES ('shop', 'X1', $1, now())`, [rows[0]!.id]);
    await expect(seedDemo(use(), { customers: 10, force: true })).rejects.toThrow(/other data refers to them/);
    expect(await tableCounts(use())).toEqual({ ...counts, orders: counts.orders + 1 });
    await use().query(`DELETE FROM orders WHERE source = 'shop'`);
  });

  it('is deterministic: the same seed gives the same data, another seed different data', async () => {
    await use().query(`INSERT INTO customers (name, country) VALUES ('Kept Customer', 'Spain')`);
    expect(await seedDemo(use(), { customers: CUSTOMERS, seed: 7, force: true })).toEqual(counts);
    expect(await checksums(use())).toEqual(first);
    const { rows } = await use().query(`SELECT 1 FROM customers WHERE name = 'Kept Customer'`);
    expect(rows).toHaveLength(1); // force only replaces demo rows

    await seedDemo(use(), { customers: CUSTOMERS, seed: 8, force: true });
    const other = await checksums(use());
    for (const table of Object.keys(first)) expect(other[table], table).not.toBe(first[table]);
    await use().query(`DELETE FROM customers WHERE name = 'Kept Customer'`);
  });

  it('keeps revenue, line amounts and line counts consistent', async () => {
    const { rows } = await use().query<{ bad_orders: number; bad_lines: number; bad_returns: number; returns: number; orders: number }>(`
      WITH l AS (
        SELECT order_id, coalesce(sum(amount) FILTER (WHERE quantity > 0 AND unit_price > 0), 0) AS revenue, count(*) AS n
          FROM order_lines GROUP BY order_id)
      SELECT (SELECT count(*) FROM orders o LEFT JOIN l ON l.order_id = o.id
               WHERE o.revenue <> CASE WHEN o.kind = 'order' THEN coalesce(l.revenue, 0) ELSE 0 END
                  OR o.line_count <> coalesce(l.n, 0) OR l.n IS NULL OR l.n > 5)::int AS bad_orders,
             (SELECT count(*) FROM order_lines WHERE amount <> round(quantity * unit_price, 2))::int AS bad_lines,
             (SELECT count(*) FROM orders o JOIN order_lines x ON x.order_id = o.id
               WHERE o.kind = 'return' AND (x.quantity >= 0 OR o.revenue <> 0))::int AS bad_returns,
             (SELECT count(*) FROM orders WHERE kind = 'return')::int AS returns,
             (SELECT count(*) FROM orders)::int AS orders`);
    const r = rows[0]!;
    expect(r).toMatchObject({ bad_orders: 0, bad_lines: 0, bad_returns: 0 });
    expect(r.returns / r.orders).toBeGreaterThan(0.015);
    expect(r.returns / r.orders).toBeLessThan(0.05);
  });

  it('links every row to an existing customer, inside the window, in the shop currency and country', async () => {
    const { rows } = await use().query(`
      SELECT 'order without customer' AS problem FROM orders o LEFT JOIN customers c ON c.id = o.customer_id WHERE c.id IS NULL
      UNION ALL SELECT 'order country' FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.country IS DISTINCT FROM c.country
      UNION ALL SELECT 'order outside window' FROM orders WHERE ordered_at < '2024-11-01' OR ordered_at >= '2026-11-01'
      UNION ALL SELECT 'currency/channel' FROM orders
        WHERE currency <> 'USD' OR channel NOT IN ('web', 'mobile_app', 'marketplace', 'store') OR source <> 'demo'
      UNION ALL SELECT 'event without customer' FROM events e LEFT JOIN customers c ON c.id = e.customer_id WHERE c.id IS NULL
      UNION ALL SELECT 'event outside window' FROM events WHERE occurred_at < '2024-11-01' OR occurred_at >= '2026-11-01'
      UNION ALL SELECT 'feedback without customer' FROM feedback f LEFT JOIN customers c ON c.id = f.customer_id WHERE c.id IS NULL
      UNION ALL SELECT 'feedback outside window' FROM feedback WHERE created_at < '2024-11-01' OR created_at >= '2026-11-01'
      UNION ALL SELECT 'feedback shape' FROM feedback
        WHERE language NOT IN ('en', 'zh') OR label IS NULL OR rating IS NULL OR embedding IS NOT NULL OR text = ''
      UNION ALL SELECT 'customer without one demo id' FROM customers c
        WHERE (SELECT count(*) FROM customer_identities i WHERE i.customer_id = c.id AND i.kind = 'external_id' AND i.source = 'demo') <> 1
      UNION ALL SELECT 'email/phone identity' FROM customers c
        WHERE (c.email IS NOT NULL) <> EXISTS (SELECT 1 FROM customer_identities i WHERE i.customer_id = c.id AND i.kind = 'email' AND i.source = '' AND i.value = c.email)
           OR (c.phone IS NOT NULL) <> EXISTS (SELECT 1 FROM customer_identities i WHERE i.customer_id = c.id AND i.kind = 'phone' AND i.source = '' AND i.value = c.phone)
      UNION ALL SELECT 'phone not E.164' FROM customers WHERE phone !~ '^\\+[1-9][0-9]{7,14}$'`);
    expect(rows).toEqual([]);
    const { rows: labels } = await use().query<{ label: string }>('SELECT DISTINCT label FROM feedback ORDER BY label');
    expect(labels.map((r) => r.label)).toEqual([...DEMO.themes].sort());
  });

  it('plays every session through a prefix of the funnel, with every order ending a purchase session', async () => {
    const { rows } = await use().query<{ path: string; n: number }>(`
      SELECT path, count(*)::int AS n FROM (
        SELECT session_id, string_agg(type, ',' ORDER BY occurred_at, id) AS path,
               count(DISTINCT occurred_at) = count(*) AS strictly_ordered, count(DISTINCT customer_id) AS customers,
               count(DISTINCT properties->>'channel') AS channels
          FROM events GROUP BY session_id) s
       WHERE strictly_ordered AND customers = 1 AND channels = 1
       GROUP BY path ORDER BY n DESC`);
    const paths = new Set(['visit', 'visit,view', 'visit,view,cart', 'visit,view,cart,checkout', 'visit,view,cart,checkout,purchase']);
    const total = rows.reduce((sum, r) => sum + r.n, 0);
    expect(rows.filter((r) => !paths.has(r.path))).toEqual([]);
    const { rows: sessions } = await use().query<{ n: number }>('SELECT count(DISTINCT session_id)::int AS n FROM events');
    expect(total).toBe(sessions[0]!.n);

    const { rows: links } = await use().query<{ orders: number; matched: number; purchases: number }>(`
      WITH last AS (SELECT session_id, max(occurred_at) AS last_at FROM events GROUP BY session_id)
      SELECT (SELECT count(*) FROM orders WHERE kind = 'order')::int AS orders,
             (SELECT count(*) FROM orders o
                JOIN events e ON e.type = 'purchase' AND e.properties->>'order_id' = o.external_id
                JOIN last ON last.session_id = e.session_id AND last.last_at = e.occurred_at
               WHERE o.kind = 'order' AND e.customer_id = o.customer_id AND e.occurred_at = o.ordered_at
                 AND e.properties->>'channel' = o.channel AND (e.properties->>'revenue')::numeric = o.revenue
             )::int AS matched,
             (SELECT count(*) FROM events WHERE type = 'purchase')::int AS purchases`);
    expect(links[0]!.matched).toBe(links[0]!.orders);
    expect(links[0]!.purchases).toBe(links[0]!.orders);
  });
});
