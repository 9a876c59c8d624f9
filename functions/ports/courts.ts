import type { ChainedAuditEntry } from '../domain/audit-chain.ts';
import type { Court, CourtRegistry } from '../domain/court-registry.ts';
import type { IdempotentWrite } from './idempotency.ts';

/**
 * The courts (法院名录) are table data: one stored registry, versioned, changed as a whole (a PUT of
 * one court or an import of thousands is one conditional write, so it is all-or-nothing and two changes
 * can never combine into a cycle). Reads go through `registry()`, cached per container for a short TTL.
 */
export interface CourtDirectory {
  /** The registry as stored (cached for a few seconds; `fresh` reads the table). */
  registry(opts?: { fresh?: boolean }): Promise<CourtRegistry>;
}

/** A change of the registry: its audit entry goes in the same transaction. */
export interface CourtChange {
  actor: { sub: string; court: string; roles: string[] };
  action: 'court.updated' | 'courts.imported';
  /** The courts the change touches (the trail of one court is the entries naming it). */
  courts: string[];
  detail: Record<string, unknown>;
}

export type CourtAuditEntry = ChainedAuditEntry & { courts: string[] };

export interface CourtStore extends CourtDirectory {
  /**
   * Replaces the registry read as `base` (its version) by `courts`, with the audit entry and the
   * idempotency record, in one transaction. ConcurrentUpdateError when another change came first.
   */
  replace(
    base: CourtRegistry,
    courts: readonly Court[],
    change: CourtChange,
    idempotency?: IdempotentWrite<CourtRegistry>,
  ): Promise<CourtRegistry>;
  /** The registry's audit trail, oldest first (entries naming `code` only, when given). */
  listAudit(code?: string): Promise<CourtAuditEntry[]>;
}
