import { describe, expect, it } from 'vitest';
import { AppError } from '../../errors.ts';
import {
  createLocalEmbedder,
  deserializeLocalEmbedder,
  localEmbedFunction,
  serializeLocalEmbedder,
  trainLocalEmbedder,
  untrainedLocalEmbedder,
} from './local.ts';
import { tokenize } from './tokenize.ts';

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);

// Three topics, written with varied wording; each topic shares content words the others lack.
const REFUND = [
  'I want a refund for my order', 'how long does a refund take', 'refund still not received after return',
  'please refund the money for the broken item', 'my refund was rejected why', 'when will I get my refund back',
  'refund to my card has not arrived', 'can I get a refund instead of a replacement', 'requesting a refund for a late order',
  'the refund amount is wrong',
];
const DELIVERY = [
  'my parcel delivery is late', 'where is my package delivery', 'the courier did not deliver the parcel',
  'delivery address needs to change', 'package tracking shows no delivery update', 'parcel was delivered to the wrong address',
  'how long is delivery to Germany', 'the delivery driver left the package outside', 'express delivery did not arrive on time',
  'track my parcel delivery status',
];
const LOGIN = [
  'I cannot log in to my account', 'password reset email never came', 'my account is locked after login attempts',
  'how do I change my account password', 'login page shows an error', 'forgot my password and username',
  'two factor code for login not working', 'account login fails on the app', 'reset password link expired',
  'cannot sign in to my account with the new password',
];
const CORPUS = [...REFUND, ...DELIVERY, ...LOGIN];

describe('local embedder', () => {
  const state = trainLocalEmbedder(CORPUS);
  const embed = localEmbedFunction(state);

  it('is deterministic: same corpus → same name and identical vectors', async () => {
    const again = trainLocalEmbedder(CORPUS);
    expect(createLocalEmbedder(again).name).toBe(createLocalEmbedder(state).name);
    expect(localEmbedFunction(again)(CORPUS)).toEqual(embed(CORPUS));
  });

  it('returns unit vectors of the declared dimension, also for empty and unknown text', async () => {
    const embedder = createLocalEmbedder(state);
    const vectors = await embedder.embed(['', 'zzzz qqqq', ...CORPUS.slice(0, 3), '退款']);
    for (const v of vectors) {
      expect(v).toHaveLength(embedder.dimension);
      expect(Math.sqrt(dot(v, v))).toBeCloseTo(1, 5);
    }
  });

  it('places same-topic English texts closer than different-topic ones', () => {
    const [refund, refund2, delivery, login] = embed([
      'refund for my order has not arrived', 'how long until I get my refund', 'my parcel delivery is late', 'cannot log in to my account',
    ]);
    expect(dot(refund!, refund2!)).toBeGreaterThan(dot(refund!, delivery!));
    expect(dot(refund!, refund2!)).toBeGreaterThan(dot(refund!, login!));
    // Averaged over the training topics: within-topic similarity beats across-topic similarity.
    const vectors = embed(CORPUS);
    const topic = (i: number) => Math.floor(i / 10);
    let within = 0, across = 0, nw = 0, na = 0;
    for (let i = 0; i < vectors.length; i++) for (let j = i + 1; j < vectors.length; j++) {
      const s = dot(vectors[i]!, vectors[j]!);
      if (topic(i) === topic(j)) (within += s, nw++); else (across += s, na++);
    }
    expect(within / nw).toBeGreaterThan(across / na + 0.1);
  });

  it('tokenizes Chinese into characters and character bigrams, and groups Chinese texts by topic', () => {
    expect(tokenize('退款太慢了!')).toEqual({ words: ['退', '款', '太', '慢', '了'], cjkBigrams: ['退款', '款太', '太慢', '慢了'], isCjk: [true, true, true, true, true] });
    expect(tokenize('ＡＢＣ退款 refund')).toEqual({ words: ['abc', '退', '款', 'refund'], cjkBigrams: ['退款'], isCjk: [false, true, true, false] });
    const zh = ['退款还没到账', '申请退款被拒绝', '什么时候退款', '退款金额不对', '快递还没送到', '快递送错地址', '物流一直没有更新', '快递员没有送货'];
    const zhEmbed = localEmbedFunction(trainLocalEmbedder(zh));
    const [refundA, refundB, parcel] = zhEmbed(['我的退款还没到', '退款申请', '快递没送到']);
    expect(dot(refundA!, refundB!)).toBeGreaterThan(dot(refundA!, parcel!));
  });

  it('round-trips through serialization with the same name and vectors', () => {
    const restored = deserializeLocalEmbedder(serializeLocalEmbedder(state));
    expect(createLocalEmbedder(restored).name).toBe(createLocalEmbedder(state).name);
    expect(localEmbedFunction(restored)(CORPUS.slice(0, 5))).toEqual(embed(CORPUS.slice(0, 5)));
  });

  it('names different fits differently, and works untrained before any corpus exists', async () => {
    const other = trainLocalEmbedder(CORPUS.slice(0, 20));
    expect(createLocalEmbedder(other).name).not.toBe(createLocalEmbedder(state).name);
    const untrained = createLocalEmbedder(untrainedLocalEmbedder());
    expect(untrained.name).toMatch(/^local-v\d+:[0-9a-f]{10}$/);
    const [a, b, c] = await untrained.embed(['refund my order', 'refund my order please', 'parcel delivery late']);
    expect(dot(a!, b!)).toBeGreaterThan(dot(a!, c!));
    expect(trainLocalEmbedder(['only one text']).docCount).toBe(0); // nothing to learn from: the fallback
  });

  it('rejects a buffer that is not a serialized embedder', () => {
    expect(() => deserializeLocalEmbedder(Buffer.from('not a model'))).toThrow(AppError);
  });
});
