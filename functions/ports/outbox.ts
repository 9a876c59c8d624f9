import type { OutboxItem } from '../domain/application.ts';

/** Work a committed change left for after it (hand-offs, deliveries), written in the change's transaction. */
export interface Outbox {
  /**
   * Up to `limit` outbox items due at or before `dueBy` (default: all), earliest due first within each
   * shard of the outbox (the DynamoDB adapter spreads it over IN_FLIGHT_SHARDS partitions).
   */
  listOutbox(limit: number, dueBy?: string): Promise<OutboxItem[]>;
  completeOutbox(item: OutboxItem): Promise<void>;
  /**
   * Puts an item whose delivery failed back for later: attempts + 1, due at `dueAt`, so the items behind
   * it are read first. Nothing if the item was completed meanwhile.
   */
  deferOutbox(item: OutboxItem, dueAt: string): Promise<void>;
}
