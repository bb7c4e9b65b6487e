import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../server/app.ts';
import { refreshCustomerSummary } from '../server/db/summary.ts';
import { describeEachDriver } from '../server/testing/db.ts';
import { loadTinyShop } from '../server/testing/fixtures.ts';
import { fixedClock } from './lib/clock.ts';
import { GLOSSARY } from './lib/glossary.ts';
import { describeTools, runTool } from './registry.ts';

describeEachDriver('tool registry', (use) => {
  const ctx = () => ({ db: use(), clock: fixedClock('2024-03-01'), role: 'analyst' as const });
  beforeAll(async () => {
    await loadTinyShop(use());
    await refreshCustomerSummary(use(), 'all');
  });

  it('describe_data reports the hand-made shop with a receipt', async () => {
    const out = (await runTool('describe_data', {}, ctx())) as any;
    expect(out.counts).toEqual({
      customers: 3, customersWithOrders: 2, orders: 5, returns: 1, guestOrders: 1, orderLines: 6, events: 0, feedback: 0,
    });
    expect(out.ranges.orders).toEqual({ from: '2024-01-01', to: '2024-02-02' });
    expect(out.dimensions.channel).toEqual([
      { value: 'web', count: 3 },
      { value: 'app', count: 1 },
      { value: 'store', count: 1 },
    ]);
    expect(out.dimensions.country.map((c: { value: string }) => c.value)).toEqual(['France', 'Germany', 'United Kingdom']);
    expect(out.meta).toMatchObject({ tool: 'describe_data', args: { maxValues: 50 }, asOf: '2024-03-01', definitions: { orders: GLOSSARY.orders } });
  });

  it('rejects bad arguments with a message naming the field', async () => {
    await expect(runTool('describe_data', { maxValues: 'lots' }, ctx())).rejects.toThrow(
      /^invalid arguments for describe_data: maxValues: Invalid input: expected number, received string$/,
    );
    await expect(runTool('drop_tables', {}, ctx())).rejects.toMatchObject({ code: 'not_found' });
  });

  it('runs tools in read-only transactions and audits each call', async () => {
    const { rows } = await use().query<{ n: number }>(`SELECT count(*) AS n FROM audit_log WHERE action = 'tool.run'`);
    expect(rows[0]!.n).toBeGreaterThan(0);
  });

  it('serves the registry over HTTP', async () => {
    const app = await buildApp({ db: use(), config: { LOG_LEVEL: 'silent', SIGHTLINE_TODAY: '2024-03-01' }, logger: false });
    const list = await app.inject('/api/tools');
    expect(list.json().tools.map((t: { name: string }) => t.name)).toContain('describe_data');
    const ok = await app.inject({ method: 'POST', url: '/api/tools/describe_data', payload: { maxValues: 1 } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().dimensions.channel).toEqual([{ value: 'web', count: 3 }]);
    const bad = await app.inject({ method: 'POST', url: '/api/tools/describe_data', payload: { maxValues: 0 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('invalid_argument');
    const unknown = await app.inject({ method: 'POST', url: '/api/tools/nope', payload: {} });
    expect(unknown.statusCode).toBe(404);
    await app.close();
  });
});

describe('tool contracts', () => {
  const ctx = { db: undefined as never, clock: fixedClock('2024-03-01'), role: 'analyst' as const };
  it('every input field of every tool has a description (the model reads them)', () => {
    for (const tool of describeTools(ctx)) {
      const props = (tool.inputSchema as { properties?: Record<string, { description?: string }> }).properties ?? {};
      for (const [field, schema] of Object.entries(props)) expect(schema.description, `${tool.name}.${field}`).toBeTruthy();
    }
  });

  it('docs/metrics.md documents every glossary metric with the same definition', () => {
    const doc = readFileSync(new URL('../docs/metrics.md', import.meta.url), 'utf8');
    for (const [metric, definition] of Object.entries(GLOSSARY)) {
      expect(doc, metric).toContain(`| \`${metric}\` | ${definition} |`);
    }
  });
});
