/** The approval workflow (Step Functions) as the use cases need it. */
export interface Workflow {
  /** Starts the execution for one submission; idempotent by name (same name + input → the same execution). */
  start(
    name: string,
    input: { applicationId: string; submissionSeq: number; level: number },
  ): Promise<{ executionArn: string }>;
  /**
   * Sends a waiting task its result. 'gone' when the token is no longer valid (already used, timed
   * out, or the execution ended): the task no longer waits, but whether the workflow moved on or died
   * only `describe` can tell.
   */
  sendTaskSuccess(token: string, output: unknown): Promise<'sent' | 'gone'>;
  /** The status of the execution with this name; MISSING when the engine has none (never started, or lost). */
  describe(name: string): Promise<{ status: ExecutionStatus; error?: string }>;
}

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'MISSING';
