import { expect, it } from 'vitest';
import { describeEachDriver } from '../testing/db.ts';
import { bulkRows } from './bulkRows.ts';

/**
 * bulkRows reads rows in the driver's cheaper shape (PGlite: one json array per column). Whatever the shape, a caller
 * must get what a plain query gives for the types it documents: integers and numeric as numbers, text and dates as
 * strings, booleans, NULLs — compared here with the rows of the same statement read as rows, on both drivers.
 */
interface R { id: number; big: number; amount: number; label: string | null; day: string; flag: boolean }
const COLUMNS = ['id', 'big', 'amount', 'label', 'day', 'flag'] as const;

describeEachDriver('bulkRows', (use) => {
  it('returns the rows a plain query returns (a SELECT with parameters)', async () => {
    const select = `SELECT g AS id, g::int8 * 1000000000 AS big, (g / 3.0)::numeric(12, 4) AS amount,
                           CASE WHEN g % 3 = 0 THEN NULL ELSE 'x' || g || ' "q", é' END AS label,
                           (date '2024-02-27' + g)::text AS day, g % 2 = 0 AS flag
                      FROM generate_series(1, $1::int) g ORDER BY g`;
    const plain = (await use().query<R>(select, [2000])).rows;
    const bulk = await bulkRows<R>(use(), { select }, [2000], COLUMNS);
    expect(bulk.sort((a, b) => a.id - b.id)).toEqual(plain);
    expect(bulk[0]).toEqual({ id: 1, big: 1_000_000_000, amount: 0.3333, label: 'x1 "q", é', day: '2024-02-28', flag: false });
    expect(await bulkRows<R>(use(), { select }, [0], COLUMNS)).toEqual([]);
  });

  it('keeps a data-modifying WITH list at the top level and returns what its final SELECT returns', async () => {
    await use().exec(`CREATE TABLE bulk_t (id int PRIMARY KEY, n int NOT NULL)`);
    await use().exec(`INSERT INTO bulk_t VALUES (1, 10), (2, 20)`);
    const rows = await bulkRows<{ id: number; n: number; inserted: boolean }>(
      use(),
      {
        withList: `up AS (INSERT INTO bulk_t AS t SELECT g, g FROM generate_series(1, $1::int) g
                          ON CONFLICT (id) DO UPDATE SET n = t.n + excluded.n RETURNING t.id, t.n, (t.xmax = 0) AS inserted)`,
        select: `SELECT id, n, inserted FROM up`,
      },
      [3],
      ['id', 'n', 'inserted'],
    );
    expect(rows.sort((a, b) => a.id - b.id)).toEqual([
      { id: 1, n: 11, inserted: false },
      { id: 2, n: 22, inserted: false },
      { id: 3, n: 3, inserted: true },
    ]);
  });
});
