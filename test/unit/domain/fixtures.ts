/**
 * Shared fixtures: an eligible application from 北京市朝阳区人民法院 (BJ0105). The single source is
 * test/fixtures/application.valid.json (the POST /applications body, campaignId 'demo'); every helper
 * returns a fresh structuredClone, so tests may change what they get.
 */
import { readFileSync } from 'node:fs';
import { CAMPAIGN_2018 } from '../../../functions/domain/campaigns.ts';
import { getCourt } from '../../../functions/domain/courts.ts';
import type { ApplicationFacts, EligibilityContext } from '../../../functions/domain/eligibility.ts';

export type ApplicationBody = ApplicationFacts & { campaignId: string };

export type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> | undefined }
    : T;

const BODY: ApplicationBody = JSON.parse(
  readFileSync(new URL('../../fixtures/application.valid.json', import.meta.url), 'utf8'),
) as ApplicationBody;

/** The applicant's resident ID in the fixture (王小明, born 1985-03-12, male; check digit computed). */
export const VALID_ID_NUMBER = '110105198503121234';
export const VALID_CASE_NUMBER = '(2018)京0105执1234号';
export const EXECUTING_COURT_CODE = 'BJ0105';

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep merge: objects merge recursively, anything else replaces; an explicit `undefined` deletes the key. */
export function deepMerge<T>(base: T, overrides: DeepPartial<T> | undefined): T {
  if (overrides === undefined) return base;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(overrides as Record<string, unknown>)) {
    if (value === undefined) delete out[key];
    else if (isPlainObject(value) && isPlainObject(out[key])) out[key] = deepMerge(out[key], value);
    else out[key] = value;
  }
  return out as T;
}

/** The full POST /applications body (with campaignId 'demo'). */
export function validApplicationBody(overrides?: DeepPartial<ApplicationBody>): ApplicationBody {
  return deepMerge<ApplicationBody>(structuredClone(BODY), overrides);
}

/** Eligible application facts (the body without campaignId), optionally deep-merged with overrides. */
export function validFacts(overrides?: DeepPartial<ApplicationFacts>): ApplicationFacts {
  const { campaignId: _campaignId, ...facts } = structuredClone(BODY);
  return deepMerge<ApplicationFacts>(facts, overrides);
}

/** Evaluation context matching validFacts: the 2018 limits, BJ0105, today 2018-12-21. */
export function validContext(overrides: Partial<EligibilityContext> = {}): EligibilityContext {
  const executingCourt = getCourt(EXECUTING_COURT_CODE);
  if (!executingCourt) throw new Error('fixture court BJ0105 missing');
  return {
    campaign: {
      standardLimitFen: CAMPAIGN_2018.standardLimitFen,
      specialLimitFen: CAMPAIGN_2018.specialLimitFen,
    },
    executingCourt,
    today: '2018-12-21',
    priorReliefOnRecord: false,
    ...overrides,
  };
}
