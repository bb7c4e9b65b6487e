import { CHINESE_STOPCHARS, isCjkChar } from '../embed/tokenize.ts';

/**
 * Chinese keywords are character bigrams (no dictionary: tokenize.ts), so a three-character word shows up cut in two
 * ("不工" of 不工作, "doesn't work"). A keyword bigram is grown into the longest string that carries (almost) all of its
 * occurrences in the theme's texts — the substring-reduction idea of n-gram term extraction (Lü, Zhang & Hu 2004,
 * "Statistical substring reduction in linear time": drop a substring whose count its superstring nearly matches):
 * one character at a time to the right or left while at least DOMINANCE of the current string's occurrences have that
 * same neighbour, the neighbour is a CJK character and not a function character or adverb (了, 的, 就, 很, 太…: a
 * word boundary in nearly every sentence, and in templated text an extension across it would always look dominant).
 */
export const DOMINANCE = 0.8;
const MAX_LENGTH = 4;
const isCjk = (term: string) => term.length > 0 && Array.from(term).every(isCjkChar);

/** Occurrences of `term` in `texts` with the characters just before and after each (null at an edge). */
function neighbours(term: string, texts: readonly string[]): { count: number; left: Map<string | null, number>; right: Map<string | null, number> } {
  const left = new Map<string | null, number>();
  const right = new Map<string | null, number>();
  let count = 0;
  for (const text of texts) {
    for (let at = text.indexOf(term); at >= 0; at = text.indexOf(term, at + 1)) {
      count++;
      const l = at > 0 ? text[at - 1]! : null;
      const r = at + term.length < text.length ? text[at + term.length]! : null;
      left.set(l, (left.get(l) ?? 0) + 1);
      right.set(r, (right.get(r) ?? 0) + 1);
    }
  }
  return { count, left, right };
}

/**
 * Characters a phrase does not grow over besides the function characters: adverbs of degree, frequency and negation
 * (很, 太, 又, 没…) start or end a clause far more often than they sit inside a word (快递太慢 is 快递 + 太慢).
 */
const BOUNDARY = new Set([...CHINESE_STOPCHARS, ...Array.from('很太最更挺真还又再才没别会能要得地过将已')]);

/** The neighbour that extends a phrase: shared by ≥ DOMINANCE of its occurrences, a CJK content character. */
function dominant(side: Map<string | null, number>, count: number): string | null {
  for (const [ch, n] of side) if (ch !== null && n >= DOMINANCE * count && isCjkChar(ch) && !BOUNDARY.has(ch)) return ch;
  return null;
}

/** `term` (a CJK bigram) grown over the theme's texts (normalized as keywordTerms normalizes them); other terms as they are. */
export function growCjkTerm(term: string, texts: readonly string[]): string {
  if (!isCjk(term)) return term;
  let phrase = term;
  while (phrase.length < MAX_LENGTH) {
    const { count, left, right } = neighbours(phrase, texts);
    if (count === 0) break;
    const r = dominant(right, count);
    const l = r === null ? dominant(left, count) : null;
    if (r === null && l === null) break;
    phrase = r !== null ? phrase + r : l + phrase;
  }
  return phrase;
}

const bigrams = (phrase: string) => Array.from(phrase).slice(1).map((ch, i) => phrase[i] + ch);

/**
 * A theme's top `n` keywords from its `ranked` terms, CJK bigrams grown into phrases over the theme's texts
 * (normalized: normalizeText); a CJK phrase that shares a bigram with an earlier one is dropped (不工 and 工作 both
 * grow into 不工作; 性价比 and 价比很高 are two cuts of one sentence) and the list refilled from `ranked`.
 */
export function phraseKeywords(ranked: readonly string[], texts: readonly string[], n: number): string[] {
  const out: string[] = [];
  const taken = new Set<string>();
  for (const term of ranked) {
    if (out.length >= n) break;
    if (!isCjk(term)) {
      out.push(term);
      continue;
    }
    const phrase = growCjkTerm(term, texts);
    const own = bigrams(phrase);
    if (own.some((b) => taken.has(b))) continue;
    own.forEach((b) => taken.add(b));
    out.push(phrase);
  }
  return out;
}
