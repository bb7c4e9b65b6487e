import type { AnswerPayload, Planner, PlannerContext, PlannerName, Turn } from '../../server/agent/types.ts';

/**
 * The planners and the answer pipeline are loaded lazily (dynamic import), so the eval runner works with whatever the
 * assistant currently provides and says clearly what is missing.
 */
export type AskFn = (input: { question: string; conversation: readonly Turn[]; planner: Planner; ctx: PlannerContext }) => Promise<AnswerPayload>;

async function tryImport(paths: string[]): Promise<Record<string, unknown> | null> {
  for (const p of paths) {
    try {
      return (await import(p)) as Record<string, unknown>;
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code !== 'ERR_MODULE_NOT_FOUND' || !String((err as Error).message).includes(p.split('/').pop()!)) throw err;
    }
  }
  return null;
}

/** answerQuestion from server/agent/ask.ts (planner + grounding); without it, the planner alone. */
export async function loadAsk(): Promise<{ ask: AskFn; pipeline: 'answerQuestion' | 'planner-only' }> {
  const mod = await tryImport(['../../server/agent/ask.ts']);
  const answerQuestion = mod?.answerQuestion as AskFn | undefined;
  if (answerQuestion) return { ask: answerQuestion, pipeline: 'answerQuestion' };
  return { ask: ({ question, conversation, planner, ctx }) => planner.ask(question, conversation, ctx), pipeline: 'planner-only' };
}

export async function loadPlanner(name: PlannerName): Promise<Planner> {
  if (name === 'offline') {
    const mod = await tryImport(['../../server/agent/offline/index.ts', '../../server/agent/offline/planner.ts']);
    const create = mod?.createOfflinePlanner as (() => Planner) | undefined;
    if (!create) throw new Error('the offline planner is not available yet (server/agent/offline: createOfflinePlanner)');
    return create();
  }
  const mod = await tryImport(['../../server/agent/llm/index.ts', '../../server/agent/llm/planner.ts', '../../server/agent/llm.ts']);
  const create = (mod?.createLlmPlanner ?? mod?.createLLMPlanner) as ((opts?: unknown) => Planner) | undefined;
  if (!create) throw new Error('the LLM planner is not available yet (server/agent/llm: createLlmPlanner)');
  const { loadConfig } = await import('../../server/config.ts');
  const config = loadConfig() as unknown as Record<string, unknown>;
  if (!config.LLM_BASE_URL) throw new Error('--planner llm needs LLM_BASE_URL (and LLM_MODEL, LLM_API_KEY) to be set');
  return create(config);
}
