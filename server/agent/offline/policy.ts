import type { Role } from '../../../tools/types.ts';
import type { Language } from '../types.ts';
import { normalize } from './text.ts';

/**
 * What the assistant will not do, decided from the question alone before any tool runs: topics outside the shop's
 * data, writing SQL, changing or deleting data, and personal contact data of a named person. Each refusal says why
 * and what it can do instead.
 */
export interface Refusal {
  reason: 'out_of_scope' | 'sql' | 'write' | 'personal_data' | 'injection';
  text: string;
}

const OUT_OF_SCOPE = [
  /\b(weather|forecast for (?:tomorrow|today)|temperature outside|stock price|share price|exchange rate|bitcoin|crypto|lottery|horoscope|joke|poem|song|recipe|capital of|president of|who won|football|soccer|translate|movie|flight|flights|hotel|resignation letter|cover letter)\b/,
  /\b(write|draft|compose) (?:me )?(?:a|an) (letter|email|essay|story|speech|tweet)\b/,
  /\b(competitor|competitors|amazon|walmart|alibaba|ebay|jd\.com|taobao|temu|shein)\b/,
  /天气|气温|股价|股票|汇率|比特币|彩票|星座|笑话|写诗|作诗|菜谱|首都|总统|翻译|电影|足球|机票|酒店|订票|辞职信|写一封|写封|写一篇|竞争对手|京东|亚马逊|阿里巴巴|拼多多|淘宝的/,
];
/** Attempts to make the assistant drop its rules or reveal its instructions. */
const INJECTION = [/\b(ignore|disregard|forget) (?:all |any |your )?(?:the )?(previous|prior|above|earlier) (instructions|rules|prompts?)\b/, /\bsystem prompt\b|\byour (instructions|prompt)\b/, /忽略.*(指令|规则|提示)|系统提示|提示词/];
const SQL = [/\bsql\b/, /\bselect\s+.+\s+from\b/, /\bquery the database\b/, /\bwrite (?:me )?(?:a )?query\b/, /sql语句|写.*查询语句/];
const WRITE = [
  /\b(delete|truncate|erase|wipe|purge|overwrite)\b.*\b(data|database|table|tables|customers?|orders?|records?|rows?|feedback|prices?|segments?|everything|all)\b/,
  /\b(drop|alter)\s+(?:the\s+)?(table|database|schema|column)\b/,
  /\b(update|insert|remove|modify)\s+(?:the\s+|all\s+|every\s+|a\s+|this\s+|that\s+)?(data|database|table|customers?|orders?|records?|rows?|prices?|feedback)\b/,
  /\b(change|edit|set)\s+(?:the\s+)?(price|prices|order status|customer'?s? (?:email|name|address))\b/,
  /(删除|删掉|清空|清除|修改|更新|插入|篡改|改掉).*(数据|客户|订单|表|记录|反馈|价格)/,
  /(数据|客户|订单|表|记录|反馈).*(删掉|删除|清空|清除|改掉)/,
];
const PII_WORDS = /\b(e-?mail|email address|phone|phone number|mobile number|home address|address|contact details|contact info|birthday|date of birth|password|credit card)\b|电话|邮箱|地址|联系方式|手机号|生日|身份证|密码|信用卡/;
/** A person named in the question: two capitalized words (Ann Lee), "customer 123", or a 2–3 character Chinese name before 的. */
const NAMED_PERSON = /\b[A-Z][a-z]+ [A-Z][a-z]+\b|\b[Cc]ustomer\s*(?:id\s*)?#?\d+\b|[\u4e00-\u9fff]{2,4}的(?:电话|邮箱|地址|联系方式|手机号|生日)|客户\s*\d+/;
/** Capitalized word pairs that are not people. */
const NOT_PEOPLE = /\b(United Kingdom|United States|Hong Kong|Saudi Arabia|South Africa|Channel Islands|Czech Republic|Online Retail|European Community|Potential Loyalist|Need Attention|About To|Can't Lose|At Risk)\b/g;

const TEXTS: Record<Refusal['reason'], Record<Language, string>> = {
  out_of_scope: {
    en: "Sorry, that is outside what I can answer. I only answer questions about this shop's data: revenue, orders, customers, RFM tiers, churn risk, cohorts, the conversion funnel, customer segments and feedback.",
    zh: '抱歉，这超出了我能回答的范围。我只回答与本店数据有关的问题：收入、订单、客户、RFM 分层、流失风险、同期群留存、转化漏斗、客户群和客户反馈。',
  },
  sql: {
    en: 'Sorry, I do not write or run SQL. I answer questions with typed, read-only analysis tools; ask me the business question instead (for example "revenue by country last quarter").',
    zh: '抱歉，我不编写也不执行 SQL。我通过只读的分析工具回答问题；请直接问业务问题（例如“上季度各国家的收入”）。',
  },
  write: {
    en: 'Sorry, I cannot change or delete data: the assistant has read-only access. Data changes go through imports or an administrator.',
    zh: '抱歉，我不能修改或删除数据：助手只有只读权限。数据变更请通过导入或由管理员处理。',
  },
  injection: {
    en: 'Sorry, I cannot change my instructions or show them. I can answer questions about the shop\'s data: revenue, orders, customers, tiers, churn, cohorts, the funnel, segments and feedback.',
    zh: '抱歉，我不能更改或透露我的指令。我可以回答与本店数据有关的问题：收入、订单、客户、分层、流失、同期群、漏斗、客群和反馈。',
  },
  personal_data: {
    en: "Sorry, I can't look up a named person's personal or contact details. I can describe groups of customers (segments, tiers, countries) instead.",
    zh: '抱歉，我不能查询具名个人的个人信息或联系方式。我可以介绍客户群体（客群、分层、国家）的情况。',
  },
};

/** The refusal for a question, or null when it is in scope as far as the words go. */
export function refusalFor(question: string, lang: Language, role: Role): Refusal | null {
  const text = normalize(question);
  const reason: Refusal['reason'] | null = INJECTION.some((re) => re.test(text))
    ? 'injection'
    : SQL.some((re) => re.test(text))
    ? 'sql'
    : WRITE.some((re) => re.test(text))
      ? 'write'
      : PII_WORDS.test(text) && NAMED_PERSON.test(question.replace(NOT_PEOPLE, ''))
        ? 'personal_data'
        : OUT_OF_SCOPE.some((re) => re.test(text))
          ? 'out_of_scope'
          : null;
  if (!reason) return null;
  let message = TEXTS[reason][lang];
  if (reason === 'personal_data' && (role === 'admin' || role === 'support')) {
    message += lang === 'zh' ? '（即使是管理员，个人详情也请在客户页面查看。）' : ' (Even for your role, individual records are viewed in the customer screen, not through the assistant.)';
  }
  return { reason, text: message };
}

export function outOfScope(lang: Language): Refusal {
  return { reason: 'out_of_scope', text: TEXTS.out_of_scope[lang] };
}
