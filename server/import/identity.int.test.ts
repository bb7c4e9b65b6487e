import { expect, it } from 'vitest';
import { describeEachDriver } from '../testing/db.ts';
import { fixtureFile } from '../testing/files.ts';
import { runImport } from './run.ts';

const customers = (rows: string[]) => fixtureFile(`c-${Math.random()}.csv`, ['external_id,email,phone,name,country', ...rows].join('\n'));

describeEachDriver('identity resolution', (use) => {
  const identitiesOf = async (customerId: number) =>
    (
      await use().query<{ kind: string; source: string; value: string }>(
        'SELECT kind, source, value FROM customer_identities WHERE customer_id = $1 ORDER BY kind, value',
        [customerId],
      )
    ).rows;

  it('links records that share a normalized email or phone, transitively, within one file', async () => {
    const file = customers([
      'A1, Ann@Example.com ,,Ann Lee,',
      'A2,,+44 20 7946 0018,,United Kingdom',
      // shares A1's email (other case/spaces) and A2's phone (national format): all three are one person
      ',ANN@example.COM,020 7946 0018,Ann Lee-Smith,United Kingdom',
      'B1,bob@example.com,,Bob,Germany',
    ]);
    const summary = await runImport(use(), { entity: 'customers', file, source: 'shop' });
    expect(summary).toMatchObject({ read: 4, inserted: 2, rejected: 0 });
    const { rows } = await use().query<{ id: number; name: string; email: string; phone: string; country: string }>(
      'SELECT id, name, email, phone, country FROM customers ORDER BY id',
    );
    expect(rows).toHaveLength(2);
    // Later rows win for non-empty values; empty values never erase.
    expect(rows[0]).toMatchObject({ name: 'Ann Lee-Smith', email: 'ann@example.com', phone: '+442079460018', country: 'United Kingdom' });
    expect(await identitiesOf(rows[0]!.id)).toEqual([
      { kind: 'email', source: '', value: 'ann@example.com' },
      { kind: 'external_id', source: 'shop', value: 'A1' },
      { kind: 'external_id', source: 'shop', value: 'A2' },
      { kind: 'phone', source: '', value: '+442079460018' },
    ]);
    expect(rows[1]).toMatchObject({ name: 'Bob', country: 'Germany' });
  });

  it('merges existing customers when a new record proves they are one person, moving their orders', async () => {
    await runImport(use(), { entity: 'customers', file: customers(['C1,carl@example.com,,Carl,', 'C2,,+1 415 555 2671,,United States']), source: 'crm' });
    const before = await use().query<{ id: number }>(
      `SELECT customer_id AS id FROM customer_identities WHERE source = 'crm' AND value IN ('C1', 'C2') ORDER BY value`,
    );
    const [carl, phoneOnly] = before.rows.map((r) => r.id);
    expect(carl).not.toBe(phoneOnly);
    const orders = fixtureFile('o.csv', ['order_id,customer_id,ordered_at,unit_price', 'X1,C1,2024-01-01,10', 'X2,C2,2024-01-02,20'].join('\n'));
    await runImport(use(), { entity: 'orders', file: orders, source: 'crm' });

    const summary = await runImport(use(), { entity: 'customers', file: customers([',carl@example.com,(415) 555-2671,Carl Jung,United States']), source: 'crm' });
    expect(summary).toMatchObject({ read: 1, inserted: 0, updated: 1, details: { customers_merged: 1 } });
    const survivor = Math.min(carl!, phoneOnly!);
    const merged = Math.max(carl!, phoneOnly!);
    expect((await use().query('SELECT 1 FROM customers WHERE id = $1', [merged])).rows).toHaveLength(0);
    const moved = await use().query<{ external_id: string; customer_id: number }>(
      `SELECT external_id, customer_id FROM orders WHERE source = 'crm' ORDER BY external_id`,
    );
    expect(moved.rows).toEqual([
      { external_id: 'X1', customer_id: survivor },
      { external_id: 'X2', customer_id: survivor },
    ]);
    expect((await identitiesOf(survivor)).map((i) => i.value)).toEqual(['carl@example.com', 'C1', 'C2', '+14155552671']);
    const merges = await use().query('SELECT merged_id, survivor_id FROM customer_merges WHERE survivor_id = $1', [survivor]);
    expect(merges.rows).toEqual([{ merged_id: merged, survivor_id: survivor }]);
  });

  it('keeps different people apart: same name, different ids; same id in different sources', async () => {
    await runImport(use(), { entity: 'customers', file: customers(['7,,,Dana,', '8,,,Dana,']), source: 'erp' });
    await runImport(use(), { entity: 'customers', file: customers(['7,,,Dana from CRM,']), source: 'crm2' });
    const { rows } = await use().query<{ n: number }>(
      `SELECT count(DISTINCT customer_id) AS n FROM customer_identities WHERE source IN ('erp', 'crm2')`,
    );
    expect(rows[0]!.n).toBe(3);
  });

  it('re-importing the same customers changes nothing', async () => {
    const file = customers(['E1,eve@example.com,,Eve,France', 'E2,eve@example.com,,,']);
    const first = await runImport(use(), { entity: 'customers', file, source: 'e' });
    expect(first).toMatchObject({ inserted: 1, updated: 0 });
    const count = async () => (await use().query<{ n: number }>('SELECT count(*) AS n FROM customers')).rows[0]!.n;
    const n = await count();
    const second = await runImport(use(), { entity: 'customers', file, source: 'e' });
    expect(second).toMatchObject({ read: 2, inserted: 0, updated: 0, unchanged: 2 });
    expect(await count()).toBe(n);
  });
});
