import { tick } from './state.ts';

export type Interference = 'TransactionConflict' | 'ThrottlingError';

/**
 * Fault injection for a memory adapter, so that tests can produce what only concurrency or an
 * overloaded table produces: a writer that wins the race between a read and the write built on
 * it, and transactions cancelled by a conflict or a throttle (nothing written).
 */
export class MemoryFaults {
  private readonly cancellations: Interference[] = [];
  private readonly interleaved: (() => void | Promise<void>)[] = [];

  /** Cancels the next `count` transactions as DynamoDB cancels a conflicting (or throttled) one. */
  cancelNext(count: number, code: Interference = 'TransactionConflict'): void {
    for (let i = 0; i < count; i++) this.cancellations.push(code);
  }

  /**
   * Runs `write` once, after the next read of a retried write and before its transaction, i.e. as
   * another writer that got there first. `write` may use the adapters (it is not interleaved itself).
   */
  interleave(write: () => void | Promise<void>): void {
    this.interleaved.push(write);
  }

  /** Clears every pending fault. */
  reset(): void {
    this.cancellations.length = 0;
    this.interleaved.length = 0;
  }

  /** The window between a read and its write: yields to other callers, and runs an interleaved write. */
  async window(): Promise<void> {
    await tick();
    const write = this.interleaved.shift();
    if (write) await write();
  }

  /** The interference for the transaction about to be sent, if any. */
  take(): Interference | undefined {
    return this.cancellations.shift();
  }
}
