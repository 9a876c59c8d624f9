import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { ConfigError } from './config.ts';
import { parseSecrets } from './webhook-signature.ts';

/**
 * The insurer secrets: the system's own secret that signs outbound packages, and the secrets that
 * verify inbound webhooks (current first, previous during rotation). Never in code: from Secrets
 * Manager when deployed (INSURER_SECRETS_ARN, a JSON `{ packageSecret, webhookSecrets: [...] }`,
 * cached 5 minutes by Powertools Parameters so a rotation is picked up), or from the environment
 * locally (INSURER_PACKAGE_SECRET, INSURER_WEBHOOK_SECRETS comma-separated).
 */
export interface InsurerSecrets {
  packageSecret: string;
  webhookSecrets: string[];
}

export async function insurerSecrets(env: NodeJS.ProcessEnv = process.env): Promise<InsurerSecrets> {
  if (env.INSURER_SECRETS_ARN) {
    const value = await getSecret<{ packageSecret?: string; webhookSecrets?: string[] }>(
      env.INSURER_SECRETS_ARN,
      {
        transform: 'json',
        maxAge: 300,
      },
    );
    if (!value?.packageSecret || !Array.isArray(value.webhookSecrets)) {
      throw new ConfigError(
        'Invalid configuration: the insurer secret lacks packageSecret or webhookSecrets',
      );
    }
    return {
      packageSecret: value.packageSecret,
      webhookSecrets: parseSecrets(value.webhookSecrets.join(',')),
    };
  }
  if (!env.INSURER_PACKAGE_SECRET || !env.INSURER_WEBHOOK_SECRETS) {
    throw new ConfigError(
      'Invalid configuration: INSURER_SECRETS_ARN or INSURER_PACKAGE_SECRET + INSURER_WEBHOOK_SECRETS',
    );
  }
  return {
    packageSecret: parseSecrets(env.INSURER_PACKAGE_SECRET)[0] as string,
    webhookSecrets: parseSecrets(env.INSURER_WEBHOOK_SECRETS),
  };
}
