import type { ApplicationRecord } from '../domain/application.ts';
import type { DocumentRecord } from './documents-store.ts';

/** A bounded, resumable read of one gsi4 family: `cursor` says where the next read continues. */
export interface SweepPage<T> {
  items: T[];
  /** Opaque; null once the read went through every shard (the next read starts a new pass). */
  cursor: string | null;
}

export interface SweepQuery {
  /** Only items whose sort time (updatedAt / createdAt) is at or before this instant (ISO 8601). */
  before: string;
  limit: number;
  cursor: string | null;
}

/** The sweeps' bounded reads of in-flight work and where each sweep stopped. */
export interface Sweeps {
  /** Applications in pending_approval / awaiting_payout, least recently changed first (sparse gsi4). */
  listInFlight(query: SweepQuery): Promise<SweepPage<ApplicationRecord>>;
  /** Documents still `pending`, oldest first (sparse gsi4). */
  listPendingUploads(query: SweepQuery): Promise<SweepPage<DocumentRecord>>;
  /** Takes a document that stayed pending past any possible upload off the pending-upload index. */
  retirePendingUpload(doc: DocumentRecord): Promise<void>;
  /** Where a named sweep stopped, so that the next bounded run resumes there. */
  getSweepCursor(name: string): Promise<string | null>;
  putSweepCursor(name: string, cursor: string | null): Promise<void>;
}
