import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { runImport } from '../server/import/run.ts';
import { describeEachDriver } from '../server/testing/db.ts';
import { hasSharedData, sharedDataPath } from '../server/testing/sharedData.ts';
import { fixedClock } from './lib/clock.ts';
import { GLOSSARY } from './lib/glossary.ts';
import { runTool } from './registry.ts';

/**
 * Hand-made sequences in 2024-03-01 .. 2024-03-10 (one event per hour from 10:00 on the given day), today 2024-03-20:
 *   c1: visit view view cart purchase                  → path [visit, view, cart]  (view twice merged)
 *   c2: view cart view cart purchase view purchase      → [cart, view, cart]        (last 3 before the FIRST purchase)
 *   c3: view cart purchase                              → [view, cart]
 *   s:x (session, no customer): visit view cart purchase → [visit, view, cart]
 *   c5: purchase                                        → no path (nothing before)
 *   c6: view cart                                       → never buys: not counted
 *   c7: view on 02-28 (before the range), cart, purchase → [cart]
 *   c8: view cart cart purchase                         → [view, cart]
 * 7 buyers; paths: [view,cart] 2, [visit,view,cart] 2, [cart] 1, [cart,view,cart] 1; 1 without a path.
 */
const SEQUENCES: [number | null, string | null, string, string[]][] = [
  [1, null, '2024-03-02', ['visit', 'view', 'view', 'cart', 'purchase']],
  [2, null, '2024-03-03', ['view', 'cart', 'view', 'cart', 'purchase', 'view', 'purchase']],
  [3, null, '2024-03-04', ['view', 'cart', 'purchase']],
  [null, 'x', '2024-03-05', ['visit', 'view', 'cart', 'purchase']],
  [5, null, '2024-03-06', ['purchase']],
  [6, null, '2024-03-07', ['view', 'cart']],
  [7, null, '2024-02-28', ['view']],
  [7, null, '2024-03-08', ['cart', 'purchase']],
  [8, null, '2024-03-09', ['view', 'cart', 'cart', 'purchase']],
];

const pathsOf = (out: any) => out.paths.map((p: any) => [p.path.join('>'), p.users, p.share]);
const edgesOf = (out: any) => Object.fromEntries(out.edges.map((e: any) => [`${e.source} → ${e.target}`, e.count]));
const nodesOf = (out: any) => Object.fromEntries(out.nodes.map((n: any) => [n.id, [n.step, n.users]]));

describeEachDriver('journey_paths', (use) => {
  const ctx = () => ({ db: use(), clock: fixedClock('2024-03-20'), role: 'analyst' as const });
  const range = { from: '2024-03-01', to: '2024-03-10' };
  beforeAll(async () => {
    await use().exec(`INSERT INTO customers (id) VALUES (1), (2), (3), (5), (6), (7), (8)`);
    let n = 0;
    for (const [customer, session, day, types] of SEQUENCES) {
      for (const [hour, type] of types.entries()) {
        await use().query(
          `INSERT INTO events (source, dedupe_key, customer_id, session_id, type, occurred_at) VALUES ('t', $1, $2, $3, $4, $5)`,
          [`e${n++}`, customer, session, type, `${day} ${10 + hour}:00Z`],
        );
      }
    }
    // c1 bought on 03-05 (active); c2's only order is old (lapsed); the others never ordered.
    await use().exec(`INSERT INTO orders (source, external_id, customer_id, ordered_at, revenue) VALUES
      ('t', 'o1', 1, '2024-03-05 10:00Z', 10), ('t', 'o2', 2, '2024-01-01 10:00Z', 10)`);
  });

  it('counts the last 3 distinct steps before the first purchase, with Sankey nodes and edges', async () => {
    const out = (await runTool('journey_paths', range, ctx())) as any;
    expect(out.users).toBe(7);
    expect(out.usersWithoutPath).toBe(1);
    // ties in count are ordered by path (text array order)
    expect(pathsOf(out)).toEqual([['view>cart', 2, 0.2857], ['visit>view>cart', 2, 0.2857], ['cart', 1, 0.1429], ['cart>view>cart', 1, 0.1429]]);
    expect(edgesOf(out)).toEqual({
      'step1:visit → step2:view': 2, 'step2:view → step3:cart': 3, 'step3:cart → target:purchase': 3,
      'step1:view → step2:cart': 2, 'step2:cart → target:purchase': 2, 'step1:cart → step2:view': 1, 'step1:cart → target:purchase': 1,
    });
    expect(out.edges[0]).toEqual({ source: 'step2:view', target: 'step3:cart', count: 3 }); // most users first
    expect(nodesOf(out)).toEqual({
      'step1:visit': [1, 2], 'step1:view': [1, 2], 'step1:cart': [1, 2], 'step2:view': [2, 3], 'step2:cart': [2, 2],
      'step3:cart': [3, 3], 'target:purchase': [4, 6],
    });
    expect(out.meta).toMatchObject({ args: { mode: 'target', target: 'purchase', depth: 3, limit: 10, ...range }, definitions: { path_count: GLOSSARY.path_count } });
  });

  it('honours depth, limit and another target', async () => {
    const one = (await runTool('journey_paths', { ...range, depth: 1, limit: 1 }, ctx())) as any;
    expect(pathsOf(one)).toEqual([['cart', 6, 0.8571]]); // everyone with a path had a cart last
    expect(one.edges).toEqual([{ source: 'step1:cart', target: 'target:purchase', count: 6 }]);
    const cart = (await runTool('journey_paths', { ...range, target: 'cart' }, ctx())) as any;
    // before the first cart: c1 visit view, c2 view, c3 view, s:x visit view, c6 view, c7 nothing in range, c8 view
    expect(cart.users).toBe(7);
    expect(pathsOf(cart)).toEqual([['view', 4, 0.5714], ['visit>view', 2, 0.2857]]);
    const none = (await runTool('journey_paths', { ...range, target: 'refund' }, ctx())) as any;
    expect(none).toMatchObject({ users: 0, usersWithoutPath: 0, paths: [], nodes: [], edges: [] });
  });

  it('mode churn: last steps of customers without an order in the last 30 days', async () => {
    const out = (await runTool('journey_paths', { ...range, mode: 'churn', churnDays: 30 }, ctx())) as any;
    // c1 ordered on 03-05 and the session is no customer: c2 c3 c5 c6 c7 c8 remain, path up to their last event.
    expect(out.users).toBe(6);
    expect(pathsOf(out)).toEqual([
      ['view>cart>purchase', 2, 0.3333], ['cart>purchase', 1, 0.1667], ['purchase', 1, 0.1667],
      ['purchase>view>purchase', 1, 0.1667], ['view>cart', 1, 0.1667],
    ]);
    expect(nodesOf(out)['end:churned']).toEqual([4, 6]);
    // the receipt defines the churn count, not the target one
    expect(Object.keys(out.meta.definitions)).toEqual(['churn_path_count']);
  });

  it('rejects bad arguments naming the field', async () => {
    const bad = (args: unknown) => runTool('journey_paths', args, ctx());
    await expect(bad({ depth: 7 })).rejects.toThrow(/^invalid arguments for journey_paths: depth: Too big: expected number to be <=6$/);
    await expect(bad({ mode: 'exit' })).rejects.toThrow(/mode: Invalid option/);
    await expect(bad({ target: '' })).rejects.toThrow(/target: Too small/);
    await expect(bad({ limit: 1000 })).rejects.toThrow(/limit: Too big/);
    await expect(bad({ from: '2024-03-10', to: '2024-03-01' })).rejects.toThrow(/from: from must not be after to/);
  });
});

const TAOBAO = ['events', 'taobao_userbehavior_sample.csv'] as const;
const TYPES: Record<string, string> = { pv: 'view', cart: 'cart', fav: 'favorite', buy: 'purchase' };

/** Independent top paths from the raw file (file order breaks timestamp ties, like event ids do). */
function taobaoPaths(depth: number, fromSec: number, toSec: number): Map<string, number> {
  const byUser = new Map<string, { type: string; ts: number }[]>();
  for (const line of readFileSync(sharedDataPath(...TAOBAO), 'utf8').trim().split('\n')) {
    const [user, , , behavior, ts] = line.split(',');
    if (Number(ts) < fromSec || Number(ts) >= toSec) continue;
    byUser.set(user!, [...(byUser.get(user!) ?? []), { type: TYPES[behavior!]!, ts: Number(ts) }]);
  }
  const counts = new Map<string, number>();
  for (const events of byUser.values()) {
    const sorted = [...events].sort((a, b) => a.ts - b.ts);
    const at = sorted.findIndex((e) => e.type === 'purchase');
    if (at <= 0) continue;
    const merged = sorted.slice(0, at).map((e) => e.type).filter((t, i, all) => i === 0 || all[i - 1] !== t);
    const key = merged.slice(-depth).join('>');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

describe.runIf(hasSharedData(...TAOBAO))('journey_paths on the Taobao sample', () => {
  describeEachDriver('real data', (use, driver) => {
    beforeAll(async () => {
      await runImport(use(), { entity: 'events', file: sharedDataPath(...TAOBAO), preset: 'taobao' });
    });

    it('top paths before the first purchase match an independent count over the raw file', async () => {
      const started = performance.now();
      const out = (await runTool('journey_paths', { from: '2017-11-25', to: '2017-12-03', limit: 100 }, { db: use(), clock: fixedClock('2017-12-31'), role: 'analyst' })) as any;
      const ms = Math.round(performance.now() - started);
      const expected = taobaoPaths(3, Date.parse('2017-11-25T00:00:00Z') / 1000, Date.parse('2017-12-04T00:00:00Z') / 1000);
      expect(new Map(out.paths.map((p: any) => [p.path.join('>'), p.users]))).toEqual(expected);
      expect(out.users).toBe(23); // the README: 23 buyers
      console.log(`[${driver}] Taobao top paths: ${JSON.stringify(out.paths.slice(0, 3))}; users ${out.users}, without path ${out.usersWithoutPath}; ${ms} ms`);
    });
  });
});
