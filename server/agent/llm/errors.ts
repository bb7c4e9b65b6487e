import { AppError, isAppError } from '../../errors.ts';

/**
 * One clear error for everything that can go wrong talking to the model: the caller cancelled, the question ran out
 * of time, the endpoint answered with an HTTP error or could not be reached. Our own AppErrors (step limits,
 * malformed tool calls) pass through.
 */
export function toAppError(err: unknown, ctx: { signal?: AbortSignal; deadline: AbortSignal; totalTimeoutMs: number }): AppError {
  // LangChain wraps errors thrown in middleware (MiddlewareError); ours is somewhere down the cause chain.
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (isAppError(e)) return e;
  }
  if (ctx.signal?.aborted) return new AppError('bad_request', 'the question was cancelled');
  const e = err as { name?: string; message?: string; status?: number; cause?: unknown };
  const text = `${e.name ?? ''} ${e.message ?? ''}`;
  if (ctx.deadline.aborted || /timeout|timed out/i.test(text)) {
    return new AppError('upstream_timeout', `the language model did not answer in time (limit ${ctx.totalTimeoutMs / 1000} s per question)`);
  }
  // The OpenAI client's APIError has `status`; after LangChain's retries only its message ("500 …") may be left.
  const status = typeof e.status === 'number' ? e.status : Number(/^([1-5]\d\d) /.exec(e.message ?? '')?.[1] ?? NaN);
  if (Number.isFinite(status)) {
    const message = firstLine(e.message).replace(/^\d{3} /, '');
    return new AppError('upstream_error', `the language model endpoint answered HTTP ${status}: ${message}`);
  }
  return new AppError('upstream_error', `the language model endpoint failed: ${firstLine(e.message)}`);
}

const firstLine = (s: string | undefined) => (s ?? 'unknown error').split('\n')[0]!.slice(0, 300);
