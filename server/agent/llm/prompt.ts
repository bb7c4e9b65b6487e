import { renderPrompt } from '../../../prompts/render.ts';
import { describeTools } from '../../../tools/registry.ts';
import type { ToolContext } from '../../../tools/types.ts';
import { describeSemanticLayer } from '../semantic/index.ts';
import type { Language } from '../types.ts';

const LANGUAGE_NAME: Record<Language, string> = { en: 'English', zh: 'Chinese (简体中文)' };

/**
 * The system prompt: prompts/system.md with the executive answer style, the semantic layer (the same vocabulary the
 * offline planner parses with) and the tool list. The tools' argument schemas travel separately, as function
 * definitions, so the prompt only names each tool and what it is for.
 */
export function systemPrompt(language: Language, ctx: ToolContext): string {
  const tools = describeTools(ctx).map((t) => `- ${t.name}: ${t.description}`).join('\n');
  return renderPrompt('system', {
    today: ctx.clock.today(),
    language: LANGUAGE_NAME[language],
    answer_style: renderPrompt('answer_style_executive', { max_bullets: 3 }),
    semantic_layer: describeSemanticLayer(language),
    tools,
  });
}
