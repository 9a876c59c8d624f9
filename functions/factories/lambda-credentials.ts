/** The SDK's AwsCredentialIdentity. */
interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/**
 * Stands in for `@aws-sdk/credential-provider-node` in Lambda bundles (esbuild alias, set in
 * infra/constructs/relief-function.ts), never imported directly. Lambda hands every execution
 * environment its role's credentials in the environment; the SDK's default chain would look there
 * first and find them, so its other providers (SSO, ini files, processes, web identity, IMDS, the
 * container endpoint, `aws login`) and the STS/SSO clients they bring are dead weight in a bundle:
 * ~130 KB minified, a third of a DynamoDB-only function. Outside bundles (the local runner, tests,
 * the CLI) the SDK's own chain applies.
 */
export function defaultProvider(): () => Promise<Credentials> {
  return async () => {
    const accessKeyId = process.env.AWS_ACCESS_KEY_ID;
    const secretAccessKey = process.env.AWS_SECRET_ACCESS_KEY;
    if (!accessKeyId || !secretAccessKey) {
      throw new Error(
        'No AWS credentials in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY): this bundle reads credentials only from there, as Lambda provides them.',
      );
    }
    const sessionToken = process.env.AWS_SESSION_TOKEN;
    const expiration = process.env.AWS_CREDENTIAL_EXPIRATION;
    return {
      accessKeyId,
      secretAccessKey,
      ...(sessionToken ? { sessionToken } : {}),
      ...(expiration ? { expiration: new Date(expiration) } : {}),
    };
  };
}
