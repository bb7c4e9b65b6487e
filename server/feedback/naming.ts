import OpenAI from 'openai';
import { renderPrompt, untrusted } from '../../prompts/render.ts';
import type { Config } from '../config.ts';

/** Names a theme from its keywords and representative quotes; null = no name (the caller falls back to keywords). */
export type ThemeNamer = (theme: { keywords: readonly string[]; quotes: readonly string[] }) => Promise<string | null>;

export const MAX_NAME_LENGTH = 60;

/** The fallback and default: the three most distinctive keywords. */
export function keywordName(keywords: readonly string[]): string {
  return keywords.slice(0, 3).join(' · ') || '(no keywords)';
}

/**
 * An LLM's answer is untrusted too: keep the first line, drop markup, quotes and control characters, and cap the
 * length; anything that is left empty or looks like more than a name is rejected (null).
 */
export function cleanName(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const line = raw.split(/\r?\n/).map((l) => l.trim()).find((l) => l.length > 0) ?? '';
  const text = line
    .replace(/<[^>]*>/g, '')
    .replace(/[<>`*_#"“”'‘’[\]{}]/g, '')
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .replace(/^(name|theme)\s*:\s*/i, '')
    .replace(/[.。!！?？:：;；,，]+$/, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (!text || text.length > MAX_NAME_LENGTH || text.split(' ').length > 8) return null;
  return text;
}

/** LLM naming when LLM_BASE_URL is configured (prompt: prompts/theme_naming.md), else null (keyword names). */
export function themeNamerFromConfig(config: Pick<Config, 'LLM_BASE_URL' | 'LLM_API_KEY' | 'LLM_MODEL'>, language = 'English'): ThemeNamer | null {
  if (!config.LLM_BASE_URL) return null;
  const client = new OpenAI({ baseURL: config.LLM_BASE_URL, apiKey: config.LLM_API_KEY ?? 'not-needed', maxRetries: 1, timeout: 20_000 });
  const model = config.LLM_MODEL ?? 'gpt-4o-mini';
  return async ({ keywords, quotes }) => {
    const prompt = renderPrompt('theme_naming', {
      keywords: untrusted('theme_keywords', keywords.join(', ')),
      quotes: untrusted('representative_quotes', quotes),
      language,
    });
    try {
      const response = await client.chat.completions.create({
        model, temperature: 0, max_tokens: 24, messages: [{ role: 'user', content: prompt }],
      });
      return cleanName(response.choices[0]?.message?.content);
    } catch {
      return null; // naming is a nicety: an unreachable model leaves the keyword name
    }
  };
}
