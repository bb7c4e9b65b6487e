import { createRequire } from 'node:module';
import type { CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js';

// libphonenumber-js is loaded on the first phone number: it is ~100 modules (0.1–0.2 s to load through tsx, e.g. in
// the import parse worker) and most imports have no phone column. Its CommonJS build is the same code as the ESM one.
const require = createRequire(import.meta.url);
let parsePhone: typeof parsePhoneNumberFromString | undefined;
const phoneParser = () =>
  (parsePhone ??= (require('libphonenumber-js') as typeof import('libphonenumber-js')).parsePhoneNumberFromString);

/** Field-level normalizers. Each returns null for "no value" and throws a FieldError for a value it can't accept. */
export class FieldError extends Error {}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function blankToNull(raw: unknown): string | null {
  if (raw === null || raw === undefined) return null;
  const text = String(raw).trim();
  return text === '' ? null : text;
}

/** Emails compare case-insensitively and without surrounding whitespace. */
export function normalizeEmail(raw: unknown): string | null {
  const text = blankToNull(raw);
  if (text === null) return null;
  const email = text.toLowerCase();
  if (!EMAIL.test(email)) throw new FieldError(`invalid email "${text}"`);
  return email;
}

/**
 * Phones become E.164 (+4420…) when libphonenumber can parse them (with the row's country as a hint for national
 * numbers); otherwise the digits alone, so "(020) 7946-0018" and "020 7946 0018" still match each other.
 */
export function normalizePhone(raw: unknown, defaultCountry?: string | null): string | null {
  const text = blankToNull(raw);
  if (text === null) return null;
  const parsed = phoneParser()(text, toCountryCode(defaultCountry));
  if (parsed?.isValid()) return parsed.number;
  const digits = text.replace(/[^\d]/g, '');
  if (digits.length < 5) throw new FieldError(`invalid phone "${text}"`);
  return (text.trim().startsWith('+') ? '+' : '') + digits;
}

const COUNTRY_CODES: Record<string, CountryCode> = {
  'united kingdom': 'GB', uk: 'GB', 'great britain': 'GB', 'united states': 'US', usa: 'US', us: 'US',
  china: 'CN', 中国: 'CN', germany: 'DE', france: 'FR', japan: 'JP', australia: 'AU', canada: 'CA',
  netherlands: 'NL', spain: 'ES', italy: 'IT', eire: 'IE', ireland: 'IE', singapore: 'SG',
};

function toCountryCode(country?: string | null): CountryCode | undefined {
  if (!country) return undefined;
  const key = country.trim();
  if (/^[A-Z]{2}$/.test(key)) return key as CountryCode;
  return COUNTRY_CODES[key.toLowerCase()];
}

export function normalizeId(raw: unknown): string | null {
  return blankToNull(raw);
}

export function parseNumber(raw: unknown, field: string): number | null {
  const text = blankToNull(raw);
  if (text === null) return null;
  // Thousands separators ("1,234") are dropped; most numbers have none, so skip the regex for them.
  const n = Number(text.includes(',') ? text.replace(/,(?=\d{3}\b)/g, '') : text);
  if (!Number.isFinite(n)) throw new FieldError(`${field} is not a number: "${text}"`);
  return n;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const COMPACT_DATE = /^(\d{4})(\d{2})(\d{2})$/;

/**
 * Timestamps: ISO 8601 (with or without time/zone; no zone means UTC wall-clock time), YYYYMMDD, or Unix seconds.
 * Sources without a zone (Online Retail) keep their local wall-clock time, so days and months group as in the source.
 */
export function parseTimestamp(raw: unknown, field: string): Date | null {
  const text = blankToNull(raw);
  if (text === null) return null;
  let iso = text;
  const compact = COMPACT_DATE.exec(text);
  if (compact) iso = `${compact[1]}-${compact[2]}-${compact[3]}`;
  else if (/^\d{9,10}(\.\d+)?$/.test(text)) return new Date(Number(text) * 1000);
  if (DATE_ONLY.test(iso)) iso += 'T00:00:00Z';
  else if (/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(iso)) iso = iso.replace(' ', 'T') + 'Z';
  const date = new Date(iso.replace(' ', 'T'));
  if (Number.isNaN(date.getTime())) throw new FieldError(`${field} is not a date: "${text}"`);
  return date;
}

/** Chinese if the text has CJK ideographs, else English; the two languages the product speaks. */
export function detectLanguage(text: string): 'zh' | 'en' {
  return /[\u3400-\u9fff]/.test(text) ? 'zh' : 'en';
}
