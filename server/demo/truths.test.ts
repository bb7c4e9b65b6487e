import { afterAll, beforeAll, describe } from 'vitest';
import { describeEachDriver, openTestDb } from '../testing/db.ts';
import type { Db } from '../db/types.ts';
import { seedDemo } from './seed.ts';
import { plantedTruthChecks } from './truthChecks.ts';

describeEachDriver('demo planted truths (800 customers)', (use) => {
  beforeAll(async () => {
    await seedDemo(use(), { customers: 800 });
  });
  plantedTruthChecks(use, 800);
});

/**
 * The full 5,000-customer demo (seed 42) on PGlite: the numbers docs/demo-data.md quotes. It takes ~20–30 s, so it
 * runs only with SIGHTLINE_DEMO_FULL=1.
 */
describe.runIf(process.env.SIGHTLINE_DEMO_FULL === '1')('demo planted truths (5,000 customers, PGlite)', () => {
  let db: Db | undefined;
  beforeAll(async () => {
    db = await openTestDb('pglite');
    await seedDemo(db);
  }, 120_000);
  afterAll(async () => {
    await db?.close();
  });
  plantedTruthChecks(() => db!, 5000);
});
