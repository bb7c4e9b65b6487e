import type { Role } from '../../../tools/types.ts';
import type { Language } from '../types.ts';
import { normalize } from './text.ts';

/**
 * What the assistant will not do, decided from the question alone before any tool runs: topics outside the shop's
 * data, writing SQL, changing or deleting data, and personal contact data of a named person. Each refusal says why
 * and what it can do instead.
 */
export interface Refusal {
  reason: 'out_of_scope' | 'sql' | 'write' | 'personal_data' | 'injection' | 'forecast' | 'not_measured';
  text: string;
}

/**
 * Shop questions no tool measures yet: said plainly, with what is close (they used to be answered with whatever metric
 * the words came nearest to). Time between purchases is measured (customer_segments intervals); between visits not.
 */
const NOT_MEASURED: { re: RegExp; en: string; zh: string }[] = [
  {
    re: /\b(?:time|days|weeks|gap|gaps|interval|intervals) between (?:visits|sessions)\b|\b(?:visit|session) (?:interval|frequency)s?\b|\bhow often (?:do |does )?(?:our )?(?:customers?|users?|people|visitors?) (?:visit|come back to the (?:site|app|store)|log in|open the app)\b|访问间隔|来访间隔|多久访问一次|多久来访问一次/,
    en: "Sorry, I can't measure the time between visits yet: events are counted in funnels and journeys, not as intervals. Close to it: the time between purchases (\"how often do customers buy?\") or the funnel from visit to purchase.",
    zh: '抱歉，目前还不能统计访问间隔：事件只用于漏斗和路径分析。相近的有：购买间隔（“客户多久买一次？”）或从访问到购买的转化漏斗。',
  },
  {
    // how long a customer stays: its end (the customer stopped buying) is only ever a guess in non-contractual retail
    re: /\b(?:customer )?(?:lifespan|life span|life-span|lifetime length|length of (?:a |the )?customer (?:relationship|lifetime))\b|\bhow long (?:do |does (?:a |the )?)?customers? (?:stay|last|remain)\b|客户寿命|生命周期(?:有)?多长|客户能留多久|客户平均能留/,
    en: "Sorry, I can't measure how long customers stay yet: nobody cancels in a shop, so when a customer's life ended is only a guess. Close to it: customers' days since their first order in a segment profile (\"profile our customers\"), the time between purchases, customers at risk of churning, or predicted customer lifetime value.",
    zh: '抱歉，目前还不能统计客户能留多久：零售客户不会“注销”，何时流失只能推测。相近的有：客群画像中的首单至今天数（“客户画像”）、购买间隔、流失风险客户或预测的客户生命周期价值。',
  },
  {
    // kpi_trend's periods are calendar days, weeks, months…: no hour of the day, no weekday across weeks
    re: /\b(?:time|times|hours?) of (?:the )?day\b|\bwhat (?:time|hour)s? (?:do|does) (?:customers|people|users|buyers|shoppers) (?:usually |mostly )?(?:order|buy|shop|purchase)\b|\bby hour\b|\bhourly\b|\bpeak hours?\b|\b(?:day|days) of (?:the )?week\b|\bwhich weekday\b|\bweekdays? (?:vs|or|versus) weekends?\b|几点(?:下单|买|购买|最多|最少)|一天中的?(?:哪个|什么)时(?:段|间段)|高峰时段|每小时|按小时|星期几|周几(?:下单|买|购买|最多|最少)|工作日和周末/,
    en: "Sorry, I can't split orders by hour of the day or by weekday yet: periods are calendar days, weeks, months, quarters and years. Close to it: orders day by day (\"orders per day last month\") or week by week.",
    zh: '抱歉，目前还不能按一天中的时段或星期几拆分订单：周期只有日、周、月、季度和年。相近的有：按天的订单数（“上个月每天的订单数”）或按周的订单数。',
  },
];

const OUT_OF_SCOPE = [
  /\b(weather|forecast for (?:tomorrow|today)|temperature outside|stock price|share price|exchange rate|bitcoin|crypto|lottery|horoscope|joke|poem|song|recipe|capital of|president of|who won|football|soccer|translate|movie|flight|flights|hotel|resignation letter|cover letter)\b/,
  /\b(write|draft|compose) (?:me )?(?:a|an) (letter|email|essay|story|speech|tweet)\b/,
  /\b(competitor|competitors|rival|rivals|the competition|amazon|walmart|alibaba|ebay|jd\.com|taobao|temu|shein)\b/,
  /天气|气温|股价|股票|汇率|比特币|彩票|星座|笑话|写诗|作诗|菜谱|首都|总统|翻译|电影|足球|机票|酒店|订票|辞职信|写一封|写封|写一篇|竞争对手|竞品|竞对|对手|京东|亚马逊|阿里巴巴|拼多多|淘宝的/,
  // weather, markets and general knowledge, often asked next to a place or a date the shop's data also has
  /\b(rain|raining|snow|snowing|sunny|umbrella|stock market|stocks|nasdaq|dow jones|s&p 500|gold price|oil price|population|gdp|inflation|interest rates?|election|news headlines|headlines today|time zone|visa|sports scores?|lyrics|homework)\b/,
  // general knowledge about a place, code, and business data the shop does not keep (costs, staff, stock, marketing)
  /\b(live in|residents|citizens|inhabitants|what time is it|restaurants?|bars|cafes?|tourist|tourism|sightseeing|what currency|what language|python|javascript|code|script|macro|excel formula|profits?|profit margins?|gross margin|net income|margins|expenses|cogs|cost of goods|ebitda|payroll|salary|salaries|employees?|staff count|inventory|stock levels?|out of stock|warehouse|marketing spend|ad spend|advertising|spend on marketing|spent on marketing)\b/,
  /餐厅|饭店|餐馆|酒吧|景点|航班|火车票|高铁|打车|代码|脚本|编程|python|利润|毛利|净利|成本|费用|开支|工资|薪资|员工|库存|仓库|营销费用|广告费|广告投放/,
  /下雨|下雪|晴天|雾霾|刮风|几度|多少度|温度|股市|大盘|基金|a股|美股|港股|房价|油价|金价|人口|gdp|通胀|利率|选举|新闻头条|签证|时差|旅游攻略|导航|歌词|作业/,
  // acting on customers rather than describing them: "send an email to all customers", "给所有客户发短信"
  /\b(send|e-?mail|text|message|sms|notify|contact|call)\s+(?:(?:an?|the|all|every|each|our|these|those|some)\s+)*(?:(?:[a-z]+\s+){0,2}?(?:e-?mails?|messages?|newsletters?|coupons?|vouchers?|texts?|sms|discounts?|codes?|offers?)\s+(?:to\s+)?)?(?:(?:all|every|each|our|the|these|those)\s+)*(customers?|clients?|buyers?|users?|champions|everyone|them)\b/,
  /(发|发送|群发|推送).{0,6}(邮件|短信|消息|优惠券|通知).{0,10}(客户|顾客|用户|买家)|(给|向).{0,10}(客户|顾客|用户|买家).{0,6}(发|发送|群发|推送)/,
];
/** Attempts to make the assistant drop its rules or reveal its instructions. */
const INJECTION = [
  /\b(ignore|disregard|forget|override|bypass) (?:all |any |your |of )*(?:the )?(previous|prior|above|earlier|existing|safety)?\s*(instructions|rules|prompts?|guidelines|restrictions|guardrails)\b/,
  /\bsystem prompt\b|\byour (?:hidden |secret |system |internal |original |initial )?(instructions|prompt|configuration)\b|\byour (?:hidden|secret|system|internal|original|initial) (rules|guidelines)\b/,
  /\b(developer mode|jailbreak|jailbroken|no rules apply|without (?:any )?restrictions|you are (?:now )?dan|pretend (?:you are|to be)|act as (?:an? )?(?:unrestricted|unfiltered|admin|root))\b/,
  /(忽略|忘掉|忘记|无视|不要管|不用管|跳过|绕过).{0,10}(指令|规则|提示|设定|限制|要求)|系统提示|提示词|开发者模式|越狱|没有(?:任何)?限制/,
];
const SQL = [/\bsql\b/, /\bselect\s+.+\s+from\b/, /\bquery the database\b/, /\bwrite (?:me )?(?:a )?query\b/, /sql语句|写.*查询语句/];
const WRITE = [
  /\b(delete|truncate|erase|wipe|purge|overwrite)\b.*\b(data|database|table|tables|customers?|orders?|records?|rows?|feedback|prices?|segments?|everything|all)\b/,
  /\b(drop|alter|truncate)\b.{0,30}\b(tables?|database|schema|columns?)\b|\brm -rf\b/,
  /\b(insert|add|create)\s+(?:(?:a|an|some|fake|new|dummy|test|few)\s+)+(orders?|customers?|records?|rows?|invoices?|feedback)\b/,
  /\b(update|insert|remove|modify)\s+(?:the\s+|all\s+|every\s+|a\s+|this\s+|that\s+)?(data|database|table|customers?|orders?|records?|rows?|prices?|feedback)\b/,
  /\b(change|edit|set)\s+(?:the\s+)?(price|prices|order status|customer'?s? (?:email|name|address))\b/,
  // a change verb before a few words and the thing changed: "set all book prices to zero", "reset the order status"
  /\b(set|change|edit|update|modify|reset|overwrite|adjust)\s+(?:(?:the|all|every|each|our|these|those|their|its)\s+)?(?:[a-z&']+\s+){0,2}?(prices?|price list|order status(?:es)?|statuses|stock levels?|inventory|discounts?|passwords?|records?)\b/,
  /\b(cancel|void)\s+(?:(?:the|all|every|each|this|that|these|those|her|his|their)\s+)?(?:[a-z]+\s+){0,2}?(orders?|invoices?|payments?|purchases?)\b|\brefund (?:all|every|the|this|that|her|his|their|customer)\b/,
  /(删除|删掉|删了|删光|清空|清除|清掉|修改|更新|插入|篡改|改掉).*(数据|客户|订单|表|记录|反馈|价格|库存|退货)/,
  /(数据|客户|订单|表|记录|反馈|价格|库存|退货).*(删掉|删除|删了|删光|清空|清除|清掉|改掉)/,
  // 把 + a stored thing + a change verb orders a change ("把图书的价格都改成0", "把上个月的订单都删了"); without the
  // thing, "把趋势改成按周" only changes the view
  /把.{0,12}(数据|客户|订单|表|记录|反馈|价格|库存|退货|评论|信息|名单).{0,12}(删|改成|改为|改掉|清空|清掉|清除|设为|设置为|设成|调成|调为|更新|修改|篡改|去掉|移除|作废)/,
];
const PII_WORDS = /\b(e-?mail|email address|phone|phone number|mobile number|home address|address|contact details|contact info|birthday|date of birth|password|credit card)\b|电话|邮箱|地址|联系方式|手机号|生日|身份证|密码|信用卡/;
/** Asking for contact details in bulk ("export every customer's email", "导出所有客户的手机号"): personal data too. */
const BULK_EXPORT = /\b(export|list|download|dump|extract|send me|give me|show me|get me|share|print|pull)\b.*\b(e-?mails?|email address(?:es)?|phones?|phone numbers?|mobile numbers?|addresses|contact details|contact info)\b|\b(all|every|each)\b.*\b(customers?|clients?|buyers?|users?)'?s?\b.*\b(e-?mails?|phones?|phone numbers?|addresses|contact details)\b|(导出|列出|下载|给我|发我|发给我|拉一份|拉出|查出|打印|批量).*(电话|邮箱|地址|联系方式|手机号|身份证)|(所有|全部|每个|每位).*(电话|邮箱|地址|联系方式|手机号)/;
/** Everyone's names in bulk ("给我所有客户的名单", "names of all customers"). */
const CUSTOMER_LIST = /(所有|全部|导出|全体).{0,8}(客户|顾客|用户|买家).{0,4}(名单|姓名|名字)|\b(all|every)\b.{0,20}\bcustomer names\b|\bnames of (?:all |every )(?:our |the )?customers\b|\bfull customer list\b/;
/** A person named in the question: two capitalized words (Ann Lee), "customer 123", or a 2–3 character Chinese name before 的. */
const NAMED_PERSON = /\b[A-Z][a-z]+ [A-Z][a-z]+\b|\b[Cc]ustomer\s*(?:id\s*)?#?\d+\b|[\u4e00-\u9fff]{2,4}的(?:电话|邮箱|地址|联系方式|手机号|生日)|客户\s*\d+/;
/** Capitalized word pairs that are not people. */
const NOT_PEOPLE = /\b(United Kingdom|United States|Hong Kong|Saudi Arabia|South Africa|Channel Islands|Czech Republic|Online Retail|European Community|Potential Loyalist|Need Attention|About To|Can't Lose|At Risk)\b/g;

const TEXTS: Record<Exclude<Refusal['reason'], 'not_measured'>, Record<Language, string>> = {
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
  forecast: {
    en: "Sorry, I can't forecast future revenue, orders or customers: I only report what the data shows so far. I can show the trend up to now (for example \"monthly revenue over the last year\"), predicted customer lifetime value, or customers at risk of churning.",
    zh: '抱歉，我不能预测未来的收入、订单或客户数：我只报告数据中已有的情况。我可以给出到目前为止的趋势（例如“过去一年每月的收入”）、预测的客户生命周期价值或有流失风险的客户。',
  },
  personal_data: {
    en: "Sorry, I can't look up a named person's personal or contact details. I can describe groups of customers (segments, tiers, countries) instead.",
    zh: '抱歉，我不能查询具名个人的个人信息或联系方式。我可以介绍客户群体（客群、分层、国家）的情况。',
  },
};

/** The refusal for a question, or null when it is in scope as far as the words go. */
export function refusalFor(question: string, lang: Language, role: Role): Refusal | null {
  const text = normalize(question);
  const unmeasured = NOT_MEASURED.find((m) => m.re.test(text));
  const reason: Refusal['reason'] | null = INJECTION.some((re) => re.test(text))
    ? 'injection'
    : SQL.some((re) => re.test(text))
    ? 'sql'
    : WRITE.some((re) => re.test(text))
      ? 'write'
      : (PII_WORDS.test(text) && (NAMED_PERSON.test(question.replace(NOT_PEOPLE, '')) || BULK_EXPORT.test(text))) || CUSTOMER_LIST.test(text)
        ? 'personal_data'
        : unmeasured
          ? 'not_measured'
          : OUT_OF_SCOPE.some((re) => re.test(text))
            ? 'out_of_scope'
            : null;
  if (!reason) return null;
  let message = reason === 'not_measured' ? unmeasured![lang] : TEXTS[reason][lang];
  if (reason === 'personal_data' && (role === 'admin' || role === 'support')) {
    message += lang === 'zh' ? '（即使是管理员，个人详情也请在客户页面查看。）' : ' (Even for your role, individual records are viewed in the customer screen, not through the assistant.)';
  }
  return { reason, text: message };
}

/** A KPI asked for a future period ("revenue next month", "明年的订单量"): no tool forecasts it. */
export function forecastRefusal(lang: Language): Refusal {
  return { reason: 'forecast', text: TEXTS.forecast[lang] };
}

export function outOfScope(lang: Language): Refusal {
  return { reason: 'out_of_scope', text: TEXTS.out_of_scope[lang] };
}
