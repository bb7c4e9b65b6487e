import { beforeAll, expect, it } from 'vitest';
import { eventTypeCodes } from '../../tools/funnel_analysis.ts';
import { funnelSql } from '../../tools/lib/funnelSql.ts';
import { mulberry32 } from '../../tools/lib/random.ts';
import { runImport } from '../import/run.ts';
import { describeEachDriver } from '../testing/db.ts';
import { fixtureFile } from '../testing/files.ts';
import type { Db } from './index.ts';

/**
 * event_keys (migration 0006): one row per event that has a customer or a session, with actor = customer id or
 * −(session number), the type as a code of event_types, time and channel; kept by triggers on events. Expectations
 * are written from the events themselves (which customer, which session), not from the trigger's SQL.
 */
const jsonl = (rows: object[]) => rows.map((r) => JSON.stringify(r)).join('\n');
const FIRST = [
  { customer_id: 'C1', session_id: 's1', type: 'visit', occurred_at: '2024-03-01T10:00:00Z', properties: { channel: 'web' } },
  { customer_id: 'C1', session_id: 's1', type: 'view', occurred_at: '2024-03-01T10:01:00Z' },
  { session_id: 'a1', type: 'visit', occurred_at: '2024-03-01T11:00:00Z', properties: { channel: 'app' } },
  { session_id: 'a1', type: 'cart', occurred_at: '2024-03-01T11:05:00Z' },
  { session_id: 'a2', type: 'visit', occurred_at: '2024-03-01T12:00:00Z' },
  { type: 'visit', occurred_at: '2024-03-01T13:00:00Z' }, // neither customer nor session: no key
];
const SECOND = [
  { session_id: 'a1', type: 'purchase', occurred_at: '2024-03-02T09:00:00Z' }, // known session, new type
  { customer_id: 'C2', session_id: 's9', type: 'visit', occurred_at: '2024-03-02T10:00:00Z' },
  { session_id: 'a3', type: 'view', occurred_at: '2024-03-02T11:00:00Z' },
];

interface KeyRow {
  event_id: number;
  customer_id: number | null;
  session_id: string | null;
  type: string;
  actor: number;
  key_type: string;
  channel: string | null;
}
/** Every event with its key (if any) and the key's type name. */
async function keyed(db: Db): Promise<KeyRow[]> {
  const { rows } = await db.query<KeyRow>(
    `SELECT e.id AS event_id, e.customer_id, e.session_id, e.type, k.actor, t.type AS key_type, k.channel
       FROM events e LEFT JOIN event_keys k ON k.event_id = e.id LEFT JOIN event_types t ON t.code = k.type_code
      ORDER BY e.occurred_at, e.id`,
  );
  return rows.map((r) => ({ ...r, actor: r.actor === null ? (null as never) : Number(r.actor), customer_id: r.customer_id === null ? null : Number(r.customer_id) }));
}
const customerId = async (db: Db, external: string) =>
  Number((await db.query<{ id: number }>(`SELECT customer_id AS id FROM customer_identities WHERE value = $1`, [external])).rows[0]!.id);

describeEachDriver('event_keys', (use) => {
  it('keys every imported event with a customer or session; incremental imports extend them, re-imports add nothing', async () => {
    const first = await runImport(use(), { entity: 'events', file: fixtureFile('ek1.jsonl', jsonl(FIRST)), source: 'ek' });
    expect(first).toMatchObject({ inserted: 6 });
    const c1 = await customerId(use(), 'C1');
    let rows = await keyed(use());
    expect(rows.map((r) => r.key_type)).toEqual(['visit', 'view', 'visit', 'cart', 'visit', null]);
    expect(rows.map((r) => r.channel)).toEqual(['web', null, 'app', null, null, null]);
    const [, , a1, a1cart, a2] = rows.map((r) => r.actor);
    expect(rows[0]!.actor).toBe(c1);
    expect(rows[1]!.actor).toBe(c1);
    // Anonymous sessions: one negative actor per session, distinct from each other.
    expect(a1).toBeLessThan(0);
    expect(a1cart).toBe(a1);
    expect(a2).toBeLessThan(0);
    expect(a2).not.toBe(a1);

    const second = await runImport(use(), { entity: 'events', file: fixtureFile('ek2.jsonl', jsonl(SECOND)), source: 'ek' });
    expect(second).toMatchObject({ inserted: 3 });
    const again = await runImport(use(), { entity: 'events', file: fixtureFile('ek2.jsonl', jsonl(SECOND)), source: 'ek' });
    expect(again).toMatchObject({ inserted: 0, unchanged: 3 });
    rows = await keyed(use());
    expect(rows).toHaveLength(9);
    const { rows: counts } = await use().query<{ n: number; types: number; sessions: number }>(
      `SELECT (SELECT count(*)::int FROM event_keys) AS n, (SELECT count(*)::int FROM event_types) AS types,
              (SELECT count(*)::int FROM event_sessions) AS sessions`,
    );
    // 8 events with a customer or session; types visit, view, cart, purchase; anonymous sessions a1, a2, a3.
    expect(counts[0]).toEqual({ n: 8, types: 4, sessions: 3 });
    const by = (session: string, type: string) => rows.find((r) => r.session_id === session && r.type === type)!;
    expect(by('a1', 'purchase').actor).toBe(a1); // the same session keeps its actor across imports
    expect(by('a1', 'purchase').key_type).toBe('purchase');
    expect(by('s9', 'visit').actor).toBe(await customerId(use(), 'C2'));
    expect(by('a3', 'view').actor).toBeLessThan(0);
    expect([a1, a2]).not.toContain(by('a3', 'view').actor);
  });

  it('follows updates (an identity merge moving events, a session getting its customer) and deletes', async () => {
    const c1 = await customerId(use(), 'C1');
    const c2 = await customerId(use(), 'C2');
    await use().query(`UPDATE events SET customer_id = $1 WHERE customer_id = $2`, [c1, c2]);
    await use().query(`UPDATE events SET customer_id = $1 WHERE session_id = 'a2'`, [c2]);
    await use().query(`DELETE FROM events WHERE session_id = 'a1'`);
    const rows = await keyed(use());
    expect(rows.filter((r) => r.session_id === 'a1')).toEqual([]);
    expect(rows.find((r) => r.session_id === 's9')!.actor).toBe(c1);
    expect(rows.find((r) => r.session_id === 'a2')!.actor).toBe(c2);
    const { rows: n } = await use().query<{ n: number }>(`SELECT count(*)::int AS n FROM event_keys`);
    expect(n[0]!.n).toBe(5); // 8 − 3 deleted
    // Every key still agrees with its event.
    for (const r of rows.filter((x) => x.customer_id !== null)) expect(r.actor).toBe(r.customer_id);
  });
});

/**
 * The funnels over event_keys and over event_sequences must answer exactly what the same rule over the raw events answers (funnelSql
 * 'events': text user keys, type names — the formulation DuckDB runs in the bench). Random events with many ties
 * (times on the hour), repeats, out-of-order steps, anonymous sessions and customers, several step lists, windows
 * and splits.
 */
describeEachDriver('funnel over event_keys and event_sequences = funnel over raw events', (use) => {
  const TYPES = ['visit', 'view', 'cart', 'checkout', 'purchase', 'search'];
  beforeAll(async () => {
    const r = mulberry32(11);
    await use().exec(`INSERT INTO customers (id, country) SELECT g, (ARRAY['Germany','France',NULL])[1 + g % 3] FROM generate_series(1, 40) g`);
    const values: string[] = [];
    const params: unknown[] = [];
    for (let i = 0; i < 900; i++) {
      const actor = Math.floor(r() * 60);
      const customer = actor < 40 ? actor + 1 : null;
      const session = customer === null ? `anon${actor}` : r() < 0.5 ? `s${Math.floor(r() * 5)}` : null;
      const at = new Date(Date.UTC(2024, 2, 1) + Math.floor(r() * 20 * 24) * 3_600_000).toISOString();
      const channel = r() < 0.3 ? null : r() < 0.5 ? 'web' : 'app';
      params.push(`f${i}`, customer, session, TYPES[Math.floor(r() * TYPES.length)], at, JSON.stringify(channel ? { channel } : {}));
      const p = params.length;
      values.push(`('f', $${p - 5}, $${p - 4}::int8, $${p - 3}, $${p - 2}, $${p - 1}::timestamptz, $${p}::jsonb)`);
    }
    // One multi-row statement: the trigger sees the whole batch at once, as with COPY.
    await use().query(`INSERT INTO events (source, dedupe_key, customer_id, session_id, type, occurred_at, properties) VALUES ${values.join(', ')}`, params);
  });

  const CASES: { steps: string[]; window: number; from: string; to: string }[] = [
    { steps: ['visit', 'view', 'cart', 'checkout', 'purchase'], window: 7, from: '2024-03-03', to: '2024-03-12' },
    { steps: ['cart', 'view'], window: 1, from: '2024-03-01', to: '2024-03-20' },
    { steps: ['search', 'purchase', 'visit'], window: 3, from: '2024-03-05', to: '2024-03-05' },
    { steps: ['visit', 'nosuchtype'], window: 2, from: '2024-03-01', to: '2024-03-10' },
  ];
  for (const c of CASES) {
    for (const split of ['none', 'channel', 'country', 'month'] as const) {
      it(`${c.steps.join('→')} window ${c.window} split ${split}`, async () => {
        const scanEnd = '2024-03-25';
        const tail = [c.from, dayAfter(c.to), scanEnd, c.window];
        const run = async (sql: string, steps: unknown) => {
          const { rows } = await use().query<Record<string, unknown>>(sql, [steps, ...tail]);
          return rows.map((row) => JSON.stringify(row)).sort();
        };
        const raw = await run(funnelSql(c.steps.length, split, 'events'), c.steps);
        const codes = await eventTypeCodes(use(), c.steps);
        expect(await run(funnelSql(c.steps.length, split, 'keys'), codes)).toEqual(raw);
        expect(await run(funnelSql(c.steps.length, split, 'sequences'), codes)).toEqual(raw);
        if (c.steps[1] !== 'nosuchtype') expect(raw.length).toBeGreaterThan(0);
      });
    }
  }
});

const dayAfter = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
