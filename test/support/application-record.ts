import type { ApplicationRecord } from '../../functions/ports/applications.ts';

const run = Math.random().toString(36).slice(2, 8);
let serial = 0;

/**
 * A stored application as the repository keeps it, for the store's own tests (test/integration/dynamodb/):
 * a draft of 江西 JX0102 on a three-level route, with a fresh duplicate key; `over` replaces any field, and
 * `caseOver` fields of the case (its number, claim).
 */
export function applicationRecord(
  over: Partial<ApplicationRecord> & { id: string },
  caseOver: Partial<ApplicationRecord['case']> = {},
): ApplicationRecord {
  const at = new Date().toISOString();
  return {
    campaignId: 'contract',
    courtCode: 'JX0102',
    highCourtCode: 'JX',
    status: 'draft',
    version: 1,
    createdAt: at,
    updatedAt: at,
    createdBy: 'clerk-1',
    eligibility: { eligible: true, failures: [] },
    duplicateKey: `dup-${run}-${++serial}`,
    route: ['JX0102', 'JX01', 'JX'],
    pendingAt: null,
    ancestors: ['JX01', 'JX'],
    auditSeq: 0,
    auditHead: '',
    case: {
      caseNumber: '(2024)赣0102执1号',
      category: 'labor-remuneration',
      kind: 'enforcement',
      claimAmountFen: 3_000_000,
      concluded: false,
      terminationConditions: { met: true, basis: '无财产可供执行。' },
      ...caseOver,
    },
    applicant: { name: '王小明', idType: 'resident-id', idNumber: '360102198001011016' },
    hardship: { statement: '生活困难。' },
    consentToTermination: true,
    priorJudicialRelief: false,
    reliefAmountFen: 1_000,
    bankAccount: {
      bankName: '银行',
      holderName: '王小明',
      holderIdNumber: '360102198001011016',
      accountNumber: '1',
    },
    ...over,
  };
}
