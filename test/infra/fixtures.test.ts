import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Annotations, App } from 'aws-cdk-lib';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { WEBHOOK_REJECTED_MESSAGE } from '../../functions/http/specs/insurer-webhook.ts';
import { type RendererName, rendererEnv } from '../../functions/lib/access.ts';
import { PlaceholderError } from '../../infra/constructs/asl-state-machine.ts';
import type { ReliefFunction } from '../../infra/constructs/relief-function.ts';
import { CatalogError, type HandlerCatalog, handlerCatalog } from '../../infra/stacks/catalog.ts';
import { buildReliefApp } from '../../infra/stacks/relief-app.ts';
import { SettingsError } from '../../infra/stacks/settings.ts';
import {
  actionsOf,
  CN_CONSOLE,
  cdkJsonContext,
  FIXTURES,
  type Synthesised,
  statementsOf,
  synth,
  tokensOf,
} from './synth.ts';

const FIXTURE_ASL = path.join(FIXTURES, 'statemachines');

/** The real catalog with the insurer webhook's spec no longer receiving insurer callbacks. */
function catalogWithWebhookWithoutInsurer(): HandlerCatalog {
  const catalog = handlerCatalog();
  return {
    ...catalog,
    http: catalog.http.map((f) =>
      f.route.operationId === 'insurerWebhook'
        ? { ...f, route: { ...f.route, access: { table: f.route.access.table, workflow: 'respond' } } }
        : f,
    ),
  };
}

/** The insurer's account: cdk.json targets aws-cn without an ICP licence, where the webhook is IAM-authorised. */
const INSURER_ACCOUNT = { insurerAccountId: '210987654321' };

function freshApp(context: Record<string, unknown> = {}): App {
  return new App({
    context: { ...cdkJsonContext(), ...INSURER_ACCOUNT, ...context },
    outdir: mkdtempSync(path.join(tmpdir(), 'relief-cdk-')),
    stackTraces: false,
  });
}

describe.each([
  { region: 'us-east-1', insurerIamAuth: true, authorization: 'AWS_IAM' },
  { region: 'cn-northwest-1', insurerIamAuth: true, authorization: 'AWS_IAM' },
  // Without IAM only where unauthenticated routes may be served: with an ICP licence in aws-cn.
  { region: 'cn-northwest-1', insurerIamAuth: false, authorization: 'NONE' },
])(
  'fixture ASL and insurer webhook in $region (insurerIamAuth=$insurerIamAuth)',
  ({ region, insurerIamAuth, authorization }) => {
    let s: Synthesised;
    beforeAll(async () => {
      s = await synth({
        context: {
          region,
          insurerIamAuth: String(insurerIamAuth),
          ...(insurerIamAuth ? INSURER_ACCOUNT : { icpLicensed: 'true', ...CN_CONSOLE }),
        },
        stateMachinesDir: FIXTURE_ASL,
        cfnValidation: false,
      });
    }, 120_000);

    it('substitutes every placeholder of the fixture definition', () => {
      const [machine] = Object.values(s.statelessTemplate.findResources('AWS::StepFunctions::StateMachine'));
      const props = machine?.Properties;
      expect(new Set(tokensOf(props.DefinitionString))).toEqual(
        new Set(['Partition', 'RecordTaskTokenFunction', 'Region', 'AccountId', 'DispatchPackageFunction']),
      );
      expect(props.DefinitionSubstitutions).toMatchObject({
        Partition: { Ref: 'AWS::Partition' },
        Region: region,
        AccountId: { Ref: 'AWS::AccountId' },
      });
      let resolved = props.DefinitionString as string;
      for (const [name, value] of Object.entries(props.DefinitionSubstitutions)) {
        resolved = resolved.replaceAll(`\${${name}}`, JSON.stringify(value).replaceAll('"', "'"));
      }
      expect(resolved).not.toContain('${');
    });

    it('creates task functions only for the placeholders and schedules that name them', () => {
      expect([...s.stateless.taskFunctions.keys()].sort()).toEqual([
        'dispatchPackage',
        // Not named by a placeholder: the hourly schedule of the overdue asset-check sweep.
        'escalateOverdueChecks',
        // Not named by a placeholder: the table stream's filtered event source (new outbox items).
        'handOff',
        'reconcile',
        'recordTaskToken',
        'redrive',
        // Not named by a placeholder: the document renderers, invoked by the routes whose access names them.
        'renderReportDocx',
        'renderReportXlsx',
        'renderRulingDocx',
        'sealAuditTrail',
        // Not named by a placeholder: run on every deploy by a trigger, to seed the courts table.
        'seedCourts',
      ]);
    });

    it('lets each rendering route invoke exactly its renderer, named in its environment, and nothing else invoke one', () => {
      const renderers = {
        getRuling: 'renderRulingDocx',
        getReport: 'renderReportXlsx',
        getReportSummary: 'renderReportDocx',
      };
      const fnId = (fn: ReliefFunction) =>
        s.stateless.getLogicalId(fn.function.node.defaultChild as CfnFunction);
      const invoking: string[] = [];
      for (const [operationId, fn] of s.stateless.httpFunctions) {
        const grants = statementsOf(s, fn).filter((st) => actionsOf([st]).includes('lambda:InvokeFunction'));
        if (grants.length > 0) invoking.push(operationId);
        const name = renderers[operationId as keyof typeof renderers];
        if (!name) continue;
        const renderer = s.stateless.taskFunctions.get(name) as ReliefFunction;
        expect(grants, operationId).toEqual([
          {
            Sid: 'Render',
            Effect: 'Allow',
            Action: 'lambda:InvokeFunction',
            Resource: { 'Fn::GetAtt': [fnId(renderer), 'Arn'] },
          },
        ]);
        const variables =
          s.statelessTemplate.findResources('AWS::Lambda::Function')[fnId(fn)]?.Properties.Environment
            .Variables;
        expect(variables[rendererEnv(name as RendererName)], operationId).toEqual({ Ref: fnId(renderer) });
      }
      expect(invoking.sort()).toEqual(Object.keys(renderers).sort());
      // The renderers themselves touch nothing: no table, bucket, workflow or secret.
      for (const name of Object.values(renderers)) {
        const renderer = s.stateless.taskFunctions.get(name) as ReliefFunction;
        expect(renderer.bindings, name).toEqual({});
        expect(
          actionsOf(statementsOf(s, renderer)).filter((a) => !/^(logs|xray):/.test(a)),
          name,
        ).toEqual([]);
      }
    });

    it('seeds the courts table on deploy (a trigger running the seeder)', () => {
      const triggers = Object.values(s.statelessTemplate.findResources('Custom::Trigger'));
      expect(triggers).toHaveLength(1);
      expect(JSON.stringify(triggers[0])).toContain('TaskSeedCourts');
    });

    it(`routes the insurer webhook without the court JWT (${authorization})`, () => {
      const routes = Object.values(s.statelessTemplate.findResources('AWS::ApiGatewayV2::Route'));
      const route = routes.find((r) => r.Properties.RouteKey === 'POST /insurer/webhooks');
      expect(route?.Properties.AuthorizationType).toBe(authorization);
      expect(route?.Properties.AuthorizerId).toBeUndefined();
      // Every other route keeps its authorisation: IAM applies to the insurer route only.
      // (the webhook and the insurer's two package routes, all signed by the insurer)
      expect(routes.filter((r) => r.Properties.AuthorizationType === 'AWS_IAM')).toHaveLength(
        insurerIamAuth ? 3 : 0,
      );
      expect(routes.filter((r) => r.Properties.AuthorizationType === 'JWT').length).toBeGreaterThan(10);
    });

    it('counts webhook.rejected log lines of the insurer function and alarms on them', () => {
      const fn = s.stateless.httpFunctions.get('insurerWebhook');
      const logGroupId = s.stateless.getLogicalId(fn?.logGroup.node.defaultChild as never);
      s.statelessTemplate.hasResourceProperties('AWS::Logs::MetricFilter', {
        LogGroupName: { Ref: logGroupId },
        FilterPattern: `{ $.message = "${WEBHOOK_REJECTED_MESSAGE}" }`,
        MetricTransformations: [
          { MetricNamespace: 'Relief', MetricName: 'WebhookRejected', MetricValue: '1' },
        ],
      });
      s.statelessTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'Relief',
        MetricName: 'WebhookRejected',
      });
    });

    it('stays free of unacknowledged cdk-nag findings', () => {
      expect(s.report.pluginReports).toEqual([]);
    });
  },
);

describe('synthesis failures', () => {
  it('fails on an ASL placeholder nothing resolves, naming it', async () => {
    const build = buildReliefApp(freshApp(), {
      code: 'stub',
      stateMachinesDir: path.join(FIXTURES, 'statemachines-unknown'),
    });
    await expect(build).rejects.toThrow(PlaceholderError);
    await expect(
      buildReliefApp(freshApp(), {
        code: 'stub',
        stateMachinesDir: path.join(FIXTURES, 'statemachines-unknown'),
      }),
    ).rejects.toThrow(/\$\{NoSuchThingFunction\}, \$\{TableName\}/);
  });

  it('fails when a function needs the approval workflow and its ASL file is missing', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'relief-asl-'));
    await expect(buildReliefApp(freshApp(), { code: 'stub', stateMachinesDir: empty })).rejects.toThrow(
      CatalogError,
    );
    await expect(buildReliefApp(freshApp(), { code: 'stub', stateMachinesDir: empty })).rejects.toThrow(
      /relief-approval\.asl\.json/,
    );
  });

  it('fails when a public route touches data without verifying insurer signatures (the webhook without insurer access)', async () => {
    await expect(
      buildReliefApp(freshApp(), { code: 'stub', stateMachinesDir: FIXTURE_ASL }),
    ).resolves.toBeDefined();
    const catalog = catalogWithWebhookWithoutInsurer();
    const build = () => buildReliefApp(freshApp(), { code: 'stub', catalog, stateMachinesDir: FIXTURE_ASL });
    await expect(build()).rejects.toThrow(CatalogError);
    await expect(build()).rejects.toThrow(/POST \/insurer\/webhooks \(insurerWebhook\) is public.*insurer/);
  });

  it('fails on invalid settings before building anything', async () => {
    await expect(
      buildReliefApp(freshApp({ jwtIssuer: 'http://insecure.example' }), { code: 'stub' }),
    ).rejects.toThrow(SettingsError);
  });

  it('reports a construct warning in the validation report that the zero-findings checks read', async () => {
    const catalog = handlerCatalog();
    const s = await synth({
      context: INSURER_ACCOUNT,
      catalog: { ...catalog, http: [] },
      stateMachinesDir: FIXTURE_ASL,
      cfnValidation: false,
      beforeSynth: ({ stateless }) =>
        Annotations.of(stateless).addWarningV2('relief:test-warning', 'deliberate warning'),
    });
    expect(JSON.stringify(s.report.pluginReports)).toContain('relief:test-warning');
  }, 120_000);

  it('fails synthesis on a resource cdk-nag rejects (the checks are really on)', async () => {
    const catalog = handlerCatalog();
    const app = new App({
      context: { ...cdkJsonContext(), ...INSURER_ACCOUNT },
      outdir: mkdtempSync(path.join(tmpdir(), 'relief-cdk-')),
      stackTraces: false,
      builtinCloudFormationValidation: false,
    });
    const { stateless } = await buildReliefApp(app, {
      code: 'stub',
      catalog: { ...catalog, http: [] },
      stateMachinesDir: FIXTURE_ASL,
    });
    new sqs.Queue(stateless, 'UnencryptedPlaintextQueue', { encryption: sqs.QueueEncryption.UNENCRYPTED });
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS4/);
  }, 120_000);
});
