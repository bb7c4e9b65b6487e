/** Demo customers: who they are (stored) and how they behave (latent, used by the order and feedback generators). */
import { CATEGORIES } from './catalog.ts';
import {
  CHURN_AT, DAY, DEMO, EARLIEST_SIGNUP, END, MINUTE, PARAMS, START, atShoppingHour, demand, type OrderChannel,
  type SignupChannel,
} from './model.ts';
import {
  AGE_BANDS, COUNTRIES, DE_FIRST, DE_LAST, EMAIL_DOMAINS, EN_FIRST, EN_LAST, FR_FIRST, FR_LAST, JA_FIRST, JA_LAST,
  ZH_GIVEN, ZH_SURNAMES, type Country,
} from './people.ts';
import { Rng, Weighted } from './random.ts';
import type { Language } from './templates.ts';

export interface DemoCustomer {
  /** Position after sorting by signup time; external id D00001 is index 0. */
  index: number;
  externalId: string;
  name: string;
  email: string | null;
  phone: string | null;
  country: Country;
  city: string;
  signupChannel: SignupChannel;
  signedUpAt: number;
  attributes: { age_band: string; marketing_opt_in: boolean };
  // Latent behaviour.
  language: Language;
  /** First moment the customer may buy in the window; null = never buys in the window. */
  activeFrom: number | null;
  /** Whether the first purchase happens right at activeFrom (new customers sign up while buying). */
  buysAtSignup: boolean;
  rate: number;
  dropout: number;
  spend: number;
  vip: boolean;
  primaryChannel: OrderChannel;
  favoriteCategory: string;
  /** Member of the churning segment, and whether this member stops buying at the cutoff. */
  inChurnSegment: boolean;
  stopsAtCutoff: boolean;
}

const COUNTRY_PICK = new Weighted(COUNTRIES.map((c) => [c, c.weight] as const));
const SIGNUP_BASE: readonly (readonly [SignupChannel, number])[] = [
  ['web', 30], ['mobile_app', 20], ['marketplace', 17], ['store', 9], ['referral', 12], ['social_ads', 12],
];
const SIGNUP_PICK = new Weighted(SIGNUP_BASE);
/** German customers came largely through the marketplace (which makes the churning segment large enough). */
const SIGNUP_PICK_DE = new Weighted(SIGNUP_BASE.map(([c, w]) => [c, c === 'marketplace' ? 70 : w] as const));
const SIGNUP_PICK_NO_MARKETPLACE = new Weighted(SIGNUP_BASE.filter(([c]) => c !== 'marketplace'));
const ONLINE_PICK = new Weighted<OrderChannel>([['web', 55], ['mobile_app', 45]]);
const CATEGORY_PICK = new Weighted(CATEGORIES.map((c) => [c.name, c.weight] as const));
const AGE_PICK = new Weighted(AGE_BANDS);

interface Draft extends Omit<DemoCustomer, 'index' | 'externalId' | 'email'> {
  emailLocal: string | null;
  draftNo: number;
}

export function generateCustomers(root: Rng, count: number): DemoCustomer[] {
  // Exactly vipShare of the customers (rounded) form the high-value tier.
  const vips = new Set<number>();
  const order = Array.from({ length: count }, (_, i) => i);
  const pick = root.fork('vip');
  for (let i = 0; i < Math.round(count * PARAMS.vipShare); i++) {
    const j = pick.int(i, count - 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
    vips.add(order[i]!);
  }
  const drafts: Draft[] = [];
  for (let i = 0; i < count; i++) drafts.push(draftCustomer(root.fork(`customer:${i}`), i, vips.has(i)));
  drafts.sort((a, b) => a.signedUpAt - b.signedUpAt || a.draftNo - b.draftNo);
  // Exactly churnStopShare (rounded) of the churning segment stop at the cutoff; the others keep buying.
  const segment = drafts.filter((d) => d.inChurnSegment);
  const keepBuying = root.fork('churn');
  const continuing = segment.length - Math.round(segment.length * PARAMS.churnStopShare);
  for (let i = 0; i < continuing; i++) {
    const j = keepBuying.int(i, segment.length - 1);
    [segment[i], segment[j]] = [segment[j]!, segment[i]!];
    segment[i]!.stopsAtCutoff = false;
  }
  const emails = new Set<string>();
  const phones = new Set<string>();
  const rng = root.fork('emails');
  return drafts.map(({ emailLocal, draftNo: _, ...d }, index) => {
    // Identities are unique; a (very rare) repeated random phone number is dropped.
    if (d.phone !== null && phones.has(d.phone)) d.phone = null;
    if (d.phone !== null) phones.add(d.phone);
    let email: string | null = null;
    if (emailLocal) {
      const domain = rng.pick(EMAIL_DOMAINS);
      email = `${emailLocal}@${domain}`;
      for (let n = 2; emails.has(email); n++) email = `${emailLocal}${n}@${domain}`;
      emails.add(email);
    }
    return { ...d, index, externalId: `D${String(index + 1).padStart(5, '0')}`, email };
  });
}

function draftCustomer(rng: Rng, draftNo: number, vip: boolean): Draft {
  const country = COUNTRY_PICK.sample(rng);
  const person = personName(rng, country);
  // Sign-ups (and the first order that often comes with them) happen at local shopping hours, never after today.
  const drawn = signupTime(rng);
  const shifted = atShoppingHour(drawn, country.utcOffset, rng.next(), rng.next());
  const signedUpAt = shifted < END ? shifted : drawn;
  let signupChannel = (country.name === 'Germany' ? SIGNUP_PICK_DE : SIGNUP_PICK).sample(rng);
  // The German marketplace listing ended at the cutoff: nobody joins through it afterwards.
  if (country.name === 'Germany' && signupChannel === 'marketplace' && signedUpAt >= CHURN_AT) {
    signupChannel = SIGNUP_PICK_NO_MARKETPLACE.sample(rng);
  }
  const inChurnSegment =
    country.name === DEMO.churningSegment.country && signupChannel === DEMO.churningSegment.signupChannel;

  let rate = rng.gamma(PARAMS.rateShape, PARAMS.rateMean / PARAMS.rateShape);
  let dropout = rng.beta(PARAMS.dropoutA, PARAMS.dropoutB);
  let spend = rng.gamma(4, 0.25);
  if (vip) {
    rate *= PARAMS.vipRate;
    dropout *= PARAMS.vipDropout;
    spend *= PARAMS.vipSpend;
  }
  if (signupChannel === DEMO.loyalCohort.signupChannel) dropout *= PARAMS.referralDropout;
  if (inChurnSegment) {
    // Regular buyers until the cutoff.
    rate = Math.max(rate, 4) * PARAMS.churnRate;
    dropout *= PARAMS.churnDropout;
  }

  let activeFrom: number | null;
  let buysAtSignup = false;
  const committed = vip || inChurnSegment;
  if (signedUpAt < START) {
    activeFrom = committed || rng.chance(PARAMS.preWindowAlive) ? START : null;
  } else if (!committed && rng.chance(PARAMS.neverBuyShare)) {
    activeFrom = null;
  } else {
    buysAtSignup = rng.chance(0.6);
    activeFrom = buysAtSignup ? signedUpAt + rng.int(2, 40) * MINUTE : signedUpAt + rng.exp(6 * DAY);
    if (activeFrom >= END) activeFrom = null;
  }

  const primaryChannel: OrderChannel =
    signupChannel === 'referral' || signupChannel === 'social_ads' ? ONLINE_PICK.sample(rng) : signupChannel;
  const chineseName = person.zh;
  const language: Language =
    country.locale === 'zh' ? (rng.chance(0.96) ? 'zh' : 'en') : chineseName && rng.chance(0.6) ? 'zh' : 'en';

  return {
    draftNo,
    name: person.name,
    emailLocal: rng.chance(0.97) ? person.emailLocal : null,
    phone: rng.chance(country.phoneShare) ? phoneNumber(rng, country) : null,
    country,
    city: new Weighted(country.cities).sample(rng),
    signupChannel,
    signedUpAt,
    attributes: { age_band: AGE_PICK.sample(rng), marketing_opt_in: rng.chance(0.58) },
    language,
    activeFrom,
    buysAtSignup,
    rate,
    dropout,
    spend,
    vip,
    primaryChannel,
    favoriteCategory: CATEGORY_PICK.sample(rng),
    inChurnSegment,
    stopsAtCutoff: inChurnSegment,
  };
}

/** Before the window (uniform), or in it with growth and seasonality, by thinning. */
function signupTime(rng: Rng): number {
  if (rng.chance(PARAMS.preWindowShare)) return Math.floor(rng.float(EARLIEST_SIGNUP, START));
  for (;;) {
    const t = rng.float(START, END);
    const growth = 1 + 0.9 * ((t - START) / (END - START));
    if (rng.next() * 1.9 * 1.3 < growth * Math.sqrt(demand(t, false))) return Math.floor(t);
  }
}

function personName(rng: Rng, country: Country): { name: string; emailLocal: string; zh: boolean } {
  const dotted = (first: string, last: string) => {
    const style = rng.int(0, 3);
    const f = ascii(first);
    const l = ascii(last);
    const local = style === 0 ? `${f}.${l}` : style === 1 ? `${f[0]}${l}` : style === 2 ? `${f}${l}${rng.int(70, 99)}` : `${f}_${l}`;
    return local;
  };
  if (country.locale === 'zh' || (country.locale === 'en' && rng.chance(0.2))) {
    const [sh, sp] = rng.pick(ZH_SURNAMES);
    const [gh, gp] = rng.pick(ZH_GIVEN);
    const local = dotted(gp, sp);
    const emailLocal = rng.chance(0.3) ? `${ascii(sp)}${ascii(gp)}${rng.int(1980, 2005)}` : local;
    return { name: country.locale === 'zh' ? `${sh}${gh}` : `${gp} ${sp}`, emailLocal, zh: true };
  }
  const [firsts, lasts] =
    country.locale === 'de' ? [DE_FIRST, DE_LAST] : country.locale === 'fr' ? [FR_FIRST, FR_LAST]
      : country.locale === 'ja' ? [JA_FIRST, JA_LAST] : [EN_FIRST, EN_LAST];
  const first = rng.pick(firsts);
  const last = rng.pick(lasts);
  return { name: `${first} ${last}`, emailLocal: dotted(first, last), zh: false };
}

function ascii(text: string): string {
  return text
    .replace(/ß/g, 'ss')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9]/g, '')
    .toLowerCase();
}

function phoneNumber(rng: Rng, country: Country): string {
  let digits = '';
  for (let i = 0; i < country.phone.digits; i++) digits += String(rng.int(0, 9));
  const prefix = rng.pick(country.phone.prefixes);
  // North American exchange codes start with 2-9.
  if (prefix.startsWith('+1')) digits = String(rng.int(2, 9)) + digits.slice(1);
  return prefix + digits;
}
