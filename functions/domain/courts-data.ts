/**
 * The court hierarchy as data: the SPC, the 32 quota holders (31 provincial high courts and the XPCC
 * branch of the Xinjiang High Court) and, for each, at least one intermediate and one basic court.
 *
 * Codes are ASCII: 'SPC'; a high court is its 2-letter province code; an intermediate court is the high
 * code + 2 digits; a basic court is the high code + 4 digits. The digits are those of the court's case
 * number prefix (法院代字): BJ0105 ↔ 京0105. Parents are real pairs where known (朝阳 → 北京三中院,
 * 海淀 → 北京一中院, 渝中 → 重庆五中院, 沙坪坝 → 重庆一中院, 浦东 → 上海一中院, 黄浦 → 上海二中院).
 * `directToHighCourt` (直辖市基层法院直接报高院) is a per-court setting, only ever true for basic courts
 * of the four municipalities; the values here are demonstration settings.
 */

export type CourtLevel = 'spc' | 'high' | 'intermediate' | 'basic';

export interface Court {
  code: string;
  name: string;
  level: CourtLevel;
  parentCode: string | null;
  /** 2-letter province code of the quota holder ('BJ', …, 'BT' for the XPCC), or 'SPC'. */
  province: string;
  /** Basic courts of BJ/TJ/SH/CQ only: approvals go straight to the high court. */
  directToHighCourt: boolean;
  /** The court prefix in case numbers: '最高法', '京', '京01', '京0105', '兵', '兵01'. */
  caseCourtPrefix: string;
}

interface ProvinceRow {
  code: string;
  abbr: string;
  high: string;
  intermediates: [digits: string, name: string][];
  /** digits, name, parent intermediate digits, directToHighCourt */
  basics: [digits: string, name: string, parent: string, direct?: boolean][];
}

const PROVINCES: ProvinceRow[] = [
  {
    code: 'BJ',
    abbr: '京',
    high: '北京市高级人民法院',
    intermediates: [
      ['01', '北京市第一中级人民法院'],
      ['02', '北京市第二中级人民法院'],
      ['03', '北京市第三中级人民法院'],
    ],
    basics: [
      ['0105', '北京市朝阳区人民法院', '03', true],
      ['0108', '北京市海淀区人民法院', '01', false],
      ['0101', '北京市东城区人民法院', '02', false],
    ],
  },
  {
    code: 'TJ',
    abbr: '津',
    high: '天津市高级人民法院',
    intermediates: [
      ['01', '天津市第一中级人民法院'],
      ['02', '天津市第二中级人民法院'],
    ],
    basics: [
      ['0104', '天津市南开区人民法院', '01', true],
      ['0102', '天津市河东区人民法院', '02', false],
    ],
  },
  {
    code: 'HE',
    abbr: '冀',
    high: '河北省高级人民法院',
    intermediates: [['01', '河北省石家庄市中级人民法院']],
    basics: [['0102', '石家庄市长安区人民法院', '01']],
  },
  {
    code: 'SX',
    abbr: '晋',
    high: '山西省高级人民法院',
    intermediates: [['01', '山西省太原市中级人民法院']],
    basics: [['0105', '太原市小店区人民法院', '01']],
  },
  {
    code: 'NM',
    abbr: '蒙',
    high: '内蒙古自治区高级人民法院',
    intermediates: [['01', '内蒙古自治区呼和浩特市中级人民法院']],
    basics: [['0102', '呼和浩特市新城区人民法院', '01']],
  },
  {
    code: 'LN',
    abbr: '辽',
    high: '辽宁省高级人民法院',
    intermediates: [['01', '辽宁省沈阳市中级人民法院']],
    basics: [['0102', '沈阳市和平区人民法院', '01']],
  },
  {
    code: 'JL',
    abbr: '吉',
    high: '吉林省高级人民法院',
    intermediates: [['01', '吉林省长春市中级人民法院']],
    basics: [['0102', '长春市南关区人民法院', '01']],
  },
  {
    code: 'HL',
    abbr: '黑',
    high: '黑龙江省高级人民法院',
    intermediates: [['01', '黑龙江省哈尔滨市中级人民法院']],
    basics: [['0102', '哈尔滨市道里区人民法院', '01']],
  },
  {
    code: 'SH',
    abbr: '沪',
    high: '上海市高级人民法院',
    intermediates: [
      ['01', '上海市第一中级人民法院'],
      ['02', '上海市第二中级人民法院'],
    ],
    basics: [
      ['0115', '上海市浦东新区人民法院', '01', true],
      ['0101', '上海市黄浦区人民法院', '02', false],
    ],
  },
  {
    code: 'JS',
    abbr: '苏',
    high: '江苏省高级人民法院',
    intermediates: [['01', '江苏省南京市中级人民法院']],
    basics: [['0102', '南京市玄武区人民法院', '01']],
  },
  {
    code: 'ZJ',
    abbr: '浙',
    high: '浙江省高级人民法院',
    intermediates: [['01', '浙江省杭州市中级人民法院']],
    basics: [['0102', '杭州市上城区人民法院', '01']],
  },
  {
    code: 'AH',
    abbr: '皖',
    high: '安徽省高级人民法院',
    intermediates: [['01', '安徽省合肥市中级人民法院']],
    basics: [['0102', '合肥市瑶海区人民法院', '01']],
  },
  {
    code: 'FJ',
    abbr: '闽',
    high: '福建省高级人民法院',
    intermediates: [['01', '福建省福州市中级人民法院']],
    basics: [['0102', '福州市鼓楼区人民法院', '01']],
  },
  {
    code: 'JX',
    abbr: '赣',
    high: '江西省高级人民法院',
    intermediates: [['01', '江西省南昌市中级人民法院']],
    basics: [['0102', '南昌市东湖区人民法院', '01']],
  },
  {
    code: 'SD',
    abbr: '鲁',
    high: '山东省高级人民法院',
    intermediates: [['01', '山东省济南市中级人民法院']],
    basics: [['0102', '济南市历下区人民法院', '01']],
  },
  {
    code: 'HA',
    abbr: '豫',
    high: '河南省高级人民法院',
    intermediates: [['01', '河南省郑州市中级人民法院']],
    basics: [['0102', '郑州市中原区人民法院', '01']],
  },
  {
    code: 'HB',
    abbr: '鄂',
    high: '湖北省高级人民法院',
    intermediates: [['01', '湖北省武汉市中级人民法院']],
    basics: [['0102', '武汉市江岸区人民法院', '01']],
  },
  {
    code: 'HN',
    abbr: '湘',
    high: '湖南省高级人民法院',
    intermediates: [['01', '湖南省长沙市中级人民法院']],
    basics: [['0102', '长沙市芙蓉区人民法院', '01']],
  },
  {
    code: 'GD',
    abbr: '粤',
    high: '广东省高级人民法院',
    intermediates: [['01', '广东省广州市中级人民法院']],
    basics: [['0104', '广州市越秀区人民法院', '01']],
  },
  {
    code: 'GX',
    abbr: '桂',
    high: '广西壮族自治区高级人民法院',
    intermediates: [['01', '广西壮族自治区南宁市中级人民法院']],
    basics: [['0102', '南宁市兴宁区人民法院', '01']],
  },
  {
    code: 'HI',
    abbr: '琼',
    high: '海南省高级人民法院',
    intermediates: [['01', '海南省海口市中级人民法院']],
    basics: [['0106', '海口市龙华区人民法院', '01']],
  },
  {
    code: 'CQ',
    abbr: '渝',
    high: '重庆市高级人民法院',
    intermediates: [
      ['01', '重庆市第一中级人民法院'],
      ['05', '重庆市第五中级人民法院'],
    ],
    basics: [
      ['0103', '重庆市渝中区人民法院', '05', true],
      ['0106', '重庆市沙坪坝区人民法院', '01', false],
    ],
  },
  {
    code: 'SC',
    abbr: '川',
    high: '四川省高级人民法院',
    intermediates: [['01', '四川省成都市中级人民法院']],
    basics: [['0104', '成都市锦江区人民法院', '01']],
  },
  {
    code: 'GZ',
    abbr: '黔',
    high: '贵州省高级人民法院',
    intermediates: [['01', '贵州省贵阳市中级人民法院']],
    basics: [['0102', '贵阳市南明区人民法院', '01']],
  },
  {
    code: 'YN',
    abbr: '云',
    high: '云南省高级人民法院',
    intermediates: [['01', '云南省昆明市中级人民法院']],
    basics: [['0102', '昆明市五华区人民法院', '01']],
  },
  {
    code: 'XZ',
    abbr: '藏',
    high: '西藏自治区高级人民法院',
    intermediates: [['01', '西藏自治区拉萨市中级人民法院']],
    basics: [['0102', '拉萨市城关区人民法院', '01']],
  },
  {
    code: 'SN',
    abbr: '陕',
    high: '陕西省高级人民法院',
    intermediates: [['01', '陕西省西安市中级人民法院']],
    basics: [['0102', '西安市新城区人民法院', '01']],
  },
  {
    code: 'GS',
    abbr: '甘',
    high: '甘肃省高级人民法院',
    intermediates: [['01', '甘肃省兰州市中级人民法院']],
    basics: [['0102', '兰州市城关区人民法院', '01']],
  },
  {
    code: 'QH',
    abbr: '青',
    high: '青海省高级人民法院',
    intermediates: [['01', '青海省西宁市中级人民法院']],
    basics: [['0102', '西宁市城东区人民法院', '01']],
  },
  {
    code: 'NX',
    abbr: '宁',
    high: '宁夏回族自治区高级人民法院',
    intermediates: [['01', '宁夏回族自治区银川市中级人民法院']],
    basics: [['0104', '银川市兴庆区人民法院', '01']],
  },
  {
    code: 'XJ',
    abbr: '新',
    high: '新疆维吾尔自治区高级人民法院',
    intermediates: [['01', '新疆维吾尔自治区乌鲁木齐市中级人民法院']],
    basics: [['0102', '乌鲁木齐市天山区人民法院', '01']],
  },
  {
    code: 'BT',
    abbr: '兵',
    high: '新疆维吾尔自治区高级人民法院生产建设兵团分院',
    intermediates: [['01', '新疆生产建设兵团第一师中级人民法院']],
    basics: [['0101', '新疆生产建设兵团阿拉尔垦区人民法院', '01']],
  },
];

function build(): readonly Court[] {
  const courts: Court[] = [
    {
      code: 'SPC',
      name: '最高人民法院',
      level: 'spc',
      parentCode: null,
      province: 'SPC',
      directToHighCourt: false,
      caseCourtPrefix: '最高法',
    },
  ];
  for (const p of PROVINCES) {
    courts.push({
      code: p.code,
      name: p.high,
      level: 'high',
      parentCode: 'SPC',
      province: p.code,
      directToHighCourt: false,
      caseCourtPrefix: p.abbr,
    });
    for (const [digits, name] of p.intermediates) {
      courts.push({
        code: p.code + digits,
        name,
        level: 'intermediate',
        parentCode: p.code,
        province: p.code,
        directToHighCourt: false,
        caseCourtPrefix: p.abbr + digits,
      });
    }
    for (const [digits, name, parent, direct = false] of p.basics) {
      courts.push({
        code: p.code + digits,
        name,
        level: 'basic',
        parentCode: p.code + parent,
        province: p.code,
        directToHighCourt: direct,
        caseCourtPrefix: p.abbr + digits,
      });
    }
  }
  return Object.freeze(courts.map((c) => Object.freeze(c)));
}

/** Every court known to the system, SPC first, then each quota holder followed by its courts. */
export const COURT_DATA: readonly Court[] = build();
