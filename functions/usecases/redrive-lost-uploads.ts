import { underRecordedCorrelationId } from '../lib/correlation.ts';
import { logger } from '../lib/logger.ts';
import type { InspectDeps } from './documents.ts';
import { count, type SweepOptions, type SweepResult, UPLOAD_ABANDONED_AFTER_SECONDS } from './redrive.ts';
import { settleUploadedObject } from './settle-uploaded-object.ts';

/**
 * One bounded run over documents still `pending`: each is settled through the S3 ObjectCreated
 * handler's use case (the object landed but its event was lost), or left waiting if no object is
 * there yet, or taken off the index once no upload can arrive any more.
 */
export async function redriveLostUploads(
  deps: InspectDeps,
  options: SweepOptions = {},
): Promise<SweepResult> {
  const now = deps.now().getTime();
  const before = options.changedBefore ?? new Date(now - (options.quietSeconds ?? 60) * 1000).toISOString();
  const abandonedBefore = new Date(now - UPLOAD_ABANDONED_AFTER_SECONDS * 1000).toISOString();
  const page = await deps.repo.listPendingUploads({
    before,
    // Each landed object is read whole to check its SHA-256: fewer per run than workflow checks.
    limit: options.limit ?? 25,
    cursor: options.fromStart ? null : await deps.repo.getSweepCursor('uploads'),
  });
  const outcomes: Record<string, number> = {};
  for (const doc of page.items) {
    try {
      // Under the id of the request that granted the upload, as its S3 event would have continued it.
      const outcome = await underRecordedCorrelationId(doc.correlationId, () =>
        settleUploadedObject(deps, doc.s3Key, { via: 'redrive' }),
      );
      if (outcome !== 'ignored') {
        logger.info('upload redriven', {
          applicationId: doc.applicationId,
          documentId: doc.documentId,
          outcome,
        });
        count(outcomes, outcome);
      } else if (doc.createdAt <= abandonedBefore) {
        await deps.repo.retirePendingUpload(doc);
        logger.info('upload never arrived', { applicationId: doc.applicationId, documentId: doc.documentId });
        count(outcomes, 'abandoned');
      } else {
        count(outcomes, 'not-landed');
      }
    } catch (error) {
      count(outcomes, 'failed');
      logger.warn('upload sweep item failed', {
        documentId: doc.documentId,
        errorName: (error as Error).name,
      });
    }
  }
  await deps.repo.putSweepCursor('uploads', page.cursor);
  return { examined: page.items.length, passComplete: page.cursor === null, outcomes };
}
