import type { CourtRegistry } from '../../functions/domain/court-registry.ts';
import { SEED_REGISTRY } from '../../functions/domain/courts.ts';
import type { CourtDirectory } from '../../functions/ports/courts.ts';

/** A CourtDirectory over the committed registry, for tests that build use-case deps by hand. */
export const seedCourts: CourtDirectory = { registry: async (): Promise<CourtRegistry> => SEED_REGISTRY };
