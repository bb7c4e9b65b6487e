/** Behaviour events: each session's funnel steps as rows, numbered chronologically. */
import type { DemoSession } from './activity.ts';
import { DEMO, cents } from './model.ts';

export interface DemoEvent {
  /** 'id:E0000001', the form the importer gives events with an explicit id. */
  dedupeKey: string;
  session: DemoSession;
  type: (typeof DEMO.funnel)[number];
  at: number;
  properties: Record<string, string | number>;
}

/** All events of all sessions (which must already have their ids), ordered by time, then session, then step. */
export function buildEvents(sessions: readonly DemoSession[]): DemoEvent[] {
  const order = new Map(sessions.map((s, i) => [s, i]));
  const flat: { session: DemoSession; step: number; at: number }[] = [];
  for (const session of sessions) session.steps.forEach((at, step) => flat.push({ session, step, at }));
  flat.sort((a, b) => a.at - b.at || order.get(a.session)! - order.get(b.session)! || a.step - b.step);
  return flat.map(({ session, step, at }, i) => ({
    dedupeKey: `id:E${String(i + 1).padStart(7, '0')}`,
    session,
    type: DEMO.funnel[step]!,
    at,
    properties: propertiesOf(session, step),
  }));
}

function propertiesOf(s: DemoSession, step: number): Record<string, string | number> {
  const props: Record<string, string | number> = { channel: s.channel };
  if (s.appVersion) props.app_version = s.appVersion;
  if (step === 1 || step === 2) {
    props.product_code = s.product.code;
    if (step === 1) props.category = s.product.category;
  } else if (step === 3) {
    props.cart_value = Number(cents(s.cartCents));
  } else if (step === 4 && s.order) {
    props.order_id = s.order.externalId;
    props.revenue = Number(cents(s.order.revenueCents));
  }
  return props;
}
