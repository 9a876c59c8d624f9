import {
  DescribeExecutionCommand,
  SendTaskSuccessCommand,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { correlationField } from '../../lib/correlation.ts';
import type { ExecutionStatus, Workflow } from '../../ports/workflow.ts';

const GONE = new Set(['TaskDoesNotExist', 'TaskTimedOut', 'InvalidToken']);

/** Step Functions adapter: the same code talks to AWS and to the local runner's SFN endpoint. */
export class SfnWorkflow implements Workflow {
  constructor(
    private readonly client: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  /** Execution ARNs are derived from the state machine's: `…:execution:<machine>:<name>`. */
  private executionArn(name: string): string {
    return `${this.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
  }

  async start(name: string, input: { applicationId: string; submissionSeq: number; level: number }) {
    try {
      const out = await this.client.send(
        new StartExecutionCommand({
          stateMachineArn: this.stateMachineArn,
          name,
          // The correlation id of the request (or sweep) that starts it: the tasks log it, the insurer gets it.
          input: JSON.stringify({ ...input, ...correlationField() }),
        }),
      );
      return { executionArn: out.executionArn as string };
    } catch (error) {
      // Same name, same input: AWS answers with the running execution; a name reused with other input is a bug.
      if ((error as Error).name === 'ExecutionAlreadyExists') {
        return { executionArn: this.executionArn(name) };
      }
      throw error;
    }
  }

  async sendTaskSuccess(token: string, output: unknown): Promise<'sent' | 'gone'> {
    try {
      await this.client.send(
        new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(output) }),
      );
      return 'sent';
    } catch (error) {
      if (GONE.has((error as Error).name)) return 'gone';
      throw error;
    }
  }

  async describe(name: string): Promise<{ status: ExecutionStatus; error?: string }> {
    try {
      const out = await this.client.send(
        new DescribeExecutionCommand({ executionArn: this.executionArn(name) }),
      );
      // PENDING_REDRIVE: a native Step Functions redrive is under way, the execution lives on.
      const status =
        out.status === 'PENDING_REDRIVE' ? 'RUNNING' : ((out.status ?? 'MISSING') as ExecutionStatus);
      return { status, ...(out.error ? { error: out.error } : {}) };
    } catch (error) {
      // Never started, or lost (the local engine keeps executions in memory; AWS forgets closed ones after 90 days).
      if ((error as Error).name === 'ExecutionDoesNotExist') return { status: 'MISSING' };
      throw error;
    }
  }
}
