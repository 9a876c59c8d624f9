import { RegionInfo } from 'aws-cdk-lib/region-info';
import type { Node } from 'constructs';
import * as z from 'zod';

/**
 * Deployment settings, read once from CDK context (cdk.json or `-c key=value`) and validated, so a
 * typo fails `cdk synth` with the setting's name instead of deploying a broken stack.
 * Values given with `-c` arrive as strings: numbers, booleans and lists are coerced here.
 */
const csv = z.preprocess(
  (v) =>
    typeof v === 'string'
      ? v
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s.length > 0)
      : v,
  z.array(z.string().min(1)),
);
const bool = z.preprocess((v) => (v === 'true' ? true : v === 'false' ? false : v), z.boolean());
const https = z.url({ protocol: /^https$/ });

/** CloudWatch Logs accepts only these retention periods (days). */
const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

export const SettingsSchema = z.object({
  /** Deployment region; the partition (aws / aws-cn) follows from it. */
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region name such as cn-northwest-1')
    .default('cn-northwest-1'),
  /** Target account; leave unset for an environment-agnostic account (resolved at deploy time). */
  account: z
    .string()
    .regex(/^\d{12}$/, 'a 12-digit account id')
    .optional(),
  /** Deployment name (dev, test, prod…): part of every stack name. */
  stage: z
    .string()
    .regex(
      /^[a-z][a-z0-9-]{0,15}$/,
      'lowercase letters, digits and dashes, at most 16 characters (bucket names)',
    )
    .default('dev'),
  /** The court identity provider (any OIDC issuer): the JWT authorizer and the functions check `iss` against it. */
  jwtIssuer: https,
  /** Expected `aud` of court tokens. */
  jwtAudience: z.string().min(1),
  /** Where the issuer publishes its signing keys; default `<jwtIssuer>/.well-known/jwks.json`. */
  jwksUrl: https.optional(),
  /**
   * The insurer's HTTPS endpoint that receives packages (outbound, INSURER_ENDPOINT of dispatchPackage only).
   * Optional so that a stage can be deployed before the insurer is connected: until it is set, every
   * dispatch fails with a ConfigError (the workflow records a fault) and no package leaves.
   */
  insurerEndpoint: https.optional(),
  /**
   * IAM-authorise the insurer webhook route in addition to its signature check. Default: on exactly when
   * the stage may not serve unauthenticated routes (aws-cn without `icpLicensed`), off otherwise; `false`
   * there is refused (API Gateway in China answers 403 on an unauthenticated route without an ICP licence).
   */
  insurerIamAuth: bool.optional(),
  /**
   * Whether the stage's API may serve unauthenticated routes (GET /health, GET /openapi.json, the insurer
   * webhook at the gateway). In aws-cn, API Gateway refuses unauthenticated routes of an account without an
   * ICP licence (ICP 备案), so the default there is false: health and OpenAPI go behind the court JWT
   * authorizer and the webhook behind IAM. Default true in the aws partition.
   */
  icpLicensed: bool.optional(),
  /**
   * The insurer's AWS account (12 digits), trusted to assume the role that may call the IAM-authorised
   * webhook (`<stage>` output InsurerWebhookRoleArn). Required whenever the webhook is IAM-authorised.
   */
  insurerAccountId: z
    .string()
    .regex(/^\d{12}$/, 'a 12-digit account id')
    .optional(),
  /** Optional sts:ExternalId the insurer must present when it assumes that role (agreed out of band). */
  insurerExternalId: z
    .string()
    .regex(/^[\w+=,.@:/-]{2,1224}$/, 'an STS external id (2-1224 of letters, digits and +=,.@:/-)')
    .optional(),
  /** Browser origins allowed to call the API and to PUT/GET documents with presigned URLs. */
  corsAllowedOrigins: csv.default([]),
  logRetentionDays: z.coerce
    .number()
    .int()
    .refine((d) => RETENTION_DAYS.includes(d), `one of ${RETENTION_DAYS.join(', ')}`)
    .default(365),
  apiRateLimit: z.coerce.number().int().min(1).default(50),
  apiBurstLimit: z.coerce.number().int().min(1).default(100),
  uploadUrlTtlSeconds: z.coerce.number().int().min(60).max(900).default(900),
  downloadUrlTtlSeconds: z.coerce.number().int().min(30).max(300).default(300),
  /**
   * Object Lock (COMPLIANCE) retention of each sealed audit checkpoint, in days: nobody, root included,
   * can delete or shorten it before then. Default ten years; use 1 for a throwaway stage.
   */
  auditCheckpointRetentionDays: z.coerce.number().int().min(1).max(36_500).default(3653),
  /** How often the sealer signs the audit chains changed since the last checkpoint. */
  auditSealEveryMinutes: z.coerce.number().int().min(1).max(1440).default(15),
  /** Optional e-mail address subscribed to the alarm topic. */
  alarmEmail: z.email().optional(),
  /** The console's OIDC client id at the courts' issuer (written into the console's config.json at deploy time). */
  consoleClientId: z.string().min(1).default('relief-console'),
  /** OAuth scopes the console asks for. */
  consoleOidcScope: z.string().min(1).default('openid profile'),
  /**
   * The console's own host name (CloudFront alternate domain name, e.g. relief.court.example.cn): optional
   * in the aws partition (default: the distribution's *.cloudfront.net name), required in aws-cn with
   * `icpLicensed` (*.cloudfront.cn cannot serve content; the ICP-filed domain must). Added to the API's and
   * the documents bucket's CORS origins.
   */
  consoleDomainName: z
    .string()
    .regex(
      /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
      'a lowercase DNS host name such as relief.court.example.cn',
    )
    .optional(),
  /** ACM certificate (in us-east-1) for `consoleDomainName`, aws partition only (CloudFront in China has no ACM). */
  consoleCertificateArn: z
    .string()
    .regex(/^arn:aws:acm:us-east-1:\d{12}:certificate\/[\w-]+$/, 'an ACM certificate ARN in us-east-1')
    .optional(),
  /**
   * IAM server certificate id (ASCA…) for `consoleDomainName`: how CloudFront in aws-cn takes a certificate
   * (upload it with `aws iam upload-server-certificate --path /cloudfront/`). Also accepted in the aws partition.
   */
  consoleIamCertificateId: z
    .string()
    .regex(/^[A-Z0-9]{16,128}$/, 'an IAM server certificate id (ASCA…)')
    .optional(),
});

export type Settings = z.infer<typeof SettingsSchema>;

export const SETTING_NAMES = Object.keys(SettingsSchema.shape) as (keyof Settings)[];

export class SettingsError extends Error {
  override name = 'SettingsError';
}

export function parseSettings(raw: Record<string, unknown>): Settings {
  const result = SettingsSchema.safeParse(raw);
  if (!result.success) {
    const issues = result.error.issues
      .map((i) => `${i.path.join('.') || '(settings)'}: ${i.message}`)
      .join('; ');
    throw new SettingsError(`Invalid CDK context settings: ${issues}`);
  }
  const settings = result.data;
  const open = unauthenticatedRoutesAllowed(settings);
  if (!open && settings.insurerIamAuth === false) {
    throw new SettingsError(
      `Invalid CDK context settings: insurerIamAuth: cannot be false in ${partitionOf(settings.region)} without icpLicensed=true ` +
        '(API Gateway refuses unauthenticated routes there): remove it, or set -c icpLicensed=true once the ICP licence is in place',
    );
  }
  if (webhookIamAuthorised(settings) && !settings.insurerAccountId) {
    throw new SettingsError(
      open
        ? 'Invalid CDK context settings: insurerAccountId: required with insurerIamAuth=true (the account trusted to assume the insurer webhook role), e.g. -c insurerAccountId=123456789012'
        : `Invalid CDK context settings: insurerAccountId: required in ${partitionOf(settings.region)} without icpLicensed=true, ` +
            'where the insurer webhook is IAM-authorised: the insurer’s 12-digit AWS account id, trusted to assume the webhook role ' +
            '(-c insurerAccountId=123456789012), or -c icpLicensed=true if the account holds an ICP licence',
    );
  }
  consoleSettingsProblem(settings);
  return settings;
}

/**
 * How the stage serves the console: `cloudfront` (private bucket behind CloudFront with origin access
 * control) where the stage may serve unauthenticated content, `private-bucket` otherwise (aws-cn without an
 * ICP licence: the files stay in the private bucket, pulled by the courts' own web server with a read-only
 * role; see README "The console in a deployment"). The same `icpLicensed` switch as the API's public routes.
 */
export type ConsoleHosting = 'cloudfront' | 'private-bucket';
export function consoleHosting(settings: Pick<Settings, 'region' | 'icpLicensed'>): ConsoleHosting {
  return unauthenticatedRoutesAllowed(settings) ? 'cloudfront' : 'private-bucket';
}

function consoleSettingsProblem(settings: Settings): void {
  const fail = (message: string) => {
    throw new SettingsError(`Invalid CDK context settings: ${message}`);
  };
  const china = partitionOf(settings.region) === 'aws-cn';
  if (settings.consoleCertificateArn && settings.consoleIamCertificateId)
    fail('consoleCertificateArn, consoleIamCertificateId: set one certificate for the console, not both');
  if (china && settings.consoleCertificateArn)
    fail(
      'consoleCertificateArn: CloudFront in aws-cn does not take ACM certificates; upload the certificate to IAM ' +
        '(aws iam upload-server-certificate --path /cloudfront/ …) and set -c consoleIamCertificateId=ASCA…',
    );
  const certificate = settings.consoleCertificateArn ?? settings.consoleIamCertificateId;
  if (certificate && !settings.consoleDomainName)
    fail('consoleDomainName: required with a console certificate (the host name the certificate is for)');
  if (consoleHosting(settings) !== 'cloudfront') return;
  if (china && (!settings.consoleDomainName || !settings.consoleIamCertificateId))
    fail(
      'consoleDomainName, consoleIamCertificateId: required in aws-cn with icpLicensed=true, where the console is ' +
        'served by CloudFront: *.cloudfront.cn cannot serve content, so give the ICP-filed host name ' +
        '(-c consoleDomainName=relief.court.example.cn) and its certificate uploaded to IAM (-c consoleIamCertificateId=ASCA…)',
    );
  if (settings.consoleDomainName && !certificate)
    fail(
      'consoleCertificateArn: required with consoleDomainName (CloudFront serves an alternate domain name only with its ' +
        'certificate: an ACM certificate in us-east-1, or -c consoleIamCertificateId=ASCA… for one uploaded to IAM)',
    );
}

/**
 * ICP (备案): may this stage's API serve routes without an authorizer? In aws-cn only with `icpLicensed`;
 * in the aws partition unless `icpLicensed=false` is set explicitly.
 */
export function unauthenticatedRoutesAllowed(settings: Pick<Settings, 'region' | 'icpLicensed'>): boolean {
  return settings.icpLicensed ?? partitionOf(settings.region) !== 'aws-cn';
}

/** Is the insurer webhook IAM-authorised at the gateway (in addition to its signature check)? */
export function webhookIamAuthorised(
  settings: Pick<Settings, 'region' | 'icpLicensed' | 'insurerIamAuth'>,
): boolean {
  return settings.insurerIamAuth ?? !unauthenticatedRoutesAllowed(settings);
}

/** Reads every known setting from the construct tree's context (cdk.json + `-c`). */
export function settingsFromContext(node: Node): Settings {
  const raw: Record<string, unknown> = {};
  for (const name of SETTING_NAMES) {
    const value = node.tryGetContext(name);
    if (value !== undefined && value !== '') raw[name] = value;
  }
  return parseSettings(raw);
}

export function jwksUrlOf(settings: Settings): string {
  return settings.jwksUrl ?? `${settings.jwtIssuer.replace(/\/+$/, '')}/.well-known/jwks.json`;
}

/** Partition of a concrete region name, from the CDK's region facts (China regions are `aws-cn`). */
export function partitionOf(region: string): string {
  return RegionInfo.get(region).partition ?? (region.startsWith('cn-') ? 'aws-cn' : 'aws');
}

/**
 * Lambda and Step Functions X-Ray tracing is not offered in the China regions (architecture.md),
 * so tracing is switched on only outside `aws-cn`.
 */
export function tracingAvailable(region: string): boolean {
  return partitionOf(region) !== 'aws-cn';
}
