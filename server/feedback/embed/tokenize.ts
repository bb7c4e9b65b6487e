/**
 * Language-agnostic tokenizer for the local embedder and for theme keywords. English (and other space-separated
 * scripts) splits into words; Chinese, Japanese kana and Korean hangul have no spaces, so a run of such characters
 * becomes its single characters (unigrams) plus the overlapping character bigrams — the standard segmentation-free
 * baseline for Chinese retrieval (e.g. Lucene's CJKAnalyzer), which needs no dictionary and no downloads.
 */

/** Han ideographs (incl. extension A and compatibility), kana, hangul. */
const CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]/u;
/**
 * A run of CJK characters, or a word of non-CJK letters/digits (apostrophes inside words kept: "don't", "card's").
 * \p{L} includes CJK, hence the lookahead: "abc退款" is the word "abc" followed by the CJK run "退款".
 */
const CJK_CLASS = '\\u3040-\\u30ff\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\uac00-\\ud7af';
const LETTER = `(?:(?![${CJK_CLASS}])[\\p{L}\\p{N}])`;
const TOKEN = new RegExp(`[${CJK_CLASS}]+|${LETTER}+(?:['’]${LETTER}+)*`, 'gu');

export interface Tokens {
  /** Words and single CJK characters, in text order. */
  words: string[];
  /** Overlapping CJK character bigrams (empty for text without CJK). */
  cjkBigrams: string[];
  /** Whether each entry of `words` is a CJK character (parallel to words). */
  isCjk: boolean[];
}

/** NFKC folds full-width Latin letters and digits (common in Chinese text) to ASCII; then lower-case. */
export function normalizeText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/’/g, "'");
}

export function isCjkChar(ch: string): boolean {
  return CJK.test(ch);
}

export function tokenize(text: string): Tokens {
  const words: string[] = [];
  const cjkBigrams: string[] = [];
  const isCjk: boolean[] = [];
  for (const match of normalizeText(text).matchAll(TOKEN)) {
    const token = match[0];
    if (!CJK.test(token[0]!)) {
      words.push(token);
      isCjk.push(false);
      continue;
    }
    const chars = Array.from(token);
    for (let i = 0; i < chars.length; i++) {
      words.push(chars[i]!);
      isCjk.push(true);
      if (i + 1 < chars.length) cjkBigrams.push(chars[i]! + chars[i + 1]!);
    }
  }
  return { words, cjkBigrams, isCjk };
}

/**
 * Common English function words. Kept out of theme keywords (they carry no theme) and down-weighted nowhere else:
 * the embedder learns word weights from the corpus instead (IDF / SIF), so it needs no list.
 */
export const ENGLISH_STOPWORDS: ReadonlySet<string> = new Set(
  (
    'a about above after again against all am an and any are as at be because been before being below between both but ' +
    'by can could did do does doing don\'t down during each few for from further had has have having he her here hers ' +
    'herself him himself his how i i\'m i\'ve if in into is isn\'t it it\'s its itself just me more most my myself no nor ' +
    'not now of off on once only or other our ours ourselves out over own same she should so some such than that the ' +
    'their theirs them themselves then there these they this those through to too under until up very was we were what ' +
    'when where which while who whom why will with would you your yours yourself yourselves can\'t cannot get got ' +
    'also been still yet please hi hello thanks thank one im ive dont cant'
  ).split(' '),
);

/** Common Chinese function characters (particles, pronouns), excluded from single-character keywords. */
export const CHINESE_STOPCHARS: ReadonlySet<string> = new Set(
  Array.from('的了是我你他她它们在有和就不也都而及与着或一个这那吗呢吧啊呀哦么把被给让对从到为以'),
);

/**
 * Terms for class-based TF-IDF keywords: English words without stopwords or bare numbers, and for CJK the character
 * bigrams (a two-character run is the commonest Chinese word length) plus isolated single characters.
 */
export function keywordTerms(text: string): string[] {
  const { words, cjkBigrams, isCjk } = tokenize(text);
  const terms: string[] = [];
  words.forEach((word, i) => {
    if (isCjk[i]) {
      const alone = !isCjk[i - 1] && !isCjk[i + 1];
      if (alone && !CHINESE_STOPCHARS.has(word)) terms.push(word);
    } else if (word.length > 1 && !ENGLISH_STOPWORDS.has(word) && !/^\d+$/.test(word)) {
      terms.push(word);
    }
  });
  for (const bigram of cjkBigrams) {
    const [a, b] = Array.from(bigram);
    if (!(CHINESE_STOPCHARS.has(a!) && CHINESE_STOPCHARS.has(b!))) terms.push(bigram);
  }
  return terms;
}
