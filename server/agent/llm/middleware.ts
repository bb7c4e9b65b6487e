import { AIMessage, createMiddleware, HumanMessage, ToolMessage } from 'langchain';
import { AppError, isAppError } from '../../errors.ts';
import type { PlannerEvent, ToolCallRecord } from '../types.ts';

export interface RunLimits {
  /** Model calls per question (each tool round trip is one); bounds loops. */
  maxModelCalls: number;
  /** Failed tool calls (bad arguments, tool errors) per question before giving up. */
  maxToolErrors: number;
  /** Model answers with unparseable tool calls that are sent back for a retry before giving up. */
  maxMalformedRetries: number;
}

/**
 * Counts model calls, and turns tool calls whose arguments are not JSON (LangChain's `invalid_tool_calls`, which
 * the agent would otherwise take as a final, empty answer) into a retry: the model is told what was wrong and asked
 * again. After `maxMalformedRetries` the question fails with a clear upstream error.
 */
export function modelGuard(limits: RunLimits) {
  let calls = 0;
  return createMiddleware({
    name: 'SightlineModelGuard',
    wrapModelCall: async (request, handler) => {
      let current = request;
      for (let retry = 0; ; retry++) {
        if (++calls > limits.maxModelCalls) {
          throw new AppError('upstream_error', `the model did not finish within ${limits.maxModelCalls} steps`);
        }
        const response = await handler(current);
        const malformed = response.invalid_tool_calls ?? [];
        if (malformed.length === 0 || (response.tool_calls?.length ?? 0) > 0) return response;
        const details = malformed.map((c) => `${c.name ?? '(no name)'}(${c.args ?? ''}): ${c.error ?? 'malformed'}`).join('; ');
        if (retry >= limits.maxMalformedRetries) {
          throw new AppError('upstream_error', `the model sent malformed tool calls ${retry + 1} times: ${details}`);
        }
        current = {
          ...current,
          messages: [
            ...current.messages,
            new AIMessage(`(I tried to call a tool but the arguments were not valid JSON: ${details})`),
            new HumanMessage('Your last tool call could not be parsed: its arguments must be one JSON object that matches the tool schema. Call the tool again with valid arguments.'),
          ],
        };
      }
    },
  });
}

/**
 * Records every tool call (arguments, validated result or error, time) for the receipt and the grounding check,
 * reports it on the event stream, and hands errors back to the model as an error message it can correct —
 * up to `maxToolErrors`, then the question fails.
 */
export function toolRecorder(records: ToolCallRecord[], limits: RunLimits, onEvent?: (e: PlannerEvent) => void) {
  let errors = 0;
  return createMiddleware({
    name: 'SightlineToolRecorder',
    wrapToolCall: async (request, handler) => {
      const { name, args, id } = request.toolCall;
      onEvent?.({ type: 'tool_call', tool: name, args });
      const started = performance.now();
      try {
        const message = await handler(request);
        const ms = Math.round(performance.now() - started);
        const result = ToolMessage.isInstance(message) ? (message.artifact as Record<string, unknown> | undefined) : undefined;
        if (ToolMessage.isInstance(message) && message.status === 'error') throw new Error(String(message.content));
        records.push({ tool: name, args, result: result ?? null, ms });
        onEvent?.({ type: 'tool_result', tool: name, ms, ok: true });
        return message;
      } catch (err) {
        if (request.runtime.signal?.aborted) throw err;
        const ms = Math.round(performance.now() - started);
        const error = toToolError(err);
        records.push({ tool: name, args, result: null, error, ms });
        onEvent?.({ type: 'tool_result', tool: name, ms, ok: false });
        if (++errors > limits.maxToolErrors) {
          throw new AppError('upstream_error', `the model's tool calls failed ${errors} times; last: ${name}: ${error.message}`);
        }
        return new ToolMessage({
          content: `Error (${error.code}): ${error.message}\nFix the arguments and call the tool again, or answer with what you have.`,
          tool_call_id: id ?? '',
          name,
          status: 'error',
        });
      }
    },
  });
}

function toToolError(err: unknown): { code: string; message: string } {
  if (isAppError(err)) return { code: err.code, message: err.message };
  const message = (err as Error).message ?? String(err);
  // LangChain's own schema check (ToolInvocationError) and an unknown tool name are argument problems.
  const invalid = /did not match expected schema|not a valid tool/i.test(message);
  return { code: invalid ? 'invalid_argument' : 'internal', message: message.split('\n').slice(0, 3).join(' ') };
}
