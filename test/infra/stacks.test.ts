import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes } from '../../functions/http/routes.ts';
import { WEBHOOK_REJECTED_MESSAGE } from '../../functions/http/specs/insurer-webhook.ts';
import { WORKFLOW_STUCK_MESSAGE } from '../../functions/tasks/specs.ts';
import type { ReliefFunction } from '../../infra/constructs/relief-function.ts';
import { DEV_PACKAGE_SECRET, DEV_WEBHOOK_SECRET } from '../../infra/local/stack.ts';
import { STATE_MACHINES_DIR } from '../../infra/stacks/catalog.ts';
import {
  INSURER_SECRET_GENERATED_KEY,
  INSURER_SECRET_TEMPLATE,
  PRESIGNED_UPLOAD_HEADERS,
} from '../../infra/stacks/stateful-stack.ts';
import { projectionOf, TABLE_DESIGN } from '../../infra/table-design.ts';
import {
  actionsOf,
  amazonawsOutsidePrincipals,
  type Synthesised,
  statementsOf,
  synth,
  tokensOf,
} from './synth.ts';

const DYNAMODB_WRITES = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];
const ORIGIN = 'https://court.example';
const INSURER_ENDPOINT = 'https://insurer.example/relief/packages';

const INSURER_ACCOUNT = '210987654321';

// aws-cn as deployed by default (no ICP licence: nothing unauthenticated at the gateway, see icp.test.ts
// for both modes of each partition); aws with its public routes.
const partitions = [
  { region: 'cn-northwest-1', partition: 'aws-cn', tracing: false, publicRoutes: false },
  { region: 'us-east-1', partition: 'aws', tracing: true, publicRoutes: true },
] as const;

describe.each(partitions)('relief app in $region ($partition)', ({ region, tracing, publicRoutes }) => {
  let s: Synthesised;
  beforeAll(async () => {
    s = await synth({
      context: {
        region,
        stage: 'test',
        corsAllowedOrigins: `${ORIGIN}, https://other.example`,
        insurerEndpoint: INSURER_ENDPOINT,
        ...(publicRoutes ? {} : { insurerAccountId: INSURER_ACCOUNT }),
      },
    });
  }, 120_000);

  const fnOf = (operationId: string): ReliefFunction => {
    const fn = s.stateless.httpFunctions.get(operationId);
    if (!fn) throw new Error(`no function for ${operationId}`);
    return fn;
  };
  const taskFn = (exportName: string): ReliefFunction => {
    const fn = s.stateless.taskFunctions.get(exportName);
    if (!fn) throw new Error(`no task function ${exportName}`);
    return fn;
  };
  const cfnFunction = (fn: ReliefFunction) =>
    s.statelessTemplate.toJSON().Resources[
      s.stateless.getLogicalId(fn.function.node.defaultChild as CfnFunction)
    ];
  const allFunctions = (): ReliefFunction[] => [
    ...s.stateless.httpFunctions.values(),
    ...s.stateless.taskFunctions.values(),
    s.stateless.documentUploaded,
  ];
  const insurerSecretId = () =>
    s.stateful.getLogicalId(s.stateful.insurerSecretResource.node.defaultChild as never);
  const dataKeyId = () => s.stateful.getLogicalId(s.stateful.dataKey.node.defaultChild as never);
  /** A stateless value that reads a stateful output (`Fn::GetStackOutput`), as the stateful value it publishes. */
  const fromStateful = (value: unknown): unknown => {
    const ref = (value as { 'Fn::GetStackOutput'?: { StackName: string; OutputName: string } })[
      'Fn::GetStackOutput'
    ];
    if (!ref) return value;
    expect(ref.StackName).toBe('relief-test-stateful');
    return s.statefulTemplate.toJSON().Outputs[ref.OutputName]?.Value;
  };

  describe('stateful stack', () => {
    it('rotates the customer managed key and keeps it', () => {
      s.statefulTemplate.hasResource('AWS::KMS::Key', {
        Properties: { EnableKeyRotation: true },
        DeletionPolicy: 'Retain',
      });
    });

    it('encrypts the table with the customer managed key, with PITR, deletion protection, TTL and the GSIs of the design', () => {
      const keyId = s.stateful.getLogicalId(s.stateful.dataKey.node.defaultChild as never);
      s.statefulTemplate.hasResource('AWS::DynamoDB::Table', {
        DeletionPolicy: 'Retain',
        Properties: {
          SSESpecification: {
            SSEEnabled: true,
            SSEType: 'KMS',
            KMSMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
          },
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          DeletionProtectionEnabled: true,
          TimeToLiveSpecification: { AttributeName: TABLE_DESIGN.ttlAttribute, Enabled: true },
          KeySchema: [
            { AttributeName: TABLE_DESIGN.partitionKey, KeyType: 'HASH' },
            { AttributeName: TABLE_DESIGN.sortKey, KeyType: 'RANGE' },
          ],
          GlobalSecondaryIndexes: TABLE_DESIGN.globalSecondaryIndexes.map((i) =>
            Match.objectLike({
              IndexName: i.indexName,
              KeySchema: [
                { AttributeName: i.partitionKey, KeyType: 'HASH' },
                { AttributeName: i.sortKey, KeyType: 'RANGE' },
              ],
              // The one design (infra/table-design.ts) for the stack and the local table alike.
              Projection: projectionOf(i.projection),
            }),
          ),
        },
      });
    });

    it('encrypts documents with SSE-KMS under the data key, versioned, private, logged to the access-log bucket', () => {
      const keyId = s.stateful.getLogicalId(s.stateful.dataKey.node.defaultChild as never);
      const logsId = s.stateful.getLogicalId(s.stateful.accessLogsBucket.node.defaultChild as never);
      s.statefulTemplate.hasResourceProperties('AWS::S3::Bucket', {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            {
              ServerSideEncryptionByDefault: {
                SSEAlgorithm: 'aws:kms',
                KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] },
              },
              BucketKeyEnabled: true,
            },
          ],
        },
        VersioningConfiguration: { Status: 'Enabled' },
        LoggingConfiguration: { DestinationBucketName: { Ref: logsId }, LogFilePrefix: 'documents/' },
        LifecycleConfiguration: {
          Rules: Match.arrayWith([
            Match.objectLike({
              AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
              Status: 'Enabled',
            }),
            Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 90 }, Status: 'Enabled' }),
          ]),
        },
      });
    });

    it('blocks all public access and denies non-TLS requests on all three buckets', () => {
      const buckets = s.statefulTemplate.findResources('AWS::S3::Bucket');
      // access logs, documents, sealed audit checkpoints
      expect(Object.keys(buckets)).toHaveLength(3);
      for (const bucket of Object.values(buckets)) {
        expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        });
      }
      const policies = Object.values(s.statefulTemplate.findResources('AWS::S3::BucketPolicy'));
      expect(policies).toHaveLength(3);
      for (const policy of policies) {
        expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
          expect.objectContaining({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        );
      }
    });

    it('lets the configured origins PUT and GET with exactly the headers a presigned upload signs', () => {
      s.statefulTemplate.hasResourceProperties('AWS::S3::Bucket', {
        CorsConfiguration: {
          CorsRules: [
            Match.objectLike({
              AllowedMethods: ['PUT', 'GET'],
              AllowedOrigins: [ORIGIN, 'https://other.example'],
              AllowedHeaders: PRESIGNED_UPLOAD_HEADERS,
            }),
          ],
        },
      });
      expect(PRESIGNED_UPLOAD_HEADERS).toEqual(['content-type', 'content-length', 'x-amz-checksum-sha256']);
    });
  });

  describe('insurer secret', () => {
    it('is encrypted with the data key, retained, and named per stage', () => {
      s.statefulTemplate.resourceCountIs('AWS::SecretsManager::Secret', 1);
      s.statefulTemplate.hasResource('AWS::SecretsManager::Secret', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: {
          KmsKeyId: { 'Fn::GetAtt': [dataKeyId(), 'Arn'] },
          Name: 'relief/test/insurer',
        },
      });
      expect(s.stateful.insurerSecret.encryptionKey).toBe(s.stateful.dataKey);
    });

    it('holds a generated placeholder: packageSecret generated into the JSON template, no value in the template', () => {
      const secret = s.statefulTemplate.toJSON().Resources[insurerSecretId()].Properties;
      expect(secret.SecretString).toBeUndefined();
      expect(secret.GenerateSecretString).toEqual({
        SecretStringTemplate: JSON.stringify(INSURER_SECRET_TEMPLATE),
        GenerateStringKey: INSURER_SECRET_GENERATED_KEY,
        PasswordLength: 48,
        ExcludePunctuation: true,
        IncludeSpace: false,
      });
      expect(JSON.parse(secret.GenerateSecretString.SecretStringTemplate)).toEqual({ webhookSecrets: [] });
      expect(INSURER_SECRET_GENERATED_KEY).toBe('packageSecret');
    });

    it('puts no secret value in either template: no dev secret, no plaintext secret variable', () => {
      for (const literal of [DEV_WEBHOOK_SECRET, DEV_PACKAGE_SECRET, 'relieflocalsecret']) {
        expect(s.text).not.toContain(literal);
      }
      expect(s.text).not.toContain('INSURER_PACKAGE_SECRET');
      expect(s.text).not.toContain('INSURER_WEBHOOK_SECRETS');
      s.statefulTemplate.resourceCountIs('AWS::SecretsManager::RotationSchedule', 0);
      for (const fn of allFunctions()) {
        const variables = cfnFunction(fn).Properties.Environment.Variables as Record<string, unknown>;
        for (const [name, value] of Object.entries(variables)) {
          if (/SECRET/.test(name)) {
            expect(name).toBe('INSURER_SECRETS_ARN');
            expect(typeof value).not.toBe('string');
          }
        }
      }
    });

    it('keeps the data key policy to the delegation to IAM (no kms:ViaService grant for Secrets Manager)', () => {
      const key = s.statefulTemplate.toJSON().Resources[dataKeyId()].Properties;
      expect(key.KeyPolicy.Statement).toHaveLength(1);
      expect(key.KeyPolicy.Statement[0]).toMatchObject({ Action: 'kms:*', Effect: 'Allow' });
      s.statefulTemplate.resourceCountIs('AWS::SecretsManager::ResourcePolicy', 0);
    });

    it("lets exactly the insurer's signed routes and dispatchPackage read it: GetSecretValue on that secret, Decrypt on its key", () => {
      const readers = allFunctions().filter((fn) =>
        actionsOf(statementsOf(s, fn)).some((a) => a.startsWith('secretsmanager:')),
      );
      expect(readers.map((fn) => fn.node.id).sort()).toEqual([
        'RouteGetInsurerPackage',
        'RouteInsurerWebhook',
        'RouteRedeliverInsurerPackage',
        'TaskDispatchPackage',
      ]);
      // Nothing else in the stateless stack (state machine role, custom resources) touches a secret.
      const policies = Object.values(s.statelessTemplate.findResources('AWS::IAM::Policy'));
      const withSecrets = policies.filter((p) => JSON.stringify(p).includes('secretsmanager:'));
      expect(withSecrets).toHaveLength(4);
      for (const fn of readers) {
        const statements = statementsOf(s, fn);
        const secret = statements.find((st) => st.Sid === 'InsurerSecret');
        expect(secret?.Action).toBe('secretsmanager:GetSecretValue');
        expect(fromStateful(secret?.Resource)).toEqual({ Ref: insurerSecretId() });
        const key = statements.find((st) => st.Sid === 'InsurerSecretKey');
        expect(key?.Action).toBe('kms:Decrypt');
        expect(fromStateful(key?.Resource)).toEqual({ 'Fn::GetAtt': [dataKeyId(), 'Arn'] });
        expect(fromStateful(cfnFunction(fn).Properties.Environment.Variables.INSURER_SECRETS_ARN)).toEqual({
          Ref: insurerSecretId(),
        });
      }
      for (const fn of allFunctions().filter((f) => !readers.includes(f))) {
        expect(cfnFunction(fn).Properties.Environment.Variables.INSURER_SECRETS_ARN).toBeUndefined();
      }
    });
  });

  describe('functions', () => {
    it('deploys one function and one API route per deployed spec of apiRoutes, each from its own entry', () => {
      const deployed = apiRoutes.filter((r) => r.spec.auth !== 'local-only');
      expect(s.stateless.httpFunctions.size).toBe(deployed.length);
      const routes = Object.values(s.statelessTemplate.findResources('AWS::ApiGatewayV2::Route'));
      expect(routes.map((r) => r.Properties.RouteKey).sort()).toEqual(
        deployed.map((r) => `${r.spec.method} ${r.spec.path}`).sort(),
      );
      for (const r of deployed) {
        const fn = cfnFunction(fnOf(r.spec.operationId));
        expect(fn.Properties.Handler).toBe('index.handler');
      }
    });

    it('runs every function on Node 22 / ARM64, configured with exactly what its spec uses', () => {
      const ours = allFunctions();
      expect(ours.length).toBeGreaterThan(15);
      const jwt = {
        JWT_ISSUER: 'https://idp.court.example/realms/relief',
        JWT_AUDIENCE: 'relief-api',
        JWKS_URL: 'https://idp.court.example/realms/relief/.well-known/jwks.json',
      };
      const ttl = { UPLOAD_URL_TTL_SECONDS: '900', DOWNLOAD_URL_TTL_SECONDS: '300' };
      const verifiers = apiRoutes.filter((r) => r.spec.auth === 'jwt').map((r) => fnOf(r.spec.operationId));
      for (const fn of ours) {
        const props = cfnFunction(fn).Properties;
        expect(props.Runtime).toBe('nodejs22.x');
        expect(props.Architectures).toEqual(['arm64']);
        const variables = props.Environment.Variables;
        expect(variables.RELIEF_MODE).toBeUndefined();
        if (verifiers.includes(fn)) expect(variables).toMatchObject(jwt);
        else for (const name of Object.keys(jwt)) expect(variables[name]).toBeUndefined();
        if (fn.bindings.bucket) expect(variables).toMatchObject(ttl);
        else {
          expect(variables.DOCUMENTS_BUCKET).toBeUndefined();
          for (const name of Object.keys(ttl)) expect(variables[name]).toBeUndefined();
        }
        if (!fn.bindings.table) expect(variables.TABLE_NAME).toBeUndefined();
      }
      expect(cfnFunction(fnOf('insurerWebhook')).Properties.Environment.Variables.JWT_ISSUER).toBeUndefined();
    });

    it('gives a reading route table reads only, and no bucket or workflow access', () => {
      const actions = actionsOf(statementsOf(s, fnOf('getApplication')));
      expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query', 'kms:Decrypt']));
      for (const write of DYNAMODB_WRITES) expect(actions).not.toContain(write);
      expect(actions.filter((a) => a.startsWith('s3:') || a.startsWith('states:'))).toEqual([]);
      expect(actions).not.toContain('kms:GenerateDataKey');
    });

    it('gives the upload route PutObject (it presigns uploads) but not GetObject', () => {
      const actions = actionsOf(statementsOf(s, fnOf('requestDocumentUpload')));
      expect(actions).toEqual(
        expect.arrayContaining(['s3:PutObject', 'kms:GenerateDataKey', 'dynamodb:PutItem']),
      );
      expect(actions).not.toContain('s3:GetObject');
    });

    it('lets document-uploaded read objects and write the table, but not write objects', () => {
      const statements = statementsOf(s, s.stateless.documentUploaded);
      const actions = actionsOf(statements);
      expect(actions).toEqual(
        expect.arrayContaining([
          's3:GetObject',
          'dynamodb:UpdateItem',
          'dynamodb:PutItem',
          'sqs:SendMessage',
        ]),
      );
      expect(actions).not.toContain('s3:PutObject');
      const objects = statements.find((st) => st.Sid === 'DocumentObjects');
      expect(JSON.stringify(objects?.Resource)).toContain('/applications/*');
    });

    it('grants public routes nothing beyond their own logs', () => {
      for (const operationId of ['health', 'openapi']) {
        const actions = actionsOf(statementsOf(s, fnOf(operationId)));
        expect(actions.filter((a) => !a.startsWith('logs:') && !a.startsWith('xray:'))).toEqual([]);
      }
    });

    it('lets only the workflow functions call Step Functions, each with the calls it makes', () => {
      const token = actionsOf(
        statementsOf(s, s.stateless.taskFunctions.get('recordTaskToken') as ReliefFunction),
      );
      expect(token).toContain('states:SendTaskSuccess');
      expect(token).not.toContain('states:StartExecution');
      const reconcile = actionsOf(
        statementsOf(s, s.stateless.taskFunctions.get('reconcile') as ReliefFunction),
      );
      expect(reconcile).toEqual(expect.arrayContaining(['states:StartExecution', 'states:SendTaskSuccess']));
      const submit = actionsOf(statementsOf(s, fnOf('submitApplication')));
      expect(submit).toContain('states:StartExecution');
      expect(submit).not.toContain('states:SendTaskSuccess');
      const decide = actionsOf(statementsOf(s, fnOf('decideApplication')));
      expect(decide).toContain('states:SendTaskSuccess');
      expect(decide).not.toContain('states:StartExecution');
      expect(
        actionsOf(statementsOf(s, fnOf('createApplication'))).filter((a) => a.startsWith('states:')),
      ).toEqual([]);
    });

    it('lets redrive describe and start approval executions, read document objects and write the table, nothing more', () => {
      const statements = statementsOf(s, taskFn('redrive'));
      const actions = actionsOf(statements);
      expect(actions.filter((a) => a.startsWith('states:'))).toEqual([
        'states:DescribeExecution',
        'states:StartExecution',
      ]);
      expect(actions).toEqual(expect.arrayContaining(['s3:GetObject', 'kms:Decrypt', 'dynamodb:Query']));
      expect(actions).not.toContain('s3:PutObject');
      expect(actions).not.toContain('s3:ListBucket');
      expect(actions.filter((a) => a.startsWith('secretsmanager:'))).toEqual([]);
      const describe = statements.find((st) => st.Sid === 'WorkflowExecutions');
      expect(describe?.Action).toBe('states:DescribeExecution');
      expect(JSON.stringify(describe?.Resource)).toContain(':execution:relief-test-approval:*');
      const start = statements.find((st) => st.Sid === 'Workflow');
      expect(JSON.stringify(start?.Resource)).toContain(':stateMachine:relief-test-approval');
      // The in-flight index is one of the table's indexes the grant names (no index wildcard).
      const table = statements.find((st) => st.Sid === 'TableIndexes');
      expect(JSON.stringify(table?.Resource)).toContain('/index/gsi4');
      expect(JSON.stringify(table?.Resource)).not.toContain('/index/*');
    });

    it('lets reconcile describe executions besides starting them and answering tokens (a gone token is checked)', () => {
      const actions = actionsOf(statementsOf(s, taskFn('reconcile'))).filter((a) => a.startsWith('states:'));
      expect(actions).toEqual([
        'states:DescribeExecution',
        'states:SendTaskFailure',
        'states:SendTaskHeartbeat',
        'states:SendTaskSuccess',
        'states:StartExecution',
      ]);
      for (const fn of allFunctions()) {
        if (fn === taskFn('reconcile') || fn === taskFn('redrive')) continue;
        expect(actionsOf(statementsOf(s, fn))).not.toContain('states:DescribeExecution');
      }
    });

    it('lets dispatchPackage presign document downloads, answer its token and write the table, nothing more', () => {
      const statements = statementsOf(s, taskFn('dispatchPackage'));
      const actions = actionsOf(statements);
      expect(actions).toEqual(
        expect.arrayContaining([
          's3:GetObject',
          'kms:Decrypt',
          'states:SendTaskSuccess',
          'dynamodb:UpdateItem',
          'dynamodb:PutItem',
          'secretsmanager:GetSecretValue',
        ]),
      );
      expect(actions).not.toContain('s3:PutObject');
      expect(actions).not.toContain('states:StartExecution');
      const objects = statements.find((st) => st.Sid === 'DocumentObjects');
      expect(objects?.Action).toBe('s3:GetObject');
      expect(JSON.stringify(objects?.Resource)).toContain('/applications/*');
      const documentKey = statements.find((st) => st.Sid === 'DocumentKey');
      expect(documentKey?.Action).toBe('kms:Decrypt');
    });

    it('lets the insurer webhook write the table and answer the payout token, without document access', () => {
      const actions = actionsOf(statementsOf(s, fnOf('insurerWebhook')));
      expect(actions).toEqual(
        expect.arrayContaining([
          'dynamodb:UpdateItem',
          'dynamodb:PutItem',
          'states:SendTaskSuccess',
          'secretsmanager:GetSecretValue',
        ]),
      );
      expect(actions).not.toContain('states:StartExecution');
      expect(actions.filter((a) => a.startsWith('s3:'))).toEqual([]);
    });

    it('gives the batch decision route 29 s (200 decisions in a row) and other routes the default 10 s', () => {
      expect(cfnFunction(fnOf('decideBatch')).Properties.Timeout).toBe(29);
      expect(cfnFunction(fnOf('decideApplication')).Properties.Timeout).toBe(10);
    });

    it('tells only the senders of packages the insurer endpoint (dispatchPackage, the re-delivery route)', () => {
      for (const fn of allFunctions()) {
        const variables = cfnFunction(fn).Properties.Environment.Variables;
        if (fn === taskFn('dispatchPackage') || fn === fnOf('redeliverInsurerPackage')) {
          expect(variables.INSURER_ENDPOINT).toBe(INSURER_ENDPOINT);
        } else expect(variables.INSURER_ENDPOINT).toBeUndefined();
      }
    });

    it('gives the closure routes table access by method: getRuling reads, the POSTs write', () => {
      const ruling = actionsOf(statementsOf(s, fnOf('getRuling')));
      expect(ruling).toContain('dynamodb:GetItem');
      for (const write of DYNAMODB_WRITES) expect(ruling).not.toContain(write);
      for (const operationId of ['closeApplication', 'resumeEnforcement', 'recordRecovery']) {
        const actions = actionsOf(statementsOf(s, fnOf(operationId)));
        expect(actions).toEqual(expect.arrayContaining(DYNAMODB_WRITES));
        expect(actions.filter((a) => /^(s3|states|secretsmanager):/.test(a))).toEqual([]);
      }
    });

    it('deploys withdrawal with table writes only and the quota trail with table reads only', () => {
      const withdrawal = actionsOf(statementsOf(s, fnOf('withdrawApplication')));
      expect(withdrawal).toEqual(expect.arrayContaining(DYNAMODB_WRITES));
      expect(withdrawal.filter((a) => /^(s3|states|secretsmanager):/.test(a))).toEqual([]);
      const trail = actionsOf(statementsOf(s, fnOf('getQuotaAudit')));
      expect(trail).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']));
      for (const write of DYNAMODB_WRITES) expect(trail).not.toContain(write);
      expect(trail.filter((a) => /^(s3|states|secretsmanager):/.test(a))).toEqual([]);
    });

    it('tells exactly the workflow functions the state machine ARN, computed from its name', () => {
      const env = (fn: ReliefFunction) => cfnFunction(fn).Properties.Environment.Variables;
      const arn = {
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            `:states:${region}:`,
            { Ref: 'AWS::AccountId' },
            ':stateMachine:relief-test-approval',
          ],
        ],
      };
      expect(env(fnOf('submitApplication')).STATE_MACHINE_ARN).toEqual(arn);
      expect(
        env(s.stateless.taskFunctions.get('recordTaskToken') as ReliefFunction).STATE_MACHINE_ARN,
      ).toEqual(arn);
      expect(env(fnOf('createApplication')).STATE_MACHINE_ARN).toBeUndefined();
    });

    it('uses no wildcard action and no Resource "*" except for X-Ray', () => {
      for (const fn of [
        ...s.stateless.httpFunctions.values(),
        ...s.stateless.taskFunctions.values(),
        s.stateless.documentUploaded,
      ]) {
        for (const st of statementsOf(s, fn)) {
          const actions = Array.isArray(st.Action) ? st.Action : [st.Action];
          expect(actions.filter((a) => a.includes('*'))).toEqual([]);
          if (st.Resource === '*') expect(actions.every((a) => a.startsWith('xray:'))).toBe(true);
        }
      }
    });

    it(`${tracing ? 'enables' : 'omits'} Lambda X-Ray tracing in this partition`, () => {
      for (const fn of s.stateless.httpFunctions.values()) {
        const config = cfnFunction(fn).Properties.TracingConfig;
        if (tracing) expect(config).toEqual({ Mode: 'Active' });
        else expect(config).toBeUndefined();
      }
    });

    it('logs every function to its own log group, and every log group has a retention', () => {
      for (const fn of s.stateless.httpFunctions.values()) {
        expect(cfnFunction(fn).Properties.LoggingConfig).toEqual({
          LogGroup: { Ref: s.stateless.getLogicalId(fn.logGroup.node.defaultChild as never) },
        });
      }
      const groups = Object.values(s.statelessTemplate.findResources('AWS::Logs::LogGroup'));
      expect(groups.length).toBeGreaterThan(s.stateless.httpFunctions.size);
      for (const group of groups) expect(group.Properties.RetentionInDays).toBe(365);
    });
  });

  describe('HTTP API', () => {
    it(`puts the JWT authorizer (issuer and audience from context) on every jwt route and on ${publicRoutes ? 'no' : 'every'} public route`, () => {
      const authorizers = s.statelessTemplate.findResources('AWS::ApiGatewayV2::Authorizer');
      const [jwtId, jwt] = Object.entries(authorizers)[0] ?? [];
      expect(Object.keys(authorizers)).toHaveLength(1);
      expect(jwt?.Properties).toMatchObject({
        AuthorizerType: 'JWT',
        JwtConfiguration: { Issuer: 'https://idp.court.example/realms/relief', Audience: ['relief-api'] },
      });
      const routes = Object.values(s.statelessTemplate.findResources('AWS::ApiGatewayV2::Route'));
      for (const r of apiRoutes.filter((x) => x.spec.auth !== 'local-only')) {
        const route = routes.find((x) => x.Properties.RouteKey === `${r.spec.method} ${r.spec.path}`);
        if (r.spec.path.startsWith('/insurer/')) continue; // signed by the insurer: its own test below
        if (r.spec.auth === 'jwt' || !publicRoutes) {
          expect(route?.Properties).toMatchObject({ AuthorizationType: 'JWT', AuthorizerId: { Ref: jwtId } });
        } else {
          expect(route?.Properties.AuthorizationType).toBe('NONE');
          expect(route?.Properties.AuthorizerId).toBeUndefined();
        }
      }
      expect(apiRoutes.some((r) => r.spec.auth === 'public')).toBe(true);
    });

    it('has no /dev/ route (the dev token route is local only)', () => {
      expect(s.text).not.toContain('/dev/');
    });

    it(`routes POST /insurer/webhooks to insurerWebhook without the court JWT (AuthorizationType ${publicRoutes ? 'NONE' : 'AWS_IAM'} by default)`, () => {
      const routes = Object.values(s.statelessTemplate.findResources('AWS::ApiGatewayV2::Route'));
      const webhook = routes.filter((r) => r.Properties.RouteKey === 'POST /insurer/webhooks');
      expect(webhook).toHaveLength(1);
      expect(webhook[0]?.Properties.AuthorizationType).toBe(publicRoutes ? 'NONE' : 'AWS_IAM');
      expect(webhook[0]?.Properties.AuthorizerId).toBeUndefined();
      const integrations = s.statelessTemplate.findResources('AWS::ApiGatewayV2::Integration');
      const target = String(JSON.stringify(webhook[0]?.Properties.Target)).match(/"Ref":"([^"]+)"/)?.[1];
      expect(integrations[target ?? '']?.Properties.IntegrationUri).toEqual({
        'Fn::GetAtt': [
          s.stateless.getLogicalId(fnOf('insurerWebhook').function.node.defaultChild as CfnFunction),
          'Arn',
        ],
      });
    });

    it('counts webhook.rejected lines of the insurer webhook’s log group and alarms on them', () => {
      const logGroupId = s.stateless.getLogicalId(fnOf('insurerWebhook').logGroup.node.defaultChild as never);
      const filters = Object.values(s.statelessTemplate.findResources('AWS::Logs::MetricFilter')).filter(
        (f) => f.Properties.MetricTransformations[0].MetricName === 'WebhookRejected',
      );
      expect(filters).toHaveLength(1);
      expect(filters[0]?.Properties).toEqual({
        LogGroupName: { Ref: logGroupId },
        FilterPattern: `{ $.message = "${WEBHOOK_REJECTED_MESSAGE}" }`,
        MetricTransformations: [
          { MetricNamespace: 'Relief', MetricName: 'WebhookRejected', MetricValue: '1' },
        ],
      });
      const topicId = s.stateless.getLogicalId(s.stateless.alarmTopic.node.defaultChild as never);
      s.statelessTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'Relief',
        MetricName: 'WebhookRejected',
        Statistic: 'Sum',
        Threshold: 3,
        AlarmActions: [{ Ref: topicId }],
      });
    });

    it('logs access to a log group and throttles the default stage', () => {
      s.statelessTemplate.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
        AccessLogSettings: {
          DestinationArn: Match.anyValue(),
          Format: Match.stringLikeRegexp('\\$context.requestId'),
        },
      });
    });
  });

  describe('documents', () => {
    it('notifies document-uploaded of ObjectCreated under applications/, from the stateless stack', () => {
      const fnId = s.stateless.getLogicalId(
        s.stateless.documentUploaded.function.node.defaultChild as CfnFunction,
      );
      s.statelessTemplate.hasResourceProperties('Custom::S3BucketNotifications', {
        NotificationConfiguration: {
          LambdaFunctionConfigurations: [
            {
              Events: ['s3:ObjectCreated:*'],
              LambdaFunctionArn: { 'Fn::GetAtt': [fnId, 'Arn'] },
              Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'applications/' }] } },
            },
          ],
        },
      });
      s.statefulTemplate.resourceCountIs('Custom::S3BucketNotifications', 0);
    });

    it('sends failed document events to a KMS-encrypted, TLS-only dead-letter queue', () => {
      const queueId = s.stateless.getLogicalId(s.stateless.documentUploadedDlq.node.defaultChild as never);
      expect(cfnFunction(s.stateless.documentUploaded).Properties.DeadLetterConfig).toEqual({
        TargetArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
      });
      s.statelessTemplate.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: Match.anyValue() });
      s.statelessTemplate.hasResourceProperties('AWS::SQS::QueuePolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    });
  });

  describe('state machine', () => {
    it('deploys the approval ASL with every placeholder substituted, logging ALL', () => {
      const machines = Object.values(s.statelessTemplate.findResources('AWS::StepFunctions::StateMachine'));
      expect(machines).toHaveLength(1);
      const props = machines[0]?.Properties;
      expect(props.DefinitionString).toBe(
        readFileSync(path.join(STATE_MACHINES_DIR, 'relief-approval.asl.json'), 'utf8'),
      );
      const tokens = tokensOf(props.DefinitionString);
      expect(tokens.length).toBeGreaterThan(0);
      expect(Object.keys(props.DefinitionSubstitutions).sort()).toEqual([...new Set(tokens)].sort());
      expect(props.DefinitionSubstitutions.Partition).toEqual({ Ref: 'AWS::Partition' });
      expect(props.LoggingConfiguration.Level).toBe('ALL');
      expect(props.StateMachineName).toBe('relief-test-approval');
      if (tracing) expect(props.TracingConfiguration).toEqual({ Enabled: true });
      else expect(props.TracingConfiguration?.Enabled ?? false).toBe(false);
    });

    it('lets the state machine invoke exactly its task functions', () => {
      const smRole = s.statelessTemplate.toJSON().Resources;
      const invoke = Object.entries(smRole)
        .filter(
          ([id, r]) =>
            (r as { Type: string }).Type === 'AWS::IAM::Policy' && id.startsWith('WorkflowReliefApproval'),
        )
        .flatMap(
          ([, r]) =>
            (r as { Properties: { PolicyDocument: { Statement: { Action: string; Resource: unknown }[] } } })
              .Properties.PolicyDocument.Statement,
        )
        .find((st) => st.Action === 'lambda:InvokeFunction');
      const expected = ['dispatchPackage', 'escalate', 'recordFault', 'recordTaskToken'].map((name) => ({
        'Fn::GetAtt': [
          s.stateless.getLogicalId(
            s.stateless.taskFunctions.get(name)?.function.node.defaultChild as CfnFunction,
          ),
          'Arn',
        ],
      }));
      expect(invoke?.Resource).toEqual(expect.arrayContaining(expected));
      expect(invoke?.Resource).toHaveLength(expected.length);
    });

    it('resolves the DispatchPackageFunction placeholder to the dispatchPackage task function', () => {
      const [machine] = Object.values(s.statelessTemplate.findResources('AWS::StepFunctions::StateMachine'));
      expect(tokensOf(machine?.Properties.DefinitionString)).toContain('DispatchPackageFunction');
      expect(tokensOf(machine?.Properties.DefinitionString)).not.toContain('HandOverFunction');
      expect(machine?.Properties.DefinitionSubstitutions.DispatchPackageFunction).toEqual({
        'Fn::GetAtt': [
          s.stateless.getLogicalId(taskFn('dispatchPackage').function.node.defaultChild as CfnFunction),
          'Arn',
        ],
      });
      expect(cfnFunction(taskFn('dispatchPackage')).Properties.Handler).toBe('index.handler');
    });

    it('runs reconcile every minute', () => {
      s.statelessTemplate.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: 'rate(1 minute)',
        State: 'ENABLED',
      });
    });

    it('runs the redrive function every 5 minutes', () => {
      const rules = Object.values(s.statelessTemplate.findResources('AWS::Events::Rule')).map(
        (r) => r.Properties,
      );
      const redrive = rules.find((r) => r.ScheduleExpression === 'rate(5 minutes)');
      expect(redrive?.State).toBe('ENABLED');
      expect(redrive?.Targets).toEqual([
        expect.objectContaining({
          Arn: {
            'Fn::GetAtt': [
              s.stateless.getLogicalId(taskFn('redrive').function.node.defaultChild as CfnFunction),
              'Arn',
            ],
          },
        }),
      ]);
      expect(cfnFunction(taskFn('redrive')).Properties).toMatchObject({
        Handler: 'index.handler',
        Timeout: 120,
        MemorySize: 1024,
      });
    });

    it('runs the overdue asset-check sweep every hour', () => {
      const rules = Object.values(s.statelessTemplate.findResources('AWS::Events::Rule')).map(
        (r) => r.Properties,
      );
      const fn = taskFn('escalateOverdueChecks');
      const arn = {
        'Fn::GetAtt': [s.stateless.getLogicalId(fn.function.node.defaultChild as CfnFunction), 'Arn'],
      };
      const sweep = rules.filter((r) =>
        (r.Targets as { Arn: unknown }[] | undefined)?.some(
          (t) => JSON.stringify(t.Arn) === JSON.stringify(arn),
        ),
      );
      expect(sweep).toEqual([
        expect.objectContaining({ ScheduleExpression: 'rate(1 hour)', State: 'ENABLED' }),
      ]);
      expect(cfnFunction(fn).Properties).toMatchObject({ Handler: 'index.handler', Timeout: 120 });
    });
  });

  describe('alarms', () => {
    it('alarms on dead letters, API 5xx, workflow failures and timeouts, not on each function’s errors and throttles', () => {
      const alarms = Object.values(s.statelessTemplate.findResources('AWS::CloudWatch::Alarm')).map(
        (a) => a.Properties,
      );
      const named = (metric: string, namespace: string) =>
        alarms.filter((a) => a.MetricName === metric && a.Namespace === namespace);
      expect(named('ApproximateNumberOfMessagesVisible', 'AWS/SQS')).toHaveLength(1);
      expect(named('5xx', 'AWS/ApiGateway')).toHaveLength(1);
      expect(named('ExecutionsFailed', 'AWS/States')).toHaveLength(1);
      expect(named('ExecutionsTimedOut', 'AWS/States')).toHaveLength(1);
      // Issue 18: the per-function Errors/Throttles alarms at threshold 1 are gone (test/infra/operations.test.ts);
      // only the audit sealer's errors page, since sealing would otherwise stop silently.
      expect(named('Errors', 'AWS/Lambda')).toHaveLength(1);
      expect(named('Throttles', 'AWS/Lambda')).toHaveLength(0);
      const topicId = s.stateless.getLogicalId(s.stateless.alarmTopic.node.defaultChild as never);
      for (const a of alarms) expect(a.AlarmActions).toEqual([{ Ref: topicId }]);
    });

    it('counts workflow.stuck lines of both healers and alarms on the first', () => {
      for (const name of ['reconcile', 'redrive']) {
        const logGroupId = s.stateless.getLogicalId(taskFn(name).logGroup.node.defaultChild as never);
        s.statelessTemplate.hasResourceProperties('AWS::Logs::MetricFilter', {
          LogGroupName: { Ref: logGroupId },
          FilterPattern: `{ $.message = "${WORKFLOW_STUCK_MESSAGE}" }`,
          MetricTransformations: [
            { MetricNamespace: 'Relief', MetricName: 'WorkflowStuck', MetricValue: '1' },
          ],
        });
      }
      s.statelessTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'Relief',
        MetricName: 'WorkflowStuck',
        Statistic: 'Sum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    });
  });

  describe('partition and compliance', () => {
    it('contains no arn:aws: literal, and amazonaws.com only as service principals', () => {
      expect(s.text).not.toContain('arn:aws:');
      expect(s.text).not.toContain('arn:aws-cn:');
      const templates = [s.statefulTemplate.toJSON(), s.statelessTemplate.toJSON()];
      expect(templates.flatMap((t) => amazonawsOutsidePrincipals(t))).toEqual([]);
    });

    it('leaves no unacknowledged cdk-nag finding, warning or annotation', () => {
      expect(s.report.pluginReports).toEqual([]);
    });
  });
});
