import { distance } from 'fastest-levenshtein';
import { ANALYSES, DIMENSIONS, EVENT_STEPS, METRICS } from '../semantic/index.ts';

/**
 * Typo tolerance for English words ("revnue in septmber" → "revenue in september"): a word of six letters or more
 * that is not in the vocabulary is replaced by the one vocabulary word within Levenshtein distance 1 (2 for nine
 * letters or more). Ties and common English words are left alone, so a correct word is never "fixed" into another.
 */
const MONTHS = ['january', 'february', 'march', 'april', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
/** Period words the time parser reads ("last qurter", "yesterdy"). */
const PERIODS = ['quarter', 'quarters', 'quarterly', 'monthly', 'months', 'weekly', 'yearly', 'annually', 'yesterday', 'previous', 'current', 'fortnight', 'beginning'];
/** Frequent English words near vocabulary words (e.g. "reviews" ~ "revenue"? no, but "charge" ~ "change"). */
const COMMON = new Set(
  ('about after again against almost already always amount another answer around before behind better between biggest ' +
    'bought brought change charge chance channels choose cohorts coming common compare compared country course current ' +
    'customer during either enough every figure figures follow following future general greater growth happen having ' +
    'higher highest income itself larger largest latest leaving likely little longer looking lowest making market ' +
    'matter member mostly number numbers office online orders others people period periods person placed please ' +
    'points pretty rather really reason recent record region report result return returns review reviews second ' +
    'season series should shown simple single someone something spend spent split status stores strong system ' +
    'things through toward translation translations trends twelve unique usually versus weekly whether within without worked yearly')
    .split(' '),
);

function vocabulary(): Set<string> {
  const words = new Set<string>([...MONTHS, ...PERIODS]);
  const add = (phrase: string) => phrase.split(/[^a-z]+/).filter((w) => w.length >= 6).forEach((w) => words.add(w));
  for (const m of METRICS) m.synonyms.en.forEach(add);
  for (const a of ANALYSES) a.triggers.en.forEach(add);
  for (const d of DIMENSIONS) [...d.words.en, ...d.aliases.flat()].forEach(add);
  for (const s of EVENT_STEPS) s.en.forEach(add);
  return words;
}

let vocab: Set<string> | null = null;

export function correctTypos(text: string): string {
  vocab ??= vocabulary();
  const words = vocab;
  return text.replace(/[a-z]{6,}/g, (word) => {
    if (words.has(word) || COMMON.has(word)) return word;
    const limit = word.length >= 9 ? 2 : 1;
    let best: string | null = null;
    let bestDistance = Infinity;
    let tie = false;
    for (const candidate of words) {
      if (Math.abs(candidate.length - word.length) > limit) continue;
      const d = distance(word, candidate);
      if (d < bestDistance) [best, bestDistance, tie] = [candidate, d, false];
      else if (d === bestDistance) tie = true;
    }
    return best && bestDistance <= limit && !tie ? best : word;
  });
}
