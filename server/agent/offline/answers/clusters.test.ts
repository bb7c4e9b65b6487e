import { describe, expect, it } from 'vitest';
import { LABEL_WORDS } from '../../../../tools/lib/segments/features.ts';
import { labelIn } from './clusters.ts';

describe('cluster labels in Chinese', () => {
  it('translates every word a label can hold, and "mostly <category>"', () => {
    for (const word of LABEL_WORDS) expect(labelIn('zh', word), word).toMatch(/^[\u4e00-\u9fff]+$/);
    expect(labelIn('zh', 'high value, frequent, mostly Toys')).toBe('高价值、高频、以Toys为主');
    expect(labelIn('en', 'high value, frequent')).toBe('high value, frequent');
  });
});
