import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import pg from 'pg';
import { openDb, type Db } from '../../server/db/index.ts';
import { migrate } from '../../server/db/migrate.ts';
import { seedDemo } from '../../server/demo/seed.ts';
import { afterImport, refreshThemesAfterLoad } from '../../server/import/afterImport.ts';
import { loadConfig } from '../../server/config.ts';
import { ensureEmbeddings } from '../../server/feedback/lifecycle.ts';
import { runImport } from '../../server/import/run.ts';
import { sharedDataPath } from '../../server/testing/sharedData.ts';
import { fixedClock } from '../../tools/lib/clock.ts';
import type { DatasetName } from './schema.ts';
import { EVALS_DIR } from './schema.ts';

/**
 * The eval databases, built once and cached, keyed by a data version: a hash of everything that decides their
 * content (migrations, the demo generator, the importer, the summary and tag code, the Online Retail file's size and
 * time). PGlite: a data directory under $TMPDIR/sightline-evals, copied for each run (runs write audit rows, and two
 * runs must not share one directory). Postgres: a database per dataset and version on the given server, kept there.
 */
export const DEMO_CUSTOMERS = 5000;
export const DEMO_SEED = 42;
export const ONLINE_RETAIL_FILE = sharedDataPath('online_retail', 'online_retail.csv.gz');
const REPO = resolve(EVALS_DIR, '..');
const VERSION_SOURCES: Record<DatasetName, string[]> = {
  demo: ['server/db/migrations', 'server/db/summary.ts', 'server/db/rollups.ts', 'server/import/afterImport.ts', 'tools/lib/tags.ts', 'server/demo', 'server/feedback', 'evals/lib/datasets.ts'],
  online_retail: ['server/db/migrations', 'server/db/summary.ts', 'server/db/rollups.ts', 'server/import', 'tools/lib/tags.ts'],
};
const TODAY: Record<DatasetName, string> = { demo: '2026-11-01', online_retail: '2011-12-10' };

function filesUnder(path: string): string[] {
  if (!existsSync(path)) return [];
  if (statSync(path).isFile()) return [path];
  return readdirSync(path).sort().flatMap((f) => filesUnder(join(path, f))).filter((f) => !/\.test\.ts$/.test(f));
}

export function dataVersion(dataset: DatasetName): string {
  const hash = createHash('sha256').update(`${dataset}\n`);
  for (const file of VERSION_SOURCES[dataset].flatMap((p) => filesUnder(join(REPO, p)))) {
    hash.update(relative(REPO, file)).update(readFileSync(file));
  }
  if (dataset === 'demo') hash.update(`customers=${DEMO_CUSTOMERS} seed=${DEMO_SEED}`);
  else {
    const s = statSync(ONLINE_RETAIL_FILE);
    hash.update(`online_retail ${s.size} ${s.mtimeMs}`);
  }
  return hash.digest('hex').slice(0, 12);
}

export function datasetAvailable(dataset: DatasetName): boolean {
  return dataset === 'demo' || existsSync(ONLINE_RETAIL_FILE);
}

/** Fill a fresh migrated database with a dataset. */
export async function loadDataset(db: Db, dataset: DatasetName): Promise<void> {
  await migrate(db);
  const clock = fixedClock(TODAY[dataset]);
  if (dataset === 'demo') {
    await seedDemo(db, { customers: DEMO_CUSTOMERS, seed: DEMO_SEED });
    // Embed the feedback now (local embedder, never a remote endpoint), so the cached copy has the vectors and
    // the feedback tools do not redo it in every run. afterImport embeds them; ensureEmbeddings checks it did.
    const localOnly = { ...loadConfig(), EMBEDDINGS_BASE_URL: undefined, EMBEDDINGS_MODEL: undefined };
    await afterImport(db, 'all', clock, localOnly);
    await ensureEmbeddings(db, localOnly);
    // and its themes, as `sightline seed-demo` does: the first themes case reads them instead of clustering
    await refreshThemesAfterLoad(db, localOnly);
  } else {
    // the import runs afterImport itself (summary, tags, ANALYZE)
    await runImport(db, { entity: 'orders', file: ONLINE_RETAIL_FILE, preset: 'online-retail', map: {}, clock });
  }
}

export interface OpenedDataset {
  db: Db;
  /** How the database was obtained: built now, or reused from the cache. */
  origin: 'built' | 'cached';
  ms: number;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** postgres://… server to build/keep the eval databases on; default: PGlite. */
  databaseUrl?: string;
  cacheDir?: string;
  log?: (line: string) => void;
}

export async function openDataset(dataset: DatasetName, opts: OpenOptions = {}): Promise<OpenedDataset> {
  if (!datasetAvailable(dataset)) throw new Error(`dataset ${dataset}: ${ONLINE_RETAIL_FILE} not found`);
  const started = Date.now();
  const opened = opts.databaseUrl ? await openOnPostgres(dataset, opts.databaseUrl, opts) : await openOnPglite(dataset, opts);
  return { ...opened, ms: Date.now() - started };
}

async function openOnPglite(dataset: DatasetName, opts: OpenOptions) {
  const cacheRoot = opts.cacheDir ?? join(tmpdir(), 'sightline-evals');
  const cached = join(cacheRoot, `${dataset}-${dataVersion(dataset)}`);
  let origin: 'built' | 'cached' = 'cached';
  if (!existsSync(cached)) {
    origin = 'built';
    opts.log?.(`building ${dataset} (PGlite) into ${cached} …`);
    const building = `${cached}.building-${process.pid}`;
    rmSync(building, { recursive: true, force: true });
    mkdirSync(cacheRoot, { recursive: true });
    const db = await openDb(`pglite://${building}`);
    try {
      await loadDataset(db, dataset);
    } finally {
      await db.close();
    }
    // another run may have finished first: keep its copy
    if (existsSync(cached)) rmSync(building, { recursive: true, force: true });
    else renameSync(building, cached);
    pruneStale(cacheRoot, dataset, cached);
  }
  const work = join(cacheRoot, `run-${dataset}-${process.pid}-${Date.now()}`);
  cpSync(cached, work, { recursive: true });
  const db = await openDb(`pglite://${work}`);
  return {
    db,
    origin,
    close: async () => {
      await db.close();
      rmSync(work, { recursive: true, force: true });
    },
  };
}

/** Older versions of a dataset are never opened again: remove them (not other runs' working copies). */
function pruneStale(cacheRoot: string, dataset: DatasetName, keep: string): void {
  for (const name of readdirSync(cacheRoot)) {
    if (name.startsWith(`${dataset}-`) && /^[a-z_]+-[0-9a-f]{12}$/.test(name) && join(cacheRoot, name) !== keep) {
      rmSync(join(cacheRoot, name), { recursive: true, force: true });
    }
  }
}

async function admin(url: string, sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

async function openOnPostgres(dataset: DatasetName, url: string, opts: OpenOptions) {
  const name = `sightline_eval_${dataset}_${dataVersion(dataset)}`;
  const urlFor = (db: string) => Object.assign(new URL(url), { pathname: `/${db}` }).toString();
  const exists = async (db: string) => (await admin(url, `SELECT 1 FROM pg_database WHERE datname = '${db}'`)).rowCount! > 0;
  let origin: 'built' | 'cached' = 'cached';
  if (!(await exists(name))) {
    origin = 'built';
    const building = `${name}_b${process.pid}`;
    opts.log?.(`building ${dataset} (Postgres) as ${name} …`);
    await admin(url, `DROP DATABASE IF EXISTS ${building}`);
    await admin(url, `CREATE DATABASE ${building}`);
    const db = await openDb(urlFor(building));
    try {
      await loadDataset(db, dataset);
    } finally {
      await db.close();
    }
    if (await exists(name)) await admin(url, `DROP DATABASE ${building} WITH (FORCE)`);
    else await admin(url, `ALTER DATABASE ${building} RENAME TO ${name}`);
  }
  const db = await openDb(urlFor(name));
  return { db, origin, close: () => db.close() };
}

export { TODAY as DATASET_TODAY };
