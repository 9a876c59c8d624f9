import { z } from 'zod';

/**
 * Configuration, parsed once per cold start (style §6). A missing or malformed variable fails
 * fast with its name, never later with an undefined deep inside an adapter.
 */
const ConfigSchema = z.object({
  RELIEF_MODE: z.enum(['aws', 'local']).default('aws'),
  AWS_REGION: z.string().min(1),
  TABLE_NAME: z.string().min(1),
  DOCUMENTS_BUCKET: z.string().min(1),
  JWT_ISSUER: z.string().min(1),
  JWT_AUDIENCE: z.string().min(1),
  /** A JWKS URL (deployments) or the JWKS itself as JSON (local mode). One of the two is required. */
  JWKS_URL: z.url().optional(),
  JWKS_JSON: z.string().min(1).optional(),
  STATE_MACHINE_ARN: z.string().min(1).optional(),
  /** Where approved packages go (the insurer's endpoint); secrets come from lib/secrets.ts. */
  INSURER_ENDPOINT: z.url().optional(),
  /** Local endpoints; absent in a deployment. */
  DYNAMODB_ENDPOINT: z.url().optional(),
  S3_ENDPOINT: z.url().optional(),
  SFN_ENDPOINT: z.url().optional(),
  /** Audit seals (deployments): the Object Lock bucket of signed checkpoints and the KMS signing key ARN. */
  AUDIT_CHECKPOINT_BUCKET: z.string().min(1).optional(),
  AUDIT_SIGNING_KEY_ID: z.string().min(1).optional(),
  /** Audit seals (local mode): the folder of the local signing key and the write-once checkpoints. */
  AUDIT_LOCAL_DIR: z.string().min(1).optional(),
  UPLOAD_URL_TTL_SECONDS: z.coerce.number().int().min(60).max(900).default(900),
  DOWNLOAD_URL_TTL_SECONDS: z.coerce.number().int().min(30).max(300).default(300),
});

export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function parseConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = ConfigSchema.safeParse(env);
  if (!result.success) {
    const names = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`Invalid configuration: ${names}`);
  }
  const config = result.data;
  if (!config.JWKS_URL && !config.JWKS_JSON) {
    throw new ConfigError('Invalid configuration: JWKS_URL or JWKS_JSON must be set');
  }
  return config;
}

let cached: Config | undefined;
export function config(): Config {
  cached ??= parseConfig();
  return cached;
}
