import './polyfill.ts';
import { randomBytes, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  ExecutionAbortedError,
  ExecutionError,
  ExecutionTimeoutError,
  StateMachine,
  type StateMachineDefinition,
} from 'aws-local-stepfunctions';
import {
  MAX_TIMER_SECONDS,
  type PreparedDefinition,
  prepareDefinition,
  resolveSimplePath,
  type TaskStateInfo,
} from './definition.ts';
import { ExecutionClosedFailure, StepFunctionsError, TaskFailure } from './errors.ts';
import {
  callDynamoDb,
  invokeLambda,
  jsonCopy,
  type LambdaHandler,
  parseTaskResource,
  type TaskResource,
} from './integrations.ts';

export const LOCAL_SFN_REGION = 'us-east-1';
export const LOCAL_SFN_ACCOUNT = '000000000000';
const ARN_PREFIX = `arn:aws:states:${LOCAL_SFN_REGION}:${LOCAL_SFN_ACCOUNT}`;
/** AWS: 1–80 characters, none of whitespace, brackets, wildcards, `"#%\^|~`$&,;:/` or control characters. */
const NAME_PATTERN = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\p{Cc}]{1,80}$/u;
const TOKEN_PATTERN = /^lsfn1\.[A-Za-z0-9_-]{43}$/;
const HISTORY_LIMIT = 5_000;

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface ExecutionDescription {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  /** JSON text, as AWS returns it. */
  input: string;
  /** JSON text; only when SUCCEEDED. */
  output?: string;
  error?: string;
  cause?: string;
}

export type ExecutionListItem = Pick<
  ExecutionDescription,
  'executionArn' | 'stateMachineArn' | 'name' | 'status' | 'startDate' | 'stopDate'
>;

/** A `.waitForTaskToken` task that is waiting for SendTaskSuccess / SendTaskFailure. */
export interface PendingTask {
  token: string;
  executionArn: string;
  stateName: string;
  since: Date;
}

/** One entry of the interpreter's event log (StateEntered, StateFailed, ExecutionSucceeded, ...). */
export interface HistoryEvent {
  type: string;
  timestamp: number;
  state?: { name: string; type: string; input?: unknown; output?: unknown };
  Error?: string;
  Cause?: unknown;
  [other: string]: unknown;
}

export interface LocalStepFunctionsOptions {
  /** Client for DynamoDB Local; required by `dynamodb:*` Task states. */
  dynamo?: DynamoDBClient;
  /** In-process Lambda handlers by function name (what `FunctionName` resolves to). */
  lambdaHandlers?: Record<string, LambdaHandler>;
  log?: (line: string) => void;
  /**
   * Pause before every Retry, in ms, instead of IntervalSeconds × BackoffRate^n (for tests).
   * Default: the definition's own intervals.
   */
  retryIntervalOverrideMs?: number;
}

interface Machine {
  arn: string;
  name: string;
  definitionText: string;
  prepared: PreparedDefinition;
  interpreter: StateMachine;
  resources: Map<string, TaskResource>;
}

interface TaskEntry {
  tokens: string[];
  execution: Execution;
  stateName: string;
  status: 'waiting' | 'closed';
  since: Date;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
  heartbeatMs?: number;
  heartbeatTimer?: NodeJS.Timeout;
  timeoutTimer?: NodeJS.Timeout;
}

interface TokenRecord {
  execution: Execution;
  /** minted: read from `$$.Task.Token` but not (yet) awaited by a task. */
  state: 'minted' | 'waiting' | 'closed';
  task?: TaskEntry;
}

interface Execution {
  /** Start order, to sort executions started within the same millisecond. */
  seq: number;
  arn: string;
  name: string;
  machine: Machine;
  input: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  output?: string;
  error?: string;
  cause?: string;
  abort: () => void;
  done: Promise<void>;
  minted: Set<string>;
  tasks: Set<TaskEntry>;
  history: HistoryEvent[];
}

/**
 * A local Step Functions service over the `aws-local-stepfunctions` interpreter (JSONPath only).
 * State machines and executions live in memory only: they are gone when the process ends.
 *
 * Task states run locally: `lambda:invoke` (and bare Lambda ARNs) call in-process handlers,
 * `.waitForTaskToken` tasks wait for `sendTaskSuccess`/`sendTaskFailure`, and `dynamodb:*` tasks run
 * against the DynamoDB client given. `$$.Task.Token` mints a fresh token each time it is read.
 */
export class LocalStepFunctions {
  private readonly dynamo: DynamoDBClient | undefined;
  private readonly lambdas = new Map<string, LambdaHandler>();
  private readonly log: (line: string) => void;
  private readonly retryIntervalOverrideMs: number | undefined;
  private readonly machines = new Map<string, Machine>();
  private readonly executions = new Map<string, Execution>();
  private readonly tokens = new Map<string, TokenRecord>();
  private readonly events = new EventEmitter();
  private closed = false;

  constructor(options: LocalStepFunctionsOptions = {}) {
    this.dynamo = options.dynamo;
    this.log = options.log ?? (() => {});
    this.retryIntervalOverrideMs = options.retryIntervalOverrideMs;
    for (const [name, handler] of Object.entries(options.lambdaHandlers ?? {}))
      this.lambdas.set(name, handler);
    this.events.setMaxListeners(0);
  }

  /** Adds or replaces the in-process handler for a Lambda function name. */
  registerLambdaHandler(functionName: string, handler: LambdaHandler): void {
    this.lambdas.set(functionName, handler);
  }

  /**
   * Registers a state machine and returns its ARN
   * (`arn:aws:states:us-east-1:000000000000:stateMachine:<name>`). Creating the same name again with
   * the same definition returns the same ARN; with a different one it throws StateMachineAlreadyExists.
   * Throws InvalidDefinition for what the interpreter rejects or the local service cannot run.
   */
  createStateMachine(name: string, definition: string | object): string {
    if (!NAME_PATTERN.test(name)) throw new StepFunctionsError('InvalidName', `Invalid Name: '${name}'`);
    const arn = `${ARN_PREFIX}:stateMachine:${name}`;
    const definitionText = typeof definition === 'string' ? definition : JSON.stringify(definition);
    const existing = this.machines.get(arn);
    if (existing) {
      if (existing.definitionText === definitionText) return arn;
      throw new StepFunctionsError('StateMachineAlreadyExists', `State Machine Already Exists: '${arn}'`);
    }
    const prepared = prepareDefinition(definitionText);
    const resources = new Map<string, TaskResource>();
    for (const task of prepared.tasks.values()) {
      const resource = parseTaskResource(task.name, task.definition.Resource);
      if (resource.kind === 'dynamodb' && !this.dynamo) {
        throw new StepFunctionsError(
          'InvalidDefinition',
          `state ${task.name} calls DynamoDB but LocalStepFunctions was created without a dynamo client`,
        );
      }
      resources.set(task.name, resource);
    }
    let interpreter: StateMachine;
    try {
      interpreter = new StateMachine(prepared.definition as unknown as StateMachineDefinition);
    } catch (error) {
      throw new StepFunctionsError('InvalidDefinition', (error as Error).message);
    }
    this.machines.set(arn, { arn, name, definitionText, prepared, interpreter, resources });
    return arn;
  }

  /**
   * Starts an execution. Idempotent by name like AWS: the same name and input as a RUNNING execution
   * returns that execution; the same name otherwise (other input, or a closed execution) throws
   * ExecutionAlreadyExists. `input` is JSON text (as in the API) or a JSON value; default `{}`.
   */
  async startExecution(request: {
    stateMachineArn: string;
    name?: string;
    input?: string | unknown;
  }): Promise<{ executionArn: string; startDate: Date }> {
    if (this.closed) throw new Error('LocalStepFunctions is closed');
    const machine = this.machine(request.stateMachineArn);
    const name = request.name ?? randomUUID();
    if (!NAME_PATTERN.test(name)) throw new StepFunctionsError('InvalidName', `Invalid Name: '${name}'`);
    const input = normalizeInput(request.input);
    const arn = `${ARN_PREFIX}:execution:${machine.name}:${name}`;
    const existing = this.executions.get(arn);
    if (existing) {
      if (existing.status === 'RUNNING' && existing.input === input) {
        return { executionArn: arn, startDate: existing.startDate };
      }
      throw new StepFunctionsError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
    }

    const startDate = new Date();
    const execution: Execution = {
      seq: this.executions.size,
      arn,
      name,
      machine,
      input,
      status: 'RUNNING',
      startDate,
      abort: () => {},
      done: Promise.resolve(),
      minted: new Set(),
      tasks: new Set(),
      history: [],
    };
    this.executions.set(arn, execution);

    const service = this;
    const context = {
      Execution: {
        Id: arn,
        Name: name,
        RoleArn: `arn:aws:iam::${LOCAL_SFN_ACCOUNT}:role/local-stepfunctions`,
        StartTime: startDate.toISOString(),
        RedriveCount: 0,
      },
      StateMachine: { Id: machine.arn, Name: machine.name },
      // The interpreter copies the context shallowly ({ ...context }), so this object (and its
      // getter) reaches every JSONPath evaluation, including Parallel branches and Map iterations.
      Task: {
        get Token(): string {
          return service.mintToken(execution);
        },
      },
    };
    const taskResourceLocalHandlers: Record<string, (input: unknown) => Promise<never>> = {};
    for (const task of machine.prepared.tasks.values()) {
      const resource = machine.resources.get(task.name) as TaskResource;
      taskResourceLocalHandlers[task.name] = (taskInput) =>
        this.runTask(execution, task, resource, taskInput) as Promise<never>;
    }
    const retryIntervalOverrides: Record<string, number> = {};
    if (this.retryIntervalOverrideMs !== undefined) {
      for (const state of machine.prepared.retryingStates)
        retryIntervalOverrides[state] = this.retryIntervalOverrideMs;
    }

    const run = machine.interpreter.run(JSON.parse(input), {
      context,
      overrides: { taskResourceLocalHandlers, retryIntervalOverrides },
    } as Parameters<StateMachine['run']>[1]);
    execution.abort = run.abort;
    void this.recordHistory(execution, run.eventLogs as AsyncGenerator<HistoryEvent>);
    execution.done = run.result.then(
      (output) => {
        this.settle(execution, 'SUCCEEDED', { output: JSON.stringify(output ?? null) });
      },
      (error: unknown) => {
        this.settle(execution, ...classifyFailure(error));
      },
    );
    this.log(`[sfn] started ${arn}`);
    return { executionArn: arn, startDate };
  }

  async describeExecution(executionArn: string): Promise<ExecutionDescription> {
    return describe(this.execution(executionArn));
  }

  /** Executions of a state machine, newest first, optionally only those with `statusFilter`. */
  async listExecutions(
    stateMachineArn: string,
    options: { statusFilter?: ExecutionStatus } = {},
  ): Promise<ExecutionListItem[]> {
    const machine = this.machine(stateMachineArn);
    return [...this.executions.values()]
      .filter((e) => e.machine === machine && (!options.statusFilter || e.status === options.statusFilter))
      .sort((a, b) => b.startDate.getTime() - a.startDate.getTime() || b.seq - a.seq)
      .map((e) => {
        const { executionArn, stateMachineArn: smArn, name, status, startDate, stopDate } = describe(e);
        return {
          executionArn,
          stateMachineArn: smArn,
          name,
          status,
          startDate,
          ...(stopDate && { stopDate }),
        };
      });
  }

  /** Aborts a RUNNING execution (status ABORTED); a closed one is left as it is. */
  async stopExecution(
    executionArn: string,
    options: { error?: string; cause?: string } = {},
  ): Promise<{ stopDate: Date }> {
    const execution = this.execution(executionArn);
    if (execution.status === 'RUNNING') {
      this.settle(execution, 'ABORTED', { error: options.error, cause: options.cause });
      execution.abort();
    }
    return { stopDate: execution.stopDate ?? new Date() };
  }

  /**
   * Completes the `.waitForTaskToken` task holding `taskToken` with `output` (JSON text).
   * Errors as on AWS: InvalidToken (not a token of this service), TaskDoesNotExist (no task waits on
   * it), TaskTimedOut (the task already completed, failed, timed out, or its execution ended),
   * InvalidOutput (not JSON).
   */
  async sendTaskSuccess(taskToken: string, output: string): Promise<void> {
    const task = this.waitingTask(taskToken);
    let value: unknown;
    try {
      value = JSON.parse(output);
    } catch {
      throw new StepFunctionsError('InvalidOutput', 'Invalid Output: output is not valid JSON');
    }
    this.closeTask(task);
    task.resolve(value);
  }

  /** Fails the task holding `taskToken` with `error` (the Step Functions error name) and `cause`. */
  async sendTaskFailure(taskToken: string, error?: string, cause?: string): Promise<void> {
    const task = this.waitingTask(taskToken);
    this.closeTask(task);
    task.reject(new TaskFailure(error ?? '', cause ?? ''));
  }

  /** Restarts the HeartbeatSeconds clock of the task holding `taskToken`. */
  async sendTaskHeartbeat(taskToken: string): Promise<void> {
    const task = this.waitingTask(taskToken);
    this.armHeartbeat(task);
  }

  /** The tasks waiting for a token, optionally of one execution. */
  pendingTasks(executionArn?: string): PendingTask[] {
    const tasks: PendingTask[] = [];
    for (const execution of this.executions.values()) {
      if (executionArn && execution.arn !== executionArn) continue;
      for (const task of execution.tasks) {
        for (const token of task.tokens) {
          tasks.push({ token, executionArn: execution.arn, stateName: task.stateName, since: task.since });
        }
      }
    }
    return tasks;
  }

  /**
   * Resolves with the token of the first task of `executionArn` (optionally in state `stateName`)
   * that waits for a token; rejects if the execution closes first or after `timeoutMs` (default 30 s).
   */
  waitForTaskToken(
    executionArn: string,
    options: { stateName?: string; timeoutMs?: number } = {},
  ): Promise<string> {
    const execution = this.execution(executionArn);
    const find = () =>
      this.pendingTasks(executionArn).find((t) => !options.stateName || t.stateName === options.stateName)
        ?.token;
    return this.waitFor(
      execution,
      find,
      options.timeoutMs ?? 30_000,
      `a task${options.stateName ? ` in state ${options.stateName}` : ''} waiting for a token`,
    );
  }

  /** Resolves with the description once the execution is no longer RUNNING (default timeout 30 s). */
  async waitForExecution(
    executionArn: string,
    options: { timeoutMs?: number } = {},
  ): Promise<ExecutionDescription> {
    const execution = this.execution(executionArn);
    const timeoutMs = options.timeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        execution.done,
        new Promise((_, reject) => {
          timer = setTimeout(
            () =>
              reject(new Error(`execution ${executionArn} still ${execution.status} after ${timeoutMs} ms`)),
            timeoutMs,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
    return describe(execution);
  }

  /** The interpreter's event log of an execution (bounded to the last 5,000 events). */
  getExecutionHistory(executionArn: string): HistoryEvent[] {
    return [...this.execution(executionArn).history];
  }

  /** Aborts every running execution and refuses new ones. */
  async close(): Promise<void> {
    this.closed = true;
    const running = [...this.executions.values()].filter((e) => e.status === 'RUNNING');
    await Promise.all(running.map((e) => this.stopExecution(e.arn, { error: 'LocalStepFunctions.Closed' })));
    await Promise.allSettled(running.map((e) => e.done));
  }

  // -------------------------------------------------------------------------------------------------

  private machine(arn: string): Machine {
    const machine = this.machines.get(arn);
    if (machine) return machine;
    if (!arn.startsWith('arn:aws')) throw new StepFunctionsError('InvalidArn', `Invalid Arn: '${arn}'`);
    throw new StepFunctionsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
  }

  private execution(arn: string): Execution {
    const execution = this.executions.get(arn);
    if (execution) return execution;
    if (!arn.startsWith('arn:aws')) throw new StepFunctionsError('InvalidArn', `Invalid Arn: '${arn}'`);
    throw new StepFunctionsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
  }

  private mintToken(execution: Execution): string {
    const token = `lsfn1.${randomBytes(32).toString('base64url')}`;
    execution.minted.add(token);
    this.tokens.set(token, { execution, state: 'minted' });
    return token;
  }

  private waitingTask(token: string): TaskEntry {
    if (typeof token !== 'string' || !TOKEN_PATTERN.test(token)) {
      throw new StepFunctionsError('InvalidToken', 'Invalid Token: not a task token of this service');
    }
    const record = this.tokens.get(token);
    if (!record || record.state === 'minted' || !record.task) {
      throw new StepFunctionsError(
        'TaskDoesNotExist',
        'Task Does Not Exist: no task is waiting for this token',
      );
    }
    if (record.state === 'closed' || record.task.status === 'closed') {
      throw new StepFunctionsError('TaskTimedOut', "Task Timed Out: 'Provided task does not exist anymore'");
    }
    return record.task;
  }

  private runTask(
    execution: Execution,
    task: TaskStateInfo,
    resource: TaskResource,
    input: unknown,
  ): Promise<unknown> {
    if (execution.status !== 'RUNNING') return Promise.reject(new ExecutionClosedFailure());
    const parameters = (input !== null && typeof input === 'object' ? input : {}) as Record<string, unknown>;
    switch (resource.kind) {
      case 'lambda-arn':
        return invokeLambda(this.lambdas, resource.functionName, input);
      case 'lambda-invoke': {
        const invoke = () => invokeLambda(this.lambdas, parameters.FunctionName, parameters.Payload);
        if (resource.waitForTaskToken) return this.awaitToken(execution, task, input, invoke);
        return invoke().then((Payload) => ({ ExecutedVersion: '$LATEST', Payload, StatusCode: 200 }));
      }
      case 'wait-only':
        return this.awaitToken(execution, task, input, async () => {
          this.log(
            `[sfn] ${task.name}: ${resource.service} is not emulated; waiting for the task token only`,
          );
        });
      case 'dynamodb':
        return callDynamoDb(this.dynamo as DynamoDBClient, resource.action, resource.sdk, input);
    }
  }

  /**
   * Registers the tokens minted for this task's parameters as waiting (synchronously, before the
   * delivery runs, so a handler may complete the task from inside its own invocation), then delivers.
   * The interpreter itself enforces TimeoutSeconds (States.Timeout); the timer here only retires the
   * tokens at that moment so a late SendTaskSuccess gets TaskTimedOut. HeartbeatSeconds is enforced
   * here (States.HeartbeatTimeout).
   */
  private awaitToken(
    execution: Execution,
    task: TaskStateInfo,
    input: unknown,
    deliver: () => Promise<unknown>,
  ): Promise<unknown> {
    const tokens = findMintedTokens(
      input,
      (s) => this.tokens.get(s)?.state === 'minted' && execution.minted.has(s),
    );
    let resolve!: (value: unknown) => void;
    let reject!: (reason: unknown) => void;
    const promise = new Promise<unknown>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const entry: TaskEntry = {
      tokens,
      execution,
      stateName: task.name,
      status: 'waiting',
      since: new Date(),
      resolve,
      reject,
    };
    for (const token of tokens) {
      execution.minted.delete(token);
      this.tokens.set(token, { execution, state: 'waiting', task: entry });
    }
    if (tokens.length === 0) {
      this.log(
        `[sfn] ${task.name}: .waitForTaskToken task without $$.Task.Token in its Parameters can only time out`,
      );
    }
    execution.tasks.add(entry);

    const definition = task.definition;
    const timeoutSeconds =
      typeof definition.TimeoutSeconds === 'number'
        ? definition.TimeoutSeconds
        : resolveSimplePath(definition.TimeoutSecondsPath, input);
    if (typeof timeoutSeconds === 'number' && timeoutSeconds > 0) {
      entry.timeoutTimer = setTimeout(
        () => this.closeTask(entry),
        Math.min(timeoutSeconds, MAX_TIMER_SECONDS) * 1000,
      );
    }
    const heartbeatSeconds =
      typeof definition.HeartbeatSeconds === 'number'
        ? definition.HeartbeatSeconds
        : resolveSimplePath(definition.HeartbeatSecondsPath, input);
    if (typeof heartbeatSeconds === 'number' && heartbeatSeconds > 0) {
      entry.heartbeatMs = Math.min(heartbeatSeconds, MAX_TIMER_SECONDS) * 1000;
      this.armHeartbeat(entry);
    }
    if (tokens.length > 0) this.events.emit('task', execution.arn);

    deliver().catch((error: unknown) => {
      if (entry.status !== 'waiting') return;
      this.closeTask(entry);
      reject(error);
    });
    return promise;
  }

  private armHeartbeat(entry: TaskEntry): void {
    if (entry.heartbeatMs === undefined) return;
    clearTimeout(entry.heartbeatTimer);
    entry.heartbeatTimer = setTimeout(() => {
      if (entry.status !== 'waiting') return;
      this.closeTask(entry);
      entry.reject(
        new TaskFailure('States.HeartbeatTimeout', 'No SendTaskHeartbeat within HeartbeatSeconds'),
      );
    }, entry.heartbeatMs);
  }

  private closeTask(entry: TaskEntry): void {
    entry.status = 'closed';
    clearTimeout(entry.heartbeatTimer);
    clearTimeout(entry.timeoutTimer);
    for (const token of entry.tokens) {
      const record = this.tokens.get(token);
      if (record) record.state = 'closed';
    }
    entry.execution.tasks.delete(entry);
  }

  /** Marks the execution closed and releases everything waiting in it. First caller wins. */
  private settle(
    execution: Execution,
    status: Exclude<ExecutionStatus, 'RUNNING'>,
    result: { output?: string; error?: string; cause?: string },
  ): boolean {
    if (execution.status !== 'RUNNING') return false;
    execution.status = status;
    execution.stopDate = new Date();
    if (result.output !== undefined) execution.output = result.output;
    if (result.error !== undefined) execution.error = result.error;
    if (result.cause !== undefined) execution.cause = result.cause;
    for (const task of [...execution.tasks]) {
      this.closeTask(task);
      task.reject(new ExecutionClosedFailure());
    }
    for (const token of execution.minted) this.tokens.delete(token);
    execution.minted.clear();
    this.log(`[sfn] ${status} ${execution.arn}${execution.error ? ` (${execution.error})` : ''}`);
    this.events.emit('closed', execution.arn);
    return true;
  }

  private async recordHistory(execution: Execution, events: AsyncGenerator<HistoryEvent>): Promise<void> {
    try {
      for await (const event of events) {
        execution.history.push(event);
        if (execution.history.length > HISTORY_LIMIT) execution.history.shift();
        if (event.type === 'StateFailed' || event.type === 'StateRetried' || event.type === 'StateCaught') {
          this.log(
            `[sfn] ${execution.name}: ${event.type} ${event.state?.name}${event.Error ? ` ${event.Error}` : ''}`,
          );
        }
      }
    } catch {
      // the log ends with the execution
    }
  }

  private waitFor<T>(
    execution: Execution,
    find: () => T | undefined,
    timeoutMs: number,
    what: string,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const check = () => {
        const found = find();
        if (found !== undefined) {
          cleanup();
          resolve(found);
        } else if (execution.status !== 'RUNNING') {
          cleanup();
          reject(new Error(`execution ${execution.arn} is ${execution.status} without ${what}`));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no ${what} in ${execution.arn} after ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.events.off('task', check);
        this.events.off('closed', check);
      };
      this.events.on('task', check);
      this.events.on('closed', check);
      check();
    });
  }
}

function normalizeInput(input: unknown): string {
  if (input === undefined) return '{}';
  if (typeof input === 'string') {
    try {
      JSON.parse(input);
    } catch {
      throw new StepFunctionsError(
        'InvalidExecutionInput',
        'Invalid State Machine Execution Input: not JSON',
      );
    }
    return input;
  }
  return JSON.stringify(jsonCopy(input));
}

function describe(execution: Execution): ExecutionDescription {
  return {
    executionArn: execution.arn,
    stateMachineArn: execution.machine.arn,
    name: execution.name,
    status: execution.status,
    startDate: execution.startDate,
    ...(execution.stopDate && { stopDate: execution.stopDate }),
    input: execution.input,
    ...(execution.output !== undefined && { output: execution.output }),
    ...(execution.error !== undefined && { error: execution.error }),
    ...(execution.cause !== undefined && { cause: execution.cause }),
  };
}

function classifyFailure(
  error: unknown,
): [Exclude<ExecutionStatus, 'RUNNING'>, { error?: string; cause?: string }] {
  if (error instanceof ExecutionTimeoutError) {
    return ['TIMED_OUT', { error: 'States.Timeout', cause: 'The execution exceeded its TimeoutSeconds' }];
  }
  if (error instanceof ExecutionAbortedError) return ['ABORTED', {}];
  const failure = error instanceof ExecutionError && error.cause instanceof Error ? error.cause : error;
  if (failure instanceof Error) return ['FAILED', { error: failure.name, cause: failure.message }];
  return ['FAILED', { error: 'States.Runtime', cause: String(failure) }];
}

/** Every string inside `value` that `isToken` accepts (tokens may sit at any depth of the Parameters). */
function findMintedTokens(value: unknown, isToken: (s: string) => boolean): string[] {
  const found = new Set<string>();
  const visit = (v: unknown) => {
    if (typeof v === 'string') {
      if (isToken(v)) found.add(v);
    } else if (Array.isArray(v)) {
      for (const item of v) visit(item);
    } else if (v !== null && typeof v === 'object') {
      for (const item of Object.values(v)) visit(item);
    }
  };
  visit(value);
  return [...found];
}
