import type { Population } from './generate.ts';
import { geometric, indexSampler, int, type Rand, weighted } from './random.ts';
import { CATEGORIES, CHANNELS, ChunkWriter, END_MS, EVENTS_FROM, FUNNEL, iso, ms, SOURCE } from './shop.ts';

/**
 * Behaviour events as sessions walking the funnel visit → view (×1+) → cart → checkout → purchase, each step reached
 * with a fixed probability (85%, 30%, 55%, 70%: about 10% of visits end in a purchase, a typical e-commerce rate).
 * 70% of sessions belong to a customer (chosen ∝ order activity + a floor, so non-buyers browse too), the rest are
 * anonymous (session id only). Sessions start uniformly over the event year, after the customer's signup; steps are
 * 10 s – 5 min apart. Exactly `total` events: the last session is cut short if needed.
 */
const STEP_P = [0.85, 0.3, 0.55, 0.7];
const pickChannel = weighted(CHANNELS);

interface Sessions {
  start: Float64Array;
  customer: Int32Array;
  /** Funnel steps reached (1 = visit only … 5 = purchase). */
  depth: Uint8Array;
  views: Uint8Array;
  count: number;
}

function events(depth: number, views: number): number {
  return depth >= 2 ? depth - 1 + views : 1;
}

/** Draw sessions until they hold `total` events (the session structure is drawn first, so the time order is free). */
function drawSessions(r: Rand, pop: Population, total: number): Sessions {
  const cap = Math.ceil(total / 2) + 16;
  const s: Sessions = { start: new Float64Array(cap), customer: new Int32Array(cap), depth: new Uint8Array(cap), views: new Uint8Array(cap), count: 0 };
  const weights = new Float64Array(pop.n);
  let meanWeight = 0;
  for (let i = 0; i < pop.n; i++) meanWeight += pop.weight[i]! / Math.max(1, pop.n);
  for (let i = 0; i < pop.n; i++) weights[i] = pop.weight[i]! + 0.2 * meanWeight;
  const drawCustomer = indexSampler(weights);
  const from = ms(EVENTS_FROM);
  let left = total;
  while (left > 0 && s.count < cap) {
    const k = s.count++;
    let depth = 1;
    while (depth < 5 && r() < STEP_P[depth - 1]!) depth++;
    let views = depth >= 2 ? 1 + geometric(r, 0.5) : 0;
    views = Math.min(views, 20);
    // Cut the last session to the events still allowed.
    if (events(depth, views) > left) {
      if (left === 1) (depth = 1), (views = 0);
      else (views = Math.min(views, left - 1)), (depth = Math.min(depth, left - views + 1));
    }
    const c = r() < 0.7 && pop.n > 0 ? drawCustomer(r) + 1 : 0;
    const lo = c > 0 ? Math.max(from, Math.min(pop.signup[c - 1]!, END_MS - 3_600_000)) : from;
    s.start[k] = lo + r() * (END_MS - 3_600_000 - lo);
    s.customer[k] = c;
    s.depth[k] = depth;
    s.views[k] = views;
    left -= events(depth, views);
  }
  return s;
}

/** Writes the events; returns the number of sessions. */
export function generateEvents(r: Rand, pop: Population, total: number, w: ChunkWriter): number {
  const s = drawSessions(r, pop, total);
  const order = Uint32Array.from({ length: s.count }, (_, i) => i).sort((a, b) => s.start[a]! - s.start[b]! || a - b);
  let id = 0;
  for (let n = 0; n < s.count; n++) {
    const k = order[n]!;
    const c = s.customer[k]!;
    const session = `s${k + 1}`;
    const channel = c > 0 && r() < 0.8 ? pop.channel[c - 1]! : pickChannel(r);
    let t = s.start[k]!;
    const emit = (type: string, properties: Record<string, string>) => {
      id++;
      w.add([id, SOURCE, `e${id}`, c || null, session, type, iso(t), properties]);
      t += int(r, 10, 300) * 1000;
    };
    emit(FUNNEL[0], { channel });
    if (s.depth[k]! < 2) continue;
    for (let v = 0; v < s.views[k]!; v++) {
      const cat = c > 0 && r() < 0.6 ? pop.category[c - 1]! : int(r, 0, CATEGORIES.length - 1);
      emit(FUNNEL[1], { category: CATEGORIES[cat]![0] });
    }
    for (let d = 3; d <= s.depth[k]!; d++) emit(FUNNEL[d - 1]!, {});
  }
  w.flush();
  return s.count;
}
