import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  TransactGetItemsCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { StepFunctionsError, TaskFailure } from './errors.ts';

/** What a Task state's `Resource` asks for, as far as the local service understands it. */
export type TaskResource =
  | { kind: 'lambda-invoke'; waitForTaskToken: boolean }
  /** A bare Lambda ARN as Resource (the legacy form): the result is the function's return value. */
  | { kind: 'lambda-arn'; functionName: string }
  | { kind: 'dynamodb'; action: string; sdk: boolean }
  /** Any other service with `.waitForTaskToken`: nothing is called, the token is just awaited. */
  | { kind: 'wait-only'; service: string };

const OPTIMIZED_DYNAMODB = ['getItem', 'putItem', 'updateItem', 'deleteItem'];

type DynamoCommandClass = new (input: never) => Parameters<DynamoDBClient['send']>[0];
const DYNAMODB_COMMANDS: Record<string, DynamoCommandClass> = {
  getItem: GetItemCommand as unknown as DynamoCommandClass,
  putItem: PutItemCommand as unknown as DynamoCommandClass,
  updateItem: UpdateItemCommand as unknown as DynamoCommandClass,
  deleteItem: DeleteItemCommand as unknown as DynamoCommandClass,
  query: QueryCommand as unknown as DynamoCommandClass,
  scan: ScanCommand as unknown as DynamoCommandClass,
  batchGetItem: BatchGetItemCommand as unknown as DynamoCommandClass,
  batchWriteItem: BatchWriteItemCommand as unknown as DynamoCommandClass,
  transactGetItems: TransactGetItemsCommand as unknown as DynamoCommandClass,
  transactWriteItems: TransactWriteItemsCommand as unknown as DynamoCommandClass,
};

export const SUPPORTED_RESOURCES = [
  'arn:<partition>:states:::lambda:invoke[.waitForTaskToken]',
  'arn:<partition>:lambda:<region>:<account>:function:<name>',
  `arn:<partition>:states:::dynamodb:{${OPTIMIZED_DYNAMODB.join('|')}}`,
  `arn:<partition>:states:::aws-sdk:dynamodb:{${Object.keys(DYNAMODB_COMMANDS).join('|')}}`,
  'arn:<partition>:states:::<any service>.waitForTaskToken (only waits for the token)',
];

/** Classifies a Task `Resource`; throws InvalidDefinition for what the local service cannot run. */
export function parseTaskResource(stateName: string, resource: unknown): TaskResource {
  const unsupported = (why: string): never => {
    throw new StepFunctionsError(
      'InvalidDefinition',
      `state ${stateName}: resource ${String(resource)} ${why}; supported locally: ${SUPPORTED_RESOURCES.join(', ')}`,
    );
  };
  if (typeof resource !== 'string') return unsupported('is not a string');
  const lambdaArn = /^arn:aws[a-z-]*:lambda:[^:]*:[^:]*:function:([^:]+)(?::[^:]+)?$/.exec(resource);
  if (lambdaArn?.[1]) return { kind: 'lambda-arn', functionName: lambdaArn[1] };
  const integration = /^arn:aws[a-z-]*:states:::(.+?)(\.waitForTaskToken|\.sync(?::2)?)?$/.exec(resource);
  if (!integration?.[1]) return unsupported('is not a Lambda or Step Functions integration ARN');
  const [, api, pattern] = integration;
  if (pattern?.startsWith('.sync')) return unsupported('uses the .sync pattern');
  const waitForTaskToken = pattern === '.waitForTaskToken';
  if (api === 'lambda:invoke') return { kind: 'lambda-invoke', waitForTaskToken };
  const dynamo = /^(aws-sdk:)?dynamodb:([A-Za-z]+)$/.exec(api);
  if (dynamo?.[2]) {
    const sdk = dynamo[1] !== undefined;
    const action = dynamo[2];
    if (waitForTaskToken) return unsupported('uses .waitForTaskToken, which DynamoDB does not support');
    if (sdk ? !(action in DYNAMODB_COMMANDS) : !OPTIMIZED_DYNAMODB.includes(action)) {
      return unsupported(`names a DynamoDB action the local service does not run`);
    }
    return { kind: 'dynamodb', action, sdk };
  }
  if (waitForTaskToken) return { kind: 'wait-only', service: api };
  return unsupported('is not emulated');
}

/** Copies a value the way a JSON round trip through a service would (drops undefined, Dates → strings). */
export function jsonCopy<T>(value: unknown): T {
  return value === undefined ? (null as T) : (JSON.parse(JSON.stringify(value)) as T);
}

export type LambdaHandler = (payload: unknown) => Promise<unknown>;

/**
 * Invokes a registered in-process handler as Lambda would: payload and result are copied through
 * JSON. A thrown error becomes a task failure named after the error (`error.name`, as Lambda reports
 * `errorType`) with Lambda's JSON error document as the cause; an unknown function fails with
 * `Lambda.ResourceNotFoundException`.
 */
export async function invokeLambda(
  handlers: ReadonlyMap<string, LambdaHandler>,
  functionName: unknown,
  payload: unknown,
): Promise<unknown> {
  const name = typeof functionName === 'string' ? lambdaNameOf(functionName) : undefined;
  const handler = name === undefined ? undefined : handlers.get(name);
  if (!handler) {
    throw new TaskFailure(
      'Lambda.ResourceNotFoundException',
      `Function not found: ${String(functionName)} (Service: AWSLambda; Status Code: 404; ` +
        `Error Code: ResourceNotFoundException; local handlers: ${[...handlers.keys()].join(', ') || 'none'})`,
    );
  }
  try {
    return jsonCopy(await handler(jsonCopy(payload ?? {})));
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    const errorType = e.name || 'Error';
    throw new TaskFailure(
      errorType,
      JSON.stringify({ errorType, errorMessage: e.message, trace: (e.stack ?? '').split('\n') }),
    );
  }
}

/** `my-fn`, `my-fn:alias`, or a function ARN (with or without qualifier) → `my-fn`. */
export function lambdaNameOf(functionName: string): string {
  const arn = /^arn:aws[a-z-]*:lambda:[^:]*:[^:]*:function:([^:]+)(?::[^:]+)?$/.exec(functionName);
  if (arn?.[1]) return arn[1];
  return functionName.split(':')[0] ?? functionName;
}

/**
 * Runs a DynamoDB call as the Step Functions integration does: the Task's parameters are the API
 * request, the result is the API response (without SDK metadata). Errors are renamed
 * `DynamoDB.<Exception>` (optimized integration) or `DynamoDb.<Exception>` (AWS SDK integration),
 * with a cause in the service's format.
 */
export async function callDynamoDb(
  client: DynamoDBClient,
  action: string,
  sdk: boolean,
  parameters: unknown,
): Promise<unknown> {
  const Command = DYNAMODB_COMMANDS[action];
  if (!Command) throw new TaskFailure('States.Runtime', `DynamoDB action ${action} is not supported locally`);
  try {
    const { $metadata: _metadata, ...output } = (await client.send(new Command(parameters as never))) as {
      $metadata?: unknown;
    };
    return jsonCopy(output);
  } catch (error) {
    const e = error as Error & { $metadata?: { httpStatusCode?: number; requestId?: string } };
    const prefix = sdk ? 'DynamoDb' : 'DynamoDB';
    const status = e.$metadata?.httpStatusCode ?? 400;
    throw new TaskFailure(
      `${prefix}.${e.name}`,
      `${e.message} (Service: DynamoDb, Status Code: ${status}, Error Code: ${e.name}, ` +
        `Request ID: ${e.$metadata?.requestId ?? 'local'})`,
    );
  }
}
