import type { ApplicationStatus } from '../domain/application.ts';
import type { DocumentChain } from '../domain/application-trail.ts';
import type { AuditEntryContent } from '../domain/audit-chain.ts';
import type { Actor } from '../domain/lifecycle.ts';

/** An application's audit chains as stored: its own (head on the application) and one per document. */
export interface ApplicationTrail {
  application: AuditEntry[];
  documents: DocumentChain[];
}

/** `documentId`: the entry is on that document's chain (listAudit's union), absent on the application's. */
export type AuditEntry = AuditEntryContent & { hash: string; prevHash: string; documentId?: string };

/** What a caller records; the repository assigns seq, time and the chain hashes. */
export interface AuditInput {
  actor: Actor;
  action: string;
  fromStatus: ApplicationStatus | null;
  toStatus: ApplicationStatus | null;
  detail: Record<string, unknown>;
  /**
   * The entry's time, when the caller must know the entry's hash before the write (an upload grant
   * names its chain head in the object key it signs); only addDocuments honours it.
   */
  at?: string;
}

/** An application's audit chains, read (the store appends to them with each change). */
export interface AuditTrail {
  /** The application's chain and every document's chain, as stored (one partition read). */
  readTrail(applicationId: string): Promise<ApplicationTrail>;
  /** The union of the application's chains (readTrail), oldest first; document entries carry documentId. */
  listAudit(applicationId: string): Promise<AuditEntry[]>;
}
