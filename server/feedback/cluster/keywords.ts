import { isCjkChar, keywordTerms, normalizeText } from '../embed/tokenize.ts';
import { phraseKeywords } from './cjkPhrases.ts';

/**
 * Class-based TF-IDF (c-TF-IDF) theme keywords, as in BERTopic (Grootendorst 2022, "BERTopic: Neural topic modeling
 * with a class-based TF-IDF procedure", eq. 1 and its ClassTfidfTransformer): all texts of a theme form one document;
 *   W(t, c) = tf(t, c) / Σ_t' tf(t', c)  ×  log(1 + A / f(t))
 * with tf(t, c) the count of term t in theme c, f(t) its count over all themes and A the mean number of terms per
 * theme. A term scores high when it is frequent in one theme and rare elsewhere. Terms are English words without
 * stopwords and Chinese character bigrams (see keywordTerms).
 *
 * Returns, for each theme 0..k−1, its top `n` terms by weight (ties broken alphabetically, so the output is stable),
 * Chinese bigrams grown into the phrases they are part of (cjkPhrases.ts). Negative assignments (noise) are ignored.
 */
export function themeKeywords(texts: readonly string[], assignments: readonly number[], k: number, n: number): string[][] {
  if (texts.length !== assignments.length) throw new Error(`texts (${texts.length}) and assignments (${assignments.length}) differ in length`);
  const perTheme = Array.from({ length: k }, () => new Map<string, number>());
  const totals = new Float64Array(k);
  const overall = new Map<string, number>();
  texts.forEach((text, i) => {
    const c = assignments[i]!;
    if (c < 0 || c >= k) return;
    for (const term of keywordTerms(text)) {
      perTheme[c]!.set(term, (perTheme[c]!.get(term) ?? 0) + 1);
      overall.set(term, (overall.get(term) ?? 0) + 1);
      totals[c]!++;
    }
  });
  const averageTerms = totals.reduce((a, b) => a + b, 0) / Math.max(1, k);
  // Each theme's texts, grouped once when a theme's keywords need them.
  let byTheme: string[][] | undefined;
  const themeTexts = (c: number): string[] => {
    if (!byTheme) {
      const groups: string[][] = Array.from({ length: k }, () => []);
      texts.forEach((text, i) => groups[assignments[i]!]?.push(normalizeText(text)));
      byTheme = groups;
    }
    return byTheme[c]!;
  };
  return perTheme.map((counts, c) => {
    const scored = [...counts].map(([term, tf]) => ({
      term,
      weight: (tf / totals[c]!) * Math.log(1 + averageTerms / overall.get(term)!),
    }));
    scored.sort((a, b) => b.weight - a.weight || (a.term < b.term ? -1 : a.term > b.term ? 1 : 0));
    // A few spares: a grown phrase may swallow a later bigram (不工 → 不工作 covers 工作).
    const ranked = scored.slice(0, 3 * n).map((s) => s.term);
    return ranked.slice(0, n).some((t) => isCjkChar(t[0]!)) ? phraseKeywords(ranked, themeTexts(c), n) : ranked.slice(0, n);
  });
}
