/**
 * Customer feedback tied to what happened: reviews and tickets after orders, complaints after returns, app_bug reports
 * after failed app checkouts, and the rising delivery_delay complaints of Aug–Oct 2026. Text comes from templates.
 */
import { CATEGORY_BY_NAME, isSized, type Product } from './catalog.ts';
import type { DemoCustomer } from './customers.ts';
import type { DemoSession } from './activity.ts';
import { BUG_FROM, BUG_TO, DAY, END, HOUR, MINUTE, PARAMS, START, monthOf, type Theme } from './model.ts';
import type { DemoOrder } from './orders.ts';
import { Rng, Weighted } from './random.ts';
import { ASIDES, CONTEXT, FEEDBACK_CHANNELS, RATINGS, TEMPLATES, type Language } from './templates.ts';

export interface DemoFeedback {
  externalId: string;
  customer: DemoCustomer;
  channel: string;
  rating: number;
  text: string;
  language: Language;
  label: Theme;
  at: number;
}

const BASE_WEIGHTS: Record<Theme, number> = {
  delivery_delay: 9, product_quality: 16, price_value: 13, customer_service: 11, app_bug: 4, sizing_fit: 6, praise: 42,
};
const NEGATIVE: readonly Theme[] = ['delivery_delay', 'product_quality', 'price_value', 'customer_service', 'sizing_fit'];
/** Asides that would contradict the main theme. */
const ASIDE_CLASH: Partial<Record<Theme, number>> = { delivery_delay: 2, price_value: 1 };

const ratingPick = Object.fromEntries(
  Object.entries(RATINGS).map(([theme, entries]) => [theme, new Weighted(entries)]),
) as Record<Theme, Weighted<number>>;
const channelPick = Object.fromEntries(
  Object.entries(FEEDBACK_CHANNELS).map(([theme, entries]) => [theme, new Weighted(entries)]),
) as Record<Theme, Weighted<string>>;

/** Days after the order that feedback on a theme typically arrives. */
function delayFor(rng: Rng, theme: Theme): number {
  const days = theme === 'delivery_delay' ? rng.int(7, 21) : theme === 'app_bug' ? 0 : rng.int(3, 25);
  return days * DAY + rng.int(0, 23) * HOUR + rng.int(0, 59) * MINUTE + rng.int(0, 59) * 1000;
}

export function generateFeedback(
  root: Rng, orders: readonly DemoOrder[], returns: readonly DemoOrder[], sessions: readonly DemoSession[],
): DemoFeedback[] {
  const out: DemoFeedback[] = [];
  const rng = root.fork('feedback');
  const add = (customer: DemoCustomer, theme: Theme, at: number, product: Product) => {
    if (at < START || at >= END) return;
    const language = customer.language;
    out.push({
      externalId: '',
      customer,
      channel: channelPick[theme].sample(rng),
      rating: ratingPick[theme].sample(rng),
      text: compose(rng, language, theme, product),
      language,
      label: theme,
      at,
    });
  };

  for (const order of orders) {
    const product = order.lines[0]!.product;
    if (rng.chance(PARAMS.feedbackPerOrder)) {
      const sized = order.lines.find((l) => isSized(l.product))?.product;
      const weights = { ...BASE_WEIGHTS };
      weights.sizing_fit = sized ? 16 : 0;
      weights.app_bug = order.channel === 'mobile_app' ? 7 : order.channel === 'web' ? 3 : 1;
      const theme = new Weighted(Object.entries(weights) as [Theme, number][]).sample(rng);
      add(order.customer, theme, order.at + delayFor(rng, theme), theme === 'sizing_fit' ? sized! : product);
    }
    // The logistics problem of Aug–Oct 2026: extra late-delivery complaints, by the month they are written.
    const complaintAt = order.at + delayFor(rng, 'delivery_delay');
    const extra = PARAMS.delayExtra[monthOf(complaintAt)] ?? 0;
    if (extra > 0 && rng.chance(extra)) add(order.customer, 'delivery_delay', complaintAt, product);
  }

  for (const ret of returns) {
    if (!rng.chance(0.35)) continue;
    const line = ret.lines[0]!;
    const theme: Theme = isSized(line.product) ? 'sizing_fit' : rng.chance(0.75) ? 'product_quality' : 'price_value';
    add(ret.customer, theme, ret.at + rng.int(0, 72) * HOUR, line.product);
  }

  for (const s of sessions) {
    if (s.order || s.steps.length !== 4 || (s.channel !== 'mobile_app' && s.channel !== 'web')) continue;
    const at = s.steps[3]!;
    const inBug = s.channel === 'mobile_app' && s.steps[0]! >= BUG_FROM && s.steps[0]! < BUG_TO;
    if (rng.chance(inBug ? PARAMS.bugFeedback : PARAMS.failFeedback)) {
      add(s.customer, 'app_bug', at + rng.int(10, 360) * MINUTE, s.product);
    }
  }

  out.sort((a, b) => a.at - b.at);
  out.forEach((f, i) => (f.externalId = `F${String(i + 1).padStart(6, '0')}`));
  return out;
}

function compose(rng: Rng, language: Language, theme: Theme, product: Product): string {
  const fill = (template: string) =>
    template
      .replace(/\{product\}/g, language === 'zh' ? product.zh : product.name)
      .replace(/\{category\}/g, () => {
        const category = CATEGORY_BY_NAME.get(product.category)!;
        return language === 'zh' ? category.zh : category.name.toLowerCase();
      })
      .replace(/\{days\}/g, () => String(rng.int(9, 25)))
      .replace(/\{weeks\}/g, () => String(rng.int(2, 3)))
      .replace(/\{n\}/g, () => String(rng.int(2, 5)));
  const parts: string[] = [];
  if (rng.chance(0.3)) parts.push(fill(rng.pick(CONTEXT[language])));
  parts.push(fill(rng.pick(TEMPLATES[language][theme])));
  if (theme !== 'praise') {
    if (rng.chance(0.08)) {
      const other = rng.pick(NEGATIVE.filter((t) => t !== theme));
      parts.push(fill(rng.pick(TEMPLATES[language][other])));
    } else if (rng.chance(0.2)) {
      const asides = ASIDES[language].filter((_, i) => i !== ASIDE_CLASH[theme]);
      parts.push(fill(rng.pick(asides)));
    }
  }
  // "the The Data Detective" → "The Data Detective".
  let text = parts.join(language === 'zh' ? '' : ' ').replace(/\b([Tt])he The /g, '$1he ');
  // People do not always write tidily.
  if (language === 'en' && rng.chance(0.12)) text = text.charAt(0).toLowerCase() + text.slice(1).replace(/\.$/, '');
  return text;
}
