import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { normalizeEmail, normalizePhone } from '../import/normalize.ts';
import { generateDemo, type DemoData } from './generate.ts';
import { DEMO, END, START } from './model.ts';
import * as queries from './queries.ts';
import { Rng } from './random.ts';

const COUNTRY_CODES: Record<string, string> = {
  China: 'CN', 'United States': 'US', Germany: 'DE', 'United Kingdom': 'GB', Canada: 'CA', Australia: 'AU', France: 'FR', Japan: 'JP',
};

function fingerprint(data: DemoData): string {
  const hash = createHash('sha256');
  for (const c of data.customers) hash.update(JSON.stringify([c.externalId, c.name, c.email, c.phone, c.city, c.signedUpAt]));
  for (const o of data.orders) hash.update(JSON.stringify([o.externalId, o.at, o.revenueCents, o.lines.map((l) => l.product.code)]));
  for (const e of data.events) hash.update(JSON.stringify([e.dedupeKey, e.session.id, e.type, e.at, e.properties]));
  for (const f of data.feedback) hash.update(JSON.stringify([f.externalId, f.text, f.rating, f.at]));
  return hash.digest('hex');
}

describe('demo generator (no database)', () => {
  const data = generateDemo({ customers: 600, seed: 42 });

  it('gives identical data for the same seed and different data for another', () => {
    expect(fingerprint(generateDemo({ customers: 600, seed: 42 }))).toBe(fingerprint(data));
    expect(fingerprint(generateDemo({ customers: 600, seed: 43 }))).not.toBe(fingerprint(data));
  });

  it('has a reproducible PRNG', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(new Rng(42).fork('x').next()).toBe(new Rng(42).fork('x').next());
    expect(new Rng(42).fork('x').next()).not.toBe(new Rng(42).fork('y').next());
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
  });

  it('makes plausible customers: valid unique e-mails, valid E.164 mobiles of their country, English and Chinese names', () => {
    const emails = data.customers.flatMap((c) => (c.email ? [c.email] : []));
    expect(new Set(emails).size).toBe(emails.length);
    for (const e of emails) expect(normalizeEmail(e)).toBe(e);
    const phones = data.customers.filter((c) => c.phone);
    expect(phones.length / data.customers.length).toBeGreaterThan(0.6);
    for (const c of phones) {
      const parsed = parsePhoneNumberFromString(c.phone!);
      expect(parsed?.isValid(), c.phone!).toBe(true);
      expect(parsed?.country, c.phone!).toBe(COUNTRY_CODES[c.country.name]);
      expect(parsed?.number).toBe(c.phone);
      expect(normalizePhone(c.phone, c.country.name)).toBe(c.phone);
    }
    expect(data.customers.some((c) => /[\u4e00-\u9fff]/.test(c.name))).toBe(true);
    expect(data.customers.some((c) => /^[A-Za-z' -]+$/.test(c.name))).toBe(true);
    expect(data.customers.map((c) => c.externalId).slice(0, 2)).toEqual(['D00001', 'D00002']);
    const signups = data.customers.map((c) => c.signedUpAt);
    expect(signups.some((t) => t < START)).toBe(true);
    expect(signups.every((t, i) => i === 0 || t >= signups[i - 1]!)).toBe(true);
  });

  it('keeps every order, event and feedback inside the window, in order, with the right shapes', () => {
    for (const o of data.orders) {
      expect(o.at >= START && o.at < END).toBe(true);
      expect(o.lines.length).toBeGreaterThan(0);
      if (o.kind === 'return') expect(o.revenueCents).toBe(0);
    }
    expect(data.orders.filter((o) => o.kind === 'order').every((o, i, all) => i === 0 || o.at >= all[i - 1]!.at)).toBe(true);
    expect(data.events.every((e, i) => i === 0 || e.at >= data.events[i - 1]!.at)).toBe(true);
    for (const s of data.sessions) {
      expect(s.steps.every((t, i) => i === 0 || t > s.steps[i - 1]!)).toBe(true);
      expect(s.steps.length === 5).toBe(s.order !== null);
    }
    const zh = data.feedback.filter((f) => f.language === 'zh').length / data.feedback.length;
    expect(zh).toBeGreaterThan(0.3);
    expect(zh).toBeLessThan(0.5);
    for (const f of data.feedback) {
      expect(DEMO.themes).toContain(f.label);
      expect(f.language === 'zh').toBe(/[\u4e00-\u9fff]/.test(f.text));
    }
  });

  it('writes feedback with variety: several phrasings per theme and language', () => {
    for (const language of ['en', 'zh'] as const) {
      for (const theme of DEMO.themes) {
        const texts = new Set(data.feedback.filter((f) => f.language === language && f.label === theme).map((f) => f.text));
        expect(texts.size, `${language} ${theme}`).toBeGreaterThan(3);
      }
    }
  });
});

describe('docs/demo-data.md', () => {
  it('quotes every planted-truth query of server/demo/queries.ts verbatim', () => {
    const doc = readFileSync(new URL('../../docs/demo-data.md', import.meta.url), 'utf8');
    for (const [name, sql] of Object.entries(queries)) expect(doc.includes(sql.trim()), name).toBe(true);
  });
});
