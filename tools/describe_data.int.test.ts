import { beforeAll, expect, it } from 'vitest';
import { refreshRollups } from '../server/db/rollups.ts';
import { refreshCustomerSummary } from '../server/db/summary.ts';
import { runImport } from '../server/import/run.ts';
import { describeEachDriver } from '../server/testing/db.ts';
import { fixtureFile } from '../server/testing/files.ts';
import { loadTinyShop } from '../server/testing/fixtures.ts';
import { fixedClock } from './lib/clock.ts';
import { describeTools, runTool } from './registry.ts';

/** tinyShop (fixtures.ts) plus three events: counts and values worked out by hand below. */
describeEachDriver('describe_data', (use) => {
  const run = async () => (await runTool('describe_data', {}, { db: use(), clock: fixedClock('2024-05-15'), role: 'analyst' })) as any;
  beforeAll(async () => {
    await loadTinyShop(use());
    await use().exec(`INSERT INTO events (source, dedupe_key, customer_id, type, occurred_at) VALUES
      ('t', 'e1', 1, 'visit', '2024-01-01 08:00Z'), ('t', 'e2', 1, 'view', '2024-01-01 08:01Z'), ('t', 'e3', NULL, 'visit', '2024-03-03 23:59Z')`);
    await refreshCustomerSummary(use(), 'all');
    await refreshRollups(use(), 'all');
  });

  it('counts, ranges and dimension values of the hand-made shop (from the rollups)', async () => {
    const out = await run();
    // 5 orders (o1–o5), 1 return, 1 guest order (o5), 6 lines, 2 of 3 customers ordered.
    expect(out.counts).toEqual({ customers: 3, customersWithOrders: 2, orders: 5, returns: 1, guestOrders: 1, orderLines: 6, events: 3, feedback: 0 });
    expect(out.ranges.orders).toEqual({ from: '2024-01-01', to: '2024-02-02' });
    expect(out.ranges.events).toEqual({ from: '2024-01-01', to: '2024-03-03' });
    // Orders by channel (returns excluded): web o1 o2 o5, app o3, store o4. Lines by category: Home 3, Toys 3.
    expect(out.dimensions.channel).toEqual([{ value: 'web', count: 3 }, { value: 'app', count: 1 }, { value: 'store', count: 1 }]);
    expect(out.dimensions.category).toEqual([{ value: 'Home', count: 3 }, { value: 'Toys', count: 3 }]);
    expect(out.dimensions.currency).toEqual([{ value: 'USD', count: 6 }]);
    expect(out.dimensions.eventType).toEqual([{ value: 'visit', count: 2 }, { value: 'view', count: 1 }]);
  });

  it('answers the same from the raw tables when the rollups are stale', async () => {
    const fromRollups = await run();
    await use().exec('DELETE FROM rollup_state');
    const fromRaw = await run();
    await refreshRollups(use(), 'all');
    expect(fromRollups).toEqual(fromRaw);
  });

  it('lists the metrics of the semantic layer: exactly the metrics kpi_trend accepts, named in en and zh', async () => {
    const out = await run();
    const kpi = describeTools({ db: use(), clock: fixedClock('2024-05-15'), role: 'analyst' }).find((t) => t.name === 'kpi_trend')!;
    const accepted = (kpi.inputSchema as any).properties.metric.enum as string[];
    expect(out.metrics.map((m: any) => m.id).sort()).toEqual([...accepted].sort());
    for (const m of out.metrics) {
      expect(m.tool).toBe('kpi_trend');
      expect(m.name.en.length && m.name.zh.length && m.definition.length).toBeGreaterThan(0);
    }
  });
});

/**
 * Identity resolution through real imports, worked by hand:
 *   shop: S1 ann@x.com (Ann), S2 phone +442079460018 (Bob), S3 cy@x.com (Cy), and a row with no identifier (rejected);
 *   crm:  C1 ann@x.com → Ann; C2 bob2@x.com + Bob's phone in national format → Bob; C3 dee@x.com → a new customer, Dee;
 *   crm again: C3 with cy@x.com → Dee's id and Cy's email are one person: the stored Cy and Dee are merged (1 merge).
 * Then Ann, Bob and Cy/Dee each hold a shop and a crm id (3 customers in both sources), all three have an email,
 * only Bob a phone.
 */
describeEachDriver('describe_data identities', (use) => {
  const csv = (rows: string[]) => fixtureFile(`id-${Math.random()}.csv`, ['external_id,email,phone,name,country', ...rows].join('\n'));
  beforeAll(async () => {
    await runImport(use(), { entity: 'customers', file: csv(['S1,ann@x.com,,Ann,', 'S2,,+44 20 7946 0018,Bob,United Kingdom', 'S3,cy@x.com,,Cy,', ',,,Nobody,']), source: 'shop' });
    await runImport(use(), { entity: 'customers', file: csv(['C1,ann@x.com,,Ann L,', 'C2,bob2@x.com,020 7946 0018,Bob,United Kingdom', 'C3,dee@x.com,,Dee,']), source: 'crm' });
    await runImport(use(), { entity: 'customers', file: csv(['C3,cy@x.com,,Dee,']), source: 'crm' });
  });

  it('reports source systems, customers unified across them, emails and phones on file, merges and rejected rows', async () => {
    const call = async (args: object) => (await runTool('describe_data', args, { db: use(), clock: fixedClock('2024-05-15'), role: 'analyst' })) as any;
    expect((await call({})).identities).toBeNull();
    const out = await call({ identities: true });
    expect(out.counts.customers).toBe(3);
    expect(out.identities).toEqual({
      sources: [{ source: 'crm', customers: 3 }, { source: 'shop', customers: 3 }],
      customersInSeveralSources: 3, withEmail: 3, withPhone: 1, merged: 1, rejectedImportRows: 1,
    });
  });
});
