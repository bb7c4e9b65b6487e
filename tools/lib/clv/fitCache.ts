/**
 * Reuse of fitted BG/NBD and Gamma-Gamma models across tool calls (table model_fit_cache, migration 0006).
 *
 * Fitting BG/NBD by maximum likelihood over ~90k customers takes about a second in JavaScript, and
 * customer_lifetime_value and churn_risk fit on every call although the data changes only on import. The cache key
 * is a SHA-256 of the EXACT fit input — every customer's (x, t_x, T) for BG/NBD, (x, zbar) for Gamma-Gamma, in
 * the order the fit sees them — plus the model name and FIT_CODE_VERSION. So:
 * - a hit returns what fitting again would return, bit for bit (the fit is a deterministic function of its input);
 * - any change of any customer's history (a new import, another calibrationEnd, unit or same-day rule) changes the
 *   input and therefore the key: there is no staleness to manage and no "data version" to trust;
 * - the price of a hit is hashing the input (a few ms for 90k customers) and one primary-key lookup.
 * We rejected fitting on a sample: it changes the estimates (the CDNOW reproduction must stay exact) and only
 * divides the cost. Tools run read-only, so they collect new fits and write them after their transaction
 * (saveFits); a failed write only costs a refit next time.
 */
import { createHash } from 'node:crypto';
import type { Db, Queryable } from '../../../server/db/index.ts';
import { fitBgNbd, type BgNbdFit, type BgNbdObservation } from './bgnbd.ts';
import { fitGammaGamma, type GammaGammaFit, type GammaGammaObservation } from './gammaGamma.ts';

/** Bump whenever fitting code changes its results (likelihood, optimizer, start point): old entries stop matching. */
export const FIT_CODE_VERSION = 1;
/** Entries kept per model (most recent first); older data versions are pruned on write. */
export const KEEP_PER_MODEL = 20;

type Model = 'bgnbd' | 'gamma-gamma';
interface Fits {
  bgnbd: BgNbdFit;
  'gamma-gamma': GammaGammaFit;
}
export interface PendingFit {
  model: Model;
  key: string;
  fit: BgNbdFit | GammaGammaFit;
}

/** SHA-256 over the model, the code version and the input columns (as float64 bytes). */
export function fitInputKey(model: Model, columns: readonly Float64Array[]): string {
  const h = createHash('sha256').update(`${model}\u0001${FIT_CODE_VERSION}\u0001${columns.length}\u0001${columns[0]?.length ?? 0}`);
  for (const c of columns) h.update(new Uint8Array(c.buffer, c.byteOffset, c.byteLength));
  return h.digest('base64url');
}

const column = <T>(rows: readonly T[], of: (r: T) => number) => Float64Array.from(rows, of);

/** Only fits that JSON carries exactly (no Infinity/NaN) are cached. */
const finite = (fit: BgNbdFit | GammaGammaFit) =>
  [...Object.values(fit.params), fit.logLikelihood].every((v) => Number.isFinite(v));

/** Fits through the cache inside one (read-only) transaction; `pending` holds what to save afterwards. */
export class FitCache {
  readonly pending: PendingFit[] = [];
  /** Per model, whether the last fit came from the cache. */
  readonly hits: Partial<Record<Model, boolean>> = {};

  constructor(private readonly q: Queryable) {}

  bgnbd(data: readonly BgNbdObservation[]): Promise<BgNbdFit> {
    const key = fitInputKey('bgnbd', [column(data, (d) => d.x), column(data, (d) => d.tx), column(data, (d) => d.T)]);
    return this.through('bgnbd', key, () => fitBgNbd(data));
  }

  gammaGamma(data: readonly GammaGammaObservation[]): Promise<GammaGammaFit> {
    const key = fitInputKey('gamma-gamma', [column(data, (d) => d.x), column(data, (d) => d.zbar)]);
    return this.through('gamma-gamma', key, () => fitGammaGamma(data));
  }

  private async through<M extends Model>(model: M, key: string, fit: () => Fits[M]): Promise<Fits[M]> {
    const { rows } = await this.q.query<{ fit: Fits[M] }>(`SELECT fit FROM model_fit_cache WHERE model = $1 AND input_key = $2`, [model, key]);
    this.hits[model] = rows.length > 0;
    if (rows[0]) return rows[0].fit;
    const fresh = fit();
    if (finite(fresh)) this.pending.push({ model, key, fit: fresh });
    return fresh;
  }
}

/** Store new fits (outside the tool's read-only transaction) and prune each model to its KEEP_PER_MODEL newest. */
export async function saveFits(db: Db, pending: readonly PendingFit[]): Promise<void> {
  if (pending.length === 0) return;
  try {
    await db.transaction(async (tx) => {
      for (const p of pending) {
        await tx.query(
          `INSERT INTO model_fit_cache (model, input_key, fit, customers) VALUES ($1, $2, $3::jsonb, $4)
           ON CONFLICT (model, input_key) DO NOTHING`,
          [p.model, p.key, JSON.stringify(p.fit), p.fit.customers],
        );
        await tx.query(
          `DELETE FROM model_fit_cache WHERE model = $1 AND input_key NOT IN (
             SELECT input_key FROM model_fit_cache WHERE model = $1 ORDER BY created_at DESC, input_key LIMIT $2)`,
          [p.model, KEEP_PER_MODEL],
        );
      }
    });
  } catch {
    // A cache write is an optimization: a read-only database or a concurrent writer must not fail the tool call.
  }
}
