/**
 * The sample files shipped in samples/: 20 candidate cases of 北京市朝阳区人民法院 (BJ0105, case prefix
 * 京0105) in candidates.csv; a few cases each of courts in other provinces in candidates-<court>.csv
 * (内蒙古 NM0102 内0102, 广东 GD0104 粤0104, 新疆兵团 BT0101 兵0101); and an allocation for each of the 32
 * quota holders. Screening checks every row as a case of the caller's court (the executing court is the
 * caller's, and a case number must carry its designation), so each file is screened with a token of its
 * own court. Resident ID numbers are computed with their GB 11643 check digit here, so the samples never
 * carry a hand-typed ID.
 *
 * Regenerate with `npx tsx cli/make-sample.ts` (writes samples/candidates*.csv and samples/allocations.csv).
 * test/unit/cli checks that the committed files equal what this module produces and that each candidate
 * fails exactly the `expected` conditions at its court.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { stringify } from 'csv-stringify/sync';
import { QUOTA_HOLDER_CODES } from '../functions/domain/courts.ts';
import type { FailureCode } from '../functions/domain/eligibility.ts';
import { residentIdCheckDigit } from '../functions/domain/id-number.ts';
import { CANDIDATE_COLUMN_NAMES } from './candidates.ts';

/** A valid resident ID for region, birth date (YYYYMMDD) and 3-digit sequence (odd male, even female). */
export function residentId(region: string, birth: string, sequence: string): string {
  const first17 = `${region}${birth}${sequence}`;
  return first17 + residentIdCheckDigit(first17);
}

/** The same ID with a wrong check digit. */
function withWrongCheckDigit(id: string): string {
  const right = id.slice(-1);
  return id.slice(0, 17) + (right === '0' ? '1' : '0');
}

export interface SampleCandidate {
  /** The failure codes its executing court (BJ0105 unless in COURT_SAMPLES) must get in the demo campaign (empty: eligible). */
  expected: FailureCode[];
  cells: Record<string, string>;
}

const BASIS = '经网络查控及传统调查，被执行人名下无可供执行的财产，符合终结本次执行程序条件。';

function candidate(
  n: number,
  p: {
    name: string;
    id: string;
    category: string;
    claim: string;
    relief?: string;
    hardship: string;
    bank: string;
    account: string;
  },
  overrides: Record<string, string> = {},
  expected: FailureCode[] = [],
  prefix = '京0105',
): SampleCandidate {
  const cells: Record<string, string> = {
    caseNumber: `(2024)${prefix}执${n}号`,
    category: p.category,
    categoryReason: '',
    kind: 'enforcement',
    claimAmountYuan: p.claim,
    concluded: '否',
    terminationMet: '是',
    terminationBasis: BASIS,
    applicantName: p.name,
    applicantKind: '自然人',
    idType: 'resident-id',
    idNumber: p.id,
    phone: `1391000${String(n).padStart(4, '0').slice(-4)}`,
    hardshipStatement: p.hardship,
    consent: '是',
    priorRelief: '否',
    specialReason: '',
    reliefAmountYuan: p.relief ?? p.claim,
    bankName: p.bank,
    holderName: p.name,
    holderIdNumber: p.id,
    accountNumber: p.account,
    ...overrides,
  };
  return { expected, cells };
}

const ICBC = '中国工商银行北京朝阳支行';
const CCB = '中国建设银行北京望京支行';
const ABC = '中国农业银行北京双井支行';
const PSBC = '中国邮政储蓄银行北京朝阳区支行';

/** The 20 sample candidates: 13 eligible, 7 failing for different reasons. */
export const SAMPLE_CANDIDATES: readonly SampleCandidate[] = [
  candidate(1201, {
    name: '王建国',
    id: residentId('110105', '19750312', '015'),
    category: 'labor-remuneration',
    claim: '30000',
    hardship: '申请执行人系外来务工人员，被拖欠工资后失业，无其他收入来源，家庭生活困难。',
    bank: ICBC,
    account: '6222020200112233445',
  }),
  candidate(1202, {
    name: '李秀英',
    id: residentId('110105', '19470825', '022'),
    category: 'elder-support',
    claim: '12000',
    hardship: '申请执行人年逾七旬，无养老金，子女拒不支付赡养费，靠邻里接济生活。',
    bank: PSBC,
    account: '6217991000012345678',
  }),
  candidate(1203, {
    name: '张丽',
    id: residentId('110105', '19880130', '046'),
    category: 'child-support',
    claim: '8000.50',
    hardship: '申请执行人独自抚养两名未成年子女，收入微薄，享受最低生活保障。',
    bank: CCB,
    account: '6217000010023456789',
  }),
  candidate(1204, {
    name: '刘强',
    id: residentId('130102', '19820607', '031'),
    category: 'traffic-injury',
    claim: '48000',
    hardship: '申请执行人因交通事故致残，丧失劳动能力，医疗费用负担沉重。',
    bank: ABC,
    account: '6228480010987654321',
  }),
  candidate(
    1205,
    {
      name: '陈志明',
      id: residentId('110105', '19790918', '057'),
      category: 'work-injury',
      claim: '60000',
      relief: '50000',
      hardship: '申请执行人工伤致残，用人单位已注销，无力支付后续治疗费用。',
      bank: ICBC,
      account: '6222020200198765432',
    },
    { specialReason: '申请执行人伤残等级为五级，需长期康复治疗，家庭无其他劳动力，属特殊困难情形。' },
  ),
  candidate(1206, {
    name: '赵桂兰',
    id: residentId('110105', '19600405', '068'),
    category: 'medical-injury',
    claim: '25000',
    hardship: '申请执行人因医疗事故长期卧床，依靠低保生活。',
    bank: PSBC,
    account: '6217991000076543210',
  }),
  candidate(1207, {
    name: '孙梅',
    id: residentId('110105', '19850722', '084'),
    category: 'spousal-support',
    claim: '6000',
    hardship: '申请执行人身患重病无劳动能力，离婚后对方拒不履行扶养义务。',
    bank: CCB,
    account: '6217000010055554444',
  }),
  candidate(1208, {
    name: '周淑珍',
    id: residentId('110105', '19550211', '102'),
    category: 'survivor-pension',
    claim: '15000',
    hardship: '申请执行人丧偶，独居，无固定收入，抚恤金长期未获支付。',
    bank: ICBC,
    account: '6222020200133332222',
  }),
  candidate(
    1209,
    {
      name: '吴海涛',
      id: residentId('410102', '19900116', '113'),
      category: 'labor-remuneration',
      claim: '45000',
      relief: '40000',
      hardship: '申请执行人在建筑工地务工，工程款被拖欠，现无工作，租房居住。',
      bank: ABC,
      account: '6228480010011112222',
    },
    { applicantKind: '' },
  ),
  candidate(
    1210,
    {
      name: '郑红',
      id: residentId('110105', '19830509', '128'),
      category: 'other',
      claim: '18000',
      hardship: '申请执行人因邻里纠纷受伤致残，生活不能自理。',
      bank: CCB,
      account: '6217000010066667777',
    },
    { categoryReason: '人身损害赔偿案件，申请执行人因伤致贫，法院认为确有救助必要。' },
  ),
  candidate(
    1211,
    {
      name: '马文华',
      id: residentId('110105', '19720214', '139'),
      category: '追索劳动报酬',
      claim: '22000',
      hardship: '申请执行人被拖欠工资，现患病在家，无经济来源。',
      bank: ICBC,
      account: '6222020200144445555',
    },
    { caseNumber: '（2023）京0105执恢88号' },
  ),
  candidate(1212, {
    name: '胡晓燕',
    id: residentId('110105', '19930627', '140'),
    category: 'child-support',
    claim: '9600',
    hardship: '申请执行人无业，独自抚养患病子女，生活困难。',
    bank: PSBC,
    account: '6217991000088889999',
  }),
  candidate(1213, {
    name: '林国栋',
    id: residentId('350102', '19680803', '151'),
    category: 'labor-remuneration',
    claim: '50000',
    hardship: '申请执行人年过五旬，被拖欠一年工资，现无业，需赡养老人。',
    bank: ABC,
    account: '6228480010033334444',
  }),
  // Failing candidates, one reason each (the sixth has two).
  candidate(
    1301,
    {
      name: '黄志强',
      id: residentId('110105', '19811111', '163'),
      category: 'labor-remuneration',
      claim: '20000',
      hardship: '申请执行人失业，家庭生活困难。',
      bank: ICBC,
      account: '6222020200155556666',
    },
    { caseNumber: '(2024)京0105执保301号' },
    ['PRESERVATION_CASE'],
  ),
  candidate(
    1302,
    {
      name: '何丽娟',
      id: residentId('110105', '19770304', '184'),
      category: 'traffic-injury',
      claim: '150000',
      relief: '100000',
      hardship: '申请执行人因交通事故高位截瘫，需长期护理。',
      bank: CCB,
      account: '6217000010077778888',
    },
    { specialReason: '伤情严重，医疗费用巨大。' },
    ['AMOUNT_OVER_LIMIT'],
  ),
  candidate(
    1303,
    {
      name: '罗建华',
      id: residentId('110105', '19700920', '195'),
      category: 'work-injury',
      claim: '80000',
      relief: '50000',
      hardship: '申请执行人工伤致残，无力就业。',
      bank: ABC,
      account: '6228480010055556666',
    },
    {},
    ['SPECIAL_REASON_REQUIRED'],
  ),
  candidate(
    1304,
    {
      name: '高玉梅',
      id: residentId('110105', '19660115', '206'),
      category: 'elder-support',
      claim: '10000',
      hardship: '申请执行人年老体弱，无收入来源。',
      bank: PSBC,
      account: '6217991000011223344',
    },
    { consent: '否' },
    ['NO_CONSENT'],
  ),
  candidate(
    1305,
    {
      name: '梁伟',
      id: residentId('110105', '19860418', '217'),
      category: 'labor-remuneration',
      claim: '26000',
      hardship: '申请执行人失业，配偶患病，家庭困难。',
      bank: ICBC,
      account: '6222020200166667777',
    },
    { priorRelief: '是' },
    ['PRIOR_RELIEF'],
  ),
  candidate(
    1306,
    {
      name: '宋红霞',
      id: withWrongCheckDigit(residentId('110105', '19891203', '228')),
      category: 'medical-injury',
      claim: '33000',
      hardship: '申请执行人因医疗损害落下残疾，无法工作。',
      bank: CCB,
      account: '6217000010099990000',
    },
    { concluded: '是' },
    ['CASE_CONCLUDED', 'INVALID_ID_NUMBER'],
  ),
  candidate(
    1307,
    {
      name: '唐军',
      id: residentId('110105', '19780707', '239'),
      category: 'other',
      claim: '12000',
      hardship: '申请执行人身患残疾，生活困难。',
      bank: ABC,
      account: '6228480010077788899',
    },
    {},
    ['CATEGORY_REASON_REQUIRED'],
  ),
];

/** A sample court in another province: its code, designation and the candidates of its file. */
export interface SampleCourt {
  code: string;
  caseCourtPrefix: string;
  file: string;
  candidates: readonly SampleCandidate[];
}

const at =
  (prefix: string) =>
  (
    n: number,
    p: Parameters<typeof candidate>[1],
    overrides: Record<string, string> = {},
    expected: FailureCode[] = [],
  ) =>
    candidate(n, p, overrides, expected, prefix);

const nm = at('内0102');
const gd = at('粤0104');
const bt = at('兵0101');

/** Courts of other provinces, a few cases each: 内蒙古 (designation 内, not 蒙), 广东, the XPCC (兵). */
export const COURT_SAMPLES: readonly SampleCourt[] = [
  {
    code: 'NM0102',
    caseCourtPrefix: '内0102',
    file: 'candidates-NM0102.csv',
    candidates: [
      nm(2101, {
        name: '巴特尔',
        id: residentId('150102', '19790521', '013'),
        category: 'labor-remuneration',
        claim: '28000',
        hardship: '申请执行人在牧区务工被拖欠工资，现无固定收入，家中有患病老人。',
        bank: '中国农业银行呼和浩特新城支行',
        account: '6228480610011223344',
      }),
      nm(2102, {
        name: '萨仁高娃',
        id: residentId('150102', '19520917', '026'),
        category: 'elder-support',
        claim: '9000',
        hardship: '申请执行人年逾七旬，独居，子女拒不支付赡养费，依靠低保生活。',
        bank: '内蒙古农村信用社新城区信用社',
        account: '6229960010022334455',
      }),
      nm(
        2103,
        {
          name: '王海军',
          id: residentId('150102', '19840303', '031'),
          category: 'traffic-injury',
          claim: '40000',
          hardship: '申请执行人因交通事故致残，无法从事原工作，家庭生活困难。',
          bank: '中国工商银行呼和浩特新华支行',
          account: '6222020602033445566',
        },
        { priorRelief: '是' },
        ['PRIOR_RELIEF'],
      ),
    ],
  },
  {
    code: 'GD0104',
    caseCourtPrefix: '粤0104',
    file: 'candidates-GD0104.csv',
    candidates: [
      gd(3101, {
        name: '陈丽萍',
        id: residentId('440104', '19870614', '048'),
        category: 'child-support',
        claim: '12000',
        hardship: '申请执行人独自抚养两名子女，无稳定工作，租房居住，生活困难。',
        bank: '中国建设银行广州越秀支行',
        account: '6217003320044556677',
      }),
      gd(3102, {
        name: '黄伟明',
        id: residentId('440104', '19760228', '057'),
        category: 'work-injury',
        claim: '45000',
        hardship: '申请执行人工伤致残，用人单位已停业，无力支付康复费用。',
        bank: '中国工商银行广州北京路支行',
        account: '6222023602055667788',
      }),
      gd(
        3103,
        {
          name: '李国强',
          id: residentId('440104', '19810910', '062'),
          category: 'labor-remuneration',
          claim: '20000',
          hardship: '申请执行人失业，家庭生活困难。',
          bank: '广州农村商业银行越秀支行',
          account: '6231910010066778899',
        },
        { caseNumber: '(2024)粤0104执保3103号' },
        ['PRESERVATION_CASE'],
      ),
    ],
  },
  {
    code: 'BT0101',
    caseCourtPrefix: '兵0101',
    file: 'candidates-BT0101.csv',
    candidates: [
      bt(4101, {
        name: '阿依古丽',
        id: residentId('659002', '19860405', '024'),
        category: 'labor-remuneration',
        claim: '16000',
        hardship: '申请执行人在团场务工被拖欠工资，丈夫患病，家庭无其他收入。',
        bank: '中国农业银行阿拉尔分行',
        account: '6228483010077889900',
      }),
      bt(4102, {
        name: '张建军',
        id: residentId('659002', '19700712', '035'),
        category: 'medical-injury',
        claim: '30000',
        hardship: '申请执行人因医疗损害长期卧床，依靠团场救助生活。',
        bank: '中国建设银行阿拉尔分行',
        account: '6217003010088990011',
      }),
    ],
  },
];

/** A candidate file: UTF-8 with BOM (spreadsheet programs then show the Chinese), CRLF. */
export function candidatesCsvOf(candidates: readonly SampleCandidate[]): string {
  const rows = candidates.map((c) => CANDIDATE_COLUMN_NAMES.map((name) => c.cells[name] ?? ''));
  return `\uFEFF${stringify([[...CANDIDATE_COLUMN_NAMES], ...rows], { record_delimiter: '\r\n' })}`;
}

/** samples/candidates.csv: UTF-8 with BOM (spreadsheet programs then show the Chinese), CRLF. */
export function sampleCandidatesCsv(): string {
  return candidatesCsvOf(SAMPLE_CANDIDATES);
}

/** Sample allocations in yuan: larger provinces more. Every one at least the seeded 1,000,000. */
const ALLOCATION_YUAN: Readonly<Record<string, string>> = {
  BJ: '3000000',
  TJ: '1500000',
  HE: '4000000',
  SX: '2000000',
  NM: '1500000',
  LN: '2500000',
  JL: '1500000',
  HL: '2000000',
  SH: '3000000',
  JS: '5000000',
  ZJ: '4500000',
  AH: '3500000',
  FJ: '2500000',
  JX: '2500000',
  SD: '5000000',
  HA: '5000000',
  HB: '3500000',
  HN: '3500000',
  GD: '6000000',
  GX: '2500000',
  HI: '1000000',
  CQ: '2500000',
  SC: '4500000',
  GZ: '2000000',
  YN: '2500000',
  XZ: '1000000',
  SN: '2000000',
  GS: '1500000',
  QH: '1000000',
  NX: '1000000',
  XJ: '1500000',
  BT: '1000000',
};

export function sampleAllocationsCsv(): string {
  const rows = QUOTA_HOLDER_CODES.map((code) => {
    const amount = ALLOCATION_YUAN[code];
    if (!amount) throw new Error(`no sample allocation for ${code}`);
    return [code, amount];
  });
  return stringify([['highCourtCode', 'allocatedYuan'], ...rows], { record_delimiter: '\r\n' });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const dir = fileURLToPath(new URL('../samples/', import.meta.url));
  writeFileSync(`${dir}candidates.csv`, sampleCandidatesCsv());
  writeFileSync(`${dir}allocations.csv`, sampleAllocationsCsv());
  for (const court of COURT_SAMPLES) writeFileSync(`${dir}${court.file}`, candidatesCsvOf(court.candidates));
  process.stdout.write(
    `wrote ${dir}candidates.csv, ${COURT_SAMPLES.map((c) => c.file).join(', ')} and allocations.csv\n`,
  );
}
