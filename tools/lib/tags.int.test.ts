import { beforeAll, expect, it } from 'vitest';
import { describeEachDriver } from '../../server/testing/db.ts';
import { runTool } from '../registry.ts';
import { fixedClock } from './clock.ts';
import { loadSegmentShop } from './segments/testing.ts';
import { recomputeTags } from './tags.ts';

// Customers and their hand-worked numbers: tools/lib/segments/testing.ts. Default rule tags: 0003_default_tags.sql.

describeEachDriver('rule tags', (use) => {
  const membersOf = async (tag: string) =>
    (await use().query<{ id: number }>(
      `SELECT ct.customer_id AS id FROM customer_tags ct JOIN tags t ON t.id = ct.tag_id WHERE t.name = $1 ORDER BY 1`,
      [tag],
    )).rows.map((r) => r.id);

  beforeAll(async () => {
    await loadSegmentShop(use());
    await use().exec(`
      INSERT INTO segments (name, definition) VALUES ('uk', '{"country": "United Kingdom"}');
      INSERT INTO tags (name, kind, rule) VALUES
        ('big spender', 'rule', '{"percentile": {"metric": "revenue", "min": 0.8}}'),
        ('uk vip', 'rule', '{"segment": "uk", "tags": ["vip"]}'),
        ('broken', 'rule', '{"recencyDays": {"min": 5, "max": 1}}'),
        ('chained', 'rule', '{"tags": ["lapsed"]}');
    `);
  });

  it('seeds the default rules as data', async () => {
    const { rows } = await use().query<{ name: string; rule: unknown }>(
      `SELECT name, rule FROM tags WHERE kind = 'rule' AND name IN ('high value', 'loyal', 'lapsed', 'new', 'overdue') ORDER BY name`,
    );
    expect(rows).toEqual([
      { name: 'high value', rule: { percentile: { metric: 'revenue', min: 0.9 } } },
      { name: 'lapsed', rule: { recencyDays: { min: 180 } } },
      { name: 'loyal', rule: { rfmTier: ['Champions', 'Loyal'] } },
      { name: 'new', rule: { firstOrderWithinDays: 30 } },
      { name: 'overdue', rule: { churnRisk: { minInactivityRatio: 2 } } },
    ]);
  });

  it('recomputes every rule tag as of today, reports bad rules, leaves manual tags alone', async () => {
    const result = await recomputeTags(use(), fixedClock('2024-03-01'));
    expect(result).toEqual([
      { tag: 'big spender', members: 1, added: 1, removed: 0 }, // Bob: revenue percentile 5/6 ≥ 0.8
      { tag: 'broken', members: 0, added: 0, removed: 0, error: 'invalid rule: recencyDays: min (5) must be ≤ max (1)' },
      { tag: 'chained', members: 0, added: 0, removed: 0, error: 'a rule may only use manual tags, not rule tags (lapsed)' },
      { tag: 'high value', members: 0, added: 0, removed: 0 }, // 6 customers: nobody has ≥ 90% strictly below
      { tag: 'lapsed', members: 2, added: 2, removed: 0 }, // Bob 244, Eve 366 days
      { tag: 'loyal', members: 1, added: 1, removed: 0 }, // Ann: Champions
      { tag: 'new', members: 1, added: 1, removed: 0 }, // Cy: first order 10 days ago
      { tag: 'overdue', members: 2, added: 2, removed: 0 }, // Bob 244/30, Fay 41/5
      { tag: 'uk vip', members: 1, added: 1, removed: 0 }, // UK ∩ vip(Ann, Bob) = Ann
    ]);
    expect(await membersOf('lapsed')).toEqual([2, 5]);
    expect(await membersOf('overdue')).toEqual([2, 6]);
    expect(await membersOf('vip')).toEqual([1, 2]);
  });

  it('is idempotent and keeps assigned_at for customers who keep a tag', async () => {
    const before = await use().query(`SELECT customer_id, tag_id, assigned_at FROM customer_tags ORDER BY 1, 2`);
    const again = await recomputeTags(use(), fixedClock('2024-03-01'));
    expect(again.every((r) => r.added === 0 && r.removed === 0)).toBe(true);
    const after = await use().query(`SELECT customer_id, tag_id, assigned_at FROM customer_tags ORDER BY 1, 2`);
    expect(after.rows).toEqual(before.rows);
  });

  it('moves customers in and out as the date moves', async () => {
    // As of 2024-06-01: Cy is 102 days in (not new); Dee's last order is 183 days ago (lapsed).
    const result = await recomputeTags(use(), fixedClock('2024-06-01'));
    expect(result.find((r) => r.tag === 'new')).toEqual({ tag: 'new', members: 0, added: 0, removed: 1 });
    expect(result.find((r) => r.tag === 'lapsed')).toEqual({ tag: 'lapsed', members: 3, added: 1, removed: 0 });
    expect(await membersOf('lapsed')).toEqual([2, 4, 5]);
    await recomputeTags(use(), fixedClock('2024-03-01'));
  });

  it('tags are usable in segment filters and show in profiles', async () => {
    const ctx = { db: use(), clock: fixedClock('2024-03-01'), role: 'analyst' as const };
    const out = (await runTool('customer_segments', { filter: { tags: ['lapsed'] }, sample: 5 }, ctx)) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(out.profile.customers).toBe(2);
    expect(out.profile.sample.map((m: { customerId: number; tags: string[] }) => [m.customerId, m.tags])).toEqual([
      [2, ['big spender', 'lapsed', 'overdue', 'vip']],
      [5, ['lapsed']],
    ]);
    // lapsed: 2/2 of the segment vs 2/6 overall → lift 3.
    expect(out.profile.persona.tags[0]).toEqual({ value: 'lapsed', customers: 2, share: 1, shareOverall: 0.3333, lift: 3 });
  });
});
