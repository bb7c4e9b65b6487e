import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dir = mkdtempSync(join(tmpdir(), 'sightline-test-'));

/** Write a fixture file (gzipped when the name ends in .gz) into a per-process temp dir; returns its path. */
export function fixtureFile(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, name.endsWith('.gz') ? gzipSync(content) : content);
  return path;
}
