import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CUSTOMERS_CSV, feedbackCsv } from '../feedback/testing.ts';
import { fixtureFile } from '../testing/files.ts';

const BIN = new URL('../../bin/sightline.js', import.meta.url).pathname;

function sightline(args: string[], env: Record<string, string> = {}) {
  const res = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, LOG_LEVEL: 'silent', ...env },
    timeout: 120_000,
  });
  return { code: res.status, out: res.stdout, err: res.stderr };
}

describe('sightline CLI', () => {
  const db = { DATABASE_URL: `pglite://${mkdtempSync(join(tmpdir(), 'sightline-cli-'))}` };

  it('--help lists the commands', () => {
    const { code, out } = sightline(['--help']);
    expect(code).toBe(0);
    for (const cmd of ['start', 'migrate', 'seed-demo', 'import', 'tool']) expect(out).toMatch(new RegExp(`^  ${cmd}\\b`, 'm'));
  });

  it('bad input exits non-zero with a one-line error', () => {
    const entity = sightline(['import', 'widgets', 'x.csv'], db);
    expect(entity.code).not.toBe(0);
    expect(entity.err).toContain(`argument 'entity'`);
    const config = sightline(['migrate'], { DATABASE_URL: 'mysql://localhost/x' });
    expect(config.code).not.toBe(0);
    expect(config.err.trim()).toBe(
      'sightline: invalid_config: invalid configuration: DATABASE_URL: must be pglite://<dir> or postgres://user@host:port/db',
    );
    const missing = sightline(['import', 'orders', '/no/such/file.csv'], db);
    expect(missing.code).toBe(2);
    expect(missing.err.trim()).toBe('sightline: not_found: file not found: /no/such/file.csv');
  });

  it('migrates once, imports, and re-imports as a no-op', () => {
    const fresh = { DATABASE_URL: `pglite://${mkdtempSync(join(tmpdir(), 'sightline-cli-'))}` };
    expect(sightline(['migrate'], fresh).out).toMatch(/^applied migrations: 1, 2(, \d+)*$/m);
    expect(sightline(['migrate'], fresh).out.trim()).toBe('database is up to date');
    const file = fixtureFile('cli-orders.csv', 'order_id,customer_id,ordered_at,quantity,unit_price\nA,c1,2024-01-01,2,3\nB,c2,2024-01-02,x,1\n');
    const first = sightline(['import', 'orders', file, '--json'], db);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.out)).toMatchObject({ read: 2, inserted: 1, rejected: 1, topRejectReasons: [{ reason: 'quantity is not a number: "x"' }] });
    const second = sightline(['import', 'orders', file], db);
    expect(second.out).toMatch(/inserted\s+0\n\s+updated\s+0\n\s+unchanged\s+1\n\s+rejected\s+1/);
  });

  it('importing feedback computes its themes, so the first feedback_themes call reads the stored run', () => {
    const fresh = { DATABASE_URL: `pglite://${mkdtempSync(join(tmpdir(), 'sightline-cli-'))}` };
    expect(sightline(['import', 'customers', fixtureFile('cli-customers.csv', CUSTOMERS_CSV), '--source', 'test'], fresh).out).not.toContain('themes');
    const imported = sightline(['import', 'feedback', fixtureFile('cli-feedback.csv', feedbackCsv()), '--source', 'test'], fresh);
    expect(imported.code).toBe(0);
    const line = imported.out.match(/^feedback themes computed: run (\d+), (\d+) themes over 14 feedback rows/m);
    expect(line).not.toBeNull();
    const tool = sightline(['tool', 'feedback_themes', '{}'], fresh);
    expect(tool.code).toBe(0);
    expect(JSON.parse(tool.out).run).toMatchObject({ id: Number(line![1]), reused: true, k: Number(line![2]), rows: 14 });
    // nothing new: no second run
    const again = sightline(['import', 'feedback', fixtureFile('cli-feedback.csv', feedbackCsv()), '--source', 'test'], fresh);
    expect(again.out).not.toContain('themes');
  });
});
