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
import { ForbiddenError, UnprocessableError } from '../lib/errors.ts';
import type { CampaignAdminStore } from '../ports/campaigns.ts';

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

export function requireSpcAdmin(principal: Principal) {
  if (principal.court !== 'SPC' || !principal.roles.includes('spc-admin')) {
    throw new ForbiddenError('ROLE_FORBIDDEN', 'Only an SPC administrator creates and changes campaigns.');
  }
}

export type Problem = { code: string; path: string; message: string };

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
