import { AppError, isAppError } from '../../errors.ts';

/**
 * One clear error for everything that can go wrong talking to the model: the caller cancelled, the question ran out
 * of time, the endpoint answered with an HTTP error or could not be reached. Our own AppErrors (step limits,
 * malformed tool calls) pass through.
 */
export function toAppError(err: unknown, ctx: { signal?: AbortSignal; deadline: AbortSignal; totalTimeoutMs: number }): AppError {
  if (isAppError(err)) return err;
  if (ctx.signal?.aborted) return new AppError('bad_request', 'the question was cancelled');
  const e = err as { name?: string; message?: string; status?: number; cause?: unknown };
  const text = `${e.name ?? ''} ${e.message ?? ''}`;
  if (ctx.deadline.aborted || /timeout|timed out/i.test(text)) {
    return new AppError('upstream_timeout', `the language model did not answer in time (limit ${ctx.totalTimeoutMs / 1000} s per question)`);
  }
  if (typeof e.status === 'number') {
    return new AppError('upstream_error', `the language model endpoint answered HTTP ${e.status}: ${firstLine(e.message)}`);
  }
  return new AppError('upstream_error', `the language model endpoint failed: ${firstLine(e.message)}`);
}

const firstLine = (s: string | undefined) => (s ?? 'unknown error').split('\n')[0]!.slice(0, 300);
