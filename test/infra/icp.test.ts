import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes } from '../../functions/http/routes.ts';
import { buildReliefApp } from '../../infra/stacks/relief-app.ts';
import { SettingsError } from '../../infra/stacks/settings.ts';
import { CN_CONSOLE, cdkJsonContext, type Synthesised, synth } from './synth.ts';

/**
 * ICP (备案): in aws-cn, API Gateway answers 403 on an unauthenticated route of an account without an ICP
 * licence. Without `icpLicensed` the stage therefore has no route with AuthorizationType NONE: health and
 * OpenAPI go behind the court JWT authorizer, the insurer webhook behind IAM with a role the insurer assumes.
 */
const INSURER_ACCOUNT = '210987654321';
const EXTERNAL_ID = 'picc-relief-2024';
/** The insurer's signed routes: no court token; IAM-authorised in aws-cn without the ICP licence. */
const INSURER_KEYS = [
  'POST /insurer/webhooks',
  'GET /insurer/packages/{packageId}',
  'POST /insurer/packages/{packageId}/redelivery',
];
const PUBLIC_KEYS = ['GET /health', 'GET /openapi.json', ...INSURER_KEYS];

type Resource = { Properties: Record<string, unknown> };
const routesOf = (s: Synthesised) =>
  Object.values(s.statelessTemplate.findResources('AWS::ApiGatewayV2::Route')) as Resource[];
const routeKey = (r: Resource) => r.Properties.RouteKey as string;

describe('aws-cn without an ICP licence (the default)', () => {
  let s: Synthesised;
  beforeAll(async () => {
    s = await synth({
      context: {
        region: 'cn-northwest-1',
        stage: 'test',
        insurerAccountId: INSURER_ACCOUNT,
        insurerExternalId: EXTERNAL_ID,
      },
      cfnValidation: false,
    });
  }, 120_000);

  it('deploys no route with AuthorizationType NONE', () => {
    const routes = routesOf(s);
    expect(routes).toHaveLength(apiRoutes.filter((r) => r.spec.auth !== 'local-only').length);
    expect(routes.filter((r) => r.Properties.AuthorizationType === 'NONE').map(routeKey)).toEqual([]);
  });

  it('puts GET /health and GET /openapi.json behind the court JWT authorizer', () => {
    const [jwtId] = Object.keys(s.statelessTemplate.findResources('AWS::ApiGatewayV2::Authorizer'));
    for (const key of ['GET /health', 'GET /openapi.json']) {
      const route = routesOf(s).find((r) => routeKey(r) === key);
      expect(route?.Properties).toMatchObject({ AuthorizationType: 'JWT', AuthorizerId: { Ref: jwtId } });
    }
  });

  it("IAM-authorises the insurer webhook and the insurer's package routes, nothing else", () => {
    const route = routesOf(s).find((r) => routeKey(r) === 'POST /insurer/webhooks');
    expect(route?.Properties.AuthorizationType).toBe('AWS_IAM');
    const iam = routesOf(s).filter((r) => r.Properties.AuthorizationType === 'AWS_IAM');
    expect(iam.map(routeKey).sort()).toEqual([...INSURER_KEYS].sort());
  });

  it('creates the role the insurer assumes: trusted to the insurer account only, with the external id', () => {
    const role = s.stateless.insurerRole;
    expect(role).toBeDefined();
    const cfn =
      s.statelessTemplate.toJSON().Resources[s.stateless.getLogicalId(role?.node.defaultChild as never)];
    expect(cfn.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: {
          AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${INSURER_ACCOUNT}:root`]] },
        },
        Condition: { StringEquals: { 'sts:ExternalId': EXTERNAL_ID } },
      },
    ]);
    expect(cfn.Properties.MaxSessionDuration).toBe(3600);
  });

  it('lets that role invoke exactly POST /insurer/webhooks of this API', () => {
    const roleId = s.stateless.getLogicalId(s.stateless.insurerRole?.node.defaultChild as never);
    const policies = Object.values(s.statelessTemplate.findResources('AWS::IAM::Policy')).filter((p) =>
      (p.Properties.Roles as { Ref?: string }[]).some((r) => r.Ref === roleId),
    );
    const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(statements).toHaveLength(1);
    expect(statements[0].Action).toBe('execute-api:Invoke');
    const resource = JSON.stringify(statements[0].Resource);
    expect(resource).toContain('/$default/POST/insurer/webhooks');
    expect(resource).toContain('/$default/GET/insurer/packages/{packageId}');
    expect(resource).toContain('/$default/POST/insurer/packages/{packageId}/redelivery');
    expect(statements[0].Resource).toHaveLength(3);
    expect(resource).toContain(s.stateless.getLogicalId(s.stateless.api.node.defaultChild as never));
    expect(resource).not.toMatch(/\/\*"?\]?$/);
  });

  it('publishes the role ARN for the insurer', () => {
    const outputs = s.statelessTemplate.toJSON().Outputs;
    expect(outputs.InsurerWebhookRoleArn?.Value).toEqual({
      'Fn::GetAtt': [s.stateless.getLogicalId(s.stateless.insurerRole?.node.defaultChild as never), 'Arn'],
    });
  });

  it('leaves no unacknowledged cdk-nag finding (no APIG4 acknowledgement is needed)', () => {
    expect(s.report.pluginReports).toEqual([]);
    expect(s.text).not.toContain('AwsSolutions-APIG4');
  });
});

describe.each([
  { region: 'cn-northwest-1', icpLicensed: 'true' },
  { region: 'us-east-1', icpLicensed: undefined },
])('$region with icpLicensed=$icpLicensed', ({ region, icpLicensed }) => {
  let s: Synthesised;
  beforeAll(async () => {
    s = await synth({
      context: { region, stage: 'test', ...(icpLicensed ? { icpLicensed, ...CN_CONSOLE } : {}) },
      cfnValidation: false,
    });
  }, 120_000);

  it("serves exactly the public routes (health, OpenAPI, the insurer's signed routes) without an authorizer", () => {
    const open = routesOf(s).filter((r) => r.Properties.AuthorizationType === 'NONE');
    expect(open.map(routeKey).sort()).toEqual([...PUBLIC_KEYS].sort());
    for (const r of open) expect(r.Properties.AuthorizerId).toBeUndefined();
  });

  it('creates no insurer role', () => {
    expect(s.stateless.insurerRole).toBeUndefined();
    expect(s.statelessTemplate.toJSON().Outputs?.InsurerWebhookRoleArn).toBeUndefined();
  });
});

describe('aws-cn settings that cannot serve', () => {
  const app = (context: Record<string, unknown>) =>
    new App({
      context: { ...cdkJsonContext(), ...context },
      outdir: mkdtempSync(path.join(tmpdir(), 'relief-cdk-')),
      stackTraces: false,
    });

  it('fails synthesis naming insurerAccountId when it is missing without icpLicensed', async () => {
    const build = () => buildReliefApp(app({ region: 'cn-northwest-1' }), { code: 'stub' });
    await expect(build()).rejects.toThrow(SettingsError);
    await expect(build()).rejects.toThrow(/insurerAccountId: required in aws-cn without icpLicensed=true/);
  });

  it('fails synthesis on insurerIamAuth=false without icpLicensed', async () => {
    await expect(
      buildReliefApp(
        app({ region: 'cn-north-1', insurerIamAuth: 'false', insurerAccountId: INSURER_ACCOUNT }),
        { code: 'stub' },
      ),
    ).rejects.toThrow(/insurerIamAuth: cannot be false in aws-cn/);
  });
});
