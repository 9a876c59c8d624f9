import { MemoryApplicationRepository } from './applications.ts';
import { MemoryCampaignStore } from './campaigns.ts';
import { ManualClock, sequentialIds } from './clock.ts';
import { MemoryCourtDirectory } from './courts.ts';
import { MemoryDocumentStorage } from './document-storage.ts';
import { MemoryInsurerClient } from './insurer.ts';
import { MemoryQuotaLedger } from './quotas.ts';
import { MemoryReconciliationStore } from './reconciliations.ts';
import { MemoryReportStore } from './reports.ts';
import { createMemoryState, type MemoryState } from './state.ts';
import { MemoryWorkflow } from './workflow.ts';

export { InvalidCursorError, MemoryApplicationRepository } from './applications.ts';
export { MemoryCampaignStore } from './campaigns.ts';
export { ManualClock, sequentialIds } from './clock.ts';
export { MemoryDocumentStorage, UploadRefusedError } from './document-storage.ts';
export { MemoryFaults } from './faults.ts';
export { MemoryInsurerClient } from './insurer.ts';
export { MemoryQuotaLedger } from './quotas.ts';
export { MemoryReconciliationStore } from './reconciliations.ts';
export { MemoryReportStore } from './reports.ts';
export { createMemoryState, type MemoryState, MemoryTransactionCanceled } from './state.ts';
export { MemoryWorkflow } from './workflow.ts';

/**
 * Every port the use cases take, in memory, over one shared state (as the DynamoDB adapters share
 * one table): the object satisfies ApplicationDeps, DocumentDeps, ApprovalDeps, PayoutDeps,
 * QuotaDeps and ReportDeps. The concrete adapters stay reachable for a test's assertions and faults.
 */
export function createMemoryAdapters(
  options: { now?: () => Date; newId?: () => string; state?: MemoryState } = {},
) {
  const clock = options.now ? undefined : new ManualClock();
  const now = options.now ?? (clock as ManualClock).now;
  const state = options.state ?? createMemoryState();
  const insurerClient = new MemoryInsurerClient();
  const campaigns = new MemoryCampaignStore(state);
  return {
    state,
    clock,
    now,
    newId: options.newId ?? sequentialIds(),
    repo: new MemoryApplicationRepository(state, now),
    campaigns,
    campaignStore: campaigns,
    courts: new MemoryCourtDirectory(),
    quotas: new MemoryQuotaLedger(state, now),
    reports: new MemoryReportStore(state),
    reconciliations: new MemoryReconciliationStore(state),
    storage: new MemoryDocumentStorage(now),
    workflow: new MemoryWorkflow(),
    insurerClient,
    insurer: () => insurerClient,
  };
}

export type MemoryAdapters = ReturnType<typeof createMemoryAdapters>;
