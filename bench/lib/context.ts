import type { Route } from '../../functions/lib/http.ts';
import type { LocalStack } from '../../infra/local/stack.ts';
import type { Api } from './api.ts';
import type { BenchDeps } from './composition.ts';
import type { DynamoCounter } from './counters.ts';
import type { InProcess } from './inprocess.ts';

export interface BenchContext {
  stack: LocalStack;
  api: Api;
  inproc: InProcess;
  routes: readonly Route[];
  counter: DynamoCounter;
  deps: () => BenchDeps;
  log: (line: string) => void;
  quick: boolean;
  /** The endpoint measured as "report": GET /campaigns/{id}/reports when it answers 200, else …/quotas. */
  reportPath: (campaignId: string) => string;
  reportRoute: string;
}
