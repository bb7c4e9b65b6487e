/**
 * Where does a slow tool spend its time? Runs bench cases against a database loaded with the bench shop, records
 * every query the tool issues (SQL, parameters, ms), and prints them slowest first, with EXPLAIN (ANALYZE, BUFFERS)
 * of the slowest (Postgres; PGlite prints the plan the same way).
 *
 *   npx tsx bench/profile.ts --url postgres://root@127.0.0.1:5432/bench_profile --load   # once: generate + load
 *   npx tsx bench/profile.ts --url postgres://root@127.0.0.1:5432/bench_profile --case "kpi_trend aov" --explain
 *   npx tsx bench/profile.ts --url pglite:///tmp/bench_profile --case "cohort" --repeats 10   # p50 / p95 of N calls
 *   npx tsx bench/profile.ts --url … --refresh 10000 --repeats 5   # incremental refresh after 10k new orders
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openDb, type Db, type Queryable } from '../server/db/index.ts';
import { migrate } from '../server/db/migrate.ts';
import { runTool } from '../tools/registry.ts';
import { casesFor } from './cases.ts';
import { generateShop } from './generate.ts';
import { benchContext, fmtMs, registeredTools, timeCalls } from './harness.ts';
import { copyNewOrders, loadShop, newOrderRows, timedRefresh } from './load.ts';

export interface TracedQuery {
  sql: string;
  params: readonly unknown[];
  ms: number;
  /** SET statements run before it in the same transaction (e.g. work_mem), replayed for its EXPLAIN. */
  settings: string[];
}

/** The same Queryable, recording every query into `trace`. */
function traced(q: Queryable, trace: TracedQuery[]): Queryable {
  const settings: string[] = [];
  return {
    driver: q.driver,
    async query(sql, params = []) {
      const started = performance.now();
      try {
        return await q.query(sql, params);
      } finally {
        trace.push({ sql, params, ms: performance.now() - started, settings: [...settings] });
      }
    },
    exec: (sql) => {
      if (/^\s*SET\s/i.test(sql)) settings.push(sql);
      return q.exec(sql);
    },
    copyFrom: (table, columns, text) => q.copyFrom(table, columns, text),
  };
}

/** The same Db, recording every query (also inside transactions) into `trace`. */
export function tracing(db: Db, trace: TracedQuery[]): Db {
  return { ...traced(db, trace), driver: db.driver, transaction: (fn, options) => db.transaction((tx) => fn(traced(tx, trace)), options), close: () => db.close() };
}

const oneLine = (sql: string) => sql.replace(/\s+/g, ' ').trim();

class RolledBack extends Error {}

/**
 * The bench's refresh step (bench/load.ts importNewOrders) repeatably: COPY `n` new orders with their lines, then the
 * summary (+ RFM scores) and the rollups of the touched customers, in one transaction that is rolled back, so the
 * same database serves every repeat. Prints each repeat and the median; with --explain also the 12 slowest statements of each repeat.
 */
async function timeRefresh(db: Db, n: number, repeats: number, slowest: number): Promise<void> {
  const totals: number[] = [];
  for (let rep = 0; rep < repeats; rep++) {
    const times: Record<string, number> = {};
    await db.transaction(async (tx) => {
      const rows = await newOrderRows(tx, n, 7 + rep);
      await copyNewOrders(tx, rows);
      const trace: TracedQuery[] = [];
      const { summaryMs, rollupMs } = await timedRefresh(traced(tx, trace), rows.ids);
      for (const t of [...trace].sort((a, b) => b.ms - a.ms).slice(0, slowest)) console.log(`  - ${t.ms.toFixed(0)} ms: ${oneLine(t.sql).slice(0, 160)}`);
      Object.assign(times, { customers: rows.ids.length, summaryMs, rollupsMs: rollupMs, totalMs: summaryMs + rollupMs });
      throw new RolledBack();
    }).catch((err: unknown) => {
      if (!(err instanceof RolledBack)) throw err;
    });
    totals.push(times.totalMs!);
    console.log(`refresh ${rep + 1}: ${times.customers} customers, summary + RFM ${fmtMs(times.summaryMs!)}, rollups ${fmtMs(times.rollupsMs!)}, total ${fmtMs(times.totalMs!)}`);
  }
  console.log(`refresh after ${n} orders: median ${fmtMs([...totals].sort((a, b) => a - b)[Math.floor((totals.length - 1) / 2)]!)} of ${repeats}`);
}

async function main() {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      load: { type: 'boolean', default: false },
      customers: { type: 'string', default: '100000' },
      orders: { type: 'string', default: '1000000' },
      events: { type: 'string', default: '2000000' },
      case: { type: 'string', default: '' },
      explain: { type: 'boolean', default: false },
      repeats: { type: 'string', default: '0' },
      refresh: { type: 'string', default: '0' },
    },
  });
  if (!values.url) throw new Error('--url <database url> is required');
  const db = await openDb(values.url);
  try {
    if (values.load) {
      await migrate(db);
      const dir = mkdtempSync(join(tmpdir(), 'sightline-bench-profile-'));
      try {
        const shop = generateShop(dir, { customers: Number(values.customers), orders: Number(values.orders), events: Number(values.events) });
        await loadShop(db, shop, console.log);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      return;
    }
    if (Number(values.refresh) > 0) {
      await timeRefresh(db, Number(values.refresh), Math.max(1, Number(values.repeats)), values.explain ? 12 : 0);
      return;
    }
    const trace: TracedQuery[] = [];
    const ctx = { ...benchContext(tracing(db, trace)) };
    for (const c of casesFor(registeredTools(ctx)).filter((k) => k.label.includes(values.case))) {
      await runTool(c.tool, c.args, ctx); // warm-up
      trace.length = 0;
      const started = performance.now();
      await runTool(c.tool, c.args, ctx);
      const total = performance.now() - started;
      const sqlMs = trace.reduce((s, t) => s + t.ms, 0);
      console.log(`\n## ${c.label}: ${total.toFixed(0)} ms (${trace.length} queries, ${sqlMs.toFixed(0)} ms in SQL)`);
      const slowest = [...trace].sort((a, b) => b.ms - a.ms);
      for (const t of slowest.slice(0, 5)) console.log(`- ${t.ms.toFixed(0)} ms: ${oneLine(t.sql).slice(0, 300)} ${JSON.stringify(t.params).slice(0, 200)}`);
      const repeats = Number(values.repeats);
      if (repeats > 0) {
        // The bench's protocol on a kept database (bench/harness.ts timeCalls): a warm-up, then N timed calls.
        const { timing } = await timeCalls(() => runTool(c.tool, c.args, ctx), repeats, Infinity);
        console.log(`  ${timing.n} calls: p50 ${fmtMs(timing.p50)}, p95 ${fmtMs(timing.p95)}${timing.error ? ` ERROR ${timing.error}` : ''}`);
      }
      const top = slowest[0];
      if (values.explain && top) {
        const plan = await db.transaction(async (q) => {
          for (const setting of top.settings) await q.exec(setting);
          return q.query<Record<string, string>>(`EXPLAIN (ANALYZE, BUFFERS) ${top.sql}`, top.params);
        }, { readOnly: true });
        console.log(plan.rows.map((r) => Object.values(r)[0]).join('\n'));
      }
    }
  } finally {
    await db.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
