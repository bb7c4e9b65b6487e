import { clockFromConfig } from '../tools/lib/clock.ts';
import { buildApp } from './app.ts';
import { afterImport, describeThemesAfterLoad, refreshThemesAfterLoad } from './import/afterImport.ts';
import { loadConfig, type Config } from './config.ts';
import { openDb, type Db } from './db/index.ts';
import { migrate } from './db/migrate.ts';

/** An empty database gets the demo shop on first start, so a new user has something to ask about. */
async function seedIfEmpty(db: Db, config: Config, log: (msg: string) => void): Promise<boolean> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*) AS n FROM customers');
  if (rows[0]!.n > 0) return false;
  log('empty database: seeding demo data (sightline seed-demo)…');
  const { seedDemo } = await import('./demo/seed.ts');
  const counts = await seedDemo(db, {});
  await afterImport(db, [], clockFromConfig(config), config); // seedDemo fills the summary itself; tags and statistics follow
  log(`demo data seeded: ${JSON.stringify(counts)}`);
  return true;
}

export async function startServer({ seed = true } = {}) {
  const config = loadConfig();
  const db = await openDb(config.DATABASE_URL);
  await migrate(db);
  const app = await buildApp({ db, config });
  const seeded = seed && (await seedIfEmpty(db, config, (msg) => app.log.info(msg)));
  app.addHook('onClose', () => db.close());

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info(`${signal}: finishing in-flight requests and closing the database`);
    try {
      await app.close();
      process.exit(0);
    } catch (err) {
      app.log.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));

  await app.listen({ port: config.PORT, host: config.HOST });
  // the demo's feedback themes (~20 s) while the server already answers; a themes question meanwhile clusters itself
  if (seeded) {
    void refreshThemesAfterLoad(db, config).then((r) => {
      const line = describeThemesAfterLoad(r);
      if (line) app.log.info(line);
    });
  }
  return app;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await startServer();
}
