import type { Db } from '../db/index.ts';
import { refreshRollups, type RollupRefresh } from '../db/rollups.ts';
import { refreshCustomerSummary } from '../db/summary.ts';
import { recomputeTags, type TagRecompute } from '../../tools/lib/tags.ts';
import type { Clock } from '../../tools/lib/clock.ts';

export interface AfterImportResult {
  summaryRows: number;
  rollups: RollupRefresh;
  tags: TagRecompute[];
}

/**
 * What must follow every import so tools see the new data: the per-customer summary of the customers the import
 * touched (incremental), the rollup tables of the days and customer-months new rows touched (server/db/rollups.ts;
 * in full when the import updated rows, `'all'`), rule-based tags (they depend on the summary), and fresh planner statistics — without
 * ANALYZE the planner treats freshly loaded tables as nearly empty and picks quadratic plans.
 */
export async function afterImport(db: Db, touchedCustomers: Iterable<number> | 'all', clock: Clock): Promise<AfterImportResult> {
  const ids = touchedCustomers === 'all' ? 'all' : [...new Set(touchedCustomers)];
  const { summaryRows, rollups } = await db.transaction(async (tx) => ({
    summaryRows: await refreshCustomerSummary(tx, ids),
    rollups: await refreshRollups(tx, ids === 'all' ? 'all' : 'incremental'),
  }));
  const tags = await recomputeTags(db, clock);
  await db.exec('ANALYZE customers, customer_identities, orders, order_lines, events, feedback, customer_summary, customer_tags, ' +
    'sales_daily, sales_daily_category, customer_months, events_daily');
  return { summaryRows, rollups, tags };
}
