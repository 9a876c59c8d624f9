import type { BucketAccess, TableAccess, WorkflowAccess } from '../constructs/relief-function.ts';
import type { RouteInfo } from './catalog.ts';
import { type Settings, unauthenticatedRoutesAllowed, webhookIamAuthorised } from './settings.ts';

/**
 * What each function may touch (style §7: a function gets exactly the access it uses). Defaults
 * follow the HTTP method (GET reads the table, anything else writes it); the exceptions are listed
 * by operationId / export name. Review this file whenever a use case starts using a new resource.
 */
export interface FunctionAccess {
  table?: TableAccess;
  /** `name-only`: the function's configuration names the bucket (config.ts requires it) but never touches it. */
  bucket?: BucketAccess;
  workflow?: WorkflowAccess;
  insurer?: InsurerAccess;
}

/**
 * The insurer integration (保险公司对接). Both directions read the insurer secret (functions/lib/secrets.ts:
 * `webhookSecrets` verify inbound callbacks, `packageSecret` signs outbound packages); `send` also gets
 * INSURER_ENDPOINT, the insurer's HTTPS endpoint (outbound from the Lambda service network, no VPC).
 */
export type InsurerAccess = 'receive' | 'send';

/** Routes whose needs differ from the method default. */
export const ROUTE_ACCESS: Readonly<Record<string, FunctionAccess>> = {
  // Static answers: no data access at all.
  health: {},
  openapi: {},
  // Presigned upload: the URL is signed with this function's role, so the role needs PutObject + the KMS data key.
  requestDocumentUpload: { table: 'write', bucket: 'write' },
  // Presigned download, same reasoning with GetObject + kms:Decrypt.
  getDocument: { table: 'read', bucket: 'read' },
  // Submitting starts the approval execution; deciding answers the waiting task token.
  submitApplication: { table: 'write', workflow: 'start' },
  decideApplication: { table: 'write', workflow: 'respond' },
  // Screening persists nothing: it only reads the campaign.
  checkEligibility: { table: 'read' },
  // The insurer's payout callback: verifies its signature with the insurer secret, records the
  // outcome and answers the payout task token (deliver-payout outbox).
  insurerWebhook: { table: 'write', workflow: 'respond', insurer: 'receive' },
};

/** Task functions (ASL placeholders and schedules) whose needs differ from `{ table: 'write' }`. */
export const TASK_ACCESS: Readonly<Record<string, FunctionAccess>> = {
  // Sends the decision back itself when the decision was recorded before the token.
  recordTaskToken: { table: 'write', workflow: 'respond' },
  // Heals interrupted follow-ups: starts executions and delivers decisions and payout outcomes from the
  // outbox; a decision whose token is gone is settled only once DescribeExecution shows the workflow
  // carries on, else the execution is re-driven.
  reconcile: { table: 'write', workflow: 'heal' },
  // Re-drives lost workflows (DescribeExecution, StartExecution) and lost S3 events: reads the pending
  // documents' objects (HeadObject/GetObject + kms:Decrypt) to settle them; never answers a task token.
  redrive: { table: 'write', bucket: 'read', workflow: 'redrive' },
  // 发放: records the payout token, presigns document downloads for the insurer (GetObject + kms:Decrypt),
  // signs the package with the insurer secret and POSTs it; answers the token itself when already settled.
  dispatchPackage: { table: 'write', bucket: 'read', workflow: 'respond', insurer: 'send' },
  // Reads the audit chains and deletes their pending-seal marks; the checkpoint bucket and kms:Sign are
  // bound by the stateless stack's audit block (bindAuditCheckpoints).
  sealAuditTrail: { table: 'write' },
};

export const DOCUMENT_UPLOADED_ACCESS: FunctionAccess = { table: 'write', bucket: 'read' };

export function routeAccess(route: RouteInfo): FunctionAccess {
  return ROUTE_ACCESS[route.operationId] ?? { table: route.method === 'GET' ? 'read' : 'write' };
}

export function taskAccess(exportName: string): FunctionAccess {
  return TASK_ACCESS[exportName] ?? { table: 'write' };
}

/**
 * The insurer webhook (保险公司回调): not a court route. It carries no court JWT (the handler verifies
 * the insurer's signature) and can additionally be IAM-authorised (`-c insurerIamAuth=true`).
 * Deployed with every route of `apiRoutes` (functions/handlers/http/insurer.ts); its access must
 * include `insurer` (ROUTE_ACCESS), or synthesis fails.
 */
export const INSURER_WEBHOOK = { method: 'POST', path: '/insurer/webhooks' } as const;

export function isInsurerWebhook(route: RouteInfo): boolean {
  return route.method === INSURER_WEBHOOK.method && route.path === INSURER_WEBHOOK.path;
}

/**
 * How the gateway authorises a route: court routes by the JWT authorizer; the insurer webhook by IAM when
 * `webhookIamAuthorised`, else not at all (its handler verifies the HMAC signature either way); the public
 * routes (health, OpenAPI) not at all where unauthenticated routes are allowed (ICP 备案, see
 * `unauthenticatedRoutesAllowed`), else by the court JWT authorizer.
 */
export function routeAuthorization(
  route: RouteInfo,
  settings: Pick<Settings, 'region' | 'icpLicensed' | 'insurerIamAuth'>,
): 'jwt' | 'iam' | 'none' {
  if (isInsurerWebhook(route)) return webhookIamAuthorised(settings) ? 'iam' : 'none';
  if (route.auth === 'jwt') return 'jwt';
  return unauthenticatedRoutesAllowed(settings) ? 'none' : 'jwt';
}

/** Log line (Powertools `message`) the webhook handler writes when it rejects a callback. */
export const WEBHOOK_REJECTED_MESSAGE = 'webhook.rejected';

/**
 * Log line (Powertools `message`) the re-drive sweep writes when it raises an operator alarm on an
 * application (functions/usecases/redrive.ts, WORKFLOW_STUCK): counted by a metric filter, alarmed on.
 */
export const WORKFLOW_STUCK_MESSAGE = 'workflow.stuck';

/** Log line the audit sealer writes when a due chain does not verify and is left unsealed. */
export const SEAL_REFUSED_MESSAGE = 'audit.seal.refused';

/** Task exports run on a schedule when deployed (the local runner runs them every few seconds). */
export const SCHEDULED_TASKS: readonly { exportName: string; everyMinutes: number }[] = [
  { exportName: 'reconcile', everyMinutes: 1 },
  { exportName: 'redrive', everyMinutes: 5 },
];
