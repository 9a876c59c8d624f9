import type { CourtRegistry } from '../../domain/court-registry.ts';
import { SEED_REGISTRY } from '../../domain/courts.ts';
import type { CourtDirectory } from '../../ports/courts.ts';

/** The courts in memory: the committed registry, or one a test sets (e.g. after moving a court). */
export class MemoryCourtDirectory implements CourtDirectory {
  constructor(public current: CourtRegistry = SEED_REGISTRY) {}

  async registry(): Promise<CourtRegistry> {
    return this.current;
  }
}
