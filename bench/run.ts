import { rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { openDb, type Db } from '../server/db/index.ts';
import { migrate } from '../server/db/migrate.ts';
import type { DriverName } from '../server/db/types.ts';
import type { DuckResult } from './duckdb.ts';
import { runFeedbackBench, type FeedbackBenchResult } from './feedback.ts';
import { generateShop, type GeneratedShop } from './generate.ts';
import { timeRfmPeers, timeTools, type CaseResult, type RfmPeers } from './harness.ts';
import { importNewOrders, loadShop, type LoadTimings, type RefreshPeer } from './load.ts';
import { runPlannerBench, type PlannerBenchResult } from './planner.ts';

export interface BenchOptions {
  customers: number;
  orders: number;
  events: number;
  drivers: readonly DriverName[];
  repeats: number;
  duckdb: boolean;
  seed?: number;
  /** Feedback rows for the feedback bench (bench/feedback.ts); 0 or omitted = skipped. */
  feedback?: number;
  /** Also time the offline planner on the demo eval dataset (bench/planner.ts); omitted = skipped. */
  planner?: boolean;
  /** Orders imported for the incremental summary refresh peer (default 10,000). */
  newOrders?: number;
  /** Server for the Postgres run (a fresh database is created on it and dropped): default TEST_DATABASE_URL. */
  postgresUrl?: string;
  log?: (line: string) => void;
  /** Called with each driver's database right after loading, before any tool runs (tests count rows here). */
  inspect?: (db: Db, driver: DriverName) => Promise<void>;
}

export interface DriverRun {
  driver: DriverName;
  version: string;
  sizeBytes: number;
  load: LoadTimings;
  cases: CaseResult[];
  rfm: RfmPeers;
  refresh: RefreshPeer;
  feedback?: FeedbackBenchResult;
}

export interface MachineInfo {
  cores: number;
  cpu: string;
  memoryGb: number;
  node: string;
  platform: string;
  date: string;
  loadAvgStart: number[];
  loadAvgEnd: number[];
  /** 1-minute load average sampled every 10 s during the run: other work on the machine skews timings. */
  loadDuring: { mean: number; max: number };
}

export interface BenchResult {
  options: Omit<BenchOptions, 'log' | 'inspect'>;
  machine: MachineInfo;
  shop: Pick<GeneratedShop, 'counts' | 'ms'>;
  drivers: DriverRun[];
  duck: DuckResult | { error: string } | null;
  planner?: PlannerBenchResult;
  totalMs: number;
}

export const DEFAULT_POSTGRES_URL = 'postgres://root@127.0.0.1:5432/test';

/** Open a fresh, migrated database for a driver; `dispose` closes it and removes it (directory or database). */
export async function freshDb(driver: DriverName, stamp: string, postgresUrl: string): Promise<{ db: Db; dispose: () => Promise<void> }> {
  if (driver === 'pglite') {
    const dir = join(tmpdir(), `sightline-bench-${stamp}-pglite`);
    const db = await openDb(`pglite://${dir}`);
    await migrate(db);
    return { db, dispose: async () => (await db.close(), rmSync(dir, { recursive: true, force: true })) };
  }
  const name = `sightline_bench_${stamp}`;
  const admin = await openDb(postgresUrl);
  await admin.exec(`CREATE DATABASE ${name}`);
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  const db = await openDb(url.toString());
  const dispose = async () => {
    await db.close().catch(() => undefined);
    await admin.exec(`DROP DATABASE IF EXISTS ${name}`);
    await admin.close();
  };
  try {
    await migrate(db);
  } catch (err) {
    await dispose();
    throw err;
  }
  return { db, dispose };
}

async function runDriver(driver: DriverName, shop: GeneratedShop, opts: BenchOptions, stamp: string): Promise<DriverRun> {
  const log = opts.log ?? (() => {});
  log(`${driver}: loading`);
  const { db, dispose } = await freshDb(driver, stamp, opts.postgresUrl ?? process.env.TEST_DATABASE_URL ?? DEFAULT_POSTGRES_URL);
  try {
    const load = await loadShop(db, shop, log);
    await opts.inspect?.(db, driver);
    const { rows } = await db.query<{ version: string; size: number }>(
      `SELECT current_setting('server_version') AS version, pg_database_size(current_database()) AS size`,
    );
    log(`${driver}: timing tools (${opts.repeats} calls each after a warm-up)`);
    const cases = await timeTools(db, { repeats: opts.repeats, log });
    const rfm = await timeRfmPeers(db, opts.repeats);
    const refresh = await importNewOrders(db, opts.newOrders ?? 10_000);
    log(`  RFM scan ${rfm.scan.p50.toFixed(1)} ms vs summary ${rfm.summary.p50.toFixed(1)} ms; refresh after ${refresh.orders} orders ${refresh.refreshMs.toFixed(0)} ms`);
    const feedback = opts.feedback ? await runFeedbackBench(db, driver, { rows: opts.feedback, log }) : undefined;
    return { driver, version: rows[0]?.version ?? '?', sizeBytes: Number(rows[0]?.size ?? 0), load, cases, rfm, refresh, feedback };
  } finally {
    await dispose();
  }
}

function machine(loadAvgStart: number[], samples: number[]): MachineInfo {
  const cpu = cpus();
  const all = samples.length ? samples : [loadavg()[0]!];
  return {
    cores: cpu.length,
    cpu: cpu[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    date: new Date().toISOString(),
    loadAvgStart,
    loadAvgEnd: loadavg(),
    loadDuring: { mean: all.reduce((a, b) => a + b, 0) / all.length, max: Math.max(...all) },
  };
}

/** Generate the shop once, then load and time it on each driver in turn (never concurrently), then on DuckDB. */
export async function runBench(opts: BenchOptions): Promise<BenchResult> {
  const started = performance.now();
  const loadAvgStart = loadavg();
  const loadSamples: number[] = [];
  const sampler = setInterval(() => loadSamples.push(loadavg()[0]!), 10_000).unref();
  const log = opts.log ?? (() => {});
  const stamp = `${Date.now()}_${process.pid}`;
  const dataDir = join(tmpdir(), `sightline-bench-${stamp}-data`);
  try {
    log(`generating ${opts.customers} customers, ${opts.orders} orders, ${opts.events} events`);
    const shop = generateShop(dataDir, { customers: opts.customers, orders: opts.orders, events: opts.events, seed: opts.seed ?? 42 });
    log(`  generated in ${(shop.ms / 1000).toFixed(1)} s: ${JSON.stringify(shop.counts)}`);
    const drivers: DriverRun[] = [];
    for (const driver of opts.drivers) drivers.push(await runDriver(driver, shop, opts, stamp));
    let duck: BenchResult['duck'] = null;
    if (opts.duckdb) {
      log('duckdb: loading');
      try {
        const { runDuck } = await import('./duckdb.ts');
        duck = await runDuck(shop, opts.repeats, log);
      } catch (err) {
        duck = { error: (err as Error).message };
        log(`  DuckDB skipped: ${duck.error}`);
      }
    }
    const planner = opts.planner ? await runPlannerBench({ drivers: opts.drivers, postgresUrl: opts.postgresUrl, log }) : undefined;
    const { log: _log, inspect: _inspect, ...options } = opts;
    return { options, machine: machine(loadAvgStart, loadSamples), shop: { counts: shop.counts, ms: shop.ms }, drivers, duck, planner, totalMs: performance.now() - started };
  } finally {
    clearInterval(sampler);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
