import { runTool } from '../../../tools/registry.ts';
import { isAppError } from '../../errors.ts';
import type { PlannerContext, ToolCallRecord } from '../types.ts';

/**
 * The planner's only door to data: runTool (validation, read-only transaction, audit) plus a record of every call
 * (args, result, ms) and the tool_call / tool_result events for streaming. A failed call is recorded with its error
 * and returned as null, so the answer can say what went wrong instead of inventing a number.
 */
export class ToolCaller {
  readonly calls: ToolCallRecord[] = [];
  constructor(private readonly ctx: PlannerContext) {}

  async call<T = Record<string, unknown>>(tool: string, args: Record<string, unknown>): Promise<{ result: T | null; error?: { code: string; message: string } }> {
    if (this.ctx.signal?.aborted) throw this.ctx.signal.reason ?? new Error('aborted');
    this.ctx.onEvent?.({ type: 'tool_call', tool, args });
    const started = performance.now();
    try {
      const result = await runTool(tool, args, this.ctx.tools);
      const ms = Math.round(performance.now() - started);
      this.calls.push({ tool, args, result, ms });
      this.ctx.onEvent?.({ type: 'tool_result', tool, ms, ok: true });
      return { result: result as T };
    } catch (err) {
      const ms = Math.round(performance.now() - started);
      const error = isAppError(err) ? { code: err.code, message: err.message } : { code: 'internal', message: err instanceof Error ? err.message : String(err) };
      this.calls.push({ tool, args, result: null, error, ms });
      this.ctx.onEvent?.({ type: 'tool_result', tool, ms, ok: false });
      return { result: null, error };
    }
  }

  /** Milliseconds spent inside tools (the planner's own latency is the rest). */
  get toolMs(): number {
    return this.calls.reduce((sum, c) => sum + c.ms, 0);
  }
}

/** True when the error means the tool is not installed (runTool: unknown tool → not_found). */
export function isMissingTool(error: { code: string; message: string } | undefined, tool: string): boolean {
  return error?.code === 'not_found' && error.message.includes(`unknown tool "${tool}"`);
}
