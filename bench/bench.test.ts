import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Db } from '../server/db/index.ts';
import { CASES, TIMED_ELSEWHERE } from './cases.ts';
import { generateShop } from './generate.ts';
import { benchContext, percentile, registeredTools } from './harness.ts';
import { END, markdownSection, replaceSection, reportRows, START, targetStatus } from './report.ts';
import { runBench, type BenchResult } from './run.ts';
import { DUCK_QUESTIONS, runDuck } from './duckdb.ts';

const SMOKE = { customers: 2000, orders: 20000, events: 40000 };

describe('bench harness (smoke size, PGlite only)', () => {
  let counts: Record<string, number> = {};
  let result: BenchResult;

  it('generates, loads and times every registered tool', async () => {
    result = await runBench({
      ...SMOKE,
      drivers: ['pglite'],
      repeats: 2,
      duckdb: false,
      newOrders: 1000,
      // Counted independently of the generator's own tallies, right after the load.
      inspect: async (db: Db) => {
        const { rows } = await db.query<Record<string, number>>(
          `SELECT (SELECT count(*) FROM customers) AS customers, (SELECT count(*) FROM orders) AS orders,
                  (SELECT count(*) FROM events) AS events, (SELECT count(*) FROM order_lines) AS lines,
                  (SELECT sum(line_count) FROM orders) AS line_count_sum,
                  (SELECT count(*) FROM customer_summary) AS summary_rows,
                  (SELECT count(DISTINCT customer_id) FROM orders WHERE kind = 'order') AS buyers,
                  (SELECT count(*) FROM orders WHERE kind = 'return' AND revenue <> 0) AS returns_with_revenue,
                  (SELECT count(*) FROM orders WHERE customer_id IS NULL) AS guests,
                  (SELECT count(*) FROM events WHERE occurred_at >= '2025-01-01' OR occurred_at < '2024-01-01') AS events_outside,
                  (SELECT count(*) FROM orders WHERE ordered_at >= '2025-01-01' OR ordered_at < '2022-01-01') AS orders_outside`,
        );
        counts = rows[0]!;
      },
    });
    expect(counts.customers).toBe(SMOKE.customers);
    expect(counts.orders).toBe(SMOKE.orders);
    expect(counts.events).toBe(SMOKE.events);
    expect(counts.lines).toBe(result.shop.counts.order_lines);
    expect(counts.line_count_sum).toBe(counts.lines);
    expect(counts.summary_rows).toBe(counts.buyers);
    expect(counts.returns_with_revenue).toBe(0);
    expect(counts.guests).toBe(Math.round(SMOKE.orders * 0.03));
    expect(counts.events_outside).toBe(0);
    expect(counts.orders_outside).toBe(0);
  }, 240_000); // ~35 s quiet; generous so a busy CI machine does not fail it

  it('has a timing per registered tool and the peers', () => {
    const [run] = result.drivers;
    expect(run?.driver).toBe('pglite');
    const tools = registeredTools(benchContext(null as unknown as Db));
    const timed = new Set(run!.cases.map((c) => c.tool));
    for (const tool of tools) expect(timed.has(tool), tool).toBe(!TIMED_ELSEWHERE.has(tool));
    for (const c of run!.cases) {
      expect(c.timing.error, c.label).toBeUndefined();
      const repeats = Math.min(2, CASES.find((k) => k.label === c.label)?.maxRepeats ?? 2);
      expect(c.timing.n, c.label).toBe(repeats);
      expect(c.timing.p95).toBeGreaterThanOrEqual(c.timing.p50);
    }
    expect(run!.rfm.scan.n).toBe(2);
    expect(run!.rfm.tiers!.reduce((s, t) => s + t.customers, 0)).toBe(counts.buyers);
    expect(run!.refresh.orders).toBe(1000);
    expect(run!.refresh.refreshMs).toBeGreaterThan(0);
    expect(result.duck).toBeNull();
  });

  it('renders one table row per case and peer, with a target verdict', () => {
    const rows = reportRows(result);
    expect(rows).toHaveLength(result.drivers[0]!.cases.length + 6); // two RFM peers, COPY, the refresh and its two parts
    for (const row of rows) expect(targetStatus(row)).toMatch(/^(✓|✗ |—)/);
    const md = markdownSection(result);
    expect(md).toContain('| Tool / question | PGlite p50 |');
    expect(md).toContain('2,000 customers, 20,000 orders');
  });
});

describe('bench pieces', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('generates the same files from the same seed', () => {
    const make = () => {
      const dir = mkdtempSync(join(tmpdir(), 'sightline-bench-test-'));
      dirs.push(dir);
      generateShop(dir, { customers: 300, orders: 3000, events: 5000, seed: 7, chunkRows: 1000 });
      return readdirSync(dir).sort().map((f) => readFileSync(join(dir, f), 'utf8'));
    };
    const [a, b] = [make(), make()];
    expect(a.length).toBeGreaterThan(4);
    expect(a).toEqual(b);
  });

  it('nearest-rank percentiles', () => {
    const xs = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(percentile(xs, 0.5)).toBe(10);
    expect(percentile(xs, 0.95)).toBe(19);
    expect(percentile([5], 0.95)).toBe(5);
  });

  it('replaces only its own section of the report file', () => {
    const other = '# Benchmarks\n\n## Import\n\nhand-written numbers\n';
    const first = replaceSection(other, 'v1');
    expect(first).toContain('## Import\n\nhand-written numbers');
    expect(first).toContain(`${START}\nv1\n${END}`);
    const second = replaceSection(`${first}\n## Later section\n`, 'v2');
    expect(second).not.toContain('v1');
    expect(second).toContain(`${START}\nv2\n${END}`);
    expect(second).toContain('## Import\n\nhand-written numbers');
    expect(second).toContain('## Later section');
    expect(replaceSection(null, 'x')).toBe(`# Benchmarks\n\n${START}\nx\n${END}\n`);
  });
});

describe('DuckDB peer (smoke size)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-duck-smoke-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('answers every DuckDB question with the shared SQL (portable to DuckDB) and sane results', async () => {
    const shop = generateShop(dir, { customers: 300, orders: 3000, events: 6000 });
    const duck = await runDuck(shop, 1);
    for (const q of DUCK_QUESTIONS) {
      expect(duck.questions[q.name]?.error, q.name).toBeUndefined();
      expect(duck.rows[q.name]?.length, q.name).toBeGreaterThan(0);
    }
  }, 120_000);
});
