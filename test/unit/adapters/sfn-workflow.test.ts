import { DescribeExecutionCommand, ExecutionDoesNotExist, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { SfnWorkflow } from '../../../functions/adapters/sfn/workflow.ts';

/** What the re-drive sweep learns from Step Functions about an execution, by name. */
const sfn = mockClient(SFNClient);
const MACHINE = 'arn:aws-cn:states:cn-northwest-1:111122223333:stateMachine:relief-prod-approval';

afterEach(() => {
  sfn.reset();
});

const workflow = () => new SfnWorkflow(new SFNClient({ region: 'cn-northwest-1' }), MACHINE);

describe('SfnWorkflow.describe', () => {
  it('asks for the execution of that name of the approval state machine', async () => {
    sfn.on(DescribeExecutionCommand).resolves({ status: 'RUNNING' } as never);
    expect(await workflow().describe('01J-s1-r2')).toEqual({ status: 'RUNNING' });
    expect(sfn.commandCalls(DescribeExecutionCommand)[0]?.args[0].input).toEqual({
      executionArn: 'arn:aws-cn:states:cn-northwest-1:111122223333:execution:relief-prod-approval:01J-s1-r2',
    });
  });

  it('reports an execution that ended with its status and error', async () => {
    sfn.on(DescribeExecutionCommand).resolves({ status: 'FAILED', error: 'WorkflowFault' } as never);
    expect(await workflow().describe('01J-s1')).toEqual({ status: 'FAILED', error: 'WorkflowFault' });
  });

  it('reports MISSING for an execution Step Functions does not know', async () => {
    sfn.on(DescribeExecutionCommand).rejects(new ExecutionDoesNotExist({ message: 'no', $metadata: {} }));
    expect(await workflow().describe('01J-s1')).toEqual({ status: 'MISSING' });
  });

  it('counts an execution whose native redrive is pending as alive', async () => {
    sfn.on(DescribeExecutionCommand).resolves({ status: 'PENDING_REDRIVE' } as never);
    expect(await workflow().describe('01J-s1')).toEqual({ status: 'RUNNING' });
  });

  it('lets any other failure through (the sweep must not take it for a lost execution)', async () => {
    sfn
      .on(DescribeExecutionCommand)
      .rejects(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }));
    await expect(workflow().describe('01J-s1')).rejects.toMatchObject({ name: 'ThrottlingException' });
  });
});
