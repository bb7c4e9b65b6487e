import { clockFromConfig, fixedClock } from '../../tools/lib/clock.ts';
import { ROLES, type Role } from '../../tools/types.ts';
import { answerQuestion, llmSettings } from '../agent/ask.ts';
import type { AnswerPayload, PlannerName } from '../agent/types.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/index.ts';
import { AppError } from '../errors.ts';

export interface AskCliOptions {
  json?: boolean;
  today?: string;
  planner?: string;
  role: string;
}

/** Option checks that need no database, so a typo fails fast (called before the database is opened). */
export function checkAskInput(question: string, opts: AskCliOptions): void {
  if (!question.trim()) throw new AppError('invalid_argument', 'question must not be empty');
  if (!(ROLES as readonly string[]).includes(opts.role)) throw new AppError('invalid_argument', `--role must be one of ${ROLES.join(', ')}`);
  if (opts.planner !== undefined && opts.planner !== 'offline' && opts.planner !== 'llm') {
    throw new AppError('invalid_argument', '--planner must be offline or llm');
  }
  if (opts.today) {
    try {
      fixedClock(opts.today);
    } catch (err) {
      throw new AppError('invalid_argument', `--today: ${(err as Error).message}`);
    }
  }
}

/** `sightline ask "question"`: the same pipeline as POST /api/ask (planner, tools, grounding), one question. */
export async function askCommand(db: Db, config: Config, question: string, opts: AskCliOptions): Promise<string> {
  checkAskInput(question, opts);
  const clock = opts.today ? fixedClock(opts.today) : clockFromConfig(config);
  const payload = await answerQuestion({
    question,
    planner: opts.planner as PlannerName | undefined,
    llm: llmSettings(config),
    ctx: { tools: { db, clock, role: opts.role as Role } },
  });
  return opts.json ? JSON.stringify(payload, null, 2) : formatAnswer(payload);
}

/** The answer, then a one-line receipt: tools and their time, window, grounding. */
export function formatAnswer(p: AnswerPayload): string {
  const tools = p.toolCalls.map((c) => `${c.tool}${c.error ? ` (failed: ${c.error.code})` : ''} ${c.ms} ms`).join(', ');
  const receipt = [
    `planner ${p.planner}`,
    tools ? `tools: ${tools}` : 'no tools',
    p.window ? `window ${p.window.from} … ${p.window.to}` : '',
    `grounding: ${p.grounding?.status ?? (p.grounded ? 'grounded' : 'ungrounded')}`,
  ].filter(Boolean);
  const followUps = p.followUps.length ? `\n\n${p.followUps.map((f) => `→ ${f}`).join('\n')}` : '';
  return `${p.answer}${followUps}\n\n(${receipt.join(' · ')})`;
}
