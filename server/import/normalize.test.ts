import { describe, expect, it } from 'vitest';
import { FieldError, detectLanguage, normalizeEmail, normalizePhone, parseNumber, parseTimestamp } from './normalize.ts';

describe('normalizeEmail', () => {
  it('lower-cases and trims, so variants of one address compare equal', () => {
    expect(normalizeEmail('  Ann.Lee@Example.COM ')).toBe('ann.lee@example.com');
    expect(normalizeEmail('')).toBeNull();
    expect(normalizeEmail(undefined)).toBeNull();
  });
  it('rejects something that is not an address', () => {
    expect(() => normalizeEmail('ann at example')).toThrow(FieldError);
  });
});

describe('normalizePhone', () => {
  it('formats international and national numbers as E.164', () => {
    expect(normalizePhone('+44 20 7946 0018')).toBe('+442079460018');
    expect(normalizePhone('020 7946 0018', 'United Kingdom')).toBe('+442079460018');
    expect(normalizePhone('(415) 555-2671', 'US')).toBe('+14155552671');
    expect(normalizePhone('138 0013 8000', 'China')).toBe('+8613800138000');
  });
  it('falls back to digits when the country is unknown', () => {
    expect(normalizePhone('(020) 7946-0018')).toBe('02079460018');
    expect(normalizePhone('020 7946 0018')).toBe('02079460018');
  });
  it('rejects text without enough digits', () => {
    expect(() => normalizePhone('call me')).toThrow(/invalid phone/);
  });
});

describe('parseTimestamp', () => {
  it('reads ISO with and without zone, compact dates and Unix seconds', () => {
    expect(parseTimestamp('2011-12-09 12:50:00', 'd')!.toISOString()).toBe('2011-12-09T12:50:00.000Z');
    expect(parseTimestamp('2011-12-09', 'd')!.toISOString()).toBe('2011-12-09T00:00:00.000Z');
    expect(parseTimestamp('19970101', 'd')!.toISOString()).toBe('1997-01-01T00:00:00.000Z');
    expect(parseTimestamp('1511544070', 'd')!.toISOString()).toBe('2017-11-24T17:21:10.000Z');
    expect(parseTimestamp('2020-01-01T08:00:00+08:00', 'd')!.toISOString()).toBe('2020-01-01T00:00:00.000Z');
  });
  it('names the field in its error', () => {
    expect(() => parseTimestamp('yesterday', 'ordered_at')).toThrow('ordered_at is not a date: "yesterday"');
  });
});

describe('parseNumber and detectLanguage', () => {
  it('parses numbers with thousands separators and rejects words', () => {
    expect(parseNumber('1,234.5', 'q')).toBe(1234.5);
    expect(parseNumber('-3', 'q')).toBe(-3);
    expect(() => parseNumber('three', 'quantity')).toThrow('quantity is not a number');
  });
  it('tells Chinese from English', () => {
    expect(detectLanguage('物流太慢了')).toBe('zh');
    expect(detectLanguage('Delivery was slow')).toBe('en');
  });
});
