import { GENESIS_HASH, sealEntry } from '../../domain/audit-chain.ts';
import { type Court, CourtRegistry } from '../../domain/court-registry.ts';
import { SEED_REGISTRY } from '../../domain/courts.ts';
import { ConcurrentUpdateError } from '../../lib/errors.ts';
import type { CourtAuditEntry, CourtChange, CourtDirectory, CourtStore } from '../../ports/courts.ts';
import {
  type IdempotencyRecord,
  IdempotencyReplay,
  type IdempotentWrite,
  recordOf,
} from '../../ports/idempotency.ts';

/** The courts in memory: the committed registry, or one a test sets (e.g. after moving a court). */
export class MemoryCourtDirectory implements CourtDirectory {
  constructor(public current: CourtRegistry = SEED_REGISTRY) {}

  async registry(): Promise<CourtRegistry> {
    return this.current;
  }
}

/**
 * The court store in memory: the registry replaced as a whole on its version, with the registry's
 * hash-chained trail and the idempotency records (the same contract as DynamoCourtStore).
 */
export class MemoryCourtStore extends MemoryCourtDirectory implements CourtStore {
  readonly audit: CourtAuditEntry[] = [];
  readonly idempotency = new Map<string, IdempotencyRecord>();

  async replace(
    base: CourtRegistry,
    courts: readonly Court[],
    change: CourtChange,
    idempotency?: IdempotentWrite<CourtRegistry>,
  ): Promise<CourtRegistry> {
    if (base.version !== this.current.version) {
      throw new ConcurrentUpdateError('The court registry changed meanwhile; nothing was written. Retry.');
    }
    const next = new CourtRegistry(courts, base.version + 1);
    if (idempotency) {
      const earlier = this.idempotency.get(`${idempotency.scope}|${idempotency.key}`);
      if (earlier) throw new IdempotencyReplay(earlier);
    }
    const prev = this.audit.at(-1);
    const entry = sealEntry(
      {
        seq: this.audit.length + 1,
        at: new Date().toISOString(),
        actor: { sub: change.actor.sub, court: change.actor.court, roles: [...change.actor.roles] },
        action: change.action,
        fromStatus: null,
        toStatus: null,
        detail: { ...change.detail, courts: change.courts, version: next.version },
      },
      prev?.hash ?? GENESIS_HASH,
    );
    this.audit.push({ ...entry, courts: [...change.courts] });
    if (idempotency) {
      this.idempotency.set(`${idempotency.scope}|${idempotency.key}`, recordOf(idempotency, next));
    }
    this.current = next;
    return next;
  }

  async listAudit(code?: string): Promise<CourtAuditEntry[]> {
    return code ? this.audit.filter((e) => e.courts.includes(code)) : [...this.audit];
  }
}
