import { residentIdCheckDigit } from '../../functions/domain/id-number.ts';

/** A valid resident ID number (GB 11643) for a region, birth date and sequence. */
export function residentId(region = '110105', birth = '19800101', sequence = '123'): string {
  const first17 = `${region}${birth}${sequence}`;
  return first17 + residentIdCheckDigit(first17);
}

let serial = 1000 + Math.floor(Math.random() * 800_000);

/** A fresh, eligible POST /applications body for BJ0105 (北京市朝阳区人民法院) in the demo campaign. */
export function applicationBody(
  overrides: { caseNumber?: string; sequence?: string; courtPrefix?: string } = {},
) {
  const idNumber = residentId('110105', '19800101', overrides.sequence ?? String(100 + (serial % 800)));
  const caseNumber = overrides.caseNumber ?? `(2024)${overrides.courtPrefix ?? '京0105'}执${serial++}号`;
  return {
    campaignId: 'demo',
    case: {
      caseNumber,
      category: 'labor-remuneration',
      kind: 'enforcement',
      claimAmountFen: 3_000_000,
      concluded: false,
      terminationConditions: {
        met: true,
        basis: '经财产调查，未发现可供执行的财产，符合终结本次执行程序条件。',
      },
    },
    applicant: { name: '张三', idType: 'resident-id', idNumber, phone: '13800000000' },
    hardship: { statement: '申请执行人失业，无固定收入，享受最低生活保障。' },
    consentToTermination: true,
    priorJudicialRelief: false,
    reliefAmountFen: 3_000_000,
    bankAccount: {
      bankName: '中国工商银行北京朝阳支行',
      holderName: '张三',
      holderIdNumber: idNumber,
      accountNumber: '6222020200112233445',
    },
  };
}
