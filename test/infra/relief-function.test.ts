import { App, ArnFormat, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { describe, expect, it } from 'vitest';
import { ReliefFunction } from '../../infra/constructs/relief-function.ts';
import { REPO_ROOT } from '../../infra/stacks/catalog.ts';
import { actionsOf, type Statement } from './synth.ts';

function setup() {
  const app = new App({ stackTraces: false });
  const stack = new Stack(app, 'BindTest', { env: { region: 'cn-northwest-1', account: '123456789012' } });
  const fn = new ReliefFunction(stack, 'Webhook', {
    entry: `${REPO_ROOT}functions/entries/http/insurer-webhook.ts`,
    exportPath: 'handler',
    description: 'binding test',
    projectRoot: REPO_ROOT,
    logRetention: RetentionDays.ONE_WEEK,
    tracing: false,
    code: 'stub',
  });
  const secretArn = stack.formatArn({
    service: 'secretsmanager',
    resource: 'secret',
    resourceName: 'relief/test/insurer-AbCdEf',
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  return { stack, fn, secretArn };
}

function statements(stack: Stack): Statement[] {
  return Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy')).flatMap(
    (p) => p.Properties.PolicyDocument.Statement as Statement[],
  );
}

describe('ReliefFunction.bindInsurerSecret', () => {
  it('sets INSURER_SECRETS_ARN and grants GetSecretValue on that secret and Decrypt on its key only', () => {
    const { stack, fn, secretArn } = setup();
    const key = new kms.Key(stack, 'Key');
    fn.bindInsurerSecret(
      secretsmanager.Secret.fromSecretAttributes(stack, 'Secret', {
        secretCompleteArn: secretArn,
        encryptionKey: key,
      }),
    );
    const all = statements(stack);
    expect(all.find((st) => st.Sid === 'InsurerSecret')).toMatchObject({
      Action: 'secretsmanager:GetSecretValue',
      Resource: stack.resolve(secretArn),
    });
    expect(all.find((st) => st.Sid === 'InsurerSecretKey')).toMatchObject({
      Action: 'kms:Decrypt',
      Resource: stack.resolve(key.keyArn),
    });
    expect(actionsOf(all).filter((a) => !a.startsWith('logs:'))).toEqual([
      'kms:Decrypt',
      'secretsmanager:GetSecretValue',
    ]);
    const props =
      Template.fromStack(stack).toJSON().Resources[
        stack.getLogicalId(fn.function.node.defaultChild as CfnFunction)
      ].Properties;
    expect(props.Environment.Variables.INSURER_SECRETS_ARN).toEqual(stack.resolve(secretArn));
    expect(fn.bindings.insurerSecret).toBe('read');
  });

  it('grants no KMS permission for a secret under the AWS managed key', () => {
    const { stack, fn, secretArn } = setup();
    fn.bindInsurerSecret(secretsmanager.Secret.fromSecretCompleteArn(stack, 'Secret', secretArn));
    const all = statements(stack);
    expect(all.find((st) => st.Sid === 'InsurerSecretKey')).toBeUndefined();
    expect(actionsOf(all).filter((a) => a.startsWith('kms:'))).toEqual([]);
  });

  it('refuses a second insurer secret binding', () => {
    const { stack, fn, secretArn } = setup();
    const secret = secretsmanager.Secret.fromSecretCompleteArn(stack, 'Secret', secretArn);
    fn.bindInsurerSecret(secret);
    expect(() => fn.bindInsurerSecret(secret)).toThrow(/insurerSecret is already bound/);
  });
});
