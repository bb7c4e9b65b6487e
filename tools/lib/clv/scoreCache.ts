/**
 * Reuse of per-customer CLV scores and of the churn model across tool calls (tables clv_score_sets / clv_scores,
 * migration 0011).
 *
 * The fit cache (fitCache.ts) removed the maximum-likelihood fit from repeated calls, but a hit still needs every
 * customer's (x, t_x, T) in JavaScript to hash, and customer_lifetime_value then scores all of them (a
 * hypergeometric series per customer): seconds for ~90k customers, most of it decoding rows on PGlite. Here a set of
 * results is keyed by the tool, its arguments after defaults, the code versions and the DATA VERSION of
 * customer_summary: the visible row count of its write log (customer_summary_writes, migration 0012), to which a
 * statement-level trigger appends a row for every statement that writes the summary. Committed writes only add rows,
 * so any committed change raises the count seen by a later snapshot (the migration explains why not max(id)); reading
 * it is a count over a narrow log instead of an aggregate over every summary row (which took most of a cached call on
 * PGlite). A statement that changed nothing also counts: that costs one recomputation, never a stale answer. A hit returns the
 * numbers stored when the set was computed by the ordinary path (float8 round-trips exactly), so answers are the
 * same bit for bit. Only the customer_summary path is cached (calibration to the last order day or later, same-day
 * orders merged); past calibration ends read orders and are computed per call, as before.
 * Tools run read-only, so new sets are written after their transaction (saveScoreSet); a failed write only costs a
 * recomputation next time.
 */
import { createHash } from 'node:crypto';
import type { Db, Queryable } from '../../../server/db/index.ts';
import { copyText } from '../../../server/db/copy.ts';
import { FIT_CODE_VERSION } from './fitCache.ts';

/** Bump whenever scoring or what a set stores changes: old sets stop matching. */
export const SCORE_CODE_VERSION = 2; // 2: churn_risk measures the own gap between order days
/** Sets kept per tool (newest first); ~90k rows each for customer_lifetime_value. */
export const KEEP_SETS_PER_TOOL = 4;

/** customer_lifetime_value: scores per customer; churn_risk: answers; churn_risk_model: the fitted BG/NBD. */
export type ScoreTool = 'customer_lifetime_value' | 'churn_risk' | 'churn_risk_model';

/** The data version of customer_summary: its write log's visible row count (see the file comment). */
export async function summaryDataVersion(q: Queryable): Promise<string> {
  const { rows } = await q.query<{ writes: string }>(`SELECT count(*)::text AS writes FROM customer_summary_writes`);
  return `writes:${rows[0]?.writes ?? '0'}`;
}

/** SHA-256 over the tool, the code versions, the data version and the arguments (keys sorted). */
export function scoreSetKey(tool: ScoreTool, dataVersion: string, args: Record<string, unknown>): string {
  const sorted = Object.fromEntries(Object.entries(args).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1)));
  return createHash('sha256')
    .update(JSON.stringify([tool, SCORE_CODE_VERSION, FIT_CODE_VERSION, dataVersion, sorted]))
    .digest('base64url');
}

export interface ScoreSet<R> {
  id: number;
  result: R;
}

export async function findScoreSet<R>(q: Queryable, key: string): Promise<ScoreSet<R> | null> {
  const { rows } = await q.query<{ id: number; result: R }>(`SELECT id, result FROM clv_score_sets WHERE set_key = $1`, [key]);
  return rows[0] ? { id: Number(rows[0].id), result: rows[0].result } : null;
}

/** One customer's stored scores (units of the set). */
export interface StoredScore {
  id: number;
  x: number;
  tx: number;
  T: number;
  pAlive: number;
  expectedPurchases: number;
  expectedValue: number;
  clv: number;
}

const SCORE_COLUMNS = `customer_id::float8 AS id, x, tx, t AS "T", p_alive AS "pAlive", expected_purchases AS "expectedPurchases",
  expected_value AS "expectedValue", clv`;

/** The `limit` highest CLVs of a set, ties by lower id (an index range scan of clv_scores_top_idx). */
export async function topScores(q: Queryable, setId: number, limit: number): Promise<StoredScore[]> {
  const { rows } = await q.query<StoredScore>(
    `SELECT ${SCORE_COLUMNS} FROM clv_scores WHERE set_id = $1 ORDER BY clv DESC, customer_id LIMIT $2`,
    [setId, limit],
  );
  return rows;
}

/** The stored scores of the given customers (those in the set; order not guaranteed). */
export async function scoresOf(q: Queryable, setId: number, ids: readonly number[]): Promise<StoredScore[]> {
  const { rows } = await q.query<StoredScore>(`SELECT ${SCORE_COLUMNS} FROM clv_scores WHERE set_id = $1 AND customer_id = ANY($2::int8[])`, [
    setId,
    ids,
  ]);
  return rows;
}

export interface PendingScoreSet {
  tool: ScoreTool;
  key: string;
  result: unknown;
  customers: number;
  /** Per-customer rows (customer_lifetime_value only). */
  scores?: readonly StoredScore[];
}

/**
 * Store a set and its rows in one transaction (readers never see a set without all its rows), then prune the tool's
 * sets to the KEEP_SETS_PER_TOOL newest. A concurrent writer of the same key wins; we keep quiet.
 */
export async function saveScoreSet(db: Db, pending: PendingScoreSet | null): Promise<void> {
  if (!pending) return;
  try {
    await db.transaction(async (tx) => {
      const { rows } = await tx.query<{ id: number }>(
        `INSERT INTO clv_score_sets (tool, set_key, result, customers) VALUES ($1, $2, $3::jsonb, $4)
         ON CONFLICT (set_key) DO NOTHING RETURNING id`,
        [pending.tool, pending.key, JSON.stringify(pending.result), pending.customers],
      );
      const id = rows[0]?.id;
      if (id === undefined) return;
      if (pending.scores?.length) {
        const text = copyText(pending.scores.map((s) => [id, s.id, s.x, s.tx, s.T, s.pAlive, s.expectedPurchases, s.expectedValue, s.clv]));
        await tx.copyFrom('clv_scores', ['set_id', 'customer_id', 'x', 'tx', 't', 'p_alive', 'expected_purchases', 'expected_value', 'clv'], text);
      }
      const old = await tx.query<{ id: number }>(
        `SELECT id FROM clv_score_sets WHERE tool = $1 ORDER BY created_at DESC, id DESC OFFSET $2`,
        [pending.tool, KEEP_SETS_PER_TOOL],
      );
      const ids = old.rows.map((r) => Number(r.id));
      if (ids.length) {
        await tx.query(`DELETE FROM clv_scores WHERE set_id = ANY($1::int[])`, [ids]);
        await tx.query(`DELETE FROM clv_score_sets WHERE id = ANY($1::int[])`, [ids]);
      }
    });
  } catch {
    // A cache write is an optimization: a read-only database or a concurrent writer must not fail the tool call.
  }
}
