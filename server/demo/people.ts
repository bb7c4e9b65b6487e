/** Reference data for demo customers: countries (weights, cities, phone plans, time zones) and names. */

export type Locale = 'en' | 'zh' | 'de' | 'fr' | 'ja';

export interface Country {
  name: string;
  /** Relative share of customers. */
  weight: number;
  locale: Locale;
  /** Hours ahead of UTC (standard time; good enough for shopping-hour patterns). */
  utcOffset: number;
  cities: readonly (readonly [string, number])[];
  /** E.164 mobile prefixes and how many random digits follow each (all valid per libphonenumber). */
  phone: { prefixes: readonly string[]; digits: number };
  /** Share of customers with a phone on file. */
  phoneShare: number;
}

export const COUNTRIES: readonly Country[] = [
  {
    name: 'China', weight: 40, locale: 'zh', utcOffset: 8, phoneShare: 0.92,
    cities: [['Shanghai', 22], ['Beijing', 20], ['Shenzhen', 15], ['Guangzhou', 13], ['Hangzhou', 10], ['Chengdu', 8], ['Nanjing', 6], ['Wuhan', 6]],
    phone: { prefixes: ['+86135', '+86136', '+86138', '+86139', '+86150', '+86158', '+86159', '+86182', '+86186', '+86188'], digits: 8 },
  },
  {
    name: 'United States', weight: 20, locale: 'en', utcOffset: -6, phoneShare: 0.7,
    cities: [['New York', 22], ['Los Angeles', 16], ['San Francisco', 12], ['Chicago', 12], ['Seattle', 10], ['Boston', 10], ['Austin', 9], ['Atlanta', 9]],
    phone: { prefixes: ['+1212', '+1646', '+1213', '+1415', '+1312', '+1206', '+1617', '+1512', '+1404'], digits: 7 },
  },
  {
    name: 'Germany', weight: 10, locale: 'de', utcOffset: 1, phoneShare: 0.65,
    cities: [['Berlin', 26], ['Hamburg', 17], ['Munich', 17], ['Cologne', 13], ['Frankfurt', 12], ['Stuttgart', 9], ['Leipzig', 6]],
    phone: { prefixes: ['+49151', '+49152', '+49157', '+49176'], digits: 8 },
  },
  {
    name: 'United Kingdom', weight: 9, locale: 'en', utcOffset: 0, phoneShare: 0.7,
    cities: [['London', 40], ['Manchester', 14], ['Birmingham', 12], ['Leeds', 9], ['Glasgow', 9], ['Bristol', 8], ['Edinburgh', 8]],
    phone: { prefixes: ['+447400', '+447500', '+447800', '+447900', '+447450', '+447530', '+447830', '+447950'], digits: 6 },
  },
  {
    name: 'Canada', weight: 8, locale: 'en', utcOffset: -5, phoneShare: 0.7,
    cities: [['Toronto', 35], ['Vancouver', 25], ['Montreal', 20], ['Calgary', 12], ['Ottawa', 8]],
    phone: { prefixes: ['+1416', '+1647', '+1604', '+1778', '+1514', '+1403', '+1613'], digits: 7 },
  },
  {
    name: 'Australia', weight: 7, locale: 'en', utcOffset: 10, phoneShare: 0.75,
    cities: [['Sydney', 38], ['Melbourne', 34], ['Brisbane', 14], ['Perth', 9], ['Adelaide', 5]],
    phone: { prefixes: ['+6140', '+6141', '+6142', '+6143'], digits: 7 },
  },
  {
    name: 'France', weight: 6, locale: 'fr', utcOffset: 1, phoneShare: 0.65,
    cities: [['Paris', 40], ['Lyon', 16], ['Marseille', 14], ['Toulouse', 11], ['Bordeaux', 10], ['Lille', 9]],
    phone: { prefixes: ['+3361', '+3362', '+3365', '+3366', '+3367', '+3368', '+3376', '+3377'], digits: 7 },
  },
  {
    name: 'Japan', weight: 5, locale: 'ja', utcOffset: 9, phoneShare: 0.8,
    cities: [['Tokyo', 45], ['Osaka', 20], ['Yokohama', 12], ['Nagoya', 10], ['Fukuoka', 7], ['Sapporo', 6]],
    phone: { prefixes: ['+81801', '+81804', '+81807', '+81901', '+81902', '+81903', '+81905', '+81908'], digits: 7 },
  },
];

/** Given name, family name; romanized forms are used for e-mail addresses. */
export const EN_FIRST = [
  'James', 'Mary', 'John', 'Patricia', 'Robert', 'Jennifer', 'Michael', 'Linda', 'William', 'Elizabeth', 'David',
  'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Charles', 'Karen', 'Daniel', 'Emily',
  'Matthew', 'Olivia', 'Anthony', 'Emma', 'Mark', 'Sophia', 'Steven', 'Chloe', 'Andrew', 'Grace', 'Joshua', 'Ava',
  'Ryan', 'Hannah', 'Liam', 'Mia', 'Noah', 'Isla', 'Oliver', 'Amelia', 'Ethan', 'Lucy', 'Jack', 'Charlotte',
];
export const EN_LAST = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Wilson', 'Anderson', 'Taylor',
  'Thomas', 'Moore', 'Martin', 'Jackson', 'Thompson', 'White', 'Harris', 'Clark', 'Lewis', 'Robinson', 'Walker',
  'Young', 'Allen', 'King', 'Wright', 'Scott', 'Hill', 'Green', 'Adams', 'Baker', 'Nelson', 'Carter', 'Mitchell',
  'Roberts', 'Turner', 'Phillips', 'Campbell', 'Evans', 'Edwards', 'Collins', 'Stewart', 'Murphy', "O'Brien",
  'Patel', 'Nguyen', 'Kim', 'Singh', 'MacDonald', 'Tremblay',
];
export const DE_FIRST = [
  'Lukas', 'Anna', 'Leon', 'Lea', 'Finn', 'Laura', 'Jonas', 'Lena', 'Paul', 'Julia', 'Felix', 'Sophie', 'Maximilian',
  'Marie', 'Tobias', 'Katharina', 'Jan', 'Hannah', 'Niklas', 'Sarah', 'Stefan', 'Sabine', 'Thomas', 'Petra', 'Jürgen',
];
export const DE_LAST = [
  'Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann', 'Koch',
  'Richter', 'Klein', 'Wolf', 'Schröder', 'Neumann', 'Schwarz', 'Zimmermann', 'Braun', 'Krüger', 'Hofmann', 'Hartmann',
];
export const FR_FIRST = [
  'Louis', 'Camille', 'Gabriel', 'Léa', 'Hugo', 'Manon', 'Arthur', 'Chloé', 'Jules', 'Inès', 'Lucas', 'Jade',
  'Thomas', 'Louise', 'Nicolas', 'Élodie', 'Antoine', 'Céline', 'Mathieu', 'Juliette', 'Pierre', 'Margaux',
];
export const FR_LAST = [
  'Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Simon',
  'Laurent', 'Lefèvre', 'Michel', 'Garnier', 'Faure', 'Rousseau', 'Blanc', 'Guérin', 'Muller', 'Fontaine',
];
export const JA_FIRST = [
  'Haruto', 'Yui', 'Sota', 'Hina', 'Yuto', 'Aoi', 'Ren', 'Sakura', 'Kaito', 'Yuna', 'Takumi', 'Mio', 'Hiroshi',
  'Yuki', 'Kenji', 'Naoko', 'Daiki', 'Emi', 'Shota', 'Ayaka',
];
export const JA_LAST = [
  'Sato', 'Suzuki', 'Takahashi', 'Tanaka', 'Watanabe', 'Ito', 'Yamamoto', 'Nakamura', 'Kobayashi', 'Kato',
  'Yoshida', 'Yamada', 'Sasaki', 'Yamaguchi', 'Matsumoto', 'Inoue', 'Kimura', 'Hayashi',
];
/** [hanzi, pinyin] */
export const ZH_SURNAMES: readonly (readonly [string, string])[] = [
  ['王', 'Wang'], ['李', 'Li'], ['张', 'Zhang'], ['刘', 'Liu'], ['陈', 'Chen'], ['杨', 'Yang'], ['黄', 'Huang'],
  ['赵', 'Zhao'], ['吴', 'Wu'], ['周', 'Zhou'], ['徐', 'Xu'], ['孙', 'Sun'], ['马', 'Ma'], ['朱', 'Zhu'], ['胡', 'Hu'],
  ['郭', 'Guo'], ['何', 'He'], ['林', 'Lin'], ['高', 'Gao'], ['罗', 'Luo'], ['郑', 'Zheng'], ['梁', 'Liang'],
  ['谢', 'Xie'], ['宋', 'Song'], ['唐', 'Tang'], ['韩', 'Han'], ['冯', 'Feng'], ['邓', 'Deng'], ['曹', 'Cao'], ['彭', 'Peng'],
];
export const ZH_GIVEN: readonly (readonly [string, string])[] = [
  ['伟', 'Wei'], ['芳', 'Fang'], ['娜', 'Na'], ['敏', 'Min'], ['静', 'Jing'], ['丽', 'Li'], ['强', 'Qiang'], ['磊', 'Lei'],
  ['军', 'Jun'], ['洋', 'Yang'], ['勇', 'Yong'], ['艳', 'Yan'], ['杰', 'Jie'], ['涛', 'Tao'], ['明', 'Ming'], ['超', 'Chao'],
  ['霞', 'Xia'], ['平', 'Ping'], ['刚', 'Gang'], ['婷', 'Ting'], ['浩然', 'Haoran'], ['子涵', 'Zihan'], ['欣怡', 'Xinyi'],
  ['梓萱', 'Zixuan'], ['宇轩', 'Yuxuan'], ['思远', 'Siyuan'], ['雨桐', 'Yutong'], ['嘉怡', 'Jiayi'], ['俊杰', 'Junjie'],
  ['晓明', 'Xiaoming'], ['佳琪', 'Jiaqi'], ['志强', 'Zhiqiang'], ['文博', 'Wenbo'], ['一鸣', 'Yiming'], ['诗涵', 'Shihan'],
];

export const EMAIL_DOMAINS = ['example.com', 'example.net', 'example.org', 'mail.example.com', 'post.example.net'];
export const AGE_BANDS = [['18-24', 14], ['25-34', 32], ['35-44', 26], ['45-54', 16], ['55+', 12]] as const;
