import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer, HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Trigger } from 'aws-cdk-lib/triggers';
import type { Construct } from 'constructs';
import { WEBHOOK_REJECTED_MESSAGE } from '../../functions/http/specs/insurer-webhook.ts';
import type { Access } from '../../functions/lib/access.ts';
import { BusinessMetric, METRICS_NAMESPACE, METRICS_SERVICE } from '../../functions/lib/metric-names.ts';
import { SEAL_REFUSED_MESSAGE, WORKFLOW_STUCK_MESSAGE } from '../../functions/tasks/specs.ts';
import { AslStateMachine, type ResolvedPlaceholder } from '../constructs/asl-state-machine.ts';
import { type CodeMode, ReliefFunction } from '../constructs/relief-function.ts';
import { isInsurerWebhook, routeAuthorization } from './authorization.ts';
import { CatalogError, type FunctionSource, type HandlerCatalog, REPO_ROOT } from './catalog.ts';
import { jwksUrlOf, type Settings, tracingAvailable } from './settings.ts';

export interface StatelessStackProps extends StackProps {
  settings: Settings;
  catalog: HandlerCatalog;
  table: ITable;
  /** The key of the table and the documents bucket (stateful stack). */
  dataKey: kms.IKey;
  /** The insurer secret (stateful stack), read by the functions whose spec's access includes `insurer`. */
  insurerSecret: ISecret;
  /**
   * The sealed audit checkpoints (stateful stack), for the sealer: the Object Lock bucket by name (no
   * cross-stack reference, like the documents bucket) and the signing key.
   */
  auditCheckpoints: { bucketName: string; signingKey: kms.IKey };
  /** Physical name of the documents bucket (a name, not a reference: see documentsBucketNameFor). */
  documentsBucketName: string;
  /** Directory of `*.asl.json` definitions (default: statemachines/). */
  stateMachinesDir: string;
  /** `stub` only in assertion tests; a deployable synth always bundles. */
  code: CodeMode;
}

/** Object keys of application documents (functions/usecases/documents.ts): `applications/<id>/documents/<documentId>[/<grant facts>]`. */
export const DOCUMENT_KEY_PREFIX = 'applications/';
/** The workflow whose ARN the functions receive as STATE_MACHINE_ARN. */
export const APPROVAL_WORKFLOW_FILE = 'relief-approval.asl.json';

const pascal = (s: string) => s.replace(/(^|[-_.])([a-z0-9])/g, (_m, _sep, c: string) => c.toUpperCase());
const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

/**
 * Everything that can be redeployed at will (style §7): one function per route spec and task spec
 * (its entry bundled, its grants derived from the spec's `access`), the HTTP API with its JWT
 * authorizer (the insurer webhook excepted), the state machines, the S3 event wiring, dead letters
 * and alarms.
 */
export class StatelessStack extends Stack {
  readonly api: apigw.HttpApi;
  /** The API's one stage ($default): its `url` is the API's base URL (the console's `apiUrl`). */
  readonly apiStage: apigw.HttpStage;
  readonly httpFunctions = new Map<string, ReliefFunction>();
  readonly taskFunctions = new Map<string, ReliefFunction>();
  readonly documentUploaded: ReliefFunction;
  readonly documentUploadedDlq: sqs.Queue;
  /** The documents bucket as seen from this stack (imported by name, encrypted with the data key). */
  readonly documentsBucket: s3.IBucket;
  readonly stateMachines = new Map<string, AslStateMachine>();
  readonly alarmTopic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  /** One dashboard per stage (`relief-<stage>`): API, executions, queues, table, business metrics, alarms. */
  dashboard!: cloudwatch.Dashboard;
  /** Seals the audit chains changed since the last checkpoint, on a schedule. */
  readonly auditSealer: ReliefFunction;
  /** The role the insurer assumes to call the IAM-authorised webhook (only when the webhook is IAM-authorised). */
  insurerRole: iam.Role | undefined;

  /** `https://<api id>.execute-api.<region>.<url suffix>`: the origin browsers call (CSP, CORS). */
  get apiOrigin(): string {
    return `https://${this.api.apiId}.execute-api.${this.region}.${this.urlSuffix}`;
  }

  private readonly input: StatelessStackProps;
  private readonly retention: logs.RetentionDays;
  private readonly tracing: boolean;
  private readonly approvalArn: string | undefined;
  private readonly approvalExecutionArns: string | undefined;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    this.input = props;
    const { settings } = props;
    this.retention = settings.logRetentionDays as logs.RetentionDays;
    this.tracing = tracingAvailable(this.region);
    this.documentsBucket = s3.Bucket.fromBucketAttributes(this, 'DocumentsBucket', {
      bucketName: props.documentsBucketName,
      encryptionKey: props.dataKey,
    });

    const aslFiles = existsSync(props.stateMachinesDir)
      ? readdirSync(props.stateMachinesDir)
          .filter((f) => f.endsWith('.asl.json'))
          .sort()
      : [];
    this.approvalArn = aslFiles.includes(APPROVAL_WORKFLOW_FILE)
      ? AslStateMachine.arnOf(this, this.stateMachineName(APPROVAL_WORKFLOW_FILE))
      : undefined;
    this.approvalExecutionArns = aslFiles.includes(APPROVAL_WORKFLOW_FILE)
      ? AslStateMachine.executionArnsOf(this, this.stateMachineName(APPROVAL_WORKFLOW_FILE))
      : undefined;

    // Operations key: dead letters and the alarm topic (CloudWatch must be able to publish to it).
    const opsKey = new kms.Key(this, 'OpsKey', {
      description: 'relief: encrypts dead letters and alarm notifications',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    opsKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublishToEncryptedTopic',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', { masterKey: opsKey, enforceSSL: true });
    if (settings.alarmEmail)
      this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(settings.alarmEmail));

    // --- HTTP API -------------------------------------------------------------------------------
    const jwt = new HttpJwtAuthorizer('CourtJwt', settings.jwtIssuer, {
      jwtAudience: [settings.jwtAudience],
      identitySource: ['$request.header.Authorization'],
    });
    const corsPreflight: apigw.CorsPreflightOptions | undefined =
      settings.corsAllowedOrigins.length > 0
        ? {
            allowOrigins: settings.corsAllowedOrigins,
            allowMethods: [apigw.CorsHttpMethod.ANY],
            allowHeaders: ['authorization', 'content-type', 'idempotency-key', 'if-match'],
            exposeHeaders: ['etag', 'location', 'retry-after', 'x-correlation-id'],
            maxAge: Duration.hours(1),
          }
        : undefined;
    this.api = new apigw.HttpApi(this, 'Api', {
      apiName: `relief-${settings.stage}`,
      description: 'relief: insurance relief (保险救助) for livelihood enforcement cases',
      createDefaultStage: false,
      // A route added without an explicit authorizer is a court route.
      defaultAuthorizer: jwt,
      ...(corsPreflight ? { corsPreflight } : {}),
    });
    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', { retention: this.retention });
    this.apiStage = new apigw.HttpStage(this, 'ApiStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: settings.apiRateLimit, burstLimit: settings.apiBurstLimit },
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            method: '$context.httpMethod',
            routeKey: '$context.routeKey',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            integrationStatus: '$context.integrationStatus',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
            sourceIp: '$context.identity.sourceIp',
            userAgent: '$context.identity.userAgent',
          }),
        ),
      },
    });

    new CfnOutput(this, 'ApiUrl', { description: 'The API base URL', value: this.apiStage.url });

    // The insurer's signed routes (the webhook, the package query and re-delivery): one role for all of them.
    const insurerIamRoutes: { method: string; path: string }[] = [];
    for (const entry of props.catalog.http) {
      const { route } = entry;
      const fn = this.reliefFunction(`Route${pascal(route.operationId)}`, entry, {
        description: `${route.method} ${route.path} (${route.operationId})`,
        access: route.access,
        ...(route.timeoutSeconds ? { timeout: Duration.seconds(route.timeoutSeconds) } : {}),
        verifiesTokens: route.auth === 'jwt',
      });
      this.httpFunctions.set(route.operationId, fn);
      const webhook = isInsurerWebhook(route);
      if (route.auth === 'public' && !webhook && Object.keys(route.access).length > 0) {
        throw new CatalogError(
          `${route.method} ${route.path} (${route.operationId}) is public but its spec grants ${JSON.stringify(route.access)}: a route without a court token serves no case data, unless it verifies insurer signatures (access.insurer 'receive')`,
        );
      }
      // ICP (备案): without the licence, aws-cn serves no unauthenticated route (see routeAuthorization).
      const authorization = routeAuthorization(route, settings);
      const authorizer =
        authorization === 'jwt'
          ? jwt
          : authorization === 'iam'
            ? new HttpIamAuthorizer()
            : new apigw.HttpNoneAuthorizer();
      const [httpRoute] = this.api.addRoutes({
        path: route.path,
        methods: [apigw.HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(`${pascal(route.operationId)}Integration`, fn.function),
        authorizer,
      });
      if (authorizer instanceof apigw.HttpNoneAuthorizer && httpRoute) {
        Validations.of(httpRoute).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: webhook
            ? 'The insurer webhook carries no court token: the handler verifies the insurer signature on every call (enable -c insurerIamAuth=true to add IAM authorisation).'
            : `${route.method} ${route.path} is public by the API contract (auth: public): it serves no case data.`,
        });
      }
      if (webhook && route.operationId === 'insurerWebhook') this.webhookRejectionsAlarm(fn);
      if (webhook && authorization === 'iam') insurerIamRoutes.push(route);
    }
    if (insurerIamRoutes.length > 0) this.insurerWebhookRole(insurerIamRoutes);

    // --- Documents: S3 ObjectCreated → document-uploaded ------------------------------------------
    this.documentUploadedDlq = new sqs.Queue(this, 'DocumentUploadedDlq', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: opsKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const uploaded = props.catalog.documentUploaded;
    this.documentUploaded = this.reliefFunction('DocumentUploaded', uploaded, {
      description: uploaded.task.description,
      access: uploaded.task.access,
      timeout: Duration.seconds(uploaded.task.timeoutSeconds ?? 30),
      ...(uploaded.task.memoryMiB ? { memorySize: uploaded.task.memoryMiB } : {}),
    });
    this.documentUploaded.sendFailedInvocationsTo(this.documentUploadedDlq);
    // The notification lives here, on the imported reference of the bucket: configuring it on the
    // bucket construct would put it in the stateful stack, which would then depend on this one (a cycle).
    this.documentsBucket.addEventNotification(
      s3.EventType.OBJECT_CREATED,
      new s3n.LambdaDestination(this.documentUploaded.function),
      {
        prefix: DOCUMENT_KEY_PREFIX,
      },
    );
    this.acknowledgeBucketNotificationsHandler();

    // --- State machines -----------------------------------------------------------------------------
    for (const file of aslFiles) {
      const machine = new AslStateMachine(this, `Workflow${pascal(file.replace(/\.asl\.json$/, ''))}`, {
        file: path.join(props.stateMachinesDir, file),
        stateMachineName: this.stateMachineName(file),
        resolve: (name) => this.resolvePlaceholder(name),
        logRetention: this.retention,
        tracing: this.tracing,
      });
      this.stateMachines.set(file, machine);
      this.alarm(
        `${machine.node.id}Failed`,
        machine.stateMachine.metricFailed({ period: Duration.minutes(5) }),
        1,
        `${file}: executions failed`,
      );
      this.alarm(
        `${machine.node.id}TimedOut`,
        machine.stateMachine.metricTimedOut({ period: Duration.minutes(5) }),
        1,
        `${file}: executions timed out`,
      );
    }

    // --- Scheduled tasks ----------------------------------------------------------------------------
    for (const { task } of props.catalog.tasks.values()) {
      // A rate given by a deployment setting has its own block (the audit sealer below).
      if (task.trigger !== 'schedule' || typeof task.everyMinutes !== 'number') continue;
      const fn = this.taskFunction(task.name);
      new events.Rule(this, `Every${task.everyMinutes}Min${pascal(task.name)}`, {
        description: `relief: runs ${task.name} every ${task.everyMinutes} minute(s)`,
        schedule: events.Schedule.rate(Duration.minutes(task.everyMinutes)),
        targets: [new targets.LambdaFunction(fn.function, { retryAttempts: 0 })],
      });
    }
    // --- The table's stream → the hand-off (decisions and payout outcomes after the response) -------
    for (const { task } of props.catalog.tasks.values()) {
      if (task.trigger !== 'outbox-stream') continue;
      const fn = this.taskFunction(task.name);
      const streamArn = props.table.tableStreamArn;
      if (!streamArn) throw new CatalogError(`${task.name} needs the table's stream (stateful stack)`);
      new lambda.EventSourceMapping(this, `${pascal(task.name)}Stream`, {
        target: fn.function,
        eventSourceArn: streamArn,
        startingPosition: lambda.StartingPosition.LATEST,
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(0),
        // The handler never throws for one item (it leaves it to the reconcile sweep); a crash is
        // retried twice, then the batch is left to the sweep too, so a shard never stalls.
        retryAttempts: 2,
        bisectBatchOnError: true,
        // Only new outbox items that carry a hand-off invoke the function.
        filters: [
          lambda.FilterCriteria.filter({
            eventName: lambda.FilterRule.isEqual('INSERT'),
            dynamodb: {
              NewImage: {
                entity: { S: lambda.FilterRule.isEqual('outbox') },
                handoff: { M: lambda.FilterRule.exists() },
              },
            },
          }),
        ],
      });
      // The stream read, on this table's stream only (the table's key is granted by bindTable).
      fn.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'TableStream',
          actions: [
            'dynamodb:DescribeStream',
            'dynamodb:GetRecords',
            'dynamodb:GetShardIterator',
            'dynamodb:ListStreams',
          ],
          resources: [streamArn],
        }),
      );
    }
    // Cases the re-drive could not get going again (functions/usecases/redrive.ts): one is enough.
    // Both healers' filters publish the one metric Relief/WorkflowStuck.
    let stuck: cloudwatch.IMetric | undefined;
    for (const name of ['reconcile', 'redrive']) {
      const fn = this.taskFunctions.get(name);
      if (!fn) continue;
      stuck = new logs.MetricFilter(this, `WorkflowStuckFilter${pascal(name)}`, {
        logGroup: fn.logGroup,
        filterPattern: logs.FilterPattern.stringValue('$.message', '=', WORKFLOW_STUCK_MESSAGE),
        metricNamespace: 'Relief',
        metricName: 'WorkflowStuck',
        metricValue: '1',
      }).metric({ period: Duration.minutes(5), statistic: 'Sum' });
    }
    if (stuck) {
      this.alarm(
        'WorkflowStuck',
        stuck,
        1,
        'An in-flight application whose workflow could not be re-driven (flag workflowAlarm, audit workflow.alarm): see the log line workflow.stuck',
      );
    }

    // --- Sealed audit checkpoints: the sealer on a schedule ------------------------------------------
    this.auditSealer = this.auditSealerFunction();

    // --- Alarms --------------------------------------------------------------------------------------
    this.alarm(
      'DocumentUploadedDeadLetters',
      this.documentUploadedDlq.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      1,
      'Uploaded documents whose S3 event failed after all retries (replay from the dead-letter queue)',
    );
    this.alarm(
      'Api5xx',
      this.api.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
      5,
      'HTTP API 5xx responses',
    );
    // Courts are table data: the seeder writes the committed registry on deploy when the table has none.
    new Trigger(this, 'SeedCourtsOnDeploy', {
      handler: this.taskFunction('seedCourts').function,
      executeOnHandlerChange: true,
    });
    this.operations();
  }

  /** A metric of functions/lib/metrics.ts (EMF: namespace Relief, dimensions service + stage [+ one more]). */
  private business(
    name: string,
    extra?: Record<string, string>,
    statistic: 'Sum' | 'Maximum' = 'Sum',
  ): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE,
      metricName: name,
      dimensionsMap: { service: METRICS_SERVICE, stage: this.input.settings.stage, ...(extra ?? {}) },
      statistic,
      period: Duration.minutes(5),
    });
  }

  /**
   * Alarms that page on what matters (each has a runbook line in docs/operations.md, by alarm id), and
   * the stage's dashboard. Failed/timed-out executions, the dead-letter queue, API 5xx, stuck workflows
   * and refused seals are alarmed where their resources are made (above); here the rest.
   */
  private operations(): void {
    const { settings } = this.input;
    const table = this.input.table;
    const fiveMinutes = Duration.minutes(5);
    const machines = [...this.stateMachines.values()];

    // Step Functions refused to start executions (StartExecution quota): submissions wait in the outbox.
    for (const machine of machines) {
      this.alarm(
        `${machine.node.id}ExecutionThrottled`,
        machine.stateMachine.metric('ExecutionThrottled', { period: fiveMinutes, statistic: 'Sum' }),
        1,
        'Step Functions throttled executions (ExecutionThrottled)',
      );
    }
    // Read or write requests the table throttled (on-demand: a hot partition or the account's table limit).
    const tableThrottles = new cloudwatch.MathExpression({
      expression: 'reads + writes',
      usingMetrics: {
        reads: table.metric('ReadThrottleEvents', { period: fiveMinutes, statistic: 'Sum' }),
        writes: table.metric('WriteThrottleEvents', { period: fiveMinutes, statistic: 'Sum' }),
      },
      label: 'DynamoDB throttle events',
      period: fiveMinutes,
    });
    this.alarm('TableThrottles', tableThrottles, 5, 'DynamoDB throttled reads or writes on the table');
    // The outbox (follow-ups of committed transactions) should empty within a reconcile run or two; no
    // data means reconcile itself is not running or failing before it reports: that pages too.
    this.alarm(
      'OutboxAge',
      this.business(BusinessMetric.OutboxOldestAgeSeconds, undefined, 'Maximum'),
      900,
      'The oldest outbox item waits for more than 15 minutes (or reconcile reports nothing)',
      { evaluationPeriods: 3, treatMissingData: cloudwatch.TreatMissingData.BREACHING },
    );
    this.alarm(
      'RedriveFailures',
      this.business(BusinessMetric.RedriveFailures),
      1,
      'The re-drive sweep failed to restart a workflow or settle an upload',
    );
    this.alarm(
      'WebhookSignatureRefusals',
      this.business(BusinessMetric.WebhookRefusals, { reason: 'INVALID_SIGNATURE' }),
      10,
      'A spike of insurer webhook calls refused for their Relief-Signature (forged, stale or a rotated secret)',
    );
    // Post-closure asset checks past their due date (the overdue sweep, hourly): each is escalated once
    // to the executing court and its high court; the count tells the operator the backlog grows.
    this.alarm(
      'AssetChecksOverdue',
      this.business(BusinessMetric.AssetChecksOverdue),
      1,
      'Post-closure asset checks passed their due date unrecorded and were escalated to the executing court and its high court',
    );
    // Quota reservations left by a decision that never finished (the reconcile run settles them):
    // each means a crash between a reservation and its transaction, or a release that failed.
    this.alarm(
      'StaleReservations',
      this.business(BusinessMetric.StaleReservations),
      1,
      'The reconcile run found quota reservations older than the decision timeout and settled them (fenced, released or dropped)',
    );
    // Sealing stops silently when the sealer itself fails (the refusals are alarmed above).
    const every = Math.max(5, settings.auditSealEveryMinutes);
    this.alarm(
      'AuditSealerErrors',
      this.auditSealer.function.metricErrors({ period: Duration.minutes(every), statistic: 'Sum' }),
      1,
      'The audit sealer failed two runs in a row: no checkpoint is being written',
      { evaluationPeriods: 2 },
    );

    const graph = (title: string, left: cloudwatch.IMetric[], width = 8) =>
      new cloudwatch.GraphWidget({ title, left, width, height: 6 });
    const decisionOutcomes = ['approve', 'reject', 'return'];
    const escalationReasons = ['DECISION_OVERDUE', 'PAYOUT_OVERDUE', 'INSURER_UNREACHABLE'];
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `relief-${settings.stage}`,
      defaultInterval: Duration.hours(6),
      widgets: [
        [
          graph('API requests 4xx / 5xx', [
            this.api.metricClientError({ period: fiveMinutes, statistic: 'Sum' }),
            this.api.metricServerError({ period: fiveMinutes, statistic: 'Sum' }),
          ]),
          graph('API latency p50 / p99 (ms)', [
            this.api.metricLatency({ period: fiveMinutes, statistic: 'p50' }),
            this.api.metricLatency({ period: fiveMinutes, statistic: 'p99' }),
          ]),
          graph(
            'Executions started / failed / timed out / throttled',
            machines.flatMap((m) => [
              m.stateMachine.metricStarted({ period: fiveMinutes, statistic: 'Sum' }),
              m.stateMachine.metricFailed({ period: fiveMinutes, statistic: 'Sum' }),
              m.stateMachine.metricTimedOut({ period: fiveMinutes, statistic: 'Sum' }),
              m.stateMachine.metric('ExecutionThrottled', { period: fiveMinutes, statistic: 'Sum' }),
            ]),
          ),
        ],
        [
          graph('Dead letters (uploaded documents)', [
            this.documentUploadedDlq.metricApproximateNumberOfMessagesVisible({
              period: fiveMinutes,
              statistic: 'Maximum',
            }),
          ]),
          graph('Outbox depth / oldest age (s)', [
            this.business(BusinessMetric.OutboxDepth, undefined, 'Maximum'),
            this.business(BusinessMetric.OutboxOldestAgeSeconds, undefined, 'Maximum'),
          ]),
          graph('DynamoDB throttles / transaction conflicts', [
            tableThrottles,
            table.metric('TransactionConflict', { period: fiveMinutes, statistic: 'Sum' }),
          ]),
        ],
        [
          graph('Applications created / decisions by outcome', [
            this.business(BusinessMetric.ApplicationsCreated),
            ...decisionOutcomes.map((o) => this.business(BusinessMetric.Decisions, { outcome: o })),
          ]),
          graph('Quota refusals / payouts', [
            this.business(BusinessMetric.QuotaRefusals, { code: 'QUOTA_EXCEEDED' }),
            this.business(BusinessMetric.Payouts, { outcome: 'payout.succeeded' }),
            this.business(BusinessMetric.Payouts, { outcome: 'payout.declined' }),
          ]),
          graph('Webhook refusals / escalations / re-drive failures / overdue asset checks', [
            this.business(BusinessMetric.WebhookRefusals, { reason: 'INVALID_SIGNATURE' }),
            ...escalationReasons.map((r) => this.business(BusinessMetric.Escalations, { reason: r })),
            this.business(BusinessMetric.RedriveFailures),
            this.business(BusinessMetric.AssetChecksOverdue),
            this.business(BusinessMetric.StaleReservations),
          ]),
        ],
        [new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 6 })],
      ],
    });
  }

  private stateMachineName(file: string): string {
    const base = file.replace(/\.asl\.json$/, '').replace(/^relief-/, '');
    return `relief-${this.input.settings.stage}-${base}`;
  }

  /**
   * The configuration a function's factories read besides what `bind*` sets (functions/factories/):
   * the token verifier's settings for the routes that verify court tokens, the URL lifetimes for the
   * functions that presign.
   */
  private environmentFor(access: Access, verifiesTokens: boolean): Record<string, string> {
    const s = this.input.settings;
    return {
      ...(verifiesTokens
        ? { JWT_ISSUER: s.jwtIssuer, JWT_AUDIENCE: s.jwtAudience, JWKS_URL: jwksUrlOf(s) }
        : {}),
      ...(access.bucket
        ? {
            UPLOAD_URL_TTL_SECONDS: String(s.uploadUrlTtlSeconds),
            DOWNLOAD_URL_TTL_SECONDS: String(s.downloadUrlTtlSeconds),
          }
        : {}),
    };
  }

  /** One function from its entry, with the grants and configuration derived from its spec's `access`. */
  private reliefFunction(
    id: string,
    source: FunctionSource,
    options: {
      description: string;
      access: Access;
      verifiesTokens?: boolean;
      timeout?: Duration;
      memorySize?: number;
    },
  ): ReliefFunction {
    const { table, bucket, workflow, insurer, auditCheckpoints, render } = options.access;
    const { insurerEndpoint } = this.input.settings;
    const fn = new ReliefFunction(this, id, {
      entry: source.entry,
      exportPath: source.exportPath,
      description: options.description,
      projectRoot: REPO_ROOT,
      logRetention: this.retention,
      tracing: this.tracing,
      code: this.input.code,
      environment: {
        // The `stage` dimension of the business metrics (functions/lib/metrics.ts).
        RELIEF_STAGE: this.input.settings.stage,
        ...this.environmentFor(options.access, options.verifiesTokens ?? false),
        // Only the function that sends packages learns where they go (outbound HTTPS, no grant needed).
        ...((insurer === 'send' || insurer === 'both') && insurerEndpoint
          ? { INSURER_ENDPOINT: insurerEndpoint }
          : {}),
      },
      ...(options.timeout ? { timeout: options.timeout } : {}),
      ...(options.memorySize ? { memorySize: options.memorySize } : {}),
    });
    if (table) fn.bindTable(this.input.table, table);
    if (bucket) fn.bindBucket(this.documentsBucket, bucket, `${DOCUMENT_KEY_PREFIX}*`);
    if (workflow) {
      if (!this.approvalArn) {
        throw new CatalogError(
          `${id} needs the approval workflow, but ${APPROVAL_WORKFLOW_FILE} is not in ${this.input.stateMachinesDir}`,
        );
      }
      fn.bindStateMachine(this.approvalArn, workflow, this.approvalExecutionArns);
    }
    if (insurer) fn.bindInsurerSecret(this.input.insurerSecret);
    if (render) fn.bindRenderer(render, this.taskFunction(render));
    if (auditCheckpoints) {
      const { bucketName, signingKey } = this.input.auditCheckpoints;
      fn.bindAuditCheckpoints(
        s3.Bucket.fromBucketName(this, `${id}AuditCheckpointBucket`, bucketName),
        signingKey,
      );
    }
    return fn;
  }

  /** One function per task spec, shared by every definition and schedule that uses it. */
  private taskFunction(name: string): ReliefFunction {
    const existing = this.taskFunctions.get(name);
    if (existing) return existing;
    const source = this.input.catalog.tasks.get(name);
    if (!source) {
      throw new CatalogError(`No task ${name} is specified in functions/tasks/specs.ts`);
    }
    const { task } = source;
    const fn = this.reliefFunction(`Task${pascal(name)}`, source, {
      description: `task ${name}`,
      access: task.access,
      timeout: Duration.seconds(task.timeoutSeconds ?? 30),
      ...(task.memoryMiB ? { memorySize: task.memoryMiB } : {}),
    });
    this.taskFunctions.set(name, fn);
    return fn;
  }

  private resolvePlaceholder(name: string): ResolvedPlaceholder | undefined {
    if (name === 'Partition') return { value: this.partition };
    if (name === 'Region') return { value: this.region };
    if (name === 'AccountId') return { value: this.account };
    const task = /^([A-Z][A-Za-z0-9]*)Function$/.exec(name);
    if (task?.[1] && this.input.catalog.tasks.has(lowerFirst(task[1]))) {
      const fn = this.taskFunction(lowerFirst(task[1]));
      return { value: fn.functionArn, grants: [fn.invokeStatement()] };
    }
    return undefined;
  }

  /**
   * The principal the insurer signs its webhook calls with (SigV4) when the route is IAM-authorised: a
   * role in this account that the insurer's account may assume (optionally only with the agreed external
   * id), allowed to invoke exactly `POST /insurer/webhooks`. The insurer's administrators then let their
   * own caller assume it; the HMAC signature check of the handler stays in force on top.
   */
  private insurerWebhookRole(routes: { method: string; path: string }[]): void {
    const { insurerAccountId, insurerExternalId, stage } = this.input.settings;
    if (!insurerAccountId) {
      // parseSettings already refuses this; a hand-built Settings object must not produce a role nobody can use.
      throw new CatalogError('insurerAccountId is required when the insurer webhook is IAM-authorised');
    }
    const role = new iam.Role(this, 'InsurerWebhookRole', {
      description: `relief ${stage}: assumed by the insurer (account ${insurerAccountId}) to call its routes (${routes.map((r) => `${r.method} ${r.path}`).join(', ')}) with SigV4`,
      assumedBy: new iam.AccountPrincipal(insurerAccountId).withConditions(
        insurerExternalId ? { StringEquals: { 'sts:ExternalId': insurerExternalId } } : {},
      ),
      maxSessionDuration: Duration.hours(1),
    });
    // Exactly this route of the one ($default) stage: HttpRoute.grantInvoke would allow every stage (`/*/`).
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['execute-api:Invoke'],
        resources: routes.map((route) => this.api.arnForExecuteApi(route.method, route.path, '$default')),
      }),
    );
    this.insurerRole = role;
    new CfnOutput(this, 'InsurerWebhookRoleArn', {
      description:
        'Give this role ARN to the insurer: it assumes it and signs POST /insurer/webhooks with SigV4',
      value: role.roleArn,
    });
  }

  /**
   * 全程留痕 beyond the table: every `auditSealEveryMinutes` the sealer signs (kms:Sign, audit key) the heads
   * of the audit chains changed since the last seal into the next checkpoint of the Object Lock bucket.
   * A due chain whose stored entries do not verify is not sealed and logs `audit.seal.refused`: alarmed.
   */
  private auditSealerFunction(): ReliefFunction {
    const { settings } = this.input;
    const fn = this.taskFunction('sealAuditTrail');
    const every = settings.auditSealEveryMinutes;
    new events.Rule(this, 'AuditSealSchedule', {
      description: `relief: seals the changed audit chains every ${every} minute(s)`,
      schedule: events.Schedule.rate(Duration.minutes(every)),
      targets: [new targets.LambdaFunction(fn.function, { retryAttempts: 0 })],
    });
    const refused = new logs.MetricFilter(this, 'AuditSealRefusedFilter', {
      logGroup: fn.logGroup,
      filterPattern: logs.FilterPattern.stringValue('$.message', '=', SEAL_REFUSED_MESSAGE),
      metricNamespace: 'Relief',
      metricName: 'AuditSealRefused',
      metricValue: '1',
    });
    this.alarm(
      'AuditSealRefused',
      refused.metric({ period: Duration.minutes(Math.max(5, every)), statistic: 'Sum' }),
      1,
      'An audit chain due for sealing does not verify against the head on its row: run `relief audit verify`',
    );
    return fn;
  }

  private webhookRejectionsAlarm(fn: ReliefFunction): void {
    const filter = new logs.MetricFilter(this, 'WebhookRejectedFilter', {
      logGroup: fn.logGroup,
      filterPattern: logs.FilterPattern.stringValue('$.message', '=', WEBHOOK_REJECTED_MESSAGE),
      metricNamespace: 'Relief',
      metricName: 'WebhookRejected',
      metricValue: '1',
    });
    this.alarm(
      'WebhookRejections',
      filter.metric({ period: Duration.minutes(5), statistic: 'Sum' }),
      3,
      'Insurer webhook calls rejected (bad signature, replay or unknown payout): check the insurer integration',
    );
  }

  private alarm(
    id: string,
    metric: cloudwatch.IMetric,
    threshold: number,
    description: string,
    options: { evaluationPeriods?: number; treatMissingData?: cloudwatch.TreatMissingData } = {},
  ): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, `${id}Alarm`, {
      metric,
      threshold,
      evaluationPeriods: options.evaluationPeriods ?? 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: options.treatMissingData ?? cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `relief ${this.input.settings.stage}: ${description}`,
    });
    alarm.addAlarmAction(new SnsAction(this.alarmTopic));
    this.alarms.push(alarm);
    return alarm;
  }

  /** The CDK-managed singleton Lambda behind S3 bucket notifications (not our code, not configurable). */
  private acknowledgeBucketNotificationsHandler(): void {
    const handler = this.node.tryFindChild('BucketNotificationsHandler050a0587b7544547bf325f094a3db834');
    if (!handler) return;
    Validations.of(handler).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason:
        'CDK-managed custom resource handler for bucket notifications: its role and managed policy are fixed by aws-cdk-lib.',
    });
  }
}
