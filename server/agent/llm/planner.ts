import { ChatOpenAI } from '@langchain/openai';
import { AIMessage, AIMessageChunk, createAgent, HumanMessage, type BaseMessage } from 'langchain';
import { AppError } from '../../errors.ts';
import { chartFor, receiptOf } from '../render.ts';
import type { AnswerKind, AnswerPayload, Language, Planner, PlannerContext, ToolCallRecord, Turn } from '../types.ts';
import { toAppError } from './errors.ts';
import { modelGuard, toolRecorder, type RunLimits } from './middleware.ts';
import { systemPrompt } from './prompt.ts';
import { SentenceGate } from './stream.ts';
import { registryTools } from './tools.ts';

export interface LlmSettings {
  baseUrl: string;
  apiKey?: string;
  model?: string;
  /** One HTTP request to the endpoint. */
  requestTimeoutMs?: number;
  /** The whole question (all steps). */
  totalTimeoutMs?: number;
  /** Retries of a failed request (5xx, connection error) by the OpenAI client. */
  maxRetries?: number;
  limits?: Partial<RunLimits>;
}

const DEFAULT_LIMITS: RunLimits = { maxModelCalls: 8, maxToolErrors: 3, maxMalformedRetries: 2 };
/** Earlier turns sent with a question: enough for follow-ups, bounded so prompts stay small. */
const HISTORY_TURNS = 6;
const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

export function detectLanguage(text: string): Language {
  return CJK.test(text) ? 'zh' : 'en';
}

/**
 * The LLM planner: a LangChain agent (createAgent + ChatOpenAI) on any OpenAI-compatible endpoint, with the
 * registry's tools. The model picks tools and fills their arguments; tools compute every number. The payload it
 * returns is checked by the grounding step in ask.ts like the offline planner's.
 */
export function createLlmPlanner(settings: LlmSettings): Planner {
  const limits = { ...DEFAULT_LIMITS, ...settings.limits };
  const totalTimeoutMs = settings.totalTimeoutMs ?? 120_000;
  const model = new ChatOpenAI({
    model: settings.model ?? 'gpt-4o-mini',
    apiKey: settings.apiKey ?? 'not-needed',
    configuration: { baseURL: settings.baseUrl },
    streaming: true,
    temperature: 0,
    timeout: settings.requestTimeoutMs ?? 60_000,
    maxRetries: settings.maxRetries ?? 1,
  });

  return {
    name: 'llm',
    async ask(question: string, conversation: readonly Turn[], ctx: PlannerContext): Promise<AnswerPayload> {
      const language = detectLanguage(question);
      const records: ToolCallRecord[] = [];
      const agent = createAgent({
        model,
        tools: registryTools(ctx.tools),
        systemPrompt: systemPrompt(language, ctx.tools),
        middleware: [modelGuard(limits), toolRecorder(records, limits, ctx.onEvent)],
      });
      ctx.onEvent?.({ type: 'plan', planner: 'llm', steps: [`ask ${settings.model ?? 'the model'} which tools answer the question`] });

      const deadline = AbortSignal.timeout(totalTimeoutMs);
      const signal = ctx.signal ? AbortSignal.any([ctx.signal, deadline]) : deadline;
      const gate = new SentenceGate(records, { question, language }, (text) => ctx.onEvent?.({ type: 'token', text }));
      let finalText = '';
      try {
        const stream = await agent.stream(
          { messages: [...history(conversation), new HumanMessage(question)] },
          { streamMode: ['messages', 'values'], signal, recursionLimit: limits.maxModelCalls * 2 + 4 },
        );
        for await (const [mode, chunk] of stream as AsyncIterable<[string, unknown]>) {
          if (mode === 'messages') {
            const [message, meta] = chunk as [BaseMessage, { langgraph_node?: string }];
            if (meta.langgraph_node === 'model_request' && (AIMessageChunk.isInstance(message) || AIMessage.isInstance(message))) gate.push(message.text);
          } else {
            const last = (chunk as { messages: BaseMessage[] }).messages.at(-1);
            if (last && AIMessage.isInstance(last)) finalText = last.text;
          }
        }
        gate.flush();
      } catch (err) {
        throw toAppError(err, { signal: ctx.signal, deadline, totalTimeoutMs });
      }
      if (!finalText.trim()) throw new AppError('upstream_error', 'the model returned an empty answer');
      return buildPayload(question, language, records, finalText.trim());
    },
  };
}

function history(conversation: readonly Turn[]): BaseMessage[] {
  return conversation.slice(-HISTORY_TURNS).flatMap((turn) => [new HumanMessage(turn.question), new AIMessage(turn.payload.answer)]);
}

/**
 * The model's text plus the receipt. Without a successful tool call the text is a question back (ends with "?")
 * or a refusal; the system prompt asks for exactly those two cases.
 */
function buildPayload(question: string, language: Language, toolCalls: ToolCallRecord[], answer: string): AnswerPayload {
  const answered = toolCalls.some((c) => c.result);
  const kind: AnswerKind = answered ? 'answer' : /[?？]\s*$/.test(answer) ? 'clarify' : 'refuse';
  const chart = chartFor(toolCalls);
  return {
    question,
    language,
    planner: 'llm',
    kind,
    toolCalls,
    answer,
    ...(chart ? { chart } : {}),
    followUps: [],
    grounded: false,
    ...receiptOf(toolCalls),
  };
}
