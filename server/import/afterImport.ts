import type { Config } from '../config.ts';
import type { Db } from '../db/index.ts';
import { embedNewFeedback, type BackfillResult } from '../feedback/lifecycle.ts';
import { themeNamerFromConfig } from '../feedback/naming.ts';
import { refreshThemes, type ThemeRun } from '../feedback/themes.ts';
import { refreshRollups, type RollupRefresh } from '../db/rollups.ts';
import { refreshCustomerSummary } from '../db/summary.ts';
import { recomputeTags, type TagRecompute } from '../../tools/lib/tags.ts';
import type { Clock } from '../../tools/lib/clock.ts';

export interface AfterImportResult {
  summaryRows: number;
  rollups: RollupRefresh;
  tags: TagRecompute[];
  embeddings: BackfillResult;
}

/**
 * What must follow every import so tools see the new data: the per-customer summary of the customers the import
 * touched (incremental), the rollup tables of the days and customer-months new rows touched (server/db/rollups.ts;
 * in full when the import updated rows, `'all'`), rule-based tags (they depend on the summary), vectors for feedback rows
 * without one (server/feedback/lifecycle.ts; an embedder failure is logged, never thrown), and fresh planner statistics — without
 * ANALYZE the planner treats freshly loaded tables as nearly empty and picks quadratic plans.
 */
export async function afterImport(db: Db, touchedCustomers: Iterable<number> | 'all', clock: Clock, config?: Config): Promise<AfterImportResult> {
  const ids = touchedCustomers === 'all' ? 'all' : [...new Set(touchedCustomers)];
  const { summaryRows, rollups } = await db.transaction(async (tx) => ({
    summaryRows: await refreshCustomerSummary(tx, ids),
    rollups: await refreshRollups(tx, ids === 'all' ? 'all' : 'incremental'),
  }));
  const tags = await recomputeTags(db, clock);
  // Feedback rows still without a vector (seeded demo rows; an endpoint that failed during the import) get one now.
  const embeddings = await embedNewFeedback(db, config);
  await db.exec('ANALYZE customers, customer_identities, orders, order_lines, events, feedback, customer_summary, customer_tags, ' +
    'sales_daily, sales_daily_category, sales_daily_product, customer_months, customer_dim_months, customer_weeks, customer_rfm, events_daily, cohort_cells, ' +
    'customer_cohorts');
  return { summaryRows, rollups, tags, embeddings };
}

/**
 * Feedback themes computed when feedback is loaded (`sightline import feedback`, the demo seed), so the first "what are
 * customers complaining about?" reads a stored run instead of clustering while the person waits (~20 s for the demo's
 * 6k texts on these machines). The feedback_themes tool's default options, so its first call finds the run current.
 * A failure is reported, never thrown: the data is loaded either way, and the tool clusters on its first call.
 */
export async function refreshThemesAfterLoad(db: Db, config: Config): Promise<{ run: ThemeRun | null; error?: string }> {
  const { rows } = await db.query<{ any: boolean }>(`SELECT EXISTS (SELECT 1 FROM feedback) AS any`);
  if (!rows[0]?.any) return { run: null };
  try {
    return { run: await refreshThemes(db, config, { namer: themeNamerFromConfig(config) }) };
  } catch (err) {
    return { run: null, error: err instanceof Error ? err.message : String(err) };
  }
}

/** One line for the CLI and the server log about refreshThemesAfterLoad's outcome. */
export function describeThemesAfterLoad({ run, error }: { run: ThemeRun | null; error?: string }): string | null {
  if (error) return `feedback themes not computed (${error}); the feedback_themes tool will cluster on its first call`;
  if (!run) return null;
  return run.reused ? `feedback themes are current (run ${run.runId}, ${run.k} themes)`
    : `feedback themes computed: run ${run.runId}, ${run.k} themes over ${run.rows} feedback rows (${(run.ms / 1000).toFixed(1)} s)`;
}
