import { beforeAll, expect, it } from 'vitest';
import { refreshCustomerSummary } from '../server/db/summary.ts';
import { describeEachDriver } from '../server/testing/db.ts';
import { fixedClock } from './lib/clock.ts';
import { GLOSSARY } from './lib/glossary.ts';
import { RFM_TIERS } from './lib/rfm.ts';
import { compileSegmentFilter } from './lib/segments/compile.ts';
import { prepareSegment } from './lib/segments/resolve.ts';
import { loadClusterShop, loadSegmentShop } from './lib/segments/testing.ts';
import { runTool } from './registry.ts';
import type { Role } from './types.ts';

// Hand-worked numbers: see the table in tools/lib/segments/testing.ts (as of 2024-03-01).
type Out = any; // eslint-disable-line @typescript-eslint/no-explicit-any

describeEachDriver('customer_segments', (use) => {
  const ctx = (role: Role = 'analyst', today = '2024-03-01') => ({ db: use(), clock: fixedClock(today), role });
  const run = (args: object, role?: Role) => runTool('customer_segments', args, ctx(role)) as Promise<Out>;
  const size = async (filter: object, extra: object = {}) => ((await run({ filter, sample: 0, ...extra })).profile.customers as number);
  const members = async (filter: object, extra: object = {}) =>
    ((await run({ filter, sample: 100, ...extra })).profile.sample as { customerId: number }[]).map((m) => m.customerId).sort();

  beforeAll(async () => {
    await loadSegmentShop(use());
  });

  it('profiles UK customers against everyone: shares, persona with lift, sample masked by role', async () => {
    const out = await run({ filter: { country: 'United Kingdom' }, top: 3, sample: 2 });
    const p = out.profile;
    // UK with orders: Ann 180, Dee 100, Fay 150 (Gus has none) → 3 of 6, revenue 430 of 1060.
    expect(p).toMatchObject({ customers: 3, customersWithOrders: 6, segmentShare: 0.5, revenue: 430, revenueAllCustomers: 1060, revenueShare: 0.4057 });
    // Countries: UK 3/3 vs 3/6 overall → lift 2. Main channel web: 3/3 vs 4/6 (Ann, Cy, Dee, Fay) → lift 1.5.
    expect(p.persona.countries).toEqual([{ value: 'United Kingdom', customers: 3, share: 1, shareOverall: 0.5, lift: 2 }]);
    expect(p.persona.mainChannels).toEqual([{ value: 'web', customers: 3, share: 1, shareOverall: 0.6667, lift: 1.5 }]);
    expect(p.persona.mainCategories).toEqual([{ value: 'Home', customers: 3, share: 1, shareOverall: 0.5, lift: 2 }]);
    // Tags: Ann has both (1/3 of the segment); overall vip = Ann, Bob and newsletter = Ann, Cy (2/6) → lift 1.
    expect(p.persona.tags).toEqual([
      { value: 'newsletter', customers: 1, share: 0.3333, shareOverall: 0.3333, lift: 1 },
      { value: 'vip', customers: 1, share: 0.3333, shareOverall: 0.3333, lift: 1 },
    ]);
    // AOV 430/7 vs 1060/11; orders 7/3 vs 11/6; recency (5+91+41)/3 vs 757/6; tenure (56+182+46)/3 vs 934/6.
    expect(p.persona.aov).toEqual({ group: 61.43, overall: 96.36 });
    expect(p.persona.frequency).toEqual({ group: 2.33, overall: 1.83 });
    expect(p.persona.recencyDays).toEqual({ group: 45.7, overall: 126.2 });
    expect(p.persona.tenureDays).toEqual({ group: 94.7, overall: 155.7 });
    expect(p.persona.revenuePerCustomer).toEqual({ group: 143.33, overall: 176.67 });
    expect(p.sample).toEqual([
      { customerId: 1, name: 'Ann L.', email: 'a***@example.com', country: 'United Kingdom', orders: 3, revenue: 180, lastOrder: '2024-02-25',
        recencyDays: 5, mainChannel: 'web', mainCategory: 'Home', tags: ['newsletter', 'vip'] },
      { customerId: 6, name: 'Fay W.', email: 'f***@example.com', country: 'United Kingdom', orders: 2, revenue: 150, lastOrder: '2024-01-20',
        recencyDays: 41, mainChannel: 'web', mainCategory: 'Home', tags: [] },
    ]);
    const admin = await run({ filter: { country: 'United Kingdom' }, sample: 1 }, 'admin');
    expect(admin.profile.sample[0]).toMatchObject({ name: 'Ann Lee', email: 'ann@example.com' });
    expect(out.meta).toMatchObject({
      tool: 'customer_segments', asOf: '2024-03-01', rowCounts: { members: 3, customersWithOrders: 6 },
      definitions: { segment_share: GLOSSARY.segment_share, revenue_share: GLOSSARY.revenue_share, lift: GLOSSARY.lift },
    });
  });

  it('ANDs fields: revenue ≥ 100 and orders ≥ 2 → Ann, Bob, Dee, Fay', async () => {
    const p = (await run({ filter: { revenue: { min: 100 }, orders: { min: 2 } }, sample: 0 })).profile;
    // 4 of 6; revenue 180 + 600 + 100 + 150 = 1030 of 1060. UK 3/4 vs 3/6 → 1.5; Germany 1/4 vs 2/6 → 0.75.
    expect(p).toMatchObject({ customers: 4, segmentShare: 0.6667, revenue: 1030, revenueShare: 0.9717 });
    expect(p.persona.countries).toEqual([
      { value: 'United Kingdom', customers: 3, share: 0.75, shareOverall: 0.5, lift: 1.5 },
      { value: 'Germany', customers: 1, share: 0.25, shareOverall: 0.3333, lift: 0.75 },
    ]);
  });

  it('compiles every filter field', async () => {
    expect(await members({ country: ['germany', 'FRANCE'] })).toEqual([2, 3, 5]);
    expect(await members({ mainChannel: 'store' })).toEqual([2]);
    expect(await members({ mainCategory: ['Toys'] })).toEqual([3, 5]);
    expect(await members({ revenue: { max: 20 } })).toEqual([3, 5]);
    expect(await members({ orders: { min: 2, max: 2 } })).toEqual([2, 4, 6]);
    expect(await members({ aov: { min: 50, max: 75 } })).toEqual([1, 4, 6]); // 60, 50, 75
    expect(await members({ recencyDays: { min: 180 } })).toEqual([2, 5]); // 244, 366
    expect(await members({ recencyDays: { max: 10 } })).toEqual([1, 3]); // 5, 10
    expect(await members({ tenureDays: { max: 46 } })).toEqual([3, 6]); // 10, 46
    expect(await members({ firstOrderWithinDays: 30 })).toEqual([3]);
    expect(await members({ firstOrderFrom: '2024-01-01' })).toEqual([1, 3, 6]);
    expect(await members({ firstOrderTo: '2023-06-01' })).toEqual([2, 5]);
    expect(await members({ lastOrderFrom: '2024-02-20', lastOrderTo: '2024-02-25' })).toEqual([1, 3]);
    expect(await members({ rfmTier: ['Champions', 'Loyal'] })).toEqual([1]);
    expect(await members({ rfmTier: 'At Risk' })).toEqual([2]);
    expect(await members({ rfmTier: ['Lost', 'Hibernating', 'Promising', 'Need Attention'] })).toEqual([3, 4, 5, 6]);
    expect(await members({ churnRisk: { minInactivityRatio: 2 } })).toEqual([2, 6]); // 244/30, 41/5; Ann 0.2, Dee 1
    expect(await members({ percentile: { metric: 'revenue', min: 0.5 } })).toEqual([1, 2, 6]); // 4/6, 5/6, 3/6
    expect(await members({ percentile: { metric: 'revenue', max: 0.5 } })).toEqual([3, 4, 5]);
    expect(await members({ percentile: { metric: 'revenue', min: 0.9 } })).toEqual([]); // 6 customers: nobody is top 10%
    expect(await members({ tags: ['VIP', 'newsletter'] })).toEqual([1]);
    expect(await members({ tags: ['vip'] })).toEqual([1, 2]);
  });

  it('reads RFM tiers from the stored scores while they are fresh, with the members the per-call ranking gives', async () => {
    const db = use();
    const ids = async (sql: string, params: unknown[]) =>
      (await db.query<{ customer_id: string }>(sql, params)).rows.map((r) => Number(r.customer_id)).sort((a, b) => a - b);
    expect((await prepareSegment(db, { rfmTier: 'Lost' }, '2024-03-01')).storedRfm).toBe(true);
    for (const asOf of ['2024-03-01', '2025-01-01']) {
      for (const tier of RFM_TIERS) {
        const stored = compileSegmentFilter([{ rfmTier: tier }], asOf, 'summary', true);
        const ranked = compileSegmentFilter([{ rfmTier: tier }], asOf, 'summary', false);
        expect(stored.sql).toContain('FROM customer_rfm v');
        expect(await ids(stored.sql, stored.params), `${tier} as of ${asOf}`).toEqual(await ids(ranked.sql, ranked.params));
      }
    }
    // A write to the summary outside the refresh marks the scores stale: segments rank per call again.
    await db.query(`UPDATE customer_summary SET revenue = revenue WHERE customer_id = 1`);
    expect((await prepareSegment(db, { rfmTier: 'Lost' }, '2024-03-01')).storedRfm).toBe(false);
    expect(await members({ rfmTier: ['Champions', 'Loyal'] })).toEqual([1]);
    expect(() => compileSegmentFilter([{ rfmTier: 'Lost' }], '2023-01-01', 'orders', true)).toThrow(/summary source only/);
  });

  it('treats values as data: an injection attempt matches nothing', async () => {
    expect(await size({ country: "x' OR 1=1 --" })).toBe(0);
    expect(await size({ mainChannel: ["web'); DROP TABLE customers; --"] })).toBe(0);
    await expect(run({ filter: { tags: ["x' OR 1=1 --"] } })).rejects.toThrow(/filter\.tags: unknown tag "x' OR 1=1 --"; tags: .*newsletter.*vip/);
    await expect(run({ filter: { segment: "x' OR '1'='1" } })).rejects.toThrow(/unknown saved segment "x' OR '1'='1"/);
    const { rows } = await use().query<{ n: number }>(`SELECT count(*) AS n FROM customers`);
    expect(rows[0]!.n).toBe(7);
  });

  it('uses the orders up to a past as-of date', async () => {
    // As of 2024-01-31: Cy has not ordered yet; Ann has 1 order (100), Bob 600, Dee 100, Eve 10, Fay 150 → 960.
    const p = (await run({ filter: { country: 'United Kingdom' }, asOf: '2024-01-31', sample: 0 })).profile;
    expect(p).toMatchObject({ customers: 3, customersWithOrders: 5, segmentShare: 0.6, revenue: 350, revenueAllCustomers: 960, revenueShare: 0.3646 });
    expect(p.persona.frequency).toEqual({ group: 1.67, overall: 1.6 }); // (1 + 2 + 2)/3, 8/5
    expect(await members({ recencyDays: { max: 26 } }, { asOf: '2024-01-31' })).toEqual([1, 6]); // Ann 26, Fay 11
  });

  it('saves a segment, profiles it by name, updates it, and guards against cycles', async () => {
    const saved = await run({ mode: 'save', name: 'uk', description: 'UK buyers', filter: { country: 'United Kingdom' }, sample: 0 });
    expect(saved.saved).toEqual({ name: 'uk', created: true, message: 'saved new segment "uk"' });
    expect(saved.profile.customers).toBe(3);
    // The saved definition is ANDed with the other fields: UK and revenue ≥ 150 → Ann 180, Fay 150.
    expect(await members({ segment: 'uk', revenue: { min: 150 } })).toEqual([1, 6]);
    expect(await members({ segment: 'UK' })).toEqual([1, 4, 6]);
    const nested = await run({ mode: 'save', name: 'uk repeaters', filter: { segment: 'uk', orders: { min: 2 } }, sample: 0 });
    expect(nested.profile.customers).toBe(3);
    const updated = await run({ mode: 'save', name: 'uk', filter: { country: ['United Kingdom', 'France'] }, sample: 0 });
    expect(updated.saved).toEqual({ name: 'uk', created: false, message: 'updated existing segment "uk" with the new definition' });
    expect(await members({ segment: 'uk repeaters' })).toEqual([1, 4, 6]); // Cy (France) has one order
    expect(await members({ segment: 'uk' })).toEqual([1, 3, 4, 6]);
    await expect(run({ mode: 'save', name: 'uk', filter: { segment: 'uk repeaters' } })).rejects.toThrow(
      /segment "uk" refers to itself: uk → uk repeaters → uk/,
    );
    const { rows } = await use().query<{ target: string; details: { created: boolean } }>(
      `SELECT target, details FROM audit_log WHERE action = 'segment.save' ORDER BY id`,
    );
    expect(rows.map((r) => [r.target, r.details.created])).toEqual([['uk', true], ['uk repeaters', true], ['uk', false]]);
    const stored = await use().query<{ definition: unknown; description: string }>(`SELECT definition, description FROM segments WHERE name = 'uk'`);
    expect(stored.rows[0]).toEqual({ definition: { country: ['United Kingdom', 'France'] }, description: 'UK buyers' });
  });

  it('exports members as CSV, masked per role, quoted and formula-safe, capped, audited', async () => {
    const analyst = await run({ mode: 'export', filter: { country: 'Germany' } });
    expect(analyst.export).toMatchObject({ rows: 2, members: 2, truncated: false });
    expect(analyst.export.csv).toBe(
      'customer_id,name,email,country,orders,revenue,last_order\n' +
        '2,Bob S.,b***@example.com,Germany,2,600.00,2023-07-01\n' +
        "5,'=Eve J.,,Germany,1,10.00,2023-03-01\n",
    );
    const admin = await run({ mode: 'export', filter: { country: 'Germany' } }, 'admin');
    expect(admin.export.csv).toBe(
      'customer_id,name,email,country,orders,revenue,last_order\n' +
        '2,Bob Stone,bob@example.com,Germany,2,600.00,2023-07-01\n' +
        `5,"'=Eve ""Evie"" Park, Jr",,Germany,1,10.00,2023-03-01\n`,
    );
    const capped = await run({ mode: 'export', filter: {}, limit: 1 });
    expect(capped.export).toMatchObject({ rows: 1, members: 6, truncated: true });
    expect(capped.export.csv.trim().split('\n')).toHaveLength(2);
    const { rows } = await use().query<{ role: string; details: { rows: number } }>(
      `SELECT role, details FROM audit_log WHERE action = 'segment.export' ORDER BY id`,
    );
    expect(rows.map((r) => [r.role, r.details.rows])).toEqual([['analyst', 2], ['admin', 2], ['analyst', 1]]);
  });

  it('intervals: gaps between order days of the repeat customers, quartiles and bands (hand-computed from the shop)', async () => {
    // gaps (testing.ts): Ann 51/2 = 25.5, Bob 30, Dee 91, Fay 5; Cy and Eve ordered once. Sorted 5, 25.5, 30, 91:
    // median (25.5 + 30)/2 = 27.75 → 27.8 (one decimal); mean 151.5/4 = 37.875 → 37.9;
    // p25 at position 0.75: 5 + 0.75·20.5 = 20.375 → 20.4; p75 at 2.25: 30 + 0.25·61 = 45.25 → 45.3 (round half up)
    const out = await run({ mode: 'intervals' }) as unknown as { intervals: Record<string, unknown>; meta: { definitions: Record<string, string> } };
    expect(out.intervals).toEqual({
      customers: 6, repeatCustomers: 4, repeatShare: 0.6667,
      gapDays: { median: 27.8, mean: 37.9, p25: 20.4, p75: 45.3 },
      bands: [
        { minDays: 0, maxDays: 7, customers: 1, share: 0.25 }, // Fay
        { minDays: 7, maxDays: 30, customers: 2, share: 0.5 }, // Ann, Bob (30 is in the band: upper bound inclusive)
        { minDays: 30, maxDays: 90, customers: 0, share: 0 },
        { minDays: 90, maxDays: 180, customers: 1, share: 0.25 }, // Dee
        { minDays: 180, maxDays: 365, customers: 0, share: 0 },
        { minDays: 365, maxDays: null, customers: 0, share: 0 },
      ],
    });
    expect(Object.keys(out.meta.definitions)).toEqual(['purchase_gap']);
    // a filter: UK customers with orders are Ann, Dee, Fay → gaps 5, 25.5, 91
    const uk = (await run({ mode: 'intervals', filter: { country: 'United Kingdom' } }) as unknown as { intervals: { customers: number; gapDays: unknown } }).intervals;
    expect([uk.customers, uk.gapDays]).toEqual([3, { median: 25.5, mean: 40.5, p25: 15.3, p75: 58.3 }]);
    // nobody ordered twice: no gap to report
    const once = (await run({ mode: 'intervals', filter: { orders: { max: 1 } } }) as unknown as { intervals: { customers: number; repeatCustomers: number; gapDays: unknown } }).intervals;
    expect([once.customers, once.repeatCustomers, once.gapDays]).toEqual([2, 0, { median: null, mean: null, p25: null, p75: null }]);
  });

  it('rejects bad arguments with messages naming the field', async () => {
    const bad = (args: object, message: RegExp) => expect(run(args)).rejects.toThrow(message);
    await bad({ filter: { rfmTier: 'Nope' } }, /^invalid arguments for customer_segments: filter\.rfmTier: unknown RFM tier in "Nope"; tiers: Champions, /);
    await bad({ filter: { revenue: { min: 10, max: 5 } } }, /^invalid arguments for customer_segments: filter\.revenue: min \(10\) must be ≤ max \(5\)$/);
    await bad({ filter: { recencyDays: {} } }, /filter\.recencyDays: give min, max or both/);
    await bad({ filter: { firstOrderFrom: '2024-02-30' } }, /filter\.firstOrderFrom: must be a date YYYY-MM-DD/);
    await bad({ filter: { lastOrderFrom: '2024-02-01', lastOrderTo: '2024-01-01' } }, /filter\.lastOrderFrom: lastOrderFrom \(2024-02-01\) must be on or before lastOrderTo/);
    await bad({ filter: { percentile: { metric: 'revenue', min: 0.9, max: 0.5 } } }, /filter\.percentile: min \(0\.9\) must be < max \(0\.5\)/);
    await bad({ filter: { shoeSize: 42 } }, /filter: Unrecognized key: "shoeSize"/);
    await bad({ mode: 'save', filter: {} }, /name: mode save needs a name/);
    await bad({ name: 'x' }, /name: only used with mode save; to use a saved segment give filter\.segment/);
    await bad({ k: 3 }, /k: only used with mode cluster/);
    await bad({ mode: 'cluster', filter: { country: 'France' } }, /too few distinct customers to cluster into 2 groups \(segment has 1 customers, 1 distinct\)/);
    await expect(run({ filter: { segment: 'nope' } })).rejects.toMatchObject({ code: 'invalid_argument' });
  });
});

describeEachDriver('customer_segments clustering', (use) => {
  const ctx = { db: undefined as never, clock: fixedClock('2024-03-01'), role: 'analyst' as const };
  beforeAll(async () => {
    await loadClusterShop(use());
    // Persona columns that are not features: three French newcomers, half the lapsed bought in store, tags.
    await use().exec(`
      UPDATE customers SET country = 'France' WHERE id IN (301, 302, 303);
      UPDATE orders SET channel = 'store' WHERE customer_id BETWEEN 201 AND 205;
      INSERT INTO tags (name, kind) VALUES ('vip', 'manual'), ('newsletter', 'manual');
      INSERT INTO customer_tags (customer_id, tag_id)
        SELECT c, (SELECT id FROM tags WHERE name = 'vip') FROM unnest(ARRAY[101, 102, 103, 104]) c
        UNION ALL SELECT c, (SELECT id FROM tags WHERE name = 'newsletter') FROM unnest(ARRAY[101, 201]) c;`);
    await refreshCustomerSummary(use(), 'all');
  });

  it('finds the three hand-made groups with k chosen by silhouette', async () => {
    const out = (await runTool('customer_segments', { mode: 'cluster' }, { ...ctx, db: use() })) as Out;
    const c = out.clustering;
    expect(c).toMatchObject({ members: 30, customers: 30, sampled: false, k: 3, chosenBy: 'silhouette' });
    expect(c.silhouette).toBeGreaterThan(0.7);
    expect(c.scores.map((s: { k: number }) => s.k)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(c.features).toEqual(['logRevenue', 'logOrders', 'recencyDays', 'tenureDays', 'logAov', 'cat:Garden', 'cat:Home', 'cat:Toys']);
    // Equal sizes: clusters are numbered by size, ties keep k-means order, so find each group by its category.
    const byCategory = (cat: string) => c.clusters.find((x: Out) => x.persona.mainCategories[0].value === cat);
    const regulars = byCategory('Home');
    const lapsed = byCategory('Toys');
    const newcomers = byCategory('Garden');
    for (const g of [regulars, lapsed, newcomers]) expect(g).toMatchObject({ customers: 10, share: 0.3333 });
    // Regulars: 20 orders of 100 + i → revenue per customer 20 × 105.5 = 2110, AOV 105.5.
    expect(regulars.centroid).toMatchObject({ revenue: 2110, orders: 20, aov: 105.5 });
    expect(regulars.persona.mainCategories[0]).toMatchObject({ customers: 10, share: 1, shareOverall: 0.3333, lift: 3 });
    // Revenue: regulars 21100, lapsed Σ(10 + i) = 155, newcomers Σ(50 + i) = 555; of 21810.
    expect(regulars.revenue).toBe(21100);
    expect(regulars.revenueShare).toBe(0.9674); // 21100 / 21810 = 0.96745…
    expect(lapsed.centroid).toMatchObject({ revenue: 15.5, orders: 1 });
    expect(newcomers.centroid).toMatchObject({ revenue: 55.5, orders: 1 });
    // Personas count every member against all 30: 27 British / 3 French, 5 store / 25 web, vip 4, newsletter 2.
    expect(newcomers.persona.countries).toEqual([
      { value: 'United Kingdom', customers: 7, share: 0.7, shareOverall: 0.9, lift: 0.78 },
      { value: 'France', customers: 3, share: 0.3, shareOverall: 0.1, lift: 3 },
    ]);
    // A 5–5 tie is listed by value.
    expect(lapsed.persona.mainChannels).toEqual([
      { value: 'store', customers: 5, share: 0.5, shareOverall: 0.1667, lift: 3 },
      { value: 'web', customers: 5, share: 0.5, shareOverall: 0.8333, lift: 0.6 },
    ]);
    expect(regulars.persona.tags).toEqual([
      { value: 'vip', customers: 4, share: 0.4, shareOverall: 0.1333, lift: 3 },
      { value: 'newsletter', customers: 1, share: 0.1, shareOverall: 0.0667, lift: 1.5 },
    ]);
    expect(lapsed.persona.tags).toEqual([{ value: 'newsletter', customers: 1, share: 0.1, shareOverall: 0.0667, lift: 1.5 }]);
    expect(newcomers.persona.tags).toEqual([]);
    // Behaviour beside all 30: regulars' AOV 105.5 vs 21810 / 220 orders = 99.14; 20 orders each vs 220 / 30.
    expect(regulars.persona.aov).toEqual({ group: 105.5, overall: 99.14 });
    expect(regulars.persona.frequency).toEqual({ group: 20, overall: 7.33 });
    expect(newcomers.persona.revenuePerCustomer).toEqual({ group: 55.5, overall: 727 });
    expect(regulars.label).toBe('high value, frequent, recent, long-standing, big baskets, mostly Home');
    expect(lapsed.label).toBe('low value, infrequent, lapsed, long-standing, small baskets, mostly Toys');
    expect(newcomers.label).toBe('infrequent, recent, new, mostly Garden');
    expect(out.meta.definitions.silhouette).toBe(GLOSSARY.silhouette);
  });

  it('uses a given k and is deterministic', async () => {
    const run = () => runTool('customer_segments', { mode: 'cluster', k: 2, seed: 7 }, { ...ctx, db: use() }) as Promise<Out>;
    const [a, b] = [await run(), await run()];
    expect(a.clustering).toMatchObject({ k: 2, chosenBy: 'given' });
    expect(a.clustering.clusters.map((x: Out) => x.customers).reduce((s: number, n: number) => s + n, 0)).toBe(30);
    expect(a.clustering).toEqual(b.clustering);
  });
});
