import type { S3Event } from 'aws-lambda';
import { applicationDeps } from '../../factories/dynamodb.ts';
import { objectInspector } from '../../factories/s3-inspect.ts';
import { logger } from '../../lib/logger.ts';
import { defineTask } from '../../lib/task.ts';
import { documentUploaded as spec } from '../../tasks/specs.ts';
import { settleUploadedObject } from '../../usecases/settle-uploaded-object.ts';

/**
 * S3 ObjectCreated → the document becomes `uploaded` (or `rejected` when the object differs from
 * what was declared). S3 URL-encodes keys in events ('+' for spaces); decode before use.
 * A failure throws so that Lambda retries the event (and then its DLQ); settling is idempotent.
 * The key names its grant's facts, so the usual upload is one conditional write, nothing read first.
 */
export { spec };
export const handler = defineTask(async (payload): Promise<{ settled: string[] }> => {
  const event = payload as S3Event;
  const settled: string[] = [];
  for (const record of event.Records) {
    const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
    const outcome = await settleUploadedObject({ ...applicationDeps(), storage: objectInspector() }, key);
    logger.info('object settled', { outcome, sizeBytes: record.s3.object.size });
    settled.push(outcome);
  }
  return { settled };
});
