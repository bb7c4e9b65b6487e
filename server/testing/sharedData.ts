import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `../shared/data` beside the repo: real public data sets that are never copied into the repo. */
export const SHARED_DATA_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/data');

export function sharedDataPath(...parts: string[]): string {
  return join(SHARED_DATA_DIR, ...parts);
}

/**
 * Whether a test that needs a shared data file should run. Locally a missing folder skips the test with a message;
 * under CI=true the data is mandatory, so a missing file throws instead of silently skipping.
 */
export function hasSharedData(...parts: string[]): boolean {
  const path = sharedDataPath(...parts);
  if (existsSync(path)) return true;
  if (process.env.CI === 'true') throw new Error(`shared data set missing under CI: ${path}`);
  console.warn(`skipping: shared data not found at ${path}`);
  return false;
}
