import { describe, expect, it } from 'vitest';
import { growCjkTerm, phraseKeywords } from './cjkPhrases.ts';

describe('growCjkTerm (substring reduction of Chinese keyword bigrams)', () => {
  it('grows a cut word while one neighbour carries its occurrences, and stops at function characters', () => {
    // 不工 ×3, always followed by 作 → 不工作; then 了 ×3 (a function character) and on the left 就 ×2 / start ×1: stop.
    const texts = ['用了一周就不工作了', '三天就不工作了', '不工作了怎么办'];
    expect(growCjkTerm('不工', texts)).toBe('不工作');
    // 一周: left 了 (function character), right 就 (function character) → unchanged
    expect(growCjkTerm('一周', texts)).toBe('一周');
  });

  it('needs the same neighbour on at least 80% of the occurrences, and stops at adverbs and at 4 characters', () => {
    // 支付 ×5: followed by 失 4 times (80%) → 支付失 → 支付失败 (4 of 4); then 4 characters, the longest kept.
    expect(growCjkTerm('支付', ['支付失败了吗', '支付失败了吗', '支付失败了吗', '支付失败了吗', '支付成功'])).toBe('支付失败');
    // 3 of 4 (75%) is not enough
    expect(growCjkTerm('支付', ['支付失败', '支付失败', '支付失败', '支付成功'])).toBe('支付');
    // 太慢: left neighbours 流, 送, 递 ×3 (60%) → unchanged
    expect(growCjkTerm('太慢', ['物流太慢', '配送太慢', '快递太慢', '快递太慢', '快递太慢'])).toBe('太慢');
    // 快递 is always followed by 太, an adverb: 快递太慢 is two words, not one
    expect(growCjkTerm('快递', ['快递太慢', '快递太慢'])).toBe('快递');
  });

  it('leaves other terms alone and never crosses into Latin letters or punctuation', () => {
    expect(growCjkTerm('refund', ['refund please'])).toBe('refund');
    expect(growCjkTerm('支付', ['app支付失败', 'app支付失败'])).toBe('支付失败');
    expect(growCjkTerm('闪退', ['点“立即支付”就闪退。', '一打开就闪退！'])).toBe('闪退');
  });
});

describe('phraseKeywords', () => {
  it('drops a phrase that overlaps an earlier one and refills from the ranked terms', () => {
    const texts = ['用了一周就不工作了，质量太差', '不工作了，质量太差', '三天就不工作了'];
    // 不工 → 不工作; 工作 stays (its left neighbour 不 is a function character) and lies inside 不工作 → dropped;
    // 质量 stays (followed by 太)
    expect(phraseKeywords(['不工', '工作', 'refund', '质量'], texts, 3)).toEqual(['不工作', 'refund', '质量']);
  });
});

describe('phraseKeywords overlap', () => {
  it('drops a phrase sharing a bigram with an earlier one (two cuts of the same sentence)', () => {
    const texts = ['这家店性价比很高，首选', '性价比很高，首选'];
    // 性价 → 性价比 (then 很, an adverb); 价比 → 性价比 again (its left neighbour 性 is dominant) → dropped;
    // 首选 (，on the left, the end on the right) is kept.
    expect(phraseKeywords(['性价', '价比', '首选'], texts, 3)).toEqual(['性价比', '首选']);
  });
});
