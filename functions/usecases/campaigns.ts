import { type ChainVerification, GENESIS_HASH, verifyChain } from '../domain/audit-chain.ts';
import { isCalendarDay } from '../domain/calendar.ts';
import {
  type Campaign,
  campaignSettings,
  defaultRulingLegalBasis,
  shanghaiEndOfDay,
  shanghaiStartOfDay,
} from '../domain/campaigns.ts';
import type { LegalBasis } from '../domain/ruling.ts';
import type { Principal } from '../lib/auth.ts';
import {
  ConcurrentUpdateError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  UnprocessableError,
} from '../lib/errors.ts';
import type { AuditEntry } from '../ports/applications.ts';
import {
  type CampaignAdminStore,
  CampaignWriteConflictError,
  type StoredCampaign,
} from '../ports/campaigns.ts';
import type { IdempotentWrite } from '../ports/idempotency.ts';

/**
 * Campaigns managed by the SPC (集中保险救助活动的设立与调整): created and changed through the API, each
 * change on the campaign's own hash-chained trail in the same transaction. Dates are Beijing time: a
 * `YYYY-MM-DD` date means that whole day (a start at 00:00:00+08:00, an end or the report due date at
 * 23:59:59.999+08:00); an instant with an offset is stored as the same instant written with +08:00.
 */
export interface CampaignAdminDeps {
  campaignStore: CampaignAdminStore;
  now: () => Date;
}

export interface CampaignInput {
  id: string;
  name: string;
  preparation: { start: string; end: string };
  handling: { start: string; end: string };
  reportDue: string;
  standardLimitFen: number;
  specialLimitFen: number;
  requireDebtor?: boolean | undefined;
  requireTerminationChecklist?: boolean | undefined;
  assetCheckIntervalMonths?: number | undefined;
  assetCheckYears?: number | undefined;
  rulingLegalBasis?: LegalBasis | undefined;
}

export type CampaignPatch = Partial<Omit<CampaignInput, 'id'>>;

export type CampaignView = ReturnType<typeof campaignView>;

/** The API's campaign: its definition with every setting (defaults filled in). */
export function campaignView(c: Campaign) {
  return {
    id: c.id,
    name: c.name,
    preparation: { start: c.preparation.start, end: c.preparation.end },
    handling: { start: c.handling.start, end: c.handling.end },
    reportDue: c.reportDue,
    standardLimitFen: c.standardLimitFen,
    specialLimitFen: c.specialLimitFen,
    ...campaignSettings(c),
  };
}

function requireSpcAdmin(principal: Principal) {
  if (principal.court !== 'SPC' || !principal.roles.includes('spc-admin')) {
    throw new ForbiddenError('ROLE_FORBIDDEN', 'Only an SPC administrator creates and changes campaigns.');
  }
}

type Problem = { code: string; path: string; message: string };

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;

/** `YYYY-MM-DD` → that day's first or last millisecond in Beijing; an instant → the same instant at +08:00. */
export function beijingTime(value: string, edge: 'start' | 'end'): string | undefined {
  const date = DATE_ONLY.exec(value);
  if (date) {
    const [y, m, d] = [Number(date[1]), Number(date[2]), Number(date[3])];
    if (!isCalendarDay(y, m, d)) return undefined;
    return edge === 'start' ? shanghaiStartOfDay(value) : shanghaiEndOfDay(value);
  }
  const t = Date.parse(value);
  if (Number.isNaN(t)) return undefined;
  // Date.parse rolls impossible days over (02-30 → 03-02): the written date must survive the round trip.
  const written = value.slice(0, 10);
  const offset = /([+-])(\d{2}):(\d{2})$/.exec(value);
  const offsetMs = offset
    ? (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3])) * 60_000
    : 0;
  if (new Date(t + offsetMs).toISOString().slice(0, 10) !== written) return undefined;
  const local = new Date(t + SHANGHAI_OFFSET_MS).toISOString();
  const ms = t % 1000 === 0 ? local.slice(0, 19) : local.slice(0, 23);
  return `${ms}+08:00`;
}

/**
 * Normalises a campaign's dates to Beijing time and checks its rules; every failure with its own code and
 * path (422 CAMPAIGN_INVALID): preparation.start ≤ preparation.end < handling.start ≤ handling.end <
 * reportDue; standardLimitFen ≤ specialLimitFen (both positive: the schema).
 */
export function normaliseCampaign(input: CampaignInput, version?: number): Campaign {
  const problems: Problem[] = [];
  const at = (path: string, value: string, edge: 'start' | 'end') => {
    const out = beijingTime(value, edge);
    if (out === undefined)
      problems.push({ code: 'INVALID_DATE', path, message: `${path} is not a real date or instant.` });
    return out ?? value;
  };
  const campaign: Campaign = {
    id: input.id,
    name: input.name,
    preparation: {
      start: at('preparation.start', input.preparation.start, 'start'),
      end: at('preparation.end', input.preparation.end, 'end'),
    },
    handling: {
      start: at('handling.start', input.handling.start, 'start'),
      end: at('handling.end', input.handling.end, 'end'),
    },
    reportDue: at('reportDue', input.reportDue, 'end'),
    standardLimitFen: input.standardLimitFen,
    specialLimitFen: input.specialLimitFen,
    requireDebtor: input.requireDebtor ?? true,
    requireTerminationChecklist: input.requireTerminationChecklist ?? false,
    assetCheckIntervalMonths: input.assetCheckIntervalMonths ?? 6,
    assetCheckYears: input.assetCheckYears ?? 5,
    rulingLegalBasis: input.rulingLegalBasis ?? { article: 0, item: 0 },
    ...(version !== undefined ? { version } : {}),
  };
  if (problems.length === 0) {
    const t = (s: string) => Date.parse(s);
    const order: [boolean, Problem][] = [
      [
        t(campaign.preparation.start) > t(campaign.preparation.end),
        {
          code: 'PREPARATION_ENDS_BEFORE_START',
          path: 'preparation.end',
          message: 'Preparation must not end before it starts.',
        },
      ],
      [
        t(campaign.preparation.end) >= t(campaign.handling.start),
        {
          code: 'HANDLING_NOT_AFTER_PREPARATION',
          path: 'handling.start',
          message: 'Handling must start after preparation ends.',
        },
      ],
      [
        t(campaign.handling.start) > t(campaign.handling.end),
        {
          code: 'HANDLING_ENDS_BEFORE_START',
          path: 'handling.end',
          message: 'Handling must not end before it starts.',
        },
      ],
      [
        t(campaign.handling.end) >= t(campaign.reportDue),
        {
          code: 'REPORT_DUE_NOT_AFTER_HANDLING',
          path: 'reportDue',
          message: 'The report must be due after handling ends.',
        },
      ],
    ];
    for (const [failed, problem] of order) if (failed) problems.push(problem);
  }
  if (campaign.specialLimitFen < campaign.standardLimitFen) {
    problems.push({
      code: 'SPECIAL_LIMIT_BELOW_STANDARD',
      path: 'specialLimitFen',
      message: 'The special limit must be at least the standard limit.',
    });
  }
  if (problems.length > 0) {
    throw new UnprocessableError('CAMPAIGN_INVALID', 'The campaign breaks its rules; nothing was written.', {
      errors: problems,
    });
  }
  if (input.rulingLegalBasis === undefined) campaign.rulingLegalBasis = defaultRulingLegalBasis(campaign);
  return campaign;
}

/** `POST /campaigns`: a new campaign (version 1), audited `campaign.created`. */
export async function createCampaign(
  deps: CampaignAdminDeps,
  principal: Principal,
  input: CampaignInput,
  idempotency?: IdempotentWrite<StoredCampaign>,
): Promise<StoredCampaign> {
  requireSpcAdmin(principal);
  const campaign = normaliseCampaign(input);
  try {
    return await deps.campaignStore.create(
      campaign,
      {
        actor: principal,
        action: 'campaign.created',
        fromStatus: null,
        toStatus: null,
        detail: { campaign },
      },
      deps.now().toISOString(),
      idempotency,
    );
  } catch (error) {
    if (error instanceof CampaignWriteConflictError) {
      throw new ConflictError('CAMPAIGN_EXISTS', `A campaign with id ${input.id} already exists.`);
    }
    throw error;
  }
}

/**
 * `PATCH /campaigns/{id}` with If-Match: the changed fields, audited `campaign.updated` with each
 * field's before and after. Limits never go below a claim already approved (409 LIMIT_BELOW_APPROVED).
 */
export async function patchCampaign(
  deps: CampaignAdminDeps,
  principal: Principal,
  id: string,
  expectedVersion: number,
  patch: CampaignPatch,
  idempotency?: IdempotentWrite<StoredCampaign>,
): Promise<StoredCampaign> {
  requireSpcAdmin(principal);
  for (let attempt = 0; attempt < 3; attempt++) {
    const current = await deps.campaignStore.get(id, { consistent: true });
    if (!current) throw new NotFoundError(`No campaign ${id}.`);
    if ((current.version ?? 0) !== expectedVersion) {
      throw new ConflictError(
        'VERSION_CONFLICT',
        'The campaign changed since you read it; reload and retry.',
      );
    }
    const before = campaignView(current);
    const merged: CampaignInput = { ...before, ...withoutUndefined(patch), id };
    const next = normaliseCampaign(merged);
    // The basis a campaign cites is stored once set; moving its dates does not silently change it.
    if (patch.rulingLegalBasis === undefined) next.rulingLegalBasis = before.rulingLegalBasis;
    const high = await deps.campaignStore.approvedHighWater(id);
    const below: Problem[] = [];
    if (next.specialLimitFen < high.anyClaimFen) {
      below.push({
        code: 'LIMIT_BELOW_APPROVED',
        path: 'specialLimitFen',
        message: `An application with a claim of ${high.anyClaimFen} fen is already approved.`,
      });
    }
    if (next.standardLimitFen < high.standardClaimFen) {
      below.push({
        code: 'LIMIT_BELOW_APPROVED',
        path: 'standardLimitFen',
        message: `An application with a claim of ${high.standardClaimFen} fen (no special circumstance) is already approved.`,
      });
    }
    if (below.length > 0) {
      throw new ConflictError(
        'LIMIT_BELOW_APPROVED',
        'A limit cannot be lowered below a claim already approved in this campaign; nothing was written.',
        { errors: below },
      );
    }
    const after = campaignView(next);
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    for (const key of Object.keys(after) as (keyof CampaignView)[]) {
      if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
        changes[key] = { from: before[key], to: after[key] };
      }
    }
    try {
      return await deps.campaignStore.update(
        current,
        next,
        {
          actor: principal,
          action: 'campaign.updated',
          fromStatus: null,
          toStatus: null,
          detail: { campaignId: id, fromVersion: current.version ?? 0, changes },
        },
        deps.now().toISOString(),
        high.approvals,
        idempotency,
      );
    } catch (error) {
      // Another change or an approval came in between: read again (a changed version is then 409).
      if (!(error instanceof CampaignWriteConflictError)) throw error;
    }
  }
  throw new ConcurrentUpdateError('The campaign kept changing; nothing was written. Retry shortly.');
}

function withoutUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The change trail of a campaign, for the SPC, verified against the head kept on the campaign. */
export async function getCampaignAudit(
  deps: CampaignAdminDeps,
  principal: Principal,
  id: string,
): Promise<{ entries: AuditEntry[]; verification: ChainVerification }> {
  if (principal.court !== 'SPC') {
    throw new ForbiddenError('CAMPAIGN_AUDIT_NOT_VISIBLE', 'A campaign’s change trail is read at the SPC.');
  }
  const campaign = await deps.campaignStore.get(id, { consistent: true });
  if (!campaign) throw new NotFoundError(`No campaign ${id}.`);
  const entries = await deps.campaignStore.listAudit(id);
  const head = { seq: campaign.auditSeq ?? 0, hash: campaign.auditHead ?? GENESIS_HASH };
  const verification = verifyChain(
    entries.filter((e) => e.seq <= head.seq),
    { head },
  );
  return { entries, verification };
}
