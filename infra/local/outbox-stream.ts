import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';

/**
 * The table's stream as the hand-off sees it on AWS (a filtered event source mapping: INSERTs of
 * outbox items that carry a hand-off), emulated on the handlers' own document client: once a write
 * that puts such an item has committed, the item is delivered to `deliver` as a one-record stream
 * event — after the request's response (never inside it), one at a time per application in the order
 * written (as a stream shard orders the changes of one partition). A failure is logged; the item stays
 * for the reconcile sweep, as on AWS.
 */
export class OutboxStream {
  private readonly chains = new Map<string, Promise<void>>();
  private sequence = 0;

  constructor(
    private readonly deliver: (event: DynamoDBStreamEvent) => Promise<unknown>,
    private readonly log: (line: string) => void = () => {},
  ) {}

  /** Observes `doc`'s committed writes (PutItem and TransactWriteItems puts); once per client. */
  install(doc: DynamoDBDocumentClient): void {
    const stack = doc.middlewareStack as unknown as {
      add: (mw: unknown, opts: { step: string; name: string; override?: boolean }) => void;
    };
    stack.add(
      (next: (args: { input: Record<string, unknown> }) => Promise<unknown>) =>
        async (args: { input: Record<string, unknown> }) => {
          const result = await next(args);
          for (const item of insertedHandOffs(args.input)) this.emit(item);
          return result;
        },
      { step: 'initialize', name: 'localOutboxStream', override: true },
    );
  }

  /** Resolves once every item emitted so far has been delivered (or failed). */
  async idle(): Promise<void> {
    while (this.chains.size > 0) await Promise.allSettled([...this.chains.values()]);
  }

  private emit(item: Record<string, unknown>): void {
    const key = String(item.applicationId);
    const event = {
      Records: [
        {
          eventID: String(++this.sequence),
          eventName: 'INSERT',
          eventSource: 'aws:dynamodb',
          dynamodb: {
            Keys: marshall({ pk: item.pk, sk: item.sk }),
            NewImage: marshall(item, { removeUndefinedValues: true }),
            SequenceNumber: String(this.sequence).padStart(21, '0'),
            StreamViewType: 'NEW_IMAGE',
          },
        },
      ],
    } as unknown as DynamoDBStreamEvent;
    const previous = this.chains.get(key) ?? Promise.resolve();
    const chain: Promise<void> = previous
      // setImmediate: the write's caller (the request) finishes and answers before the hand-off starts.
      .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
      .then(() => this.deliver(event))
      .then(
        () => {},
        (error: Error) => this.log(`hand-off failed (${error.name}); the reconcile sweep retries`),
      )
      .finally(() => {
        if (this.chains.get(key) === chain) this.chains.delete(key);
      });
    this.chains.set(key, chain);
  }
}

/** The outbox items with a hand-off that a PutItem or TransactWriteItems input puts (document form). */
function insertedHandOffs(input: Record<string, unknown>): Record<string, unknown>[] {
  const puts: unknown[] = [];
  if (input.Item) puts.push(input.Item);
  for (const t of (input.TransactItems as { Put?: { Item?: unknown } }[] | undefined) ?? []) {
    if (t.Put?.Item) puts.push(t.Put.Item);
  }
  return puts.filter(
    (i): i is Record<string, unknown> =>
      typeof i === 'object' &&
      i !== null &&
      (i as { entity?: unknown }).entity === 'outbox' &&
      (i as { handoff?: unknown }).handoff !== undefined,
  );
}
