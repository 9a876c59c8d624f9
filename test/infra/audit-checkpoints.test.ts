import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { SEAL_REFUSED_MESSAGE } from '../../functions/tasks/specs.ts';
import { actionsOf, type Synthesised, statementsOf, synth } from './synth.ts';

/**
 * The sealed audit trail when deployed: an asymmetric KMS key and an Object Lock (compliance) bucket in the
 * stateful stack; in the stateless stack the sealer, on a schedule, the only function that may sign.
 */
describe.each([
  { region: 'cn-northwest-1', retention: undefined, every: undefined },
  { region: 'us-east-1', retention: '30', every: '5' },
])('sealed audit checkpoints in $region', ({ region, retention, every }) => {
  let s: Synthesised;
  beforeAll(async () => {
    s = await synth({
      context: {
        region,
        stage: 'test',
        insurerAccountId: '210987654321',
        ...(retention ? { auditCheckpointRetentionDays: retention } : {}),
        ...(every ? { auditSealEveryMinutes: every } : {}),
      },
    });
  }, 120_000);

  const statefulId = (c: unknown) =>
    s.stateful.getLogicalId((c as { node: { defaultChild: never } }).node.defaultChild);
  const sealerProps = () =>
    s.statelessTemplate.toJSON().Resources[
      s.stateless.getLogicalId(s.stateless.auditSealer.function.node.defaultChild as CfnFunction)
    ].Properties;

  it('keeps an ECC_NIST_P256 SIGN_VERIFY key, retained', () => {
    const key = s.statefulTemplate.toJSON().Resources[statefulId(s.stateful.auditCheckpoints.signingKey)];
    expect(key.Properties).toMatchObject({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
    expect(key.DeletionPolicy).toBe('Retain');
  });

  it(`locks every checkpoint in COMPLIANCE mode for ${retention ?? 3653} days in a versioned, private, retained bucket`, () => {
    const bucket = s.statefulTemplate.toJSON().Resources[statefulId(s.stateful.auditCheckpoints.bucket)];
    expect(bucket.Properties).toMatchObject({
      BucketName: { 'Fn::Join': ['', ['relief-test-audit-', { Ref: 'AWS::AccountId' }, `-${region}`]] },
      ObjectLockEnabled: true,
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: Number(retention ?? 3653) } },
      },
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      LoggingConfiguration: { LogFilePrefix: 'audit-checkpoints/' },
    });
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.Properties.LifecycleConfiguration).toBeUndefined();
  });

  it('publishes what `relief audit verify` needs: table, checkpoint bucket and signing key', () => {
    const outputs = s.statefulTemplate.toJSON().Outputs;
    expect(outputs.TableName.Value).toEqual({ Ref: statefulId(s.stateful.table) });
    expect(outputs.AuditCheckpointBucketName.Value).toEqual({
      Ref: statefulId(s.stateful.auditCheckpoints.bucket),
    });
    expect(outputs.AuditSigningKeyArn.Value).toEqual({
      'Fn::GetAtt': [statefulId(s.stateful.auditCheckpoints.signingKey), 'Arn'],
    });
  });

  it('tells the sealer the bucket and the key', () => {
    const env = sealerProps().Environment.Variables;
    expect(env.AUDIT_CHECKPOINT_BUCKET).toEqual({
      'Fn::Join': ['', ['relief-test-audit-', { Ref: 'AWS::AccountId' }, `-${region}`]],
    });
    expect(JSON.stringify(env.AUDIT_SIGNING_KEY_ID)).toContain('AuditCheckpointsSigningKey');
    expect(env.AUDIT_LOCAL_DIR).toBeUndefined();
    expect(sealerProps().Handler).toBe('index.handler');
    expect(sealerProps().Timeout).toBe(300);
  });

  it('lets the sealer sign, read and create checkpoints and list their prefix: no delete, no retention change', () => {
    const statements = statementsOf(s, s.stateless.auditSealer);
    const actions = actionsOf(statements);
    expect(actions.filter((a) => a.startsWith('s3:') || a.startsWith('kms:Sign'))).toEqual(
      ['s3:GetObject', 's3:ListBucket', 's3:PutObject', 'kms:Sign'].sort(),
    );
    expect(actions.filter((a) => /Delete|Retention|LegalHold|Bypass/.test(a) && a.startsWith('s3:'))).toEqual(
      [],
    );
    const list = statements.find((st) => st.Sid === 'AuditCheckpointList') as
      | { Condition?: unknown }
      | undefined;
    expect(list?.Condition).toEqual({ StringEquals: { 's3:prefix': 'checkpoints/' } });
    const objects = statements.find((st) => st.Sid === 'AuditCheckpointObjects');
    expect(JSON.stringify(objects?.Resource)).toMatch(/relief-test-audit-.*\/checkpoints\/\*/);
  });

  it('lets no other function sign checkpoints', () => {
    const others = [
      ...s.stateless.httpFunctions.values(),
      ...[...s.stateless.taskFunctions.values()].filter((f) => f !== s.stateless.auditSealer),
      s.stateless.documentUploaded,
    ];
    for (const fn of others) {
      const actions = actionsOf(statementsOf(s, fn));
      expect([fn.node.id, actions.filter((a) => a === 'kms:Sign' || a.includes('Checkpoint'))]).toEqual([
        fn.node.id,
        [],
      ]);
      expect(fn.bindings.auditCheckpoints).toBeUndefined();
    }
  });

  it(`runs the sealer every ${every ?? 15} minutes`, () => {
    const sealerId = s.stateless.getLogicalId(
      s.stateless.auditSealer.function.node.defaultChild as CfnFunction,
    );
    const rules = Object.values(s.statelessTemplate.findResources('AWS::Events::Rule')).filter((r) =>
      JSON.stringify(r.Properties.Targets).includes(sealerId),
    );
    expect(rules).toHaveLength(1);
    expect(rules[0]?.Properties).toMatchObject({
      ScheduleExpression: `rate(${every ?? 15} minutes)`,
      State: 'ENABLED',
    });
  });

  it('alarms when a due chain does not verify and is left unsealed', () => {
    const logGroupId = s.stateless.getLogicalId(s.stateless.auditSealer.logGroup.node.defaultChild as never);
    s.statelessTemplate.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: { Ref: logGroupId },
      FilterPattern: `{ $.message = "${SEAL_REFUSED_MESSAGE}" }`,
    });
    expect(SEAL_REFUSED_MESSAGE).toBe('audit.seal.refused');
    s.statelessTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Relief',
      MetricName: 'AuditSealRefused',
      Threshold: 1,
    });
  });

  it('leaves no unacknowledged cdk-nag finding', () => {
    expect(s.report.pluginReports).toEqual([]);
  });
});
