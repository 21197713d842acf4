// Turns the CDNOW purchase history into a believable demo business: the purchases are real
// (dates shifted to end yesterday, dollars to cents); names, profiles and interactions are
// generated from a seeded PRNG so every machine gets the same demo.

export interface DemoCustomer {
  externalId: string;
  name: string;
  gender: 'female' | 'male';
  birthday: string;
  email: string;
  phone: string;
  occupation: string;
  interests: string[];
  preferredChannel: 'wechat' | 'email' | 'sms' | 'phone';
  tags: string[];
  createdAt: string;
}

export interface DemoPurchase {
  id: string;
  customerExternalId: string;
  occurredAt: string;
  amount: number;
  quantity: number;
  sku: string;
  category: string;
  channel: 'online' | 'store' | 'app';
}

export interface DemoInteraction {
  id: string;
  customerExternalId: string;
  occurredAt: string;
  channel: 'phone' | 'email' | 'wechat' | 'sms' | 'visit' | 'app';
  direction: 'in' | 'out';
  subject: string;
  outcome: string;
  staffMember: string;
}

export interface DemoData {
  customers: DemoCustomer[];
  purchases: DemoPurchase[];
  interactions: DemoInteraction[];
  firstDay: string;
  lastDay: string;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const CDNOW_LAST_DAY = Date.UTC(1998, 5, 30);

/**
 * The demo business is in China: its opening hours, its days and "yesterday" are Beijing
 * time's (UTC+8 all year: China keeps no daylight saving time).
 */
export const DEMO_TIME_ZONE = 'Asia/Shanghai';
const DEMO_UTC_OFFSET_MS = 8 * HOUR_MS;

/** Yesterday in the demo business's time zone, `YYYY-MM-DD`: the day its history ends. */
export function demoLastDay(now: Date): string {
  const local = new Date(now.getTime() + DEMO_UTC_OFFSET_MS);
  return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() - 1))
    .toISOString()
    .slice(0, 10);
}

/** `hour` o'clock (local) on the local day that starts at the UTC midnight `day`. */
function localHour(day: number, hour: number): number {
  return day - DEMO_UTC_OFFSET_MS + hour * HOUR_MS;
}

/** A small seeded generator: the demo is the same on every machine and every run. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: () => number, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN =
  '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志强文博宇浩然子涵欣怡梓萱思远晓明雨婷佳怡俊杰海燕玉兰春梅小红丹丹晨阳一鸣嘉欣子轩诗雨';
const FIRST_NAMES = [
  'Emma',
  'Liam',
  'Olivia',
  'Noah',
  'Ava',
  'James',
  'Sophia',
  'Lucas',
  'Mia',
  'Ethan',
  'Grace',
  'Henry',
  'Chloe',
  'Jack',
  'Lily',
  'Daniel',
  'Zoe',
  'Samuel',
  'Ella',
  'David',
  'Hannah',
  'Michael',
  'Sarah',
  'Thomas',
  'Emily',
  'Oliver',
  'Anna',
  'William',
  'Alice',
  'Leo',
];
const LAST_NAMES = [
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'Jones',
  'Miller',
  'Davis',
  'Wilson',
  'Taylor',
  'Clark',
  'Lewis',
  'Walker',
  'Hall',
  'Young',
  'King',
  'Wright',
  'Scott',
  'Green',
  'Baker',
  'Adams',
  'Nelson',
  'Hill',
  'Campbell',
  'Mitchell',
  'Roberts',
  'Carter',
  'Turner',
  'Parker',
  'Evans',
  'Collins',
];
// Occupations in the customer's language (English, Chinese).
const OCCUPATIONS: readonly (readonly [en: string, zh: string])[] = [
  ['teacher', '教师'],
  ['engineer', '工程师'],
  ['doctor', '医生'],
  ['nurse', '护士'],
  ['designer', '设计师'],
  ['student', '学生'],
  ['accountant', '会计'],
  ['sales', '销售'],
  ['civil servant', '公务员'],
  ['entrepreneur', '创业者'],
  ['lawyer', '律师'],
  ['chef', '厨师'],
  ['programmer', '程序员'],
  ['retired', '退休'],
  ['journalist', '记者'],
];
// Interests in the customer's language (English, Chinese), as a member would fill them in.
const INTERESTS: readonly (readonly [en: string, zh: string])[] = [
  ['pop', '流行'],
  ['rock', '摇滚'],
  ['jazz', '爵士'],
  ['classical', '古典'],
  ['hip-hop', '嘻哈'],
  ['folk', '民谣'],
  ['electronic', '电子'],
  ['film scores', '电影原声'],
  ['concerts', '演唱会'],
  ['vinyl', '黑胶'],
  ['karaoke', 'K歌'],
  ['travel', '旅行'],
  ['reading', '阅读'],
  ['running', '跑步'],
];
const CATEGORIES: readonly { category: string; skus: number }[] = [
  { category: 'pop', skus: 120 },
  { category: 'rock', skus: 90 },
  { category: 'jazz', skus: 40 },
  { category: 'classical', skus: 50 },
  { category: 'mandopop', skus: 70 },
  { category: 'soundtrack', skus: 30 },
  { category: 'electronic', skus: 35 },
];
const STAFF = ['李经理 Li', '王顾问 Wang', 'Sarah Chen', 'Tom Zhou', '陈客服 Chen', 'Amy Liu'];
const INTERACTION_TEMPLATES: readonly Omit<
  DemoInteraction,
  'id' | 'customerExternalId' | 'occurredAt' | 'staffMember'
>[] = [
  {
    channel: 'phone',
    direction: 'out',
    subject: 'Follow-up call after purchase / 购后回访',
    outcome: 'satisfied / 满意',
  },
  {
    channel: 'wechat',
    direction: 'in',
    subject: 'Asked about delivery date / 咨询发货时间',
    outcome: 'answered / 已答复',
  },
  {
    channel: 'email',
    direction: 'out',
    subject: 'New releases newsletter / 新品推荐',
    outcome: 'opened / 已打开',
  },
  {
    channel: 'sms',
    direction: 'out',
    subject: 'Birthday greeting / 生日祝福',
    outcome: 'delivered / 已送达',
  },
  {
    channel: 'visit',
    direction: 'in',
    subject: 'Visited the store / 到店',
    outcome: 'bought / 已购买',
  },
  {
    channel: 'phone',
    direction: 'in',
    subject: 'Complaint: scratched disc / 投诉：光盘划伤',
    outcome: 'replacement sent / 已补寄',
  },
  {
    channel: 'app',
    direction: 'in',
    subject: 'Wrote a review / 发表评价',
    outcome: 'thanked / 已致谢',
  },
  {
    channel: 'wechat',
    direction: 'out',
    subject: 'Member day invitation / 会员日邀请',
    outcome: 'no reply / 未回复',
  },
];

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Parses CDNOW_master.txt (header, whitespace-separated: id, YYYYMMDD, CDs, dollars). */
export function parseCdnow(
  text: string,
): { customerId: string; day: number; quantity: number; cents: number }[] {
  const rows: { customerId: string; day: number; quantity: number; cents: number }[] = [];
  const lines = text.split(/\r?\n/);
  for (let index = 1; index < lines.length; index++) {
    const parts = lines[index]?.trim().split(/\s+/) ?? [];
    if (parts.length < 4) continue;
    const [id, date, cds, dollars] = parts as [string, string, string, string];
    const day = Date.UTC(
      Number(date.slice(0, 4)),
      Number(date.slice(4, 6)) - 1,
      Number(date.slice(6, 8)),
    );
    rows.push({
      customerId: id,
      day,
      quantity: Number(cds),
      cents: Math.round(Number(dollars) * 100),
    });
  }
  return rows;
}

/**
 * The demo business: CDNOW purchases shifted so the last day is `lastDay` (yesterday), with
 * generated customer profiles and a few interactions per customer.
 */
export function generateDemoData(
  cdnowText: string,
  options: { lastDay: string; seed?: number },
): DemoData {
  const random = mulberry32(options.seed ?? 20261123);
  const shift = Date.parse(`${options.lastDay}T00:00:00Z`) - CDNOW_LAST_DAY;
  const rows = parseCdnow(cdnowText);
  const firstPurchase = new Map<string, number>();
  for (const row of rows) {
    const first = firstPurchase.get(row.customerId);
    if (first === undefined || row.day < first) firstPurchase.set(row.customerId, row.day);
  }
  const customers: DemoCustomer[] = [];
  const interactions: DemoInteraction[] = [];
  for (const [cdnowId, first] of firstPurchase) {
    const externalId = `CDNOW-${cdnowId}`;
    const chinese = random() < 0.65;
    const gender = random() < 0.52 ? 'female' : 'male';
    const name = chinese
      ? pick(random, [...SURNAMES]) +
        pick(random, [...GIVEN]) +
        (random() < 0.6 ? pick(random, [...GIVEN]) : '')
      : `${pick(random, FIRST_NAMES)} ${pick(random, LAST_NAMES)}`;
    const birthYear = 1950 + Math.floor(random() * 55);
    const birthday = isoDay(
      Date.UTC(birthYear, Math.floor(random() * 12), 1 + Math.floor(random() * 28)),
    );
    const joined = first + shift - Math.floor(random() * 30) * DAY_MS;
    const inLanguage = (pair: readonly [string, string]) => (chinese ? pair[1] : pair[0]);
    const interests = [pick(random, INTERESTS), pick(random, INTERESTS)]
      .map(inLanguage)
      .filter((value, index, all) => all.indexOf(value) === index);
    customers.push({
      externalId,
      name,
      gender,
      birthday,
      email: `member${cdnowId}@example.com`,
      phone: `1${3 + Math.floor(random() * 7)}${String(Math.floor(random() * 1e9)).padStart(9, '0')}`,
      occupation: inLanguage(pick(random, OCCUPATIONS)),
      interests,
      preferredChannel: pick(random, ['wechat', 'wechat', 'email', 'sms', 'phone'] as const),
      tags: random() < 0.15 ? ['vip'] : random() < 0.3 ? ['newsletter'] : [],
      createdAt: new Date(joined).toISOString(),
    });
    const count = Math.floor(random() * 4);
    for (let n = 0; n < count; n++) {
      const template = pick(random, INTERACTION_TEMPLATES);
      const at =
        first +
        shift +
        Math.floor(random() * (Date.parse(`${options.lastDay}T00:00:00Z`) - first - shift));
      interactions.push({
        ...template,
        id: `demo-interaction-${cdnowId}-${n}`,
        customerExternalId: externalId,
        // Office hours, 09:00–18:59 local.
        occurredAt: new Date(
          localHour(Math.floor(at / DAY_MS) * DAY_MS, 9) + Math.floor(random() * 10 * HOUR_MS),
        ).toISOString(),
        staffMember: pick(random, STAFF),
      });
    }
  }
  const purchases: DemoPurchase[] = rows.map((row, index) => {
    const { category, skus } = pick(random, CATEGORIES);
    return {
      id: `cdnow-${index + 1}`,
      customerExternalId: `CDNOW-${row.customerId}`,
      // Spread purchases over the shop's opening hours, 10:00–20:59 local, so a day's timeline
      // reads naturally and each purchase stays on its CDNOW day in the shop's time zone.
      occurredAt: new Date(
        localHour(row.day + shift, 10 + Math.floor(random() * 11)) +
          Math.floor(random() * 3600) * 1000,
      ).toISOString(),
      amount: row.cents,
      quantity: Math.max(1, row.quantity),
      sku: `${category.toUpperCase().slice(0, 4)}-${String(1 + Math.floor(random() * skus)).padStart(4, '0')}`,
      category,
      channel: pick(random, ['online', 'online', 'store', 'app'] as const),
    };
  });
  const days = rows.map((row) => row.day);
  return {
    customers,
    purchases,
    interactions,
    firstDay: isoDay(Math.min(...days) + shift),
    lastDay: options.lastDay,
  };
}
