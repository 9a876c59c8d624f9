import * as z from 'zod/mini';
import type { Access } from '../lib/access.ts';
import { rendererSpecs } from './render-specs.ts';

/**
 * The non-HTTP functions, as pure data: the approval state machine's tasks (statemachines/
 * relief-approval.asl.json names them `${<Name>Function}`), the scheduled sweeps and the S3
 * ObjectCreated handler. Each has one Lambda entry (taskEntryPath); CDK derives the function, its
 * grants (`access`) and its schedule from here, and the local runner mounts the same entries.
 */
export interface TaskSpec {
  /** The function's name: `recordTaskToken` backs the ASL placeholder `${RecordTaskTokenFunction}`. */
  name: string;
  description: string;
  /**
   * `workflow`: a `lambda:invoke` task of a state machine; `schedule`: an EventBridge rate;
   * `object-created`: S3 on the documents bucket; `deploy`: a CDK trigger, run on every deployment;
   * `outbox-stream`: the table's stream, filtered to new outbox items that carry a hand-off;
   * `invoke`: called synchronously by the routes whose access names it (`render`: render-specs.ts).
   */
  trigger: 'workflow' | 'schedule' | 'object-created' | 'deploy' | 'outbox-stream' | 'invoke';
  access: Access;
  /**
   * `schedule` only: how often it runs when deployed, in minutes, or the deployment setting that says
   * (the local runner runs the sweeps every few seconds).
   */
  everyMinutes?: number | 'auditSealEveryMinutes';
  /** @default 30 */
  timeoutSeconds?: number;
  /** @default 512 */
  memoryMiB?: number;
}

/**
 * Inputs, parsed by the entries (zod/mini: a task bundles ~10 KB of zod, not the ~90 KB of its classic
 * API): a malformed payload is a bug in the definition, and fails the task loudly.
 */
const Ref = { applicationId: z.string().check(z.minLength(1)), submissionSeq: z.int().check(z.minimum(1)) };
/** `$$.Execution.Name`: a task of an execution that is no longer the submission's current one ends (Superseded). */
const ExecutionName = z.optional(z.string().check(z.minLength(1), z.maxLength(80)));
const TaskToken = z.string().check(z.minLength(1));

export const TokenPayload = z.object({
  ...Ref,
  level: z.int().check(z.minimum(0)),
  taskToken: TaskToken,
  executionName: ExecutionName,
});
export const DispatchPayload = z.object({ ...Ref, taskToken: TaskToken, executionName: ExecutionName });
export const EscalatePayload = z.object({ ...Ref, reason: z.string() });
export const FaultPayload = z.object({ ...Ref, error: z.unknown() });
/** A schedule's event carries none of these: the deployed defaults apply. The local runner's start-up pass sets them. */
/** The overdue sweep's options (a schedule sends none): items per run, a new pass. */
export const OverdueSweepPayload = z.object({
  limit: z.optional(z.int().check(z.minimum(1), z.maximum(1000))),
  fromStart: z.optional(z.boolean()),
});
/** The seal sweep's options (a schedule sends none): `full` seals every chain (the first seal of existing data). */
export const SealPayload = z.object({ full: z.optional(z.boolean()) });
export const RedrivePayload = z.object({
  quietSeconds: z.optional(z.int().check(z.minimum(0), z.maximum(86_400))),
  limit: z.optional(z.int().check(z.minimum(1), z.maximum(1000))),
  fromStart: z.optional(z.boolean()),
  changedBefore: z.optional(z.iso.datetime()),
});

export const recordTaskToken: TaskSpec = {
  name: 'recordTaskToken',
  description: 'approval task: records the waiting level’s task token',
  trigger: 'workflow',
  // Sends the decision back itself when the decision was recorded before the token.
  access: { table: { read: ['CAMPAIGNS', 'COURTS'], write: ['APP'] }, workflow: 'respond' },
};

export const dispatchPackage: TaskSpec = {
  name: 'dispatchPackage',
  description: 'approval task: 发放, sends the signed package to the insurer',
  trigger: 'workflow',
  // Records the payout token, presigns document downloads for the insurer (GetObject + kms:Decrypt),
  // signs the package with the insurer secret and POSTs it; answers the token itself when already settled.
  access: {
    table: { read: ['CAMPAIGNS', 'COURTS'], write: ['APP', 'SEALQ'] },
    bucket: 'read',
    workflow: 'respond',
    insurer: 'send',
  },
};

export const escalate: TaskSpec = {
  name: 'escalate',
  description: 'approval task: escalates an overdue level',
  trigger: 'workflow',
  access: { table: { read: ['CAMPAIGNS', 'COURTS'], write: ['APP', 'SEALQ'] } },
};

export const recordFault: TaskSpec = {
  name: 'recordFault',
  description: 'approval task: records a workflow fault on the application',
  trigger: 'workflow',
  access: { table: { read: ['CAMPAIGNS', 'COURTS'], write: ['APP', 'SEALQ'] } },
};

export const reconcile: TaskSpec = {
  name: 'reconcile',
  description: 'sweep: heals interrupted follow-ups (outbox)',
  trigger: 'schedule',
  everyMinutes: 1,
  // Starts executions and delivers decisions and payout outcomes from the outbox; a decision whose
  // token is gone is settled only once DescribeExecution shows the workflow carries on, else the
  // execution is re-driven. Then settles stale quota reservation entries (fences the application,
  // releases on the quota row with an entry on its chain: usecases/quota-reservations.ts).
  access: {
    table: {
      read: ['CAMPAIGNS', 'COURTS'],
      write: ['APP', 'SEALQ', 'QUOTA', 'QUOTA_AUDIT'],
      indexes: ['gsi4'],
    },
    workflow: 'heal',
  },
};

export const handOff: TaskSpec = {
  name: 'handOff',
  description: 'table stream: hands a committed decision or payout outcome to the waiting workflow',
  trigger: 'outbox-stream',
  // SendTaskSuccess with the token the outbox item carries, then deletes the item; anything it cannot
  // finish stays for the reconcile sweep. (The stream read grant comes with the event source.)
  access: { table: { write: ['APP'] }, workflow: 'respond' },
};

export const redrive: TaskSpec = {
  name: 'redrive',
  description: 'sweep: re-drives lost workflows and lost S3 events',
  trigger: 'schedule',
  everyMinutes: 5,
  // DescribeExecution, StartExecution; reads the pending documents' objects (HeadObject/GetObject +
  // kms:Decrypt) to settle them; never answers a task token.
  access: {
    table: { read: ['CAMPAIGNS', 'COURTS'], write: ['APP', 'SEALQ', 'SWEEP'], indexes: ['gsi4'] },
    bucket: 'inspect',
    workflow: 'redrive',
  },
  // A run may hash a few lost uploads (up to 20 MiB each) besides its workflow checks.
  timeoutSeconds: 120,
  memoryMiB: 1024,
};

export const escalateOverdueChecks: TaskSpec = {
  name: 'escalateOverdueChecks',
  description: 'sweep: escalates overdue post-closure asset checks (audit + metric)',
  trigger: 'schedule',
  // Due dates are Beijing days: hourly is soon enough, and a backlog drains one bounded run an hour.
  everyMinutes: 60,
  // Reads the sparse due index, writes one audit entry and the escalation mark per overdue check.
  access: { table: { read: ['CAMPAIGNS', 'COURTS'], write: ['APP', 'SEALQ', 'SWEEP'], indexes: ['due'] } },
  // Up to 200 index items and their conditioned writes per run.
  timeoutSeconds: 120,
};

export const documentUploaded: TaskSpec = {
  name: 'documentUploaded',
  description: 'S3 ObjectCreated: settles an uploaded document',
  trigger: 'object-created',
  access: { table: { read: ['CAMPAIGNS', 'COURTS'], write: ['APP', 'SEALQ'] }, bucket: 'inspect' },
  // Hashes the whole object (up to 20 MiB) to compare it with the declared SHA-256.
  timeoutSeconds: 60,
  memoryMiB: 1024,
};

export const sealAuditTrail: TaskSpec = {
  name: 'sealAuditTrail',
  description: 'sweep: seals changed audit chains into a signed checkpoint',
  trigger: 'schedule',
  everyMinutes: 'auditSealEveryMinutes',
  // Reads the audit chains and deletes their pending-seal marks; writes checkpoint objects to the Object
  // Lock bucket and signs them with the audit key. A full seal ({ full: true }) finds every chain through
  // the campaigns, their quota rows and their applications (gsi3): no Scan, which no function is granted.
  access: {
    table: {
      read: ['APP', 'CAMPAIGNS', 'CAMPAIGN_AUDIT', 'COURTS', 'COURTS_AUDIT', 'QUOTA', 'QUOTA_AUDIT'],
      write: ['SEALQ'],
      indexes: ['gsi3'],
    },
    auditCheckpoints: 'seal',
  },
  // Up to MAX_LEAVES_PER_CHECKPOINT chains read and verified per run.
  timeoutSeconds: 300,
  memoryMiB: 1024,
};

export const seedCourts: TaskSpec = {
  name: 'seedCourts',
  description: 'deploy: writes the committed court registry into the table when it has none',
  trigger: 'deploy',
  // The only function that bundles courts.registry.json.
  access: { table: { write: ['COURTS'] } },
};

/** Every task function, once. */
export const taskSpecs: readonly TaskSpec[] = [
  recordTaskToken,
  dispatchPackage,
  escalate,
  recordFault,
  reconcile,
  handOff,
  redrive,
  escalateOverdueChecks,
  documentUploaded,
  sealAuditTrail,
  seedCourts,
  ...rendererSpecs,
];

/** Log line the audit sealer writes when a due chain does not verify and is left unsealed (alarmed). */
export const SEAL_REFUSED_MESSAGE = 'audit.seal.refused';

/**
 * Log line (Powertools `message`) the re-drive sweeps write when they raise an operator alarm on an
 * application (usecases/redrive.ts WORKFLOW_STUCK): counted by a metric filter, alarmed on.
 */
export const WORKFLOW_STUCK_MESSAGE = 'workflow.stuck';

/** The Lambda entry module of a task, relative to the repository root. */
export function taskEntryPath(spec: Pick<TaskSpec, 'name' | 'trigger'>): string {
  const file = spec.name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  return `functions/entries/${spec.trigger === 'object-created' ? 'events' : 'tasks'}/${file}.ts`;
}
