import * as z from 'zod';
import { isCalendarDay } from '../domain/calendar.ts';
import { blockText, lineText } from '../lib/text.ts';
import { APPLICATION_STATUSES, DOCUMENT_TYPES } from '../ports/applications.ts';

/**
 * The API's zod schemas: the single source of request validation and of the served OpenAPI
 * document (api-contract.md). Requests are strict: an unknown field is a 400, not silently dropped.
 */

const MAX_FEN = 1_000_000_000_00; // one billion yuan: far above any claim, far below 2^53.
export const Fen = z
  .int()
  .min(0)
  .max(MAX_FEN)
  .meta({ description: 'Amount in fen (1 CNY = 100 fen), integer.' });
export const PositiveFen = z.int().min(1).max(MAX_FEN).meta({ description: 'Positive amount in fen.' });
/**
 * Text fields of request bodies: every string of every request body is built from these (or carries
 * `lineText`/`blockText` itself), so that control characters, bidi overrides and lone surrogates are
 * 400 INVALID_TEXT everywhere (functions/lib/text.ts). The check sees the text before trimming.
 */
/** Long free text, may be empty: statements, reasons, bases, comments (`\n` and `\t` allowed). */
export const Text = (max: number) => z.string().check(blockText).max(max);
/** Long free text, not blank. */
export const RequiredText = (max: number) => z.string().check(blockText).trim().min(1).max(max);
/** One-line text, not blank (trimmed): names, numbers, references, ids. */
export const Required = (max: number) => z.string().check(lineText).trim().min(1).max(max);
/** One-line text as sent (not trimmed), may be empty: chain `.min(1)` for a required one. */
export const Line = (max: number) => z.string().check(lineText).max(max);
/** One-line text with a pattern (the pattern is checked too). */
export const Pattern = (pattern: RegExp) => z.string().check(lineText).regex(pattern);

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.int(),
    detail: z.string(),
    code: z.string().meta({ description: 'Stable UPPER_SNAKE identifier; branch on this.' }),
    errors: z
      .array(
        z.object({
          code: z.string(),
          path: z.string(),
          message: z.string(),
          messageZh: z.string().optional(),
        }),
      )
      .optional(),
  })
  .meta({ id: 'Problem' });

/** A documented problem+json response of a route (for the OpenAPI document). */
export const problem = (status: number, description: string) => ({
  status,
  description,
  schema: Problem,
  contentType: 'application/problem+json',
});

export const CourtCode = Pattern(/^[A-Z]{2,3}[0-9]{0,4}$/).meta({ description: 'Court code, e.g. BJ0105.' });

export const Court = z
  .object({
    code: z.string(),
    name: z.string(),
    level: z.enum(['spc', 'high', 'intermediate', 'basic']),
    parentCode: z.string().nullable(),
    province: z.string(),
    directToHighCourt: z.boolean(),
    caseCourtPrefix: z.string(),
  })
  .meta({ id: 'Court' });

/** PUT /courts/{code}: every field of the court but its code (a replacement, validated as a whole). */
export const CourtUpdate = z
  .strictObject({
    name: Required(100),
    level: z.enum(['spc', 'high', 'intermediate', 'basic']),
    parentCode: z
      .string()
      .check(lineText)
      .regex(/^[A-Z]{2,3}[0-9]{0,4}$/)
      .nullable(),
    province: z
      .string()
      .check(lineText)
      .regex(/^[A-Z]{2,3}$/),
    directToHighCourt: z.boolean(),
    caseCourtPrefix: Required(16),
  })
  .meta({ id: 'CourtUpdate' });

/** POST /courts/imports: the rows of an official designation list (upsert), validated as a whole. */
export const CourtImportBody = z
  .strictObject({
    dryRun: z.boolean().meta({ description: 'Report the changes and write nothing.' }),
    courts: z
      .array(z.strictObject({ code: CourtCode, ...CourtUpdate.shape }))
      .min(1)
      .max(5000),
  })
  .meta({ id: 'CourtImport' });

const CourtChanges = z.record(z.string(), z.object({ from: z.unknown(), to: z.unknown() }));
export const CourtImportReport = z
  .object({
    dryRun: z.boolean(),
    applied: z.boolean(),
    version: z.int(),
    total: z.int(),
    added: z.array(Court),
    changed: z.array(z.object({ code: z.string(), name: z.string(), changes: CourtChanges })),
    unchanged: z.int(),
  })
  .meta({ id: 'CourtImportReport' });

const Window = z.object({ start: z.string(), end: z.string() });
export const LegalBasis = z
  .strictObject({ article: z.int().min(1).max(999), item: z.int().min(1).max(99) })
  .meta({
    id: 'LegalBasis',
    description:
      'An article and item of the Civil Procedure Law, cited by the termination ruling as 《中华人民共和国民事诉讼法》第X条第Y项: {article: 257, item: 6} for the 2018 campaign, {article: 268, item: 6} for rulings after 2024-01-01 (the 2023 amendment).',
  });
const CampaignSettings = {
  requireDebtor: z.boolean().meta({ description: 'Applications must name the debtor(s).' }),
  requireTerminationChecklist: z
    .boolean()
    .meta({ description: 'The termination-conditions checklist must be filled in.' }),
  assetCheckIntervalMonths: z.int().min(1).max(60),
  assetCheckYears: z.int().min(1).max(20),
  rulingLegalBasis: LegalBasis,
};
export const Campaign = z
  .object({
    id: z.string(),
    name: z.string(),
    preparation: Window,
    handling: Window,
    reportDue: z.string(),
    standardLimitFen: Fen,
    specialLimitFen: Fen,
    ...CampaignSettings,
  })
  .meta({ id: 'Campaign' });

/** Beijing time (Asia/Shanghai): a whole day as YYYY-MM-DD, or an instant with its offset. */
export const CampaignTime = Pattern(
  /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2}))?$/,
).meta({
  description:
    'Beijing time (Asia/Shanghai). A date YYYY-MM-DD means the whole day: a start is stored as 00:00:00+08:00, an end or a due date as 23:59:59.999+08:00. An instant must carry its offset (Z or ±hh:mm) and is stored as the same instant written with +08:00.',
});
const CampaignWindowInput = z.strictObject({ start: CampaignTime, end: CampaignTime });
const CampaignFields = {
  name: Required(200),
  preparation: CampaignWindowInput.meta({ description: '准备阶段: drafts, no submission.' }),
  handling: CampaignWindowInput.meta({
    description: '办理阶段: submission and approval; starts after preparation ends.',
  }),
  reportDue: CampaignTime.meta({ description: 'After handling ends.' }),
  standardLimitFen: PositiveFen,
  specialLimitFen: PositiveFen.meta({ description: 'At least standardLimitFen.' }),
};
const CampaignSettingsInput = {
  requireDebtor: CampaignSettings.requireDebtor.optional().meta({ description: 'Default true.' }),
  requireTerminationChecklist: CampaignSettings.requireTerminationChecklist
    .optional()
    .meta({ description: 'Default false.' }),
  assetCheckIntervalMonths: CampaignSettings.assetCheckIntervalMonths
    .optional()
    .meta({ description: 'Default 6.' }),
  assetCheckYears: CampaignSettings.assetCheckYears.optional().meta({ description: 'Default 5.' }),
  rulingLegalBasis: LegalBasis.optional().meta({
    description:
      'Default: art. 268(6) when handling starts on or after 2024-01-01 (Beijing time), else art. 257(6).',
  }),
};
export const CreateCampaignBody = z
  .strictObject({
    id: Pattern(/^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/).meta({
      description: 'Lower-case letters, digits and inner hyphens, at most 64, e.g. 2026-relief.',
    }),
    ...CampaignFields,
    ...CampaignSettingsInput,
  })
  .meta({ id: 'CreateCampaign' });
export const PatchCampaignBody = z
  .strictObject({
    name: CampaignFields.name.optional(),
    preparation: CampaignFields.preparation.optional(),
    handling: CampaignFields.handling.optional(),
    reportDue: CampaignFields.reportDue.optional(),
    standardLimitFen: CampaignFields.standardLimitFen.optional(),
    specialLimitFen: CampaignFields.specialLimitFen.optional(),
    ...CampaignSettingsInput,
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'Change at least one field.' })
  .meta({ id: 'PatchCampaign' });

/** True when the day exists (no 2019-02-30) and the time of an instant is a time of day. */
function isCalendarDate(value: string): boolean {
  const [y, m, d] = value.slice(0, 10).split('-').map(Number) as [number, number, number];
  if (!isCalendarDay(y, m, d)) return false;
  return value.length === 10 || !Number.isNaN(Date.parse(value));
}

/** A day of the calendar, YYYY-MM-DD (no 2019-02-30): a list's date bound. */
export const CalendarDay = Pattern(/^\d{4}-\d{2}-\d{2}$/).refine(isCalendarDate, {
  message: 'Not a date of the calendar (e.g. 2019-02-30).',
});

/** A day or an instant, Beijing time: YYYY-MM-DD, or an ISO 8601 instant with its offset. */
export const CaseDate = Pattern(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/)
  .refine(isCalendarDate, { message: 'Not a date of the calendar (e.g. 2019-02-30, or hour 25).' })
  .meta({
    description: 'A date YYYY-MM-DD (Beijing time) or an instant with its offset.',
  });

const ChecklistItem = z
  .strictObject({
    done: z.boolean(),
    at: CaseDate.optional(),
    reference: Line(200).optional(),
  })
  .meta({
    id: 'ChecklistItem',
    description: 'Done, with the date (at) and/or the reference that proves it.',
  });

export const TerminationChecklist = z
  .strictObject({
    executionNoticeServed: ChecklistItem,
    propertyReportOrdered: ChecklistItem,
    consumptionRestricted: ChecklistItem,
    dishonestListed: ChecklistItem.optional().meta({ description: 'Absent where listing is not due.' }),
    investigationExhausted: ChecklistItem,
    debtorSearchedOrSanctioned: ChecklistItem,
  })
  .meta({
    id: 'TerminationChecklist',
    description:
      'The conditions of Art. 1 of 《最高人民法院关于严格规范终结本次执行程序的规定（试行）》 (condition (4), three months since filing, comes from case.filedAt).',
  });

export const Measure = z
  .strictObject({
    kind: z.enum([
      'consumption-restriction',
      'dishonest-list',
      'property-freeze',
      'property-seizure',
      'other',
    ]),
    reference: Required(200),
    since: CaseDate,
  })
  .meta({ id: 'Measure' });

export const CaseInput = z.strictObject({
  caseNumber: Required(64).meta({ description: 'e.g. (2018)京0105执1234号; half- or full-width brackets.' }),
  category: Required(40).meta({
    description:
      'labor-remuneration | elder-support | spousal-support | child-support | survivor-pension | medical-injury | traffic-injury | work-injury | other',
  }),
  categoryReason: Text(2000).optional(),
  kind: z.enum(['enforcement', 'preservation']),
  claimAmountFen: Fen,
  concluded: z.boolean(),
  filedAt: CaseDate.optional().meta({
    description:
      '立案日期 (Beijing time): a date YYYY-MM-DD or an instant with its offset. Not in the future, not after the application; eligibility needs more than three months since it (终本规定 Art. 1(4)).',
  }),
  terminationConditions: z.strictObject({
    met: z.boolean(),
    basis: Text(4000),
    checklist: TerminationChecklist.optional(),
  }),
  measures: z
    .array(Measure)
    .max(50)
    .optional()
    .meta({ description: 'Measures taken against the debtor; they stay in force after relief (三(一)2).' }),
});

export const DebtorInput = z
  .strictObject({
    name: Required(200),
    kind: z.enum(['natural', 'legal']),
    idType: z.enum(['resident-id', 'other', 'unified-social-credit-code']),
    idNumber: Required(64).meta({
      description:
        'Canonicalised like applicant.idNumber. A natural person: a resident ID (check digit) or another document; a legal person: its unified social credit code (GB 32100, 18 characters with a check character).',
    }),
  })
  .meta({ id: 'Debtor', description: '被执行人' });

export const ApplicantInput = z.strictObject({
  name: Required(100),
  kind: z.enum(['natural-person', 'legal-person', 'other-organization']).optional(),
  idType: z.enum(['resident-id', 'other']),
  idNumber: Required(64).meta({
    description:
      'Canonicalised (NFKC; whitespace, hyphens and format characters removed; upper case) before validation, the duplicate check and storage. A valid resident ID number must be sent with idType resident-id (else 422 ID_TYPE_MISMATCH).',
  }),
  phone: Pattern(/^\+?[0-9][0-9 -]{4,19}$/).optional(),
});

export const BankAccountInput = z.strictObject({
  bankName: Required(100),
  holderName: Required(100),
  holderIdNumber: Required(64).meta({ description: 'Canonicalised like applicant.idNumber.' }),
  accountNumber: Pattern(/^[0-9][0-9 ]{7,39}$/).meta({ description: 'Digits, spaces allowed.' }),
});

const factsShape = {
  case: CaseInput,
  applicant: ApplicantInput,
  hardship: z.strictObject({ statement: Text(4000) }),
  consentToTermination: z.boolean(),
  priorJudicialRelief: z.boolean(),
  specialCircumstance: z.strictObject({ reason: Text(4000) }).optional(),
  reliefAmountFen: PositiveFen,
  bankAccount: BankAccountInput,
  debtors: z
    .array(DebtorInput)
    .min(1)
    .max(20)
    .optional()
    .meta({ description: 'The debtor(s); required when the campaign sets requireDebtor.' }),
};

export const CreateApplicationBody = z
  .strictObject({ campaignId: Required(64), ...factsShape })
  .meta({ id: 'CreateApplication' });

export const PatchApplicationBody = z
  .strictObject({
    case: factsShape.case.optional(),
    applicant: factsShape.applicant.optional(),
    hardship: factsShape.hardship.optional(),
    consentToTermination: z.boolean().optional(),
    priorJudicialRelief: z.boolean().optional(),
    specialCircumstance: factsShape.specialCircumstance,
    reliefAmountFen: PositiveFen.optional(),
    bankAccount: factsShape.bankAccount.optional(),
    debtors: factsShape.debtors,
  })
  .refine((v) => Object.keys(v).length > 0, { message: 'Name at least one field to change.' })
  .meta({ id: 'PatchApplication', description: 'Each top-level field given replaces the stored one whole.' });

export const Eligibility = z.object({
  eligible: z.boolean(),
  failures: z.array(
    z.object({ code: z.string(), path: z.string(), message: z.string(), messageZh: z.string() }),
  ),
});

export const ApplicationStatus = z.enum(APPLICATION_STATUSES as [string, ...string[]]);

export const IntegrityHold = z
  .object({
    code: z.literal('EVIDENCE_MISMATCH'),
    packageId: z.string(),
    at: z.string(),
    documents: z.array(
      z.object({
        type: z.enum(DOCUMENT_TYPES as [string, ...string[]]),
        documentId: z.string().nullable(),
        sha256: z.string().nullable(),
        problem: z.enum(['OBJECT_MISSING', 'OBJECT_CHANGED', 'DOCUMENT_NOT_UPLOADED', 'TYPE_MISSING']),
        actualSha256: z.string().optional(),
      }),
    ),
  })
  .meta({
    id: 'IntegrityHold',
    description:
      'Disbursement withheld the package: a stored document no longer matches what the high court approved. The quota stays reserved until an operator acts.',
  });

export const AssetCheckBody = z
  .strictObject({
    checkedAt: CaseDate.meta({
      description: 'When the check was made (Beijing date or instant); not in the future.',
    }),
    method: z.enum(['network-inquiry', 'field-investigation', 'lead-from-applicant']),
    result: z.enum(['none-found', 'assets-found', 'evasion-found']),
    detail: RequiredText(4000),
    applicantNotifiedAt: CaseDate.optional().meta({ description: 'When the applicant was told the result.' }),
  })
  .meta({ id: 'AssetCheckInput' });

export const AssetCheck = z
  .object({
    ...AssetCheckBody.shape,
    recordedAt: z.string(),
    recordedBy: z.string(),
  })
  .meta({ id: 'AssetCheck' });

export const Application = z
  .object({
    id: z.string(),
    campaignId: z.string(),
    courtCode: z.string(),
    highCourtCode: z.string(),
    status: ApplicationStatus,
    version: z.int(),
    createdAt: z.string(),
    updatedAt: z.string(),
    createdBy: z.string(),
    ...factsShape,
    applicant: z.object({
      ...ApplicantInput.shape,
      idNumber: z.string().meta({ description: 'Masked unless you are a clerk of the executing court.' }),
    }),
    bankAccount: z.object({
      ...BankAccountInput.shape,
      accountNumber: z
        .string()
        .meta({ description: 'Masked unless you are a clerk of the executing court.' }),
    }),
    debtors: z
      .array(
        z.object({
          ...DebtorInput.shape,
          idNumber: z.string().meta({
            description: "A natural person's number is masked unless you are a clerk of the executing court.",
          }),
        }),
      )
      .optional(),
    eligibility: Eligibility,
    route: z.array(z.string()),
    pendingAt: z.string().nullable(),
    waitingSince: z.string().optional().meta({
      description: 'In the approver’s queue (?pendingAt=): when it arrived at the court it waits at.',
    }),
    overdue: z
      .boolean()
      .optional()
      .meta({ description: 'In the approver’s queue (?pendingAt=): past the level’s 14-day time limit.' }),
    withdrawal: z
      .object({ reason: z.string(), at: z.string(), by: z.string() })
      .nullable()
      .meta({ description: '撤回 by the executing court (status withdrawn); null otherwise.' }),
    // Facts after approval: always present, null until they exist (never omitted).
    payout: z
      .object({ amountFen: Fen, paidAt: z.string(), transactionRef: z.string() })
      .nullable()
      .meta({ description: 'The payout the insurer confirmed (发放); null until then.' }),
    closure: z
      .object({
        rulingNumber: z.string(),
        issuedAt: z.string(),
        closingReason: z.string(),
        restrictionsLifted: z.boolean(),
        measuresInForce: z
          .array(Measure)
          .optional()
          .meta({ description: 'The measures that stay in force after relief (三(一)2); not yet lifted.' }),
        closedAt: z.string(),
        closedBy: z.string(),
      })
      .nullable()
      .meta({ description: '报结 as 终结执行, as recorded; null until closed.' }),
    closingReason: z.string().nullable().meta({ description: 'closure.closingReason; null until closed.' }),
    restrictionsLifted: z
      .boolean()
      .nullable()
      .meta({ description: 'closure.restrictionsLifted (false: restrictions stay); null until closed.' }),
    resumption: z
      .object({
        reason: z.enum(['assets-found', 'evasion']),
        basis: z.string(),
        amountFen: Fen,
        debtors: z
          .array(z.string())
          .optional()
          .meta({ description: 'Names of the debtors it resumes against.' }),
        at: z.string(),
        resumedBy: z.string(),
      })
      .nullable()
      .meta({ description: '恢复执行 after closure; null unless resumed.' }),
    recoveredFen: Fen.nullable().meta({
      description: 'Total recovered after resumption, credited to the relief fund; null unless resumed.',
    }),
    liftedMeasures: z
      .array(
        z.object({ reference: z.string(), basis: z.string(), liftedAt: z.string(), liftedBy: z.string() }),
      )
      .optional()
      .meta({ description: 'Measures lifted after resumption once the debt was satisfied.' }),
    nextAssetCheckDue: z.string().nullable().meta({
      description: 'Beijing date the next asset check of the relief-closed case is due; null otherwise.',
    }),
    assetCheckEscalatedAt: z.string().nullable().meta({
      description:
        'When the asset check now due was escalated as overdue to the executing court and its high court; null otherwise.',
    }),
    resumptionDue: z
      .boolean()
      .meta({ description: 'An asset check found assets or evasion and no resumption is recorded yet.' }),
    resumptionDismissals: z
      .array(z.object({ reason: z.string(), dismissedAt: z.string(), dismissedBy: z.string() }))
      .optional()
      .meta({ description: 'Reasoned decisions not to resume enforcement after a check prompted it.' }),
    assetChecks: z.array(AssetCheck).optional(),
    integrityHold: IntegrityHold.optional(),
  })
  .meta({ id: 'Application' });

export const Limit = z.coerce.number().int().min(1).max(200).default(50);
export const Cursor = z.string().min(1).max(2048);

export const ListApplicationsQuery = z.strictObject({
  status: ApplicationStatus.optional(),
  campaignId: z.string().min(1).max(64).optional(),
  courtCode: CourtCode.optional(),
  pendingAt: CourtCode.optional().meta({
    description:
      'The approver’s queue: applications waiting at this court (your own, unless SPC), oldest first.',
  }),
  limit: Limit,
  cursor: Cursor.optional(),
});

export const ApplicationId = z
  .string()
  .regex(/^[0-9A-Z]{26}$/)
  .meta({ description: 'ULID' });
export const ApplicationParams = z.strictObject({ id: ApplicationId });
export const DocumentParams = z.strictObject({ id: ApplicationId, documentId: ApplicationId });

export const Page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

export const DocumentType = z.enum(DOCUMENT_TYPES as [string, ...string[]]);
export const DocumentContentType = z.enum(['application/pdf', 'image/jpeg', 'image/png', 'image/tiff']);

export const RequestUploadBody = z
  .strictObject({
    type: DocumentType,
    contentType: DocumentContentType,
    sizeBytes: z
      .int()
      .min(1)
      .max(20 * 1024 * 1024),
    sha256: Pattern(/^[0-9a-fA-F]{64}$/).meta({ description: 'SHA-256 of the file, hex.' }),
  })
  .meta({ id: 'RequestUpload' });

export const Upload = z.object({
  method: z.literal('PUT'),
  url: z.string(),
  headers: z.record(z.string(), z.string()),
  expiresAt: z.string(),
});

export const Document = z
  .object({
    documentId: z.string(),
    type: DocumentType,
    status: z.enum(['pending', 'uploaded', 'rejected']),
    contentType: z.string(),
    sizeBytes: z.int(),
    sha256: z.string(),
    createdAt: z.string(),
    uploadedAt: z.string().nullable(),
    rejectedReason: z.string().optional(),
    review: z
      .object({
        verdict: z.enum(['accepted', 'rejected']),
        reason: z.string(),
        reviewedBy: z.string(),
        court: z.string(),
        as: z.enum(['clerk', 'approver']),
        at: z.string(),
      })
      .optional()
      .meta({ description: 'The latest review (材料审查); a rejected one makes the document `rejected`' }),
  })
  .meta({ id: 'Document' });

export const DocumentWithUrl = z.object({
  ...Document.shape,
  url: z.string().optional(),
  urlExpiresAt: z.string().optional(),
});

export const AuditEntry = z
  .object({
    seq: z.int(),
    at: z.string(),
    actor: z.object({ sub: z.string(), court: z.string(), roles: z.array(z.string()) }),
    action: z.string(),
    fromStatus: z.string().nullable(),
    toStatus: z.string().nullable(),
    detail: z.record(z.string(), z.unknown()),
    hash: z.string(),
    prevHash: z.string(),
    documentId: z.string().optional().meta({
      description:
        "An application's trail: the entry is on this document's own chain (seq, hash and prevHash are that chain's); absent on the application's chain",
    }),
  })
  .meta({ id: 'AuditEntry' });

export const CourtsQuery = z.strictObject({
  level: z.enum(['spc', 'high', 'intermediate', 'basic']).optional(),
  parentCode: CourtCode.optional(),
  province: z
    .string()
    .regex(/^[A-Z]{2,3}$/)
    .optional(),
  limit: Limit,
  cursor: Cursor.optional(),
});

// Shared by several routes of one area (the rest of a route's schemas live in its spec, specs/<operation>.ts).

export const COMMON_ERRORS = [
  problem(
    400,
    'Malformed or invalid request: VALIDATION_FAILED, MALFORMED_JSON, or INVALID_TEXT (a control character, bidi override or lone surrogate in a text field; each path in errors)',
  ),
  problem(401, 'Missing or invalid token'),
  problem(403, 'Role not allowed'),
];

export const DecisionBody = z
  .strictObject({
    decision: z.enum(['approve', 'reject', 'return']),
    comment: Text(4000).default(''),
  })
  .meta({ id: 'Decision' });

export const CampaignParams = z.strictObject({ campaignId: z.string().min(1).max(64) });

export const CAMPAIGN_INVALID =
  'CAMPAIGN_INVALID, with every failure in errors: INVALID_DATE, PREPARATION_ENDS_BEFORE_START, HANDLING_NOT_AFTER_PREPARATION, HANDLING_ENDS_BEFORE_START, REPORT_DUE_NOT_AFTER_HANDLING, SPECIAL_LIMIT_BELOW_STANDARD';

export const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

export const IsoDate = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

export const PackageParams = z.strictObject({ packageId: z.string().min(1).max(64) });

export const REQUEST_SIGNATURE = {
  name: 'Relief-Signature',
  required: true,
  description: 't=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<METHOD> <path>")> (docs/insurer.md)',
};

export const Quota = z
  .object({
    campaignId: z.string(),
    highCourtCode: z.string(),
    allocatedFen: Fen,
    reservedFen: Fen,
    disbursedFen: Fen,
    remainingFen: Fen,
    updatedAt: z.string(),
  })
  .meta({ id: 'Quota' });

export const CampaignHighCourtParams = z.strictObject({
  campaignId: z.string().min(1).max(64),
  highCourtCode: CourtCode,
});

export const Reconciliation = z
  .object({
    id: z.string(),
    campaignId: z.string(),
    recordedAt: z.string(),
    recordedBy: z.object({ sub: z.string(), court: z.string(), roles: z.array(z.string()) }),
    statement: z.object({ sha256: z.string(), sizeBytes: z.int(), encoding: z.enum(['utf-8', 'gb18030']) }),
    rows: z.int(),
    matched: z.int().meta({ description: 'Rows whose package and amount agree' }),
    matchedFen: z.int(),
    missingFromStatement: z.array(
      z.object({ packageId: z.string(), applicationId: z.string(), status: z.string(), amountFen: z.int() }),
    ),
    unknownPackages: z.array(
      z.object({ row: z.int(), packageId: z.string(), transactionRef: z.string(), amountFen: z.int() }),
    ),
    amountMismatches: z.array(
      z.object({
        row: z.int(),
        packageId: z.string(),
        applicationId: z.string(),
        approvedFen: z.int(),
        statedFen: z.int(),
      }),
    ),
    duplicates: z.array(
      z.object({ row: z.int(), packageId: z.string(), firstRow: z.int(), transactionRef: z.string() }),
    ),
    declinedButPaid: z.array(z.object({ row: z.int(), packageId: z.string(), applicationId: z.string() })),
  })
  .meta({ id: 'Reconciliation' });

export const notFound = {
  status: 404,
  description: 'Unknown',
  schema: Problem,
  contentType: 'application/problem+json',
};
