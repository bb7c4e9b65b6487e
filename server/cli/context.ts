import { loadConfig, type Config } from '../config.ts';
import { openDb, type Db } from '../db/index.ts';
import { migrate } from '../db/migrate.ts';

/** Open the configured database, migrated, run `fn`, and always close it. */
export async function withDb<T>(fn: (db: Db, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = await openDb(config.DATABASE_URL);
  try {
    await migrate(db);
    return await fn(db, config);
  } finally {
    await db.close();
  }
}
