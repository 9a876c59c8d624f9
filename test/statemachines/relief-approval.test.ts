import { readFileSync } from 'node:fs';
import validator from 'asl-validator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalStepFunctions, loadDefinition } from '../../infra/local/stepfunctions/index.ts';

/**
 * The real approval ASL (statemachines/relief-approval.asl.json) in the local interpreter, with
 * stub task handlers standing in for the Lambdas, so every branch, retry and catch path runs.
 */
const ASL = new URL('../../statemachines/relief-approval.asl.json', import.meta.url);
const NAMES = {
  RecordTaskTokenFunction: 'record-task-token',
  DispatchPackageFunction: 'dispatch-package',
  EscalateFunction: 'escalate',
  RecordFaultFunction: 'record-fault',
};

function definition(patch?: (d: { States: Record<string, Record<string, unknown>> }) => void): string {
  const d = JSON.parse(loadDefinition(ASL, { Partition: 'aws', ...NAMES }));
  patch?.(d);
  return JSON.stringify(d);
}

class Named extends Error {
  constructor(name: string) {
    super(name);
    this.name = name;
  }
}

interface Harness {
  sfn: LocalStepFunctions;
  calls: Record<'record' | 'handOver' | 'escalate' | 'fault', unknown[]>;
  /** What the record-task-token stub does with each token: answer it with an outcome, or throw. */
  decisions: (string | Error)[];
  /** What the dispatch stub does with each payout token: answer paid/declined, throw, or (undefined) never answer. */
  payouts: (string | Error | undefined)[];
  start(def?: string, input?: { level: number; correlationId?: string }): Promise<string>;
}

let h: Harness;

beforeEach(() => {
  const calls: Harness['calls'] = { record: [], handOver: [], escalate: [], fault: [] };
  const decisions: (string | Error)[] = [];
  const payouts: (string | Error | undefined)[] = [];
  const sfn = new LocalStepFunctions({ retryIntervalOverrideMs: 1 });
  sfn.registerLambdaHandler(NAMES.RecordTaskTokenFunction, async (payload) => {
    calls.record.push(payload);
    const next = decisions.shift();
    const p = payload as { taskToken: string; level: number };
    if (next instanceof Error) throw next;
    if (next === undefined) return { recorded: 'recorded', answered: false }; // keeps waiting
    // Answer the token the way the decisions endpoint does, after the task started waiting.
    setTimeout(() => {
      void sfn.sendTaskSuccess(
        p.taskToken,
        JSON.stringify({ outcome: next, decidedLevel: p.level, nextLevel: p.level + 1 }),
      );
    }, 5);
    return { recorded: 'recorded', answered: false };
  });
  sfn.registerLambdaHandler(NAMES.DispatchPackageFunction, async (payload) => {
    calls.handOver.push(payload);
    const next = payouts.length > 0 ? payouts.shift() : 'paid';
    if (next instanceof Error) throw next;
    const p = payload as { taskToken: string };
    if (next !== undefined) {
      // The insurer's webhook answers the payout token later.
      setTimeout(() => {
        void sfn.sendTaskSuccess(p.taskToken, JSON.stringify({ outcome: next }));
      }, 5);
    }
    return { dispatched: true };
  });
  sfn.registerLambdaHandler(NAMES.EscalateFunction, async (payload) => {
    calls.escalate.push(payload);
    return { escalated: true };
  });
  sfn.registerLambdaHandler(NAMES.RecordFaultFunction, async (payload) => {
    calls.fault.push(payload);
    return { recorded: true };
  });
  h = {
    sfn,
    calls,
    decisions,
    payouts,
    async start(def = definition(), input = { level: 0 }) {
      const arn = sfn.createStateMachine(`relief-approval-${Math.random().toString(36).slice(2, 8)}`, def);
      const { executionArn } = await sfn.startExecution({
        stateMachineArn: arn,
        name: 'APP-s1',
        input: { applicationId: 'APP', submissionSeq: 1, ...input },
      });
      return executionArn;
    },
  };
});

afterEach(async () => {
  await h.sfn.close();
});

async function finish(arn: string) {
  await h.sfn.waitForExecution(arn, { timeoutMs: 20_000 });
  return h.sfn.describeExecution(arn);
}

describe('relief-approval.asl.json', () => {
  it('is valid ASL once its placeholders are substituted, and every task has an explicit timeout', () => {
    const raw = readFileSync(ASL, 'utf8');
    const substituted = raw
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the ASL's own placeholder, replaced literally
      .replaceAll('${Partition}', 'aws')
      .replace(/\$\{(\w+)\}/g, (_m, n) => `arn:aws:lambda:cn-northwest-1:000000000000:function:${n}`);
    const result = validator(JSON.parse(substituted));
    expect(result.errors).toEqual([]);
    expect(result.isValid).toBe(true);
    const states = JSON.parse(raw).States as Record<string, { Type: string; TimeoutSeconds?: number }>;
    for (const [name, state] of Object.entries(states)) {
      if (state.Type === 'Task') expect(state.TimeoutSeconds, name).toBeGreaterThan(0);
    }
    expect(raw).not.toMatch(/arn:aws:/);
  });

  it('hands every task its execution input, so the correlation id of the starting request reaches each', async () => {
    h.decisions.push('approved');
    h.payouts.push(undefined, 'paid');
    const def = definition((d) => {
      (d.States.DispatchPackage as { TimeoutSeconds: number }).TimeoutSeconds = 1;
    });
    const d = await finish(await h.start(def, { level: 0, correlationId: 'corr-42' }));
    expect(d.status).toBe('SUCCEEDED');
    const received = [...h.calls.record, ...h.calls.handOver, ...h.calls.escalate] as {
      execution?: { correlationId?: string };
    }[];
    expect(received.length).toBeGreaterThanOrEqual(4);
    for (const payload of received) expect(payload.execution?.correlationId).toBe('corr-42');
  });

  it('walks every level of the route and hands over to disbursement after the final approval', async () => {
    h.decisions.push('next-level', 'next-level', 'approved');
    const d = await finish(await h.start());
    expect(d.status).toBe('SUCCEEDED');
    expect(h.calls.record.map((p) => (p as { level: number }).level)).toEqual([0, 1, 2]);
    expect(h.calls.handOver).toHaveLength(1);
    expect(h.calls.handOver[0]).toMatchObject({
      applicationId: 'APP',
      submissionSeq: 1,
      taskToken: expect.any(String),
    });
    expect(JSON.parse(d.output as string).payout).toEqual({ outcome: 'paid' });
  });

  it('starts at the level of its input (a re-drive) and names its execution to the token and dispatch tasks', async () => {
    h.decisions.push('approved');
    const d = await finish(await h.start(undefined, { level: 2 }));
    expect(d.status).toBe('SUCCEEDED');
    expect(h.calls.record).toEqual([expect.objectContaining({ level: 2, executionName: 'APP-s1' })]);
    expect(h.calls.handOver).toEqual([expect.objectContaining({ executionName: 'APP-s1' })]);
  });

  it('ends on a rejection without handing over', async () => {
    h.decisions.push('next-level', 'rejected');
    const d = await finish(await h.start());
    expect(d.status).toBe('SUCCEEDED');
    expect(h.calls.handOver).toEqual([]);
    expect(JSON.parse(d.output as string).decision.outcome).toBe('rejected');
  });

  it('ends on a return without handing over', async () => {
    h.decisions.push('returned');
    const d = await finish(await h.start());
    expect(d.status).toBe('SUCCEEDED');
    expect(h.calls.handOver).toEqual([]);
  });

  it('ends quietly when the submission was superseded before its token was recorded', async () => {
    h.decisions.push(new Named('Superseded'));
    const d = await finish(await h.start());
    expect(d.status).toBe('SUCCEEDED');
    expect(h.calls.fault).toEqual([]);
  });

  it('retries a transient failure of the token task, then waits as usual', async () => {
    h.decisions.push(new Named('Lambda.TooManyRequestsException'), new Named('Transient'), 'approved');
    const d = await finish(await h.start());
    expect(d.status).toBe('SUCCEEDED');
    expect(h.calls.record).toHaveLength(3);
  });

  it('records a fault and fails when the token task fails for good', async () => {
    h.decisions.push(new Named('ValidationError'));
    const d = await finish(await h.start());
    expect(d.status).toBe('FAILED');
    expect(d.error).toBe('WorkflowFault');
    expect(h.calls.fault).toHaveLength(1);
    expect((h.calls.fault[0] as { error: { Error: string } }).error.Error).toBe('ValidationError');
  });

  it('escalates an overdue level and keeps waiting at the same level', async () => {
    const def = definition((d) => {
      (d.States.AwaitDecision as { TimeoutSeconds: number }).TimeoutSeconds = 1;
    });
    // Nobody answers the first token: States.Timeout.
    const arn = await h.start(def);
    await expect.poll(() => h.calls.escalate.length, { timeout: 5000 }).toBeGreaterThanOrEqual(1);
    h.decisions.push('approved');
    // The next wait (after escalation) is answered.
    await expect
      .poll(async () => (await h.sfn.describeExecution(arn)).status, { timeout: 8000 })
      .toBe('SUCCEEDED');
    expect((h.calls.escalate[0] as { reason: string }).reason).toBe('DECISION_OVERDUE');
    const levels = h.calls.record.map((p) => (p as { level: number }).level);
    expect(new Set(levels)).toEqual(new Set([0]));
  });

  it('treats an unknown decision outcome as a workflow fault', async () => {
    h.decisions.push('teleported');
    const d = await finish(await h.start());
    expect(d.status).toBe('FAILED');
    expect((h.calls.fault[0] as { error: { Error: string } }).error.Error).toBe('UnknownOutcome');
  });

  it('ends Declined when the insurer declines', async () => {
    h.decisions.push('approved');
    h.payouts.push('declined');
    const d = await finish(await h.start());
    expect(d.status).toBe('SUCCEEDED');
    expect(JSON.parse(d.output as string).payout).toEqual({ outcome: 'declined' });
  });

  it('retries an unreachable insurer with backoff, then escalates, waits and dispatches again', async () => {
    const def = definition((d) => {
      (d.States.WaitBeforeRedispatch as { Seconds: number }).Seconds = 1;
    });
    h.decisions.push('approved');
    for (let i = 0; i < 9; i++) h.payouts.push(new Named('InsurerUnavailable'));
    h.payouts.push('paid');
    const d = await finish(await h.start(def));
    expect(d.status).toBe('SUCCEEDED');
    expect(h.calls.handOver).toHaveLength(10); // 1 + 8 retries, escalation, then the successful resend
    expect(h.calls.escalate).toEqual([
      expect.objectContaining({ applicationId: 'APP', submissionSeq: 1, reason: 'INSURER_UNREACHABLE' }),
    ]);
  });

  it('escalates a payout the insurer leaves unanswered and resends the same package', async () => {
    const def = definition((d) => {
      (d.States.DispatchPackage as { TimeoutSeconds: number }).TimeoutSeconds = 1;
    });
    h.decisions.push('approved');
    h.payouts.push(undefined, 'paid');
    const d = await finish(await h.start(def));
    expect(d.status).toBe('SUCCEEDED');
    expect(h.calls.escalate).toEqual([
      expect.objectContaining({ applicationId: 'APP', submissionSeq: 1, reason: 'PAYOUT_OVERDUE' }),
    ]);
    expect(h.calls.handOver).toHaveLength(2);
  });

  it('records a fault when dispatching fails for a reason other than the insurer', async () => {
    h.decisions.push('approved');
    h.payouts.push(new Error('package could not be built'));
    const d = await finish(await h.start());
    expect(d.status).toBe('FAILED');
    expect(h.calls.fault).toHaveLength(1);
  });

  it('ends in PackageWithheld, without retry or fault, when dispatch finds the approved evidence changed', async () => {
    h.decisions.push('approved');
    h.payouts.push(new Named('EvidenceMismatch'), 'paid');
    const d = await finish(await h.start());
    expect(d.status).toBe('FAILED');
    expect(d.error).toBe('EvidenceMismatch');
    expect(h.calls.handOver).toHaveLength(1);
    expect(h.calls.fault).toEqual([]);
    expect(h.calls.escalate).toEqual([]);
  });

  it('ends quietly when the payout was superseded', async () => {
    h.decisions.push('approved');
    h.payouts.push(new Named('Superseded'));
    expect((await finish(await h.start())).status).toBe('SUCCEEDED');
  });

  it('treats an unknown payout outcome as a fault', async () => {
    h.decisions.push('approved');
    h.payouts.push('teleported');
    const d = await finish(await h.start());
    expect(d.status).toBe('FAILED');
    expect((h.calls.fault[0] as { error: { Error: string } }).error.Error).toBe('UnknownOutcome');
  });

  it('fails the execution even when recording the fault fails too', async () => {
    h.sfn.registerLambdaHandler(NAMES.RecordFaultFunction, async () => {
      throw new Error('table unavailable');
    });
    h.decisions.push(new Named('ValidationError'));
    const d = await finish(await h.start());
    expect(d.status).toBe('FAILED');
    expect(d.error).toBe('WorkflowFault');
  });

  it('records a fault when the escalation cannot be recorded', async () => {
    const def = definition((d) => {
      (d.States.AwaitDecision as { TimeoutSeconds: number }).TimeoutSeconds = 1;
    });
    h.sfn.registerLambdaHandler(NAMES.EscalateFunction, async () => {
      throw new Error('table unavailable');
    });
    const d = await finish(await h.start(def));
    expect(d.status).toBe('FAILED');
    expect(h.calls.fault).toHaveLength(1);
  });
});
