/**
 * Stands in for `@smithy/core/event-streams` in Lambda bundles (esbuild alias, set in
 * infra/constructs/relief-function.ts), never imported directly. No operation we call streams events
 * (DynamoDB, Step Functions, Secrets Manager, KMS and S3's object calls; S3 SelectObjectContent would be
 * the one). The SDK's protocol layer loads the real module with a dynamic `import()`, which makes esbuild
 * wrap it and every @smithy/core module it reaches (~157) in lazy initialisers and bundle the codec,
 * ~21 KB of every SDK bundle: parsed at every cold start, never run. The S3 client's constructor still
 * resolves its marshaller (`resolveEventStreamSerdeConfig`, as the SDK does); using it throws. A new
 * import from the module by an SDK update fails the build (no such export) instead of passing silently.
 * Outside bundles (the local runner, tests, the CLI) the SDK's own module applies.
 */

const UNSUPPORTED =
  'relief: event streams are not bundled (functions/factories/no-event-streams.ts): no operation this function calls streams events';

function unsupported(): never {
  throw new Error(UNSUPPORTED);
}

/** The marshaller a client is configured with: refuses to encode or decode an event stream. */
export const eventStreamSerdeProvider = () => ({
  serialize: unsupported,
  deserialize: unsupported,
});

/** As the SDK's: sets the client's `eventStreamMarshaller` from its configured provider. */
export const resolveEventStreamSerdeConfig = <T extends { eventStreamSerdeProvider: (input: T) => unknown }>(
  input: T,
) => Object.assign(input, { eventStreamMarshaller: input.eventStreamSerdeProvider(input) });

/** What the protocol layer loads for an event-stream operation: refuses. */
export class EventStreamSerde {
  constructor() {
    unsupported();
  }
}
