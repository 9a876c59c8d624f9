import { applicationRepository, campaignStore, documentClient } from '../../functions/factories/dynamodb.ts';

/**
 * What the benchmarks read and seed directly, built from the same factories as the Lambda entries (in
 * the runner's process they share one document client, so the counters see every call the entries make).
 */
export interface BenchDeps {
  doc: ReturnType<typeof documentClient>;
  repo: ReturnType<typeof applicationRepository>;
  campaignStore: ReturnType<typeof campaignStore>;
}

export function benchDeps(): BenchDeps {
  return { doc: documentClient(), repo: applicationRepository(), campaignStore: campaignStore() };
}
