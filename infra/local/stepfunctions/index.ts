/**
 * Local Step Functions for the local runner: an in-memory service over the `aws-local-stepfunctions`
 * interpreter (`LocalStepFunctions`), its API over HTTP for @aws-sdk/client-sfn (`startSfnHttpServer`),
 * and ASL loading with `${Placeholder}` substitution (`loadDefinition`).
 */
import './polyfill.ts';

export { loadDefinition, MAX_TIMER_SECONDS, substituteDefinition } from './definition.ts';
export { StepFunctionsError, type StepFunctionsErrorCode, TaskFailure } from './errors.ts';
export { type SfnHttpServer, startSfnHttpServer } from './http.ts';
export { type LambdaHandler, SUPPORTED_RESOURCES } from './integrations.ts';
export {
  type ExecutionDescription,
  type ExecutionListItem,
  type ExecutionStatus,
  type HistoryEvent,
  LOCAL_SFN_ACCOUNT,
  LOCAL_SFN_REGION,
  LocalStepFunctions,
  type LocalStepFunctionsOptions,
  type PendingTask,
} from './service.ts';
