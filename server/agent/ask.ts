import type { Config } from '../config.ts';
import { AppError } from '../errors.ts';
import { appendTurn, createConversation, loadTurns } from './conversations.ts';
import { applyGrounding } from './grounding.ts';
import type { LlmSettings } from './llm/planner.ts';
import type { AnswerPayload, Planner, PlannerContext, PlannerEvent, PlannerName, Turn } from './types.ts';

export const MAX_QUESTION_CHARS = 2000;

export interface AskOptions {
  question: string;
  conversation?: readonly Turn[];
  /** Default: llm when an endpoint is configured, else offline. */
  planner?: PlannerName;
  ctx: PlannerContext;
  /** The LLM endpoint (from config: llmSettings(config)); null = none configured. */
  llm?: LlmSettings | null;
}

export function llmSettings(config: Pick<Config, 'LLM_BASE_URL' | 'LLM_API_KEY' | 'LLM_MODEL'>): LlmSettings | null {
  if (!config.LLM_BASE_URL) return null;
  return { baseUrl: config.LLM_BASE_URL, apiKey: config.LLM_API_KEY, model: config.LLM_MODEL };
}

/**
 * Question → planner → grounding check → payload. Both planners' answers pass the same check (grounding.ts); the
 * one `answer` event is sent here, after the check, so streaming clients get the checked text.
 */
export async function answerQuestion({ question, conversation = [], planner, ctx, llm = null }: AskOptions): Promise<AnswerPayload> {
  const text = question.trim();
  if (!text) throw new AppError('invalid_argument', 'question must not be empty');
  if (text.length > MAX_QUESTION_CHARS) throw new AppError('invalid_argument', `question must be at most ${MAX_QUESTION_CHARS} characters`);
  const chosen = await loadPlanner(planner ?? (llm ? 'llm' : 'offline'), llm);
  const forward = ctx.onEvent;
  // Planners report plan/tool/token events; the answer event is ours, sent once the answer has been checked. The
  // LLM planner streams only sentences that pass the check (llm/stream.ts); other planners' text is sent as one
  // token after the check, so no client ever shows a number that the check removes.
  const liveTokens = chosen.name === 'llm';
  const onEvent = forward && ((e: PlannerEvent) => e.type !== 'answer' && (liveTokens || e.type !== 'token') && forward(e));
  const raw = await chosen.ask(text, conversation, { ...ctx, onEvent });
  const payload = applyGrounding({ ...raw, question: text });
  if (!liveTokens) forward?.({ type: 'token', text: payload.answer });
  forward?.({ type: 'answer', payload });
  return payload;
}

const planners = new Map<string, Planner>();

export async function loadPlanner(name: PlannerName, llm: LlmSettings | null): Promise<Planner> {
  if (name === 'llm') {
    if (!llm) throw new AppError('invalid_argument', 'the LLM planner needs LLM_BASE_URL (an OpenAI-compatible endpoint); use the offline planner');
    const key = JSON.stringify(llm);
    let planner = planners.get(key);
    if (!planner) {
      const { createLlmPlanner } = await import('./llm/planner.ts');
      planner = createLlmPlanner(llm);
      planners.set(key, planner);
    }
    return planner;
  }
  if (name !== 'offline') throw new AppError('invalid_argument', `planner must be offline or llm, got "${String(name)}"`);
  let planner = planners.get('offline');
  if (!planner) {
    planner = (await importOffline())();
    planners.set('offline', planner);
  }
  return planner;
}

/** The offline planner is built separately (server/agent/offline); fail with a clear message while it is missing. */
async function importOffline(): Promise<() => Planner> {
  const path = './offline/index.ts';
  let mod: { createOfflinePlanner?: () => Planner };
  try {
    mod = (await import(/* @vite-ignore */ path)) as typeof mod;
  } catch (err) {
    throw new AppError('internal', `the offline planner is not available (${path}: ${(err as Error).message.split('\n')[0]})`);
  }
  if (typeof mod.createOfflinePlanner !== 'function') {
    throw new AppError('internal', `the offline planner module (${path}) does not export createOfflinePlanner()`);
  }
  return mod.createOfflinePlanner;
}

export interface ConversationAsk extends Omit<AskOptions, 'conversation'> {
  /** Continue this conversation; omitted = start a new one. */
  conversationId?: string;
}

/** answerQuestion inside a stored conversation: earlier turns in, the new turn saved; returns the id to continue. */
export async function askInConversation(opts: ConversationAsk): Promise<{ conversationId: string; turn: number; payload: AnswerPayload }> {
  const db = opts.ctx.tools.db;
  const conversation = opts.conversationId ? await loadTurns(db, opts.conversationId, { role: opts.ctx.tools.role }) : [];
  const payload = await answerQuestion({ ...opts, conversation });
  const conversationId = opts.conversationId ?? (await createConversation(db, opts.ctx.tools.role, payload.question));
  const turn = await appendTurn(db, conversationId, payload);
  return { conversationId, turn, payload };
}
