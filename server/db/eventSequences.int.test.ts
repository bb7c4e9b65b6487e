import { expect, it } from 'vitest';
import { mulberry32 } from '../../tools/lib/random.ts';
import { describeEachDriver } from '../testing/db.ts';
import type { Db } from './index.ts';

/**
 * event_sequences (migration 0016): per actor, every event of event_keys as one bigint key that sorts by (type code,
 * time) — type_code · 2^53 + (µs since 1970 + 2^52) — with the channels alongside, kept by triggers on event_keys.
 * The expectation is built here from event_keys' rows (grouped and sorted in JS) and the stored keys are decoded in
 * JS with BigInt arithmetic, so the test does not reuse the migration's SQL.
 */
type Entry = [type: number, ms: number, channel: string | null];

const byChannel = (a: string | null, b: string | null) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1);
const order = (a: Entry, b: Entry) => a[0] - b[0] || a[1] - b[1] || byChannel(a[2], b[2]);

async function expected(db: Db): Promise<Map<number, Entry[]>> {
  const { rows } = await db.query<{ actor: string; type_code: number; ms: string; channel: string | null }>(
    `SELECT actor::text, type_code, (extract(epoch FROM occurred_at) * 1000)::bigint::text AS ms, channel FROM event_keys`,
  );
  const out = new Map<number, Entry[]>();
  for (const r of rows) {
    const list = out.get(Number(r.actor)) ?? [];
    list.push([r.type_code, Number(r.ms), r.channel]);
    out.set(Number(r.actor), list);
  }
  for (const list of out.values()) list.sort(order);
  return out;
}

async function stored(db: Db): Promise<Map<number, Entry[]>> {
  const { rows } = await db.query<{ actor: string; keys: string[]; channels: (string | null)[] }>(
    `SELECT actor::text, keys::text[] AS keys, channels FROM event_sequences`,
  );
  const unit = 2n ** 53n;
  const offset = 2n ** 52n;
  return new Map(
    rows.map((r) => [
      Number(r.actor),
      r.keys.map((k, i): Entry => {
        const key = BigInt(k);
        return [Number(key / unit), Number((key % unit) - offset) / 1000, r.channels[i] ?? null];
      }),
    ]),
  );
}

const insertEvents = (db: Db, rows: [customer: number | null, session: string | null, type: string, at: string, channel: string | null][]) =>
  db.query(
    `INSERT INTO events (source, dedupe_key, customer_id, session_id, type, occurred_at, properties)
     SELECT 'seq', md5(random()::text || ord), c, s, t, a::timestamptz, CASE WHEN ch IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('channel', ch) END
       FROM unnest($1::int8[], $2::text[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS x(c, s, t, a, ch, ord)`,
    [rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2]), rows.map((r) => r[3]), rows.map((r) => r[4])],
  );

describeEachDriver('event_sequences', (use) => {
  it('holds every keyed event of each actor in (type, time, channel) order through inserts, updates and deletes', async () => {
    await use().exec(`INSERT INTO customers (id, country) SELECT g, 'Germany' FROM generate_series(1, 12) g`);
    const r = mulberry32(5);
    const batch = (n: number) =>
      Array.from({ length: n }, () => {
        const customer = r() < 0.7 ? 1 + Math.floor(r() * 12) : null;
        const at = new Date(Date.UTC(2024, 0, 1) + Math.floor(r() * 30 * 24) * 3_600_000 + Math.floor(r() * 3) * 1).toISOString();
        return [customer, customer === null ? `anon${Math.floor(r() * 6)}` : null, ['visit', 'view', 'cart'][Math.floor(r() * 3)]!, at, r() < 0.3 ? null : r() < 0.5 ? 'web' : 'app'] as [
          number | null,
          string | null,
          string,
          string,
          string | null,
        ];
      });
    await insertEvents(use(), batch(300));
    expect(await stored(use())).toEqual(await expected(use()));
    // A second batch merges into existing actors (and adds new types and actors).
    await insertEvents(use(), [...batch(200), [3, null, 'purchase', '2024-01-15T10:00:00.000Z', 'web'], [null, 'fresh', 'visit', '2023-12-31T23:59:59.999Z', null]]);
    // Exact duplicates (same actor, type, time, channel): deleting one of them must keep the other.
    await insertEvents(use(), [
      [4, null, 'visit', '2024-02-01T00:00:00.000Z', 'web'],
      [4, null, 'visit', '2024-02-01T00:00:00.000Z', 'web'],
    ]);
    expect(await stored(use())).toEqual(await expected(use()));
    const before = (await stored(use())).get(4)!.length;
    await use().query(`DELETE FROM events WHERE id = (SELECT max(id) FROM events WHERE customer_id = 4 AND occurred_at = '2024-02-01T00:00:00Z')`);
    expect((await stored(use())).get(4)).toHaveLength(before - 1);
    // An identity merge moves customer 2's events to customer 1; a session gets its customer; a customer's events go.
    await use().query(`UPDATE events SET customer_id = 1 WHERE customer_id = 2`);
    await use().query(`UPDATE events SET customer_id = 5, session_id = NULL WHERE session_id = 'anon1'`);
    await use().query(`DELETE FROM events WHERE customer_id = 6`);
    const after = await stored(use());
    expect(after).toEqual(await expected(use()));
    expect(after.has(2)).toBe(false);
    expect(after.has(6)).toBe(false);
    expect(after.get(1)!.length).toBeGreaterThan(0);
    await use().exec(`TRUNCATE events`);
    expect((await stored(use())).size).toBe(0);
  });
});
