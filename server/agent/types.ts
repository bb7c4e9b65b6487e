import type { ToolContext } from '../../tools/types.ts';

/**
 * The contract between planners (offline, LLM), the answer pipeline (grounding, storage) and every interface
 * (HTTP, SSE, CLI, later web and Slack). Both planners produce the same payload, so callers never branch on them.
 */
export type Language = 'en' | 'zh';
export type PlannerName = 'offline' | 'llm';
/** answer = numbers from tools; clarify = one question back to the user; refuse = out of scope, said politely. */
export type AnswerKind = 'answer' | 'clarify' | 'refuse';
/** grounded = passed as written; repaired = offending sentences dropped; replaced = plain rendering; ungrounded = failed. */
export type GroundingStatus = 'grounded' | 'repaired' | 'replaced' | 'ungrounded';

export interface ToolCallRecord {
  tool: string;
  /** Arguments as sent to runTool (after the planner filled its slots; the result's meta.args has the defaults). */
  args: Record<string, unknown>;
  /** The validated tool output, or null when the call failed. */
  result: Record<string, unknown> | null;
  error?: { code: string; message: string };
  ms: number;
}

export interface ChartSpec {
  type: 'line' | 'bar' | 'pie' | 'funnel' | 'sankey' | 'heatmap';
  title: string;
  /** ECharts-ready series data: categories on x (or names), one or more numeric series. */
  data: {
    categories?: string[];
    series: { name: string; values: number[] }[];
    /** Sankey only. */
    links?: { source: string; target: string; value: number }[];
  };
}

export interface TableSpec {
  columns: string[];
  rows: (string | number | null)[][];
}

export interface AnswerPayload {
  question: string;
  language: Language;
  planner: PlannerName;
  kind: AnswerKind;
  toolCalls: ToolCallRecord[];
  /** Plain text (may contain simple markdown). Every number in it comes from a tool result (see grounded). */
  answer: string;
  chart?: ChartSpec;
  table?: TableSpec;
  followUps: string[];
  /** True when every number in `answer` matches a value in the tool results (checked after the planner ran). */
  grounded: boolean;
  /** Time window and metric definitions the answer used (copied from the tools' meta), for the receipt. */
  window?: { from: string; to: string } | null;
  definitions?: Record<string, string>;
  /**
   * What the grounding check (server/agent/grounding.ts) found and did: `grounded` is about the final `answer`,
   * this says whether it had to drop sentences (repaired) or fall back to a plain rendering (replaced).
   */
  grounding?: { status: GroundingStatus; ungrounded: string[]; dropped: string[] };
  /** Planner-private state for follow-ups (e.g. the last intent and slots); opaque to interfaces. */
  state?: Record<string, unknown>;
}

/** One earlier exchange of the conversation, oldest first. */
export interface Turn {
  question: string;
  payload: AnswerPayload;
}

export type PlannerEvent =
  | { type: 'plan'; planner: PlannerName; steps: string[] }
  | { type: 'tool_call'; tool: string; args: Record<string, unknown> }
  | { type: 'tool_result'; tool: string; ms: number; ok: boolean }
  | { type: 'token'; text: string }
  | { type: 'answer'; payload: AnswerPayload };

export interface PlannerContext {
  tools: ToolContext;
  signal?: AbortSignal;
  /** Streaming hook (SSE): planners report their steps and tokens as they go. */
  onEvent?: (event: PlannerEvent) => void;
}

export interface Planner {
  readonly name: PlannerName;
  ask(question: string, conversation: readonly Turn[], ctx: PlannerContext): Promise<AnswerPayload>;
}
