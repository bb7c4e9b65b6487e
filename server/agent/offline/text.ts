import type { Language } from '../types.ts';

/** Text helpers shared by the offline parser: normalization, language, phrase search that respects word edges. */

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

/**
 * Mixed questions take the language most of their words are in: each Chinese character counts as a word, so
 * "上个月的GMV是多少" and "October 的 AOV 是多少" are Chinese, "how many 新客户 did we get in September" English.
 */
export function detectLanguage(text: string): Language {
  const cjk = text.match(/[\u3400-\u9fff\uf900-\ufaff]/g)?.length ?? 0;
  const latin = text.match(/[A-Za-z]+/g)?.length ?? 0;
  return cjk > 0 && cjk >= latin ? 'zh' : 'en';
}

/**
 * Chat contractions spelled out, so one phrase serves both ("how's business" = "how is business", "you're" = "you
 * are"). Only pronoun and question-word forms: a noun's possessive 's ("October's") and n't ("can't lose", an RFM
 * tier) are left alone.
 */
const CONTRACTIONS: [RegExp, string][] = [
  [/\b(what|how|where|who|when|why|it|that|there|here|everything|business)'s\b/g, '$1 is'],
  [/\b(we|you|they|who|what)'re\b/g, '$1 are'],
  [/\b(i|we|you|they)'ve\b/g, '$1 have'],
  [/\b(i|we|you|they|it)'ll\b/g, '$1 will'],
  [/\bi'm\b/g, 'i am'],
];

/** NFKC (full-width digits and punctuation → ASCII), lower case, curly quotes → straight, contractions, single spaces. */
export function normalize(text: string): string {
  const lower = text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[‘’]/g, "'")
    .replace(/[“”「」『』]/g, '"');
  return CONTRACTIONS.reduce((t, [re, full]) => t.replace(re, full), lower)
    .replace(/\s+/g, ' ')
    .trim();
}

/** Compiled whole-word patterns, one per phrase (the vocabulary is fixed, so this stays small). */
const WORD_RE = new Map<string, RegExp>();
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Where `phrase` occurs in `text`: whole words for Latin phrases, anywhere for phrases with Chinese characters. A
 * Latin phrase ending in a letter other than s also matches its plural ("first-timer" finds "first-timers", "market"
 * finds "markets") and hyphens and spaces stand for each other, so the vocabulary need not list every spelling;
 * `length` is what matched.
 */
export function findPhrase(text: string, phrase: string): { index: number; length: number } | null {
  if (!phrase) return null;
  if (CJK.test(phrase)) {
    const index = text.indexOf(phrase);
    return index < 0 ? null : { index, length: phrase.length };
  }
  let re = WORD_RE.get(phrase);
  if (!re) {
    const plural = /[a-rt-z]$/.test(phrase) ? 's?' : '';
    // a hyphen and a space are interchangeable ("year-to-date" = "year to date", "first time" = "first-time")
    WORD_RE.set(phrase, (re = new RegExp(`(?<![a-z0-9_])${escape(phrase).replace(/[- ]/g, '[- ]')}${plural}(?![a-z0-9_])`)));
  }
  const m = re.exec(text);
  return m ? { index: m.index, length: m[0].length } : null;
}

export function hasAny(text: string, phrases: readonly string[]): boolean {
  return phrases.some((p) => findPhrase(text, p) !== null);
}

/** The longest of `phrases` found in text (length 0 when none). */
export function longestMatch(text: string, phrases: readonly string[]): { phrase: string; index: number } | null {
  let best: { phrase: string; index: number } | null = null;
  for (const p of phrases) {
    const hit = findPhrase(text, p);
    if (hit && (!best || p.length > best.phrase.length)) best = { phrase: p, index: hit.index };
  }
  return best;
}

/** Blank out a span (same length, so later indexes stay valid) once a slot has consumed it. */
export function blank(text: string, index: number, length: number): string {
  return text.slice(0, index) + ' '.repeat(length) + text.slice(index + length);
}

const EN_NUMBERS: Record<string, number> = {
  one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12, fifteen: 15,
  eighteen: 18, twenty: 20, thirty: 30, sixty: 60, ninety: 90,
};
export function englishNumber(word: string): number {
  return /^\d+$/.test(word) ? Number(word) : EN_NUMBERS[word] ?? NaN;
}
