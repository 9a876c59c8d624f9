/** Error codes of the Step Functions API that the local service raises (the SDK's exception names). */
export type StepFunctionsErrorCode =
  | 'ExecutionAlreadyExists'
  | 'ExecutionDoesNotExist'
  | 'InvalidArn'
  | 'InvalidDefinition'
  | 'InvalidExecutionInput'
  | 'InvalidName'
  | 'InvalidOutput'
  | 'InvalidToken'
  | 'StateMachineAlreadyExists'
  | 'StateMachineDoesNotExist'
  | 'TaskDoesNotExist'
  | 'TaskTimedOut'
  | 'ValidationException';

/**
 * An API error of the local Step Functions service. `name` is the AWS error code, as on the
 * exceptions of @aws-sdk/client-sfn, so callers can branch on `error.name` in both runtimes.
 */
export class StepFunctionsError extends Error {
  readonly code: StepFunctionsErrorCode;
  constructor(code: StepFunctionsErrorCode, message: string) {
    super(message);
    this.name = code;
    this.code = code;
  }
}

/**
 * The failure of a Task state as the interpreter sees it: `name` is the Step Functions error name
 * (matched by Retry/Catch `ErrorEquals`) and `message` becomes the `Cause`.
 */
export class TaskFailure extends Error {
  constructor(errorName: string, cause: string) {
    super(cause);
    this.name = errorName;
  }
}

/**
 * Thrown into a task that belongs to an execution that has already ended (stopped, timed out): the
 * interpreter must neither retry nor catch it (it reads these two flags).
 */
export class ExecutionClosedFailure extends Error {
  readonly isRetryable = false;
  readonly isCatchable = false;
  constructor(message = 'The execution is no longer running') {
    super(message);
    this.name = 'States.Runtime';
  }
}
