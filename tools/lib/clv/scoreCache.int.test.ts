import { expect, it } from 'vitest';
import { refreshCustomerSummary } from '../../../server/db/summary.ts';
import { describeEachDriver } from '../../../server/testing/db.ts';
import { loadTinyShop } from '../../../server/testing/fixtures.ts';
import { summaryDataVersion } from './scoreCache.ts';

describeEachDriver('customer_summary data version (write log, migration 0012)', (use) => {
  it('moves with every committed write of the summary and not with a rolled-back one', async () => {
    const db = use();
    await loadTinyShop(db);
    const seen = [await summaryDataVersion(db)];
    const changed = async () => {
      const v = await summaryDataVersion(db);
      expect(seen).not.toContain(v);
      seen.push(v);
    };
    await refreshCustomerSummary(db, 'all');
    await changed();
    await db.query(`UPDATE customer_summary SET revenue = revenue + 1 WHERE customer_id = 1`);
    await changed();
    // A statement that touches no row still counts (a needless recomputation, never a stale answer).
    await db.query(`DELETE FROM customer_summary WHERE customer_id = -1`);
    await changed();
    const before = await summaryDataVersion(db);
    await expect(db.transaction(async (tx) => {
      await tx.query(`DELETE FROM customer_summary WHERE customer_id = 2`);
      throw new Error('abort');
    })).rejects.toThrow('abort');
    expect(await summaryDataVersion(db)).toBe(before);
    // Reads of the summary leave it alone.
    await db.query(`SELECT count(*) FROM customer_summary`);
    expect(await summaryDataVersion(db)).toBe(before);
  });
});
