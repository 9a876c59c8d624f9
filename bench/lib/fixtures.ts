import { approvalRoute, COURTS, type Court, QUOTA_HOLDER_CODES } from '../../functions/domain/courts.ts';
import { CATEGORIES as DOMAIN_CATEGORIES } from '../../functions/domain/eligibility.ts';
import { residentIdCheckDigit } from '../../functions/domain/id-number.ts';

/** GB/T 2260 province prefixes for applicants' ID numbers, by quota holder (BT, the XPCC, lies in 65). */
const ID_REGION: Record<string, string> = {
  BJ: '110105',
  TJ: '120104',
  HE: '130102',
  SX: '140105',
  NM: '150102',
  LN: '210102',
  JL: '220102',
  HL: '230102',
  SH: '310115',
  JS: '320102',
  ZJ: '330102',
  AH: '340102',
  FJ: '350102',
  JX: '360102',
  SD: '370102',
  HA: '410102',
  HB: '420102',
  HN: '430102',
  GD: '440103',
  GX: '450102',
  HI: '460105',
  CQ: '500103',
  SC: '510104',
  GZ: '520102',
  YN: '530102',
  XZ: '540102',
  SN: '610102',
  GS: '620102',
  QH: '630102',
  NX: '640104',
  XJ: '650102',
  BT: '659001',
};

/** Basic courts that report straight to their high court: one approval below the high court's. */
export const DIRECT_TO_HIGH: Record<string, string> = Object.fromEntries(
  COURTS.filter((c) => c.directToHighCourt).map((c) => [c.code.slice(0, 2), c.code]),
);

/** Every covered category except `other`, which needs a written reason the fixtures do not invent. */
export const CATEGORIES = DOMAIN_CATEGORIES.filter((c) => c !== 'other');

/** The courts that execute cases under each quota holder (the high court itself, intermediate and basic courts). */
export function executingCourtsByHolder(): Map<string, Court[]> {
  const out = new Map<string, Court[]>();
  for (const holder of QUOTA_HOLDER_CODES) out.set(holder, []);
  for (const court of COURTS) {
    if (court.level === 'spc') continue;
    const route = approvalRoute(court.code);
    const holder = route[route.length - 1] as string;
    out.get(holder)?.push(court);
  }
  return out;
}

/** A valid resident ID (GB 11643) for the `n`th applicant of a province. */
export function residentId(holder: string, n: number): string {
  const region = ID_REGION[holder] ?? '110105';
  const year = 1950 + (n % 50);
  const month = String(1 + (Math.floor(n / 50) % 12)).padStart(2, '0');
  const day = String(1 + (Math.floor(n / 600) % 28)).padStart(2, '0');
  const sequence = String(Math.floor(n / 16_800) % 1000).padStart(3, '0');
  const first17 = `${region}${year}${month}${day}${sequence}`;
  return first17 + residentIdCheckDigit(first17);
}

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗';
const GIVEN = [
  '伟',
  '芳',
  '娜',
  '敏',
  '静',
  '强',
  '磊',
  '军',
  '洋',
  '勇',
  '艳',
  '杰',
  '娟',
  '涛',
  '明',
  '超',
];

export interface CaseSpec {
  court: Court;
  holder: string;
  /** The serial of the case number, unique per court within a run. */
  serial: number;
  /** Distinguishes applicants; unique within a run. */
  n: number;
  reliefAmountFen: number;
  accountNumber?: string;
}

/** A POST /applications body for the demo campaign that passes every eligibility condition. */
export function applicationBody(spec: CaseSpec) {
  const idNumber = residentId(spec.holder, spec.n);
  const name = `${SURNAMES[spec.n % SURNAMES.length]}${GIVEN[Math.floor(spec.n / 20) % GIVEN.length]}`;
  return {
    campaignId: 'demo',
    case: {
      caseNumber: `(2024)${spec.court.caseCourtPrefix}执${spec.serial}号`,
      category: CATEGORIES[spec.n % CATEGORIES.length],
      kind: 'enforcement',
      claimAmountFen: spec.reliefAmountFen,
      concluded: false,
      terminationConditions: {
        met: true,
        basis: '经财产调查，未发现可供执行的财产，符合终结本次执行程序条件。',
      },
    },
    applicant: { name, idType: 'resident-id', idNumber, phone: '13800000000' },
    hardship: { statement: '申请执行人失业，无固定收入，享受最低生活保障。' },
    consentToTermination: true,
    priorJudicialRelief: false,
    reliefAmountFen: spec.reliefAmountFen,
    bankAccount: {
      bankName: '中国工商银行',
      holderName: name,
      holderIdNumber: idNumber,
      accountNumber:
        spec.accountNumber ?? `62220202${String(spec.n).padStart(11, '0')}`.replace(/0000$/, '0001'),
    },
  };
}

/** Deterministic pseudo-random relief amounts between 5,000 and 50,000 CNY, in whole yuan. */
export function reliefAmountFor(n: number): number {
  const x = Math.imul(n + 1, 2_654_435_761) >>> 0;
  return (5_000 + (x % 45_001)) * 100;
}
