/** The demo shop's product catalogue. Prices are in cents (USD) so amounts stay exact. */

export interface Category {
  name: string;
  zh: string;
  /** Relative share of order lines at the start of the window. */
  weight: number;
  /** Multiplier of that share at the end of the window (linear in between): > 1 = growing category. */
  growth: number;
  /** Products in this category tend to come back (returns) with this probability per order line. */
  returnRate: number;
}

export interface Product {
  code: string;
  name: string;
  zh: string;
  category: string;
  priceCents: number;
}

export const CATEGORIES: readonly Category[] = [
  { name: 'Electronics', zh: '数码电子', weight: 20, growth: 1.0, returnRate: 0.015 },
  { name: 'Home & Kitchen', zh: '家居厨房', weight: 19, growth: 1.0, returnRate: 0.012 },
  { name: 'Beauty', zh: '美妆个护', weight: 10, growth: 3.4, returnRate: 0.01 },
  { name: 'Apparel', zh: '服饰', weight: 20, growth: 0.95, returnRate: 0.05 },
  { name: 'Books', zh: '图书', weight: 11, growth: 0.8, returnRate: 0.005 },
  { name: 'Sports', zh: '运动户外', weight: 12, growth: 1.0, returnRate: 0.02 },
  { name: 'Toys', zh: '玩具', weight: 8, growth: 1.0, returnRate: 0.01 },
];

const P = (code: string, name: string, zh: string, category: string, price: number): Product => ({
  code, name, zh, category, priceCents: Math.round(price * 100),
});

export const PRODUCTS: readonly Product[] = [
  P('EL-1001', 'Wireless Earbuds Pro', '无线降噪耳机', 'Electronics', 129),
  P('EL-1002', 'Smart Watch S2', '智能手表S2', 'Electronics', 199),
  P('EL-1003', 'Bluetooth Speaker Mini', '蓝牙小音箱', 'Electronics', 49.99),
  P('EL-1004', 'USB-C Fast Charger 65W', '65W快充充电器', 'Electronics', 35.99),
  P('EL-1005', 'Power Bank 20000mAh', '20000毫安充电宝', 'Electronics', 45.5),
  P('EL-1006', 'Noise Cancelling Headphones', '头戴式降噪耳机', 'Electronics', 249),
  P('EL-1007', '4K Action Camera', '4K运动相机', 'Electronics', 299),
  P('EL-1008', 'Mechanical Keyboard', '机械键盘', 'Electronics', 89.9),
  P('EL-1009', 'Tablet Stand', '平板支架', 'Electronics', 19.99),
  P('HK-2001', 'Air Fryer 5L', '5升空气炸锅', 'Home & Kitchen', 119),
  P('HK-2002', 'Pour-Over Coffee Set', '手冲咖啡套装', 'Home & Kitchen', 42),
  P('HK-2003', 'Ceramic Dinnerware Set', '陶瓷餐具套装', 'Home & Kitchen', 68),
  P('HK-2004', 'Robot Vacuum R5', '扫地机器人R5', 'Home & Kitchen', 329),
  P('HK-2005', 'Memory Foam Pillow', '记忆棉枕头', 'Home & Kitchen', 39.9),
  P('HK-2006', 'Stainless Steel Cookware Set', '不锈钢锅具套装', 'Home & Kitchen', 159),
  P('HK-2007', 'Electric Kettle', '电热水壶', 'Home & Kitchen', 29.99),
  P('HK-2008', 'Linen Bedding Set', '亚麻床品四件套', 'Home & Kitchen', 139),
  P('HK-2009', 'Aroma Diffuser', '香薰加湿器', 'Home & Kitchen', 32.5),
  P('BE-3001', 'Hydrating Face Serum', '补水精华液', 'Beauty', 38),
  P('BE-3002', 'Sunscreen SPF50', '防晒霜SPF50', 'Beauty', 22.9),
  P('BE-3003', 'Vitamin C Cream', '维C面霜', 'Beauty', 45),
  P('BE-3004', 'Hair Dryer Ionic', '负离子吹风机', 'Beauty', 89),
  P('BE-3005', 'Lipstick Velvet Matte', '丝绒哑光口红', 'Beauty', 26),
  P('BE-3006', 'Sheet Mask Pack (10)', '面膜10片装', 'Beauty', 18.5),
  P('BE-3007', 'Perfume Eau de Parfum 50ml', '香水50ml', 'Beauty', 79),
  P('BE-3008', 'Electric Toothbrush', '电动牙刷', 'Beauty', 59.9),
  P('AP-4001', 'Merino Wool Sweater', '美利奴羊毛衫', 'Apparel', 89),
  P('AP-4002', 'Running Jacket', '跑步夹克', 'Apparel', 79.9),
  P('AP-4003', 'Slim Fit Jeans', '修身牛仔裤', 'Apparel', 59),
  P('AP-4004', 'Cotton T-Shirt 3-Pack', '纯棉T恤三件装', 'Apparel', 29.9),
  P('AP-4005', 'Down Puffer Coat', '羽绒服', 'Apparel', 189),
  P('AP-4006', 'Leather Sneakers', '真皮运动鞋', 'Apparel', 119),
  P('AP-4007', 'Silk Scarf', '真丝围巾', 'Apparel', 49),
  P('AP-4008', 'Summer Linen Dress', '亚麻连衣裙', 'Apparel', 69),
  P('AP-4009', 'Wool Socks 5-Pack', '羊毛袜五双装', 'Apparel', 24.5),
  P('BK-5001', 'The Data Detective', '《数据侦探》', 'Books', 18.99),
  P('BK-5002', 'Cooking for Busy People', '《忙人食谱》', 'Books', 24.5),
  P('BK-5003', 'Sci-Fi Box Set', '科幻小说套装', 'Books', 59),
  P('BK-5004', 'Children\'s Picture Book', '儿童绘本', 'Books', 12.99),
  P('BK-5005', 'Learn Mandarin Workbook', '汉语学习练习册', 'Books', 21),
  P('BK-5006', 'Travel Guide: Japan', '日本旅行指南', 'Books', 16.5),
  P('SP-6001', 'Yoga Mat Pro', '专业瑜伽垫', 'Sports', 45),
  P('SP-6002', 'Adjustable Dumbbells', '可调节哑铃', 'Sports', 149),
  P('SP-6003', 'Trail Running Shoes', '越野跑鞋', 'Sports', 129),
  P('SP-6004', 'Insulated Water Bottle', '保温运动水壶', 'Sports', 24.9),
  P('SP-6005', 'Camping Tent 2P', '双人帐篷', 'Sports', 179),
  P('SP-6006', 'Cycling Helmet', '骑行头盔', 'Sports', 65),
  P('SP-6007', 'Resistance Bands Set', '弹力带套装', 'Sports', 19.9),
  P('TY-7001', 'Building Blocks City Set', '城市积木套装', 'Toys', 59.99),
  P('TY-7002', 'Remote Control Car', '遥控赛车', 'Toys', 45),
  P('TY-7003', 'Plush Panda', '熊猫毛绒玩具', 'Toys', 19.99),
  P('TY-7004', 'Wooden Puzzle 500pc', '500片木质拼图', 'Toys', 22),
  P('TY-7005', 'STEM Robot Kit', 'STEM编程机器人', 'Toys', 89),
  P('TY-7006', 'Board Game Family Night', '家庭桌游', 'Toys', 34.5),
];

/** A free sample added to some orders: a line with unit price 0 that never counts as revenue. */
export const FREE_GIFT: Product = P('GF-0001', 'Free Sample Kit', '免费试用装', 'Beauty', 0);

export const PRODUCTS_BY_CATEGORY: ReadonlyMap<string, readonly Product[]> = new Map(
  CATEGORIES.map((c) => [c.name, PRODUCTS.filter((p) => p.category === c.name)]),
);

/** Products that come in sizes (sizing complaints and size returns only make sense for these). */
export function isSized(product: Product): boolean {
  return product.category === 'Apparel' || product.code === 'SP-6003' || product.code === 'SP-6006';
}

export const CATEGORY_BY_NAME: ReadonlyMap<string, Category> = new Map(CATEGORIES.map((c) => [c.name, c]));
