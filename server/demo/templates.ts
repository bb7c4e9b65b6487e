/**
 * Feedback text templates per theme and language. Several phrasings each, with product and category names mixed
 * in, plus optional context and cross-theme sentences, so clustering the texts is not a keyword lookup.
 * Slots: {product}, {category}, {days}, {weeks}, {n}.
 */
import type { Theme } from './model.ts';

export type Language = 'en' | 'zh';

export const TEMPLATES: Record<Language, Record<Theme, readonly string[]>> = {
  en: {
    delivery_delay: [
      'My package arrived {weeks} weeks late.',
      'Still waiting for my {product}, it has been {days} days since I ordered.',
      'Delivery took forever. The tracking number did not update for a week.',
      'The {product} is fine but shipping was extremely slow, {days} days in total.',
      'Order said 3-5 days, it took almost {weeks} weeks. Not acceptable.',
      'Courier kept postponing the delivery date. I needed the {category} item for a birthday and it came too late.',
      'Parcel stuck in transit for ages, nobody could tell me where it was.',
      'Why does shipping take {days} days now? It used to be much faster.',
      'Late delivery again. Second time this month my order arrived after the promised date.',
    ],
    product_quality: [
      'The {product} broke after {n} days of use.',
      'Poor quality, the {product} feels cheap and the stitching came apart.',
      'Received a defective {product}, it was damaged right out of the box.',
      'Quality is much worse than in the photos. Very disappointed with this {category} purchase.',
      'The finish of the {product} started peeling after a few days.',
      'Item arrived scratched and one part was missing.',
      'Stopped working after a week. I expected better from your {category} range.',
      'The {product} smells strongly of plastic and the finish is uneven.',
    ],
    price_value: [
      'Too expensive for what you get. The {product} is not worth the price.',
      'Found the same {product} for 30% less elsewhere.',
      'Prices went up again, {category} used to be good value here.',
      'Quality is ok but overpriced compared to other shops.',
      'Shipping fee is higher than the item itself, not good value.',
      'Would buy more often if the prices were fairer. The discount code did not even apply.',
      'Decent {product} but I feel I paid too much for it.',
    ],
    customer_service: [
      'Customer service never answered my emails, I wrote {n} times.',
      'The support agent was rude and hung up on me.',
      'I asked for a refund {weeks} weeks ago and still nothing. Support keeps copying the same answer.',
      'Live chat is useless, I waited an hour and then the chat closed.',
      'Nobody could explain why my order of the {product} was cancelled.',
      'Support promised a call back that never happened.',
      'Had to explain my problem to three different agents. Very frustrating service.',
    ],
    app_bug: [
      'The app crashes when I tap "Pay now".',
      'Could not check out in the mobile app, payment failed {n} times with an error.',
      'Login keeps failing in the app, it says my session expired.',
      'Checkout error in the app: "something went wrong". Had to order the {product} on the website instead.',
      'After the latest update the app freezes on the payment page.',
      'Card was charged but the app showed an error and no order confirmation.',
      'App keeps logging me out and my cart with the {product} is gone.',
      'Payment screen just spins forever in the app.',
    ],
    sizing_fit: [
      'The {product} runs small, I had to return it for a bigger size.',
      'Size chart is wrong. Ordered my usual size and it is way too tight.',
      'Fits strangely, the sleeves are too long and the waist too wide.',
      'Had to exchange the {product} twice to get the right fit.',
      'Way too big, the sizes are not consistent between products.',
      'Nice fabric but the cut does not fit at all. Sending the {product} back.',
    ],
    praise: [
      'Love the {product}! Great quality and fast delivery.',
      'Excellent service, will definitely buy again.',
      'The {product} exceeded my expectations. Highly recommend.',
      'Great value for money, my favourite shop for {category}.',
      'Arrived quickly and well packed. Very happy with the {product}.',
      'Fantastic experience from ordering to delivery, thank you!',
      'Third order this year and never disappointed. The {product} is perfect.',
      'Customer service solved my question in minutes. Great shop.',
    ],
  },
  zh: {
    delivery_delay: [
      '快递太慢了，等了两周才到。',
      '下单{days}天了，{product}还没收到。',
      '物流信息一个星期都没有更新，太慢了。',
      '{product}本身没问题，就是配送太慢，总共花了{days}天。',
      '说好三到五天送达，结果等了快{weeks}周。',
      '快递一直延迟，生日礼物都没赶上。',
      '包裹卡在中转站好多天，客服也查不到。',
      '最近发货怎么这么慢？以前两三天就到了。',
      '又是延迟送达，这个月第二次了。',
    ],
    product_quality: [
      '{product}用了{n}天就坏了。',
      '质量太差了，{product}做工粗糙，线头很多。',
      '收到的{product}是坏的，一拆开就有问题。',
      '实物和图片差别很大，这次买的{category}很失望。',
      '{product}用了几天就开始掉色起皮。',
      '商品到的时候有划痕，还少了一个配件。',
      '用了一周就不工作了，{category}的质量应该更好才对。',
      '{product}有很重的塑料味，表面也不平整。',
    ],
    price_value: [
      '太贵了，{product}不值这个价。',
      '同样的{product}别家便宜三成。',
      '又涨价了，以前这里的{category}挺划算的。',
      '质量还行，但是价格偏高。',
      '运费比商品还贵，性价比太低。',
      '优惠券用不了，价格再合理一点会常来买。',
      '{product}还不错，就是感觉买贵了。',
    ],
    customer_service: [
      '客服一直不回复，发了{n}次邮件都没人理。',
      '客服态度很差，直接挂电话。',
      '{weeks}周前申请退款到现在还没处理，客服只会复制粘贴。',
      '在线客服等了一个小时，然后对话就被关闭了。',
      '没人能解释为什么我的{product}订单被取消了。',
      '说好给我回电话，结果一直没打。',
      '同一个问题跟三个客服解释了三遍，太折腾了。',
    ],
    app_bug: [
      'APP点“立即支付”就闪退。',
      '手机APP结算不了，支付失败了{n}次，一直报错。',
      'APP登录总是失败，提示会话过期。',
      'APP结账报错“出了点问题”，只好去网页上买{product}。',
      '更新之后APP在支付页面就卡住不动。',
      '扣款成功了，但是APP显示错误，也没有订单确认。',
      'APP老是自动退出登录，购物车里的{product}也没了。',
      'APP支付页面一直在转圈。',
    ],
    sizing_fit: [
      '{product}尺码偏小，只能退了换大一号。',
      '尺码表不准，按平时的尺码买的，穿着太紧。',
      '版型很奇怪，袖子太长，腰又太宽。',
      '{product}换了两次才换到合适的尺码。',
      '太大了，不同商品的尺码不统一。',
      '面料不错，但版型完全不合身，{product}只能退货。',
    ],
    praise: [
      '{product}非常喜欢！质量好，发货也快。',
      '服务很好，还会再来买。',
      '{product}超出预期，强烈推荐。',
      '性价比很高，买{category}首选这家店。',
      '到货很快，包装也很好，{product}很满意。',
      '从下单到收货体验都很好，谢谢！',
      '今年第三次下单了，从来没失望过，{product}完美。',
      '客服几分钟就解决了我的问题，好店。',
    ],
  },
};

/** Context sentences that say nothing about the theme (put before the main sentence). */
export const CONTEXT: Record<Language, readonly string[]> = {
  en: [
    'Ordered the {product} for my sister.',
    'Bought this as a gift.',
    'I have ordered here {n} times before.',
    'I ordered a few {category} items last month.',
    'Second time buying the {product}.',
    'Regular customer here.',
  ],
  zh: ['给妹妹买的{product}。', '买来送人的。', '这是我第{n}次在这里下单。', '上个月买了几样{category}。', '第二次买{product}了。', '老顾客了。'],
};

/** Secondary remarks that overlap other themes' words (put after the main sentence). */
export const ASIDES: Record<Language, readonly string[]> = {
  en: [
    'The packaging was nice though.',
    'Price was fine.',
    'Delivery was on time at least.',
    'Hope the quality improves.',
    'Please pass this on to your team.',
    'Otherwise OK.',
  ],
  zh: ['不过包装还不错。', '价格倒是可以。', '至少送货准时。', '希望质量能改进。', '请转告相关部门。', '其他还行。'],
};

/** Plausible ratings per theme: [stars, weight]. */
export const RATINGS: Record<Theme, readonly (readonly [number, number])[]> = {
  delivery_delay: [[1, 40], [2, 35], [3, 18], [4, 6], [5, 1]],
  product_quality: [[1, 36], [2, 34], [3, 22], [4, 8]],
  price_value: [[1, 8], [2, 30], [3, 42], [4, 18], [5, 2]],
  customer_service: [[1, 46], [2, 30], [3, 15], [4, 7], [5, 2]],
  app_bug: [[1, 52], [2, 31], [3, 13], [4, 4]],
  sizing_fit: [[1, 10], [2, 30], [3, 40], [4, 18], [5, 2]],
  praise: [[3, 3], [4, 30], [5, 67]],
};

/** Where feedback on a theme tends to come in: [channel, weight]. */
export const FEEDBACK_CHANNELS: Record<Theme, readonly (readonly [string, number])[]> = {
  delivery_delay: [['support_ticket', 50], ['review', 30], ['survey', 20]],
  product_quality: [['review', 60], ['support_ticket', 20], ['survey', 20]],
  price_value: [['review', 50], ['survey', 50]],
  customer_service: [['survey', 40], ['support_ticket', 40], ['review', 20]],
  app_bug: [['app_store', 55], ['support_ticket', 45]],
  sizing_fit: [['review', 70], ['support_ticket', 30]],
  praise: [['review', 60], ['survey', 30], ['app_store', 10]],
};
