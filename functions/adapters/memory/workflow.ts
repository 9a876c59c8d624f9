import type { ExecutionStatus, Workflow } from '../../ports/workflow.ts';
import { tick } from './state.ts';

export interface MemoryExecution {
  name: string;
  executionArn: string;
  input: { applicationId: string; submissionSeq: number; level: number };
  status: ExecutionStatus;
  error?: string;
}

/**
 * The approval workflow in memory: records each execution started (one per name, as Step Functions
 * keeps one execution per name) and each task token answered; a token answers once, then it is
 * 'gone' (as are tokens expired by `expire`). `failStarts`/`failSends` make the next calls fail as
 * a lost connection does, for the outbox's healing paths.
 */
export class MemoryWorkflow implements Workflow {
  readonly executions = new Map<string, MemoryExecution>();
  /** Every start call, in order (a repeated name appears again here, not in `executions`). */
  readonly startCalls: string[] = [];
  readonly sent: { token: string; output: unknown }[] = [];
  private readonly spent = new Set<string>();
  failStarts = 0;
  failSends = 0;

  constructor(
    private readonly stateMachineArn = 'arn:memory:states:local:000000000000:stateMachine:relief',
  ) {}

  async start(name: string, input: { applicationId: string; submissionSeq: number; level: number }) {
    await tick();
    if (this.failStarts > 0) {
      this.failStarts--;
      throw Object.assign(new Error('connection reset'), { name: 'NetworkingError' });
    }
    this.startCalls.push(name);
    const executionArn = `${this.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    if (!this.executions.has(name))
      this.executions.set(name, { name, executionArn, input: { ...input }, status: 'RUNNING' });
    return { executionArn };
  }

  async sendTaskSuccess(token: string, output: unknown): Promise<'sent' | 'gone'> {
    await tick();
    if (this.failSends > 0) {
      this.failSends--;
      throw Object.assign(new Error('connection reset'), { name: 'NetworkingError' });
    }
    if (this.spent.has(token)) return 'gone';
    this.spent.add(token);
    this.sent.push({ token, output: JSON.parse(JSON.stringify(output)) });
    return 'sent';
  }

  async describe(name: string): Promise<{ status: ExecutionStatus; error?: string }> {
    await tick();
    const e = this.executions.get(name);
    if (!e) return { status: 'MISSING' };
    return { status: e.status, ...(e.error ? { error: e.error } : {}) };
  }

  /** The execution ended (as Step Functions would report it); `loseEverything` forgets all of them. */
  end(name: string, status: Exclude<ExecutionStatus, 'RUNNING' | 'MISSING'>, error?: string): void {
    const e = this.executions.get(name);
    if (e) {
      e.status = status;
      if (error) e.error = error;
    }
  }

  /** The engine restarted without its executions (the local interpreter keeps them in memory only). */
  loseEverything(): void {
    this.executions.clear();
  }

  /** The token timed out, or its execution ended: a later send finds it gone. */
  expire(token: string): void {
    this.spent.add(token);
  }

  /** What was sent for `token`, if anything. */
  outputFor(token: string): unknown {
    return this.sent.find((s) => s.token === token)?.output;
  }
}
