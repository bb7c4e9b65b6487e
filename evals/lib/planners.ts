import { answerQuestion, llmSettings } from '../../server/agent/ask.ts';
import { applyGrounding } from '../../server/agent/grounding.ts';
import type { AnswerPayload, Planner, PlannerContext, PlannerName, Turn } from '../../server/agent/types.ts';
import { loadConfig } from '../../server/config.ts';
import type { LlmSettings } from '../../server/agent/llm/planner.ts';

/** One question of a conversation through a planner and the grounding check. */
export type AskFn = (question: string, conversation: readonly Turn[], ctx: PlannerContext) => Promise<AnswerPayload>;

export interface ResolvedPlanner {
  name: string;
  ask: AskFn;
}

/**
 * A named planner runs through answerQuestion (server/agent/ask.ts), exactly as the API and CLI run it; the LLM
 * planner takes its endpoint from LLM_BASE_URL/LLM_API_KEY/LLM_MODEL (or `llm`). A Planner object (tests, e.g. a
 * deliberately broken planner) gets the same grounding check applied to its payload.
 */
export function resolvePlanner(planner: PlannerName | Planner, llm?: LlmSettings): ResolvedPlanner {
  if (typeof planner !== 'string') {
    return { name: planner.name, ask: async (question, conversation, ctx) => applyGrounding({ ...(await planner.ask(question, conversation, ctx)), question }) };
  }
  const settings = planner === 'llm' ? (llm ?? llmSettings(loadConfig())) : null;
  return {
    name: planner,
    ask: (question, conversation, ctx) => answerQuestion({ question, conversation, planner, ctx, llm: settings }),
  };
}
