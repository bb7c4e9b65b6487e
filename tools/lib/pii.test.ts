import { describe, expect, it } from 'vitest';
import { ROLES } from '../types.ts';
import { canSeePii, maskEmail, maskName, roleForModel } from './pii.ts';

describe('PII masking', () => {
  it('masks for analysts and executives, not for admins and support staff', () => {
    expect(maskEmail('ann.lee@example.com', 'analyst')).toBe('a***@example.com');
    expect(maskEmail('ann.lee@example.com', 'support')).toBe('ann.lee@example.com');
    expect(maskName('Ann Lee', 'executive')).toBe('Ann L.');
    expect(maskName('王小明', 'analyst')).toBe('王**');
  });

  it('never lets personal data reach an LLM endpoint, whatever the role of the asker', () => {
    for (const role of ROLES) expect(canSeePii(roleForModel(role))).toBe(false);
    expect(roleForModel('executive')).toBe('executive');
  });
});
