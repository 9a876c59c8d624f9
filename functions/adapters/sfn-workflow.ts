import { SendTaskSuccessCommand, type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { Workflow } from '../ports/workflow.ts';

const GONE = new Set(['TaskDoesNotExist', 'TaskTimedOut', 'InvalidToken']);

/** Step Functions adapter: the same code talks to AWS and to the local runner's SFN endpoint. */
export class SfnWorkflow implements Workflow {
  constructor(
    private readonly client: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  async start(name: string, input: { applicationId: string; submissionSeq: number; level: number }) {
    try {
      const out = await this.client.send(
        new StartExecutionCommand({
          stateMachineArn: this.stateMachineArn,
          name,
          input: JSON.stringify(input),
        }),
      );
      return { executionArn: out.executionArn as string };
    } catch (error) {
      // Same name, same input: AWS answers with the running execution; a name reused with other input is a bug.
      if ((error as Error).name === 'ExecutionAlreadyExists') {
        const arn = this.stateMachineArn.replace(':stateMachine:', ':execution:');
        return { executionArn: `${arn}:${name}` };
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
}
