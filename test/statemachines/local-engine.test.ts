import { type DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  InvalidOutput,
  InvalidToken,
  ListExecutionsCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createLocalDynamoClients,
  type DynamoDbLocal,
  ensureTable,
  startDynamoDbLocal,
} from '../../infra/local/dynamodb.ts';
import {
  type ExecutionDescription,
  LocalStepFunctions,
  loadDefinition,
  type SfnHttpServer,
  startSfnHttpServer,
  substituteDefinition,
} from '../../infra/local/stepfunctions/index.ts';

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url);
const LOCAL_CREDENTIALS = { accessKeyId: 'relieflocal', secretAccessKey: 'relieflocalsecret' };
const SUBSTITUTIONS = { FlakyFunctionName: 'flaky-local', NotifyFunctionName: 'notify-local' };

class TransientError extends Error {
  override name = 'TransientError';
}
class PermanentError extends Error {
  override name = 'PermanentError';
}

let service: LocalStepFunctions;
let server: SfnHttpServer;
let sfn: SFNClient;
let flakyCalls = 0;
/** Decides what the `flaky-local` handler does on its nth call (1-based). */
let flakyBehaviour: (call: number) => unknown;
const notifications: Record<string, unknown>[] = [];
/** Extra behaviour of `notify-local` after it has recorded the payload. */
let onNotify: (payload: Record<string, unknown>) => Promise<void>;

function createService(dynamo?: DynamoDBClient) {
  return new LocalStepFunctions({
    dynamo,
    retryIntervalOverrideMs: 5,
    lambdaHandlers: {
      'flaky-local': async (payload) => {
        flakyCalls += 1;
        const result = flakyBehaviour(flakyCalls);
        if (result instanceof Error) throw result;
        return { echoed: payload, call: flakyCalls };
      },
      'notify-local': async (payload) => {
        notifications.push(payload as Record<string, unknown>);
        await onNotify(payload as Record<string, unknown>);
        return { notified: true };
      },
    },
  });
}

beforeEach(async () => {
  flakyCalls = 0;
  flakyBehaviour = () => 'ok';
  notifications.length = 0;
  onNotify = async () => {};
  service = createService();
  server = await startSfnHttpServer(service);
  sfn = new SFNClient({ endpoint: server.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
});

afterEach(async () => {
  sfn.destroy();
  await service.close();
  await server.close();
});

function machine(
  file: string,
  name = file.replace('.asl.json', ''),
  substitutions: Record<string, string> = SUBSTITUTIONS,
) {
  return service.createStateMachine(name, loadDefinition(fixture(file), substitutions));
}

async function run(stateMachineArn: string, input: unknown): Promise<ExecutionDescription> {
  const { executionArn } = await service.startExecution({ stateMachineArn, input });
  return service.waitForExecution(executionArn);
}

const outputOf = (d: ExecutionDescription) => JSON.parse(d.output ?? 'null');

describe('loadDefinition', () => {
  it('replaces every placeholder token, JSON-escaping the value', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: ASL placeholders, not a template
    const text = substituteDefinition('{"a":"${X}","b":"pre-${X}-${Y}"}', { X: 'say "hi"', Y: 'y' });

    expect(JSON.parse(text)).toEqual({ a: 'say "hi"', b: 'pre-say "hi"-y' });
  });

  it('throws naming the placeholders that have no substitution', () => {
    expect(() => loadDefinition(fixture('callback.asl.json'), {})).toThrow(
      /no substitution for \$\{NotifyFunctionName\}/,
    );
  });
});

describe('createStateMachine', () => {
  it('returns the AWS-shaped ARN, and the same one for the same definition', () => {
    const arn = machine('retry-catch.asl.json', 'relief-approval');

    expect(arn).toBe('arn:aws:states:us-east-1:000000000000:stateMachine:relief-approval');
    expect(machine('retry-catch.asl.json', 'relief-approval')).toBe(arn);
  });

  it('refuses another definition under an existing name', () => {
    machine('retry-catch.asl.json', 'taken');

    expect(() => machine('callback.asl.json', 'taken')).toThrow(
      expect.objectContaining({ name: 'StateMachineAlreadyExists' }),
    );
  });

  it.each([
    [
      'JSONata',
      { QueryLanguage: 'JSONata', StartAt: 'A', States: { A: { Type: 'Pass', End: true } } },
      /JSONata/,
    ],
    [
      'a .sync integration',
      {
        StartAt: 'A',
        States: { A: { Type: 'Task', Resource: 'arn:aws:states:::states:startExecution.sync', End: true } },
      },
      /\.sync/,
    ],
    [
      'a DynamoDB task without a dynamo client',
      {
        StartAt: 'A',
        States: { A: { Type: 'Task', Resource: 'arn:aws:states:::dynamodb:getItem', End: true } },
      },
      /without a dynamo client/,
    ],
    [
      'a Next to a missing state',
      { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Nowhere' } } },
      /invalid/i,
    ],
    [
      'an unresolved placeholder',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: ASL placeholder, not a template
      { StartAt: 'A', States: { A: { Type: 'Pass', Result: '${Oops}', End: true } } },
      /\$\{Oops\}/,
    ],
  ])('rejects %s as InvalidDefinition', (_what, definition, message) => {
    expect(() => service.createStateMachine('bad', definition)).toThrow(
      expect.objectContaining({ name: 'InvalidDefinition', message: expect.stringMatching(message) }),
    );
  });
});

describe('lambda:invoke with Retry and Catch', () => {
  it('retries a transient error and succeeds on the third call with the Lambda-shaped result', async () => {
    flakyBehaviour = (call) => (call <= 2 ? new TransientError('busy') : 'ok');
    const arn = machine('retry-catch.asl.json');

    const result = await run(arn, { applicationId: 'a1' });

    expect(result.status).toBe('SUCCEEDED');
    expect(flakyCalls).toBe(3);
    expect(outputOf(result)).toEqual({
      applicationId: 'a1',
      flaky: { value: { echoed: { applicationId: 'a1' }, call: 3 }, statusCode: 200 },
      outcome: 'done',
    });
  });

  it('catches the error once MaxAttempts retries are used up, with Lambda error details as the cause', async () => {
    flakyBehaviour = () => new TransientError('still busy');
    const arn = machine('retry-catch.asl.json');

    const result = await run(arn, {});

    expect(flakyCalls).toBe(3);
    expect(result.status).toBe('SUCCEEDED');
    const output = outputOf(result);
    expect(output.outcome).toBe('recovered');
    expect(output.failure.Error).toBe('TransientError');
    expect(JSON.parse(output.failure.Cause)).toMatchObject({
      errorType: 'TransientError',
      errorMessage: 'still busy',
    });
  });

  it('does not retry an error the Retry does not name, and catches it', async () => {
    flakyBehaviour = () => new PermanentError('no such case');
    const arn = machine('retry-catch.asl.json');

    const result = await run(arn, {});

    expect(flakyCalls).toBe(1);
    expect(outputOf(result)).toMatchObject({ outcome: 'recovered', failure: { Error: 'PermanentError' } });
  });

  it('fails the execution with an error no Catch names (an unknown function)', async () => {
    const arn = machine('retry-catch.asl.json', 'no-handler', { FlakyFunctionName: 'not-registered' });

    const result = await run(arn, {});

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('Lambda.ResourceNotFoundException');
    expect(result.cause).toMatch(/not-registered/);
    expect(result.output).toBeUndefined();
  });
});

describe('.waitForTaskToken', () => {
  async function startWaiting(input: Record<string, unknown>) {
    const arn = machine('callback.asl.json');
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: arn, input: JSON.stringify(input) }),
    );
    const token = await service.waitForTaskToken(executionArn as string);
    return { executionArn: executionArn as string, token };
  }

  it('hands $$.Task.Token to the handler and completes with the SendTaskSuccess output', async () => {
    const { executionArn, token } = await startWaiting({ applicationId: 'a1' });

    expect(notifications).toEqual([{ token, applicationId: 'a1', executionId: executionArn }]);
    expect((await service.describeExecution(executionArn)).status).toBe('RUNNING');

    await sfn.send(
      new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ approvedBy: 'judge-7' }) }),
    );
    const result = await service.waitForExecution(executionArn);

    expect(result.status).toBe('SUCCEEDED');
    expect(outputOf(result)).toEqual({
      applicationId: 'a1',
      decision: { approvedBy: 'judge-7' },
      outcome: 'approved',
    });
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(described.status).toBe('SUCCEEDED');
    expect(JSON.parse(described.output ?? '')).toEqual(outputOf(result));
    expect(described.startDate).toBeInstanceOf(Date);
  });

  it('mints a different token for every execution', async () => {
    const first = await startWaiting({ applicationId: 'a1' });
    const second = await startWaiting({ applicationId: 'a2' });

    expect(first.token).not.toBe(second.token);
  });

  it('rejects a second SendTaskSuccess with the same token as TaskTimedOut, like AWS', async () => {
    const { executionArn, token } = await startWaiting({ applicationId: 'a1' });
    await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }));

    await expect(
      sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })),
    ).rejects.toBeInstanceOf(TaskTimedOut);
    await expect(
      sfn.send(new SendTaskFailureCommand({ taskToken: token, error: 'Rejected' })),
    ).rejects.toBeInstanceOf(TaskTimedOut);
    expect((await service.waitForExecution(executionArn)).status).toBe('SUCCEEDED');
  });

  it('rejects a malformed token as InvalidToken and an unknown one as TaskDoesNotExist', async () => {
    await expect(
      sfn.send(new SendTaskSuccessCommand({ taskToken: 'forged', output: '{}' })),
    ).rejects.toBeInstanceOf(InvalidToken);
    await expect(
      sfn.send(new SendTaskSuccessCommand({ taskToken: `lsfn1.${'A'.repeat(43)}`, output: '{}' })),
    ).rejects.toBeInstanceOf(TaskDoesNotExist);
  });

  it('rejects output that is not JSON and keeps the task waiting', async () => {
    const { executionArn, token } = await startWaiting({ applicationId: 'a1' });

    await expect(
      sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: 'not json' })),
    ).rejects.toBeInstanceOf(InvalidOutput);
    expect(service.pendingTasks(executionArn).map((t) => t.token)).toEqual([token]);
    await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '"ok"' }));
    expect(outputOf(await service.waitForExecution(executionArn)).decision).toBe('ok');
  });

  it('routes SendTaskFailure to the Catch that names its error', async () => {
    const { executionArn, token } = await startWaiting({ applicationId: 'a1' });

    await sfn.send(
      new SendTaskFailureCommand({ taskToken: token, error: 'Rejected', cause: 'documents incomplete' }),
    );
    const result = await service.waitForExecution(executionArn);

    expect(outputOf(result)).toMatchObject({
      outcome: 'rejected',
      failure: { Error: 'Rejected', Cause: 'documents incomplete' },
    });
  });

  it('fails the task with the error of a handler that throws', async () => {
    onNotify = async () => {
      throw new PermanentError('mail server down');
    };
    const arn = machine('callback.asl.json');

    const result = await run(arn, { applicationId: 'a1' });

    expect(outputOf(result)).toMatchObject({
      outcome: 'other-failure',
      failure: { Error: 'PermanentError' },
    });
    expect(service.pendingTasks()).toEqual([]);
  });

  it('accepts SendTaskSuccess from inside the handler that received the token', async () => {
    onNotify = async (payload) => service.sendTaskSuccess(payload.token as string, '{"auto":true}');
    const arn = machine('callback.asl.json');

    const result = await run(arn, { applicationId: 'a1' });

    expect(outputOf(result)).toMatchObject({ outcome: 'approved', decision: { auto: true } });
  });

  it('times out with States.Timeout after TimeoutSeconds, and the token is then TaskTimedOut', async () => {
    const { executionArn, token } = await startWaiting({ mode: 'timeout', applicationId: 'a1' });

    const result = await service.waitForExecution(executionArn);

    expect(outputOf(result)).toMatchObject({ outcome: 'timed-out', failure: { Error: 'States.Timeout' } });
    await expect(
      sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })),
    ).rejects.toBeInstanceOf(TaskTimedOut);
  });

  it('fails with States.HeartbeatTimeout when no heartbeat arrives within HeartbeatSeconds', async () => {
    const { executionArn, token } = await startWaiting({ mode: 'heartbeat', applicationId: 'a1' });
    await sfn.send(new SendTaskHeartbeatCommand({ taskToken: token }));

    const result = await service.waitForExecution(executionArn);

    expect(outputOf(result)).toMatchObject({
      outcome: 'timed-out',
      failure: { Error: 'States.HeartbeatTimeout' },
    });
    await expect(sfn.send(new SendTaskHeartbeatCommand({ taskToken: token }))).rejects.toBeInstanceOf(
      TaskTimedOut,
    );
  });

  it('waits for a token in each Parallel branch, including a service that is only awaited', async () => {
    const arn = machine('callback.asl.json');
    const { executionArn } = await service.startExecution({
      stateMachineArn: arn,
      input: { mode: 'parallel', applicationId: 'a1' },
    });
    const courtToken = await service.waitForTaskToken(executionArn, { stateName: 'AwaitCourt' });
    const insurerToken = await service.waitForTaskToken(executionArn, { stateName: 'AwaitInsurer' });

    expect(notifications).toEqual([{ token: courtToken, applicationId: 'a1', party: 'court' }]);
    await sfn.send(new SendTaskSuccessCommand({ taskToken: insurerToken, output: '{"paid":true}' }));
    expect((await service.describeExecution(executionArn)).status).toBe('RUNNING');
    await sfn.send(new SendTaskSuccessCommand({ taskToken: courtToken, output: '{"approved":true}' }));

    const result = await service.waitForExecution(executionArn);
    expect(outputOf(result).decision).toEqual([{ approved: true }, { paid: true }]);
  });

  it('aborts a waiting execution on StopExecution and retires its token', async () => {
    const { executionArn, token } = await startWaiting({ applicationId: 'a1' });

    const { stopDate } = await sfn.send(
      new StopExecutionCommand({ executionArn, error: 'Withdrawn', cause: 'by applicant' }),
    );
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));

    expect(stopDate).toBeInstanceOf(Date);
    expect(described).toMatchObject({ status: 'ABORTED', error: 'Withdrawn', cause: 'by applicant' });
    await expect(
      sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })),
    ).rejects.toBeInstanceOf(TaskTimedOut);
    expect(service.pendingTasks()).toEqual([]);
  });
});

describe('StartExecution idempotency by name', () => {
  it('returns the running execution for the same name and input', async () => {
    const arn = machine('callback.asl.json');
    const input = JSON.stringify({ applicationId: 'a1' });

    const first = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'app-a1', input }));
    const again = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'app-a1', input }));

    expect(first.executionArn).toBe('arn:aws:states:us-east-1:000000000000:execution:callback:app-a1');
    expect(again.executionArn).toBe(first.executionArn);
    expect(again.startDate?.getTime()).toBe(first.startDate?.getTime());
    const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn: arn }));
    expect(listed.executions?.map((e) => e.name)).toEqual(['app-a1']);
  });

  it('refuses the same name with another input as ExecutionAlreadyExists', async () => {
    const arn = machine('callback.asl.json');
    await sfn.send(
      new StartExecutionCommand({ stateMachineArn: arn, name: 'app-a1', input: '{"applicationId":"a1"}' }),
    );

    await expect(
      sfn.send(
        new StartExecutionCommand({ stateMachineArn: arn, name: 'app-a1', input: '{"applicationId":"a2"}' }),
      ),
    ).rejects.toBeInstanceOf(ExecutionAlreadyExists);
  });

  it('refuses the same name and input once the execution has closed, like AWS', async () => {
    const arn = machine('retry-catch.asl.json');
    const { executionArn } = await service.startExecution({
      stateMachineArn: arn,
      name: 'once',
      input: '{}',
    });
    await service.waitForExecution(executionArn);

    await expect(
      service.startExecution({ stateMachineArn: arn, name: 'once', input: '{}' }),
    ).rejects.toMatchObject({
      name: 'ExecutionAlreadyExists',
    });
  });

  it('rejects names AWS rejects, and input that is not JSON', async () => {
    const arn = machine('retry-catch.asl.json');

    await expect(service.startExecution({ stateMachineArn: arn, name: 'a/b' })).rejects.toMatchObject({
      name: 'InvalidName',
    });
    await expect(service.startExecution({ stateMachineArn: arn, input: '{oops' })).rejects.toMatchObject({
      name: 'InvalidExecutionInput',
    });
  });
});

describe('the HTTP API', () => {
  it('refuses an anonymous request with 403', async () => {
    const response = await fetch(server.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'AWSStepFunctions.ListExecutions',
      },
      body: '{}',
    });

    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ __type: 'MissingAuthenticationTokenException' });
  });

  it('answers an unsupported operation with UnknownOperationException', async () => {
    const response = await fetch(server.endpoint, {
      method: 'POST',
      headers: {
        authorization: 'AWS4-HMAC-SHA256 Credential=relieflocal/20250101/us-east-1/states/aws4_request',
        'x-amz-target': 'AWSStepFunctions.DeleteStateMachine',
      },
      body: '{}',
    });

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ __type: 'UnknownOperationException' });
  });

  it('reports an unknown execution as ExecutionDoesNotExist', async () => {
    await expect(
      sfn.send(
        new DescribeExecutionCommand({ executionArn: 'arn:aws:states:us-east-1:000000000000:execution:x:y' }),
      ),
    ).rejects.toBeInstanceOf(ExecutionDoesNotExist);
  });

  it('lists executions newest first, filtered by status', async () => {
    const arn = machine('callback.asl.json');
    await sfn.send(
      new StartExecutionCommand({ stateMachineArn: arn, name: 'first', input: '{"applicationId":"a1"}' }),
    );
    const second = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: arn, name: 'second', input: '{"applicationId":"a2"}' }),
    );
    const token = await service.waitForTaskToken(second.executionArn as string);
    await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }));
    await service.waitForExecution(second.executionArn as string);

    const all = await sfn.send(new ListExecutionsCommand({ stateMachineArn: arn }));
    const running = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: arn, statusFilter: 'RUNNING' }),
    );
    const succeeded = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: arn, statusFilter: 'SUCCEEDED' }),
    );

    expect(all.executions?.map((e) => e.name)).toEqual(['second', 'first']);
    expect(running.executions?.map((e) => e.name)).toEqual(['first']);
    expect(succeeded.executions?.map((e) => [e.name, e.status, e.stopDate instanceof Date])).toEqual([
      ['second', 'SUCCEEDED', true],
    ]);
  });
});

describe('DynamoDB tasks against DynamoDB Local', () => {
  const TABLE = 'relief';
  let dynamoLocal: DynamoDbLocal;
  let client: DynamoDBClient;
  let withDynamo: LocalStepFunctions;

  beforeAll(async () => {
    dynamoLocal = await startDynamoDbLocal();
    ({ client } = createLocalDynamoClients(dynamoLocal.endpoint));
    await ensureTable(client, TABLE);
  });
  afterAll(async () => {
    client?.destroy();
    await dynamoLocal?.stop();
  });
  beforeEach(() => {
    withDynamo = createService(client);
  });
  afterEach(async () => {
    await withDynamo.close();
  });

  async function quotaRun(table: string, input: Record<string, string>) {
    const arn = withDynamo.createStateMachine(
      `quota-${table}`,
      loadDefinition(fixture('quota.asl.json'), { TableName: table }),
    );
    const { executionArn } = await withDynamo.startExecution({ stateMachineArn: arn, input });
    return withDynamo.waitForExecution(executionArn);
  }
  async function putQuota(quotaPk: string, availableFen: number) {
    await client.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: { pk: { S: quotaPk }, sk: { S: 'QUOTA' }, availableFen: { N: String(availableFen) } },
      }),
    );
  }
  async function availableFen(quotaPk: string) {
    const { Item } = await client.send(
      new GetItemCommand({
        TableName: TABLE,
        Key: { pk: { S: quotaPk }, sk: { S: 'QUOTA' } },
        ConsistentRead: true,
      }),
    );
    return Number(Item?.availableFen?.N);
  }

  it('runs updateItem and a transaction, returning the API response to the state', async () => {
    await putQuota('CAMPAIGN#ok', 1_000);

    const result = await quotaRun(TABLE, {
      quotaPk: 'CAMPAIGN#ok',
      amountFen: '300',
      reservationPk: 'RES#ok',
    });

    expect(outputOf(result)).toMatchObject({ outcome: 'reserved', reserved: { availableFen: '700' } });
    expect(await availableFen('CAMPAIGN#ok')).toBe(700);
  });

  it('names a failed condition DynamoDB.ConditionalCheckFailedException, which the Catch routes', async () => {
    await putQuota('CAMPAIGN#short', 100);

    const result = await quotaRun(TABLE, {
      quotaPk: 'CAMPAIGN#short',
      amountFen: '300',
      reservationPk: 'RES#short',
    });

    const output = outputOf(result);
    expect(output.outcome).toBe('short');
    expect(output.failure.Error).toBe('DynamoDB.ConditionalCheckFailedException');
    expect(output.failure.Cause).toMatch(/conditional request failed/i);
    expect(await availableFen('CAMPAIGN#short')).toBe(100);
  });

  it('names AWS SDK integration errors with the DynamoDb prefix (a cancelled transaction)', async () => {
    await putQuota('CAMPAIGN#dup', 1_000);
    await quotaRun(TABLE, { quotaPk: 'CAMPAIGN#dup', amountFen: '10', reservationPk: 'RES#dup' });

    const result = await quotaRun(TABLE, {
      quotaPk: 'CAMPAIGN#dup',
      amountFen: '10',
      reservationPk: 'RES#dup',
    });

    expect(outputOf(result)).toMatchObject({
      outcome: 'duplicate',
      failure: { Error: 'DynamoDb.TransactionCanceledException' },
    });
  });

  it('fails the execution with an error no Catch names (a missing table)', async () => {
    const result = await quotaRun('no-such-table', {
      quotaPk: 'CAMPAIGN#x',
      amountFen: '1',
      reservationPk: 'RES#x',
    });

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('DynamoDB.ResourceNotFoundException');
  });
});

describe('close', () => {
  it('aborts running executions and refuses new ones', async () => {
    const arn = machine('callback.asl.json');
    const { executionArn } = await service.startExecution({
      stateMachineArn: arn,
      input: { applicationId: 'a1' },
    });
    const token = await service.waitForTaskToken(executionArn);

    await service.close();

    expect((await service.describeExecution(executionArn)).status).toBe('ABORTED');
    await expect(service.sendTaskSuccess(token, '{}')).rejects.toMatchObject({ name: 'TaskTimedOut' });
    await expect(service.startExecution({ stateMachineArn: arn })).rejects.toThrow(/closed/);
  });
});
