/** The approval workflow (Step Functions) as the use cases need it. */
export interface Workflow {
  /** Starts the execution for one submission; idempotent by name (same name + input → the same execution). */
  start(
    name: string,
    input: { applicationId: string; submissionSeq: number; level: number },
  ): Promise<{ executionArn: string }>;
  /**
   * Sends a waiting task its result. 'gone' when the token is no longer valid (already used, timed
   * out, or the execution ended): the caller treats the delivery as settled.
   */
  sendTaskSuccess(token: string, output: unknown): Promise<'sent' | 'gone'>;
}
