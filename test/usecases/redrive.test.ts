import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { currentCorrelationId, withCorrelationId } from '../../functions/lib/correlation.ts';
import { decideApplication } from '../../functions/usecases/decide-application.ts';
import { redriveLostUploads } from '../../functions/usecases/redrive-lost-uploads.ts';
import { redriveStuckWorkflows } from '../../functions/usecases/redrive-stuck-workflows.ts';
import { requestUpload } from '../../functions/usecases/request-upload.ts';
import { submitApplication } from '../../functions/usecases/submit-application.ts';
import { FORM, people, type World, world } from './world.ts';

let w: World;
beforeEach(async () => {
  w = await world();
});

const approve = { decision: 'approve' as const, comment: '同意' };
const sweep = () => redriveStuckWorkflows(w.deps, { quietSeconds: 0 });

describe('redriveStuckWorkflows (lost executions)', () => {
  it('restarts a case whose execution was lost at the level it waits at, audited, and leaves a running one alone', async () => {
    const id = await w.submitted();
    await decideApplication(w.deps, people.basicApprover, id, approve);
    w.workflow.loseEverything();
    w.clock.advance(1000);

    await sweep();

    const app = await w.repo.get(id);
    expect(w.workflow.executions.get(`${id}-s1`)?.input).toEqual({
      applicationId: id,
      submissionSeq: 1,
      level: 1,
    });
    expect(app?.submission?.redrive).toMatchObject({ count: 1, failures: 0, level: 1 });
    expect((await w.verifiedAudit(id)).at(-1)).toMatchObject({ action: 'workflow.redriven' });

    const trail = (await w.verifiedAudit(id)).length;
    w.clock.advance(1000);
    await sweep();
    expect((await w.verifiedAudit(id)).length).toBe(trail);
  });

  it('gives a failed execution a new name and raises the alarm after repeated failures, never looping silently', async () => {
    const id = await w.submitted();
    let name = `${id}-s1`;
    for (let i = 0; i < 10; i++) {
      w.workflow.end(name, 'FAILED', 'States.TaskFailed');
      w.clock.advance(1000);
      await sweep();
      name = (await w.repo.get(id))?.submission?.executionName as string;
    }
    const app = await w.repo.get(id);
    expect(app?.workflowAlarm).toMatchObject({ code: 'REDRIVE_LIMIT_REACHED', submissionSeq: 1 });
    expect((await w.verifiedAudit(id)).some((e) => e.action === 'workflow.alarm')).toBe(true);
  });

  it('leaves a package withheld for an integrity hold to the operator', async () => {
    const id = await w.approved();
    await w.repo.update(id, (current) => ({
      next: {
        ...current,
        integrityHold: {
          code: 'EVIDENCE_MISMATCH',
          packageId: `PKG-${id}-1`,
          at: current.updatedAt,
          documents: [],
        },
      },
      audit: {
        actor: people.clerk,
        action: 'package.withheld',
        fromStatus: null,
        toStatus: null,
        detail: {},
      },
    }));
    w.workflow.end(`${id}-s1`, 'FAILED', 'EvidenceMismatch');
    w.clock.advance(1000);

    const result = await sweep();

    expect(result.outcomes.held).toBe(1);
    expect((await w.repo.get(id))?.submission?.redrive ?? null).toBeNull();
  });
});

describe('the correlation id of re-driven work', () => {
  it('restarts a lost execution under the submitting request’s id, and leaves the sweep its own', async () => {
    const id = await w.ready();
    await withCorrelationId('req-submit-7', () => submitApplication(w.deps, people.clerk, id, FORM));
    w.workflow.loseEverything();
    w.clock.advance(1000);
    const seen: (string | undefined)[] = [];
    const { start } = w.workflow;
    w.workflow.start = (...args: Parameters<typeof start>) => {
      seen.push(currentCorrelationId());
      return start.apply(w.workflow, args);
    };
    const after = await withCorrelationId('sweep-7', async () => {
      expect((await sweep()).outcomes).toEqual({ restarted: 1 });
      return currentCorrelationId();
    });
    expect(seen).toEqual(['req-submit-7']);
    expect(after).toBe('sweep-7');
  });

  it('settles a lost upload under the id of the request that granted it', async () => {
    const id = await w.create();
    const body = 'identity scan';
    const granted = await withCorrelationId('req-grant-7', () =>
      requestUpload(w.deps, people.clerk, id, {
        type: 'identity',
        contentType: 'application/pdf',
        sizeBytes: Buffer.byteLength(body),
        sha256: createHash('sha256').update(body).digest('hex'),
      }),
    );
    const grant = granted as { upload: { url: string; headers: Record<string, string> } };
    // The object lands; its ObjectCreated event never comes.
    await w.storage.upload(grant.upload.url, body, grant.upload.headers);
    w.clock.advance(120_000);
    const seen: (string | undefined)[] = [];
    const { settleDocument } = w.repo;
    w.repo.settleDocument = (...args: Parameters<typeof settleDocument>) => {
      seen.push(currentCorrelationId());
      return settleDocument.apply(w.repo, args);
    };
    const after = await withCorrelationId('sweep-8', async () => {
      expect((await redriveLostUploads(w.deps, { quietSeconds: 0 })).outcomes).toEqual({ uploaded: 1 });
      return currentCorrelationId();
    });
    expect(seen).toEqual(['req-grant-7']);
    expect(after).toBe('sweep-8');
  });
});
