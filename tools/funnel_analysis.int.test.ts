import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { runImport } from '../server/import/run.ts';
import { describeEachDriver } from '../server/testing/db.ts';
import { hasSharedData, sharedDataPath } from '../server/testing/sharedData.ts';
import { fixedClock } from './lib/clock.ts';
import { GLOSSARY } from './lib/glossary.ts';
import { runTool } from './registry.ts';

/**
 * Hand-made events, funnel view → cart → purchase, window 7 days, range 2024-03-01 .. 2024-03-10, today 2024-03-20:
 *   c1 UK  web: view 03-01 10:00, cart 03-01 11:00, purchase 03-02, view 03-08         → reaches 3
 *   c2 DE  app: view 03-02, cart 03-03                                                  → reaches 2
 *   c3 UK  web: cart 03-01 09:00 BEFORE view 03-01 10:00, purchase 03-01 12:00           → reaches 1 (cart out of order)
 *   c4 DE  app: view 03-03, cart 03-12, purchase 03-12 (9 days later: beyond the window) → reaches 1
 *   s:abc  web (no customer): view 03-05, cart 03-05, purchase 03-06                    → reaches 3
 *   c6 FR  (no channel): view 03-10 23:00, cart 03-11, purchase 03-16 (after `to`, in window) → reaches 3
 *   c5 UK  web: view 02-25, cart 02-26, purchase 02-27 (before the range)              → not in the funnel
 *   c7 UK  web: view 03-11 (after the range) → not in; an event with neither customer nor session → ignored
 * Totals: view 6, cart 4 (c1 c2 s c6), purchase 3 (c1 s c6): cart 4/6 = 0.6667, purchase 3/4 = 0.75, overall 0.5.
 */
const EVENTS: [number | null, string | null, string, string, string | null][] = [
  [1, null, 'view', '2024-03-01 10:00Z', 'web'], [1, null, 'cart', '2024-03-01 11:00Z', 'web'],
  [1, null, 'purchase', '2024-03-02 10:00Z', 'web'], [1, null, 'view', '2024-03-08 10:00Z', 'web'],
  [2, null, 'view', '2024-03-02 10:00Z', 'app'], [2, null, 'cart', '2024-03-03 10:00Z', 'app'],
  [3, null, 'cart', '2024-03-01 09:00Z', 'web'], [3, null, 'view', '2024-03-01 10:00Z', 'web'], [3, null, 'purchase', '2024-03-01 12:00Z', 'web'],
  [4, null, 'view', '2024-03-03 10:00Z', 'app'], [4, null, 'cart', '2024-03-12 10:00Z', 'app'], [4, null, 'purchase', '2024-03-12 11:00Z', 'app'],
  [null, 'abc', 'view', '2024-03-05 10:00Z', 'web'], [null, 'abc', 'cart', '2024-03-05 11:00Z', 'web'], [null, 'abc', 'purchase', '2024-03-06 10:00Z', 'web'],
  [6, null, 'view', '2024-03-10 23:00Z', null], [6, null, 'cart', '2024-03-11 10:00Z', null], [6, null, 'purchase', '2024-03-16 10:00Z', null],
  [5, null, 'view', '2024-02-25 10:00Z', 'web'], [5, null, 'cart', '2024-02-26 10:00Z', 'web'], [5, null, 'purchase', '2024-02-27 10:00Z', 'web'],
  [7, null, 'view', '2024-03-11 10:00Z', 'web'], [null, null, 'view', '2024-03-04 10:00Z', 'web'],
];

/** [type, users, stepConversion, overallConversion, lost] per step. */
const steps = (s: { type: string; users: number; stepConversion: number | null; overallConversion: number | null; lost: number }[]) =>
  s.map((x) => [x.type, x.users, x.stepConversion, x.overallConversion, x.lost]);
const split = (out: any) => Object.fromEntries(out.splits.map((s: any) => [s.value, s.steps.map((x: any) => x.users)]));

describeEachDriver('funnel_analysis', (use) => {
  const ctx = () => ({ db: use(), clock: fixedClock('2024-03-20'), role: 'analyst' as const });
  const base = { steps: ['view', 'cart', 'purchase'], from: '2024-03-01', to: '2024-03-10', windowDays: 7 };
  beforeAll(async () => {
    await use().exec(`INSERT INTO customers (id, country) VALUES (1, 'United Kingdom'), (2, 'Germany'), (3, 'United Kingdom'),
      (4, 'Germany'), (5, 'United Kingdom'), (6, 'France'), (7, 'United Kingdom')`);
    for (const [i, [customer, session, type, at, channel]] of EVENTS.entries()) {
      await use().query(
        `INSERT INTO events (source, dedupe_key, customer_id, session_id, type, occurred_at, properties) VALUES ('t', $1, $2, $3, $4, $5, $6)`,
        [`e${i}`, customer, session, type, at, JSON.stringify(channel ? { channel } : {})],
      );
    }
  });

  it('counts users per step in order and within the window (hand-worked)', async () => {
    const out = (await runTool('funnel_analysis', base, ctx())) as any;
    expect(steps(out.steps)).toEqual([['view', 6, 1, 1, 0], ['cart', 4, 0.6667, 0.6667, 2], ['purchase', 3, 0.75, 0.5, 1]]);
    expect(out.biggestDropOff).toEqual({ step: 2, from: 'view', to: 'cart', lost: 2, stepConversion: 0.6667 });
    expect(out.splits).toBeNull();
    expect(out.meta).toMatchObject({ window: { from: '2024-03-01', to: '2024-03-10' }, rowCounts: { users: 6 }, definitions: { conversion_rate: GLOSSARY.conversion_rate } });
    // A 10-day window lets c4's cart and purchase (9 days after the view) count: cart 5, purchase 4.
    const wide = (await runTool('funnel_analysis', { ...base, windowDays: 10 }, ctx())) as any;
    expect(wide.steps.map((s: any) => s.users)).toEqual([6, 5, 4]);
    // As of 03-15, c6's purchase (03-16) has not happened yet.
    const early = (await runTool('funnel_analysis', base, { ...ctx(), clock: fixedClock('2024-03-15') })) as any;
    expect(early.steps.map((s: any) => s.users)).toEqual([6, 4, 2]);
  });

  it('splits by country, channel of the first step and month', async () => {
    const country = (await runTool('funnel_analysis', { ...base, splitBy: 'country' }, ctx())) as any;
    // UK c1 c3; DE c2 c4; FR c6; the session has no country
    expect(split(country)).toEqual({ 'United Kingdom': [2, 1, 1], Germany: [2, 1, 0], France: [1, 1, 1], '(none)': [1, 1, 1] });
    expect(country.splits.find((s: any) => s.value === 'Germany').biggestDropOff).toMatchObject({ step: 3, lost: 1, stepConversion: 0 });
    const channel = (await runTool('funnel_analysis', { ...base, splitBy: 'channel' }, ctx())) as any;
    expect(channel.splits.map((s: any) => s.value)).toEqual(['web', 'app', '(none)']); // most users at step 1 first
    expect(split(channel)).toEqual({ web: [3, 2, 2], app: [2, 1, 0], '(none)': [1, 1, 1] });
    const month = (await runTool('funnel_analysis', { ...base, from: '2024-02-20', splitBy: 'month', maxSplits: 1 }, ctx())) as any;
    // c5 enters in February; only the biggest split value is returned, totals still cover both
    expect(split(month)).toEqual({ '2024-03': [6, 4, 3] });
    expect(steps(month.steps)).toEqual([['view', 7, 1, 1, 0], ['cart', 5, 0.7143, 0.7143, 2], ['purchase', 4, 0.8, 0.5714, 1]]);
    expect(month.meta.rowCounts).toMatchObject({ splitValues: 2, splitsReturned: 1 });
  });

  it('answers the same through event_keys where event_sequences cannot encode the days (before 1900)', async () => {
    // From 1899 the counts come from the event_keys formulation (tools/lib/funnelSql.ts SEQUENCE_LIMITS); no event
    // lies before 2024, so they must equal those from 2024-01-01 (event_sequences): c5 from February joins the six
    // of the hand-worked case, as in the month split below.
    const early = (await runTool('funnel_analysis', { ...base, from: '1899-12-31', splitBy: 'channel' }, ctx())) as any;
    const usual = (await runTool('funnel_analysis', { ...base, from: '2024-01-01', splitBy: 'channel' }, ctx())) as any;
    expect(early.steps.map((s: any) => s.users)).toEqual([7, 5, 4]);
    expect(early.steps).toEqual(usual.steps);
    expect(early.splits).toEqual(usual.splits);
  });

  it('applies defaults: visit → … → purchase over the 30 days before today', async () => {
    const out = (await runTool('funnel_analysis', {}, ctx())) as any;
    expect(out.meta.args).toEqual({ steps: ['visit', 'view', 'cart', 'checkout', 'purchase'], windowDays: 7, from: '2024-02-19', to: '2024-03-19', maxSplits: 20 });
    expect(out.steps.map((s: any) => [s.users, s.stepConversion])).toEqual([[0, null], [0, null], [0, null], [0, null], [0, null]]);
    expect(out.biggestDropOff).toBeNull();
  });

  it('rejects bad arguments naming the field', async () => {
    const bad = (args: unknown) => runTool('funnel_analysis', args, ctx());
    await expect(bad({ steps: ['view'] })).rejects.toThrow(/^invalid arguments for funnel_analysis: steps: Too small: expected array to have >=2 items$/);
    await expect(bad({ steps: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'] })).rejects.toThrow(/steps: Too big/);
    await expect(bad({ steps: ['view', 'view'] })).rejects.toThrow(/steps: steps must be distinct event types/);
    await expect(bad({ steps: ['view', ''] })).rejects.toThrow(/steps\.1: Too small/);
    await expect(bad({ splitBy: 'email' })).rejects.toThrow(/splitBy: Invalid option/);
    await expect(bad({ from: '2024-02-30' })).rejects.toThrow(/from: Invalid ISO date/);
    await expect(bad({ from: '2024-03-10', to: '2024-03-01' })).rejects.toThrow(/from: from must not be after to/);
    await expect(bad({ windowDays: 0 })).rejects.toThrow(/windowDays: Too small/);
  });
});

const TAOBAO = ['events', 'taobao_userbehavior_sample.csv'] as const;
const TYPES: Record<string, string> = { pv: 'view', cart: 'cart', fav: 'favorite', buy: 'purchase' };

/** Independent funnel over the raw file: greedy earliest next step at or after the previous, within the window. */
function taobaoFunnel(steps: string[], fromSec: number, toSec: number, windowSec: number): number[] {
  const byUser = new Map<string, { type: string; ts: number }[]>();
  for (const line of readFileSync(sharedDataPath(...TAOBAO), 'utf8').trim().split('\n')) {
    const [user, , , behavior, ts] = line.split(',');
    const list = byUser.get(user!) ?? [];
    list.push({ type: TYPES[behavior!]!, ts: Number(ts) });
    byUser.set(user!, list);
  }
  const reached = steps.map(() => 0);
  for (const events of byUser.values()) {
    const firsts = events.filter((e) => e.type === steps[0] && e.ts >= fromSec && e.ts < toSec).map((e) => e.ts);
    if (!firsts.length) continue;
    const t1 = Math.min(...firsts);
    let t = t1;
    for (const [k, type] of steps.entries()) {
      const next = k === 0 ? t1 : Math.min(...events.filter((e) => e.type === type && e.ts >= t && e.ts <= t1 + windowSec).map((e) => e.ts));
      if (!Number.isFinite(next)) break;
      reached[k]!++;
      t = next;
    }
  }
  return reached;
}

describe.runIf(hasSharedData(...TAOBAO))('funnel_analysis on the Taobao sample', () => {
  describeEachDriver('real data', (use, driver) => {
    beforeAll(async () => {
      await runImport(use(), { entity: 'events', file: sharedDataPath(...TAOBAO), preset: 'taobao' });
    });

    it('view → cart → purchase matches an independent computation over the raw file', async () => {
      const args = { steps: ['view', 'cart', 'purchase'], from: '2017-11-25', to: '2017-12-03', windowDays: 30 };
      const started = performance.now();
      const out = (await runTool('funnel_analysis', args, { db: use(), clock: fixedClock('2017-12-31'), role: 'analyst' })) as any;
      const ms = Math.round(performance.now() - started);
      const users = out.steps.map((s: any) => s.users);
      expect(users[0]).toBe(43);
      const from = Date.parse('2017-11-25T00:00:00Z') / 1000;
      const to = Date.parse('2017-12-04T00:00:00Z') / 1000;
      expect(users).toEqual(taobaoFunnel(args.steps, from, to, 30 * 86_400));
      console.log(`[${driver}] Taobao funnel view → cart → purchase: ${users.join(' → ')}; ${JSON.stringify(out.biggestDropOff)}; ${ms} ms`);
    });
  });
});
