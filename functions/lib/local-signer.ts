/**
 * For the local runner's endpoints only (DynamoDB Local with -sharedDb, the local Step Functions
 * server): they require a SigV4-shaped `Authorization` header but never verify its signature, so the
 * HMAC chain the SDK computes for every request is skipped there. The factories use it only when an
 * endpoint override (DYNAMODB_ENDPOINT, SFN_ENDPOINT: set by the local runner alone) is configured;
 * deployed functions always sign. Never for S3: the local S3 front verifies signatures.
 */
export function localEndpointSigner(region: string, service: string) {
  const credential = `relieflocal/19700101/${region}/${service}/aws4_request`;
  return {
    async sign<R extends { headers: Record<string, string> }>(request: R): Promise<R> {
      request.headers.authorization = `AWS4-HMAC-SHA256 Credential=${credential}, SignedHeaders=host, Signature=local`;
      return request;
    },
  };
}
