/**
 * The committed registry (`courts.registry.json`, read by `courts-data.ts`; sources and rules:
 * docs/courts.md) as a `CourtRegistry`, with the hierarchy functions bound to it. For the registry
 * generator, the seeders, the CLI, local development and tests: at run time Lambdas read the courts
 * table through the `CourtDirectory` port and must not import this module (it carries the whole
 * registry; test/infra/bundling.test.ts keeps it out of the bundles).
 */
import { type Court, type CourtLevel, CourtRegistry } from './court-registry.ts';
import { COURT_DATA } from './courts-data.ts';

export type { Court, CourtLevel };

export const COURTS: readonly Court[] = COURT_DATA;

/** The committed registry as a value (version 0: not read from the table). */
export const SEED_REGISTRY: CourtRegistry = new CourtRegistry(COURTS);

/** The 32 quota holders (额度持有法院): the 31 provincial high courts and the XPCC branch ('BT'). */
export const QUOTA_HOLDER_CODES: readonly string[] = SEED_REGISTRY.quotaHolderCodes;

/** The court with this code, or undefined. */
export const getCourt = (code: string): Court | undefined => SEED_REGISTRY.get(code);
/** True for a high-level court that holds quota (31 high courts + XPCC branch). */
export const isQuotaHolder = (code: string): boolean => SEED_REGISTRY.isQuotaHolder(code);
/** The court whose case numbers carry this prefix ('京0105' → BJ0105, '最高法' → SPC), or undefined. */
export const courtByCasePrefix = (prefix: string): Court | undefined => SEED_REGISTRY.byCasePrefix(prefix);
/** The superiors of a court, nearest first, up to and including the SPC (see CourtRegistry). */
export const ancestorsOf = (code: string): string[] => SEED_REGISTRY.ancestorsOf(code);
/** The quota holder responsible for a court (see CourtRegistry). */
export const highCourtOf = (code: string): string => SEED_REGISTRY.highCourtOf(code);
/** The approval route of an executing court (see CourtRegistry). */
export const approvalRoute = (code: string): string[] => SEED_REGISTRY.approvalRoute(code);
/** True when `viewerCode` may see `targetCode`'s matters (see CourtRegistry). */
export const isWithinJurisdiction = (viewerCode: string, targetCode: string): boolean =>
  SEED_REGISTRY.isWithinJurisdiction(viewerCode, targetCode);
