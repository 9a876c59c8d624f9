/**
 * The province-level designations (法院代字) of the court registry: 31 provinces and the XPCC ('兵'), in
 * GB/T 2260 order. Kept as code (32 fixed rows, the case-number grammar needs them in every bundle); the
 * courts themselves are table data. test/unit/domain/courts-registry.test.ts pins this list to the
 * generated registry's `provinces`.
 */

/** A province-level designation: 2-letter code, designation abbreviation, province name. */
export interface ProvinceDesignation {
  code: string;
  abbr: string;
  name: string;
}

const ROWS: [string, string, string][] = [
  ['BJ', '京', '北京市'],
  ['TJ', '津', '天津市'],
  ['HE', '冀', '河北省'],
  ['SX', '晋', '山西省'],
  ['NM', '内', '内蒙古自治区'],
  ['LN', '辽', '辽宁省'],
  ['JL', '吉', '吉林省'],
  ['HL', '黑', '黑龙江省'],
  ['SH', '沪', '上海市'],
  ['JS', '苏', '江苏省'],
  ['ZJ', '浙', '浙江省'],
  ['AH', '皖', '安徽省'],
  ['FJ', '闽', '福建省'],
  ['JX', '赣', '江西省'],
  ['SD', '鲁', '山东省'],
  ['HA', '豫', '河南省'],
  ['HB', '鄂', '湖北省'],
  ['HN', '湘', '湖南省'],
  ['GD', '粤', '广东省'],
  ['GX', '桂', '广西壮族自治区'],
  ['HI', '琼', '海南省'],
  ['CQ', '渝', '重庆市'],
  ['SC', '川', '四川省'],
  ['GZ', '黔', '贵州省'],
  ['YN', '云', '云南省'],
  ['XZ', '藏', '西藏自治区'],
  ['SN', '陕', '陕西省'],
  ['GS', '甘', '甘肃省'],
  ['QH', '青', '青海省'],
  ['NX', '宁', '宁夏回族自治区'],
  ['XJ', '新', '新疆维吾尔自治区'],
  ['BT', '兵', '新疆生产建设兵团'],
];

/** The designations of the 31 provinces and the XPCC, in GB/T 2260 order. */
export const PROVINCE_DESIGNATIONS: readonly ProvinceDesignation[] = Object.freeze(
  ROWS.map(([code, abbr, name]) => Object.freeze({ code, abbr, name })),
);

/**
 * The 32 quota holders (额度持有法院): the 31 provincial high courts and the XPCC branch ('BT'). A high
 * court's code is its province's code and the registry's validation keeps it so, so the set is fixed.
 */
export const QUOTA_HOLDERS: readonly string[] = Object.freeze(PROVINCE_DESIGNATIONS.map((p) => p.code));

/** True for one of the 32 quota holders' codes. */
export function isQuotaHolderCode(code: string): boolean {
  return QUOTA_HOLDERS.includes(code);
}
