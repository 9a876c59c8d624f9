import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_KEY_PREFIX } from '../../infra/stacks/console-stack.ts';
import { parseSettings, SettingsError } from '../../infra/stacks/settings.ts';
import { CN_CONSOLE, cdkJsonContext, type Synthesised, synth } from './synth.ts';

/**
 * The console in a deployment (issue 17 "Deployment", issue 18 item 1): a private bucket behind CloudFront
 * with origin access control where the stage may serve public content; in aws-cn without an ICP licence the
 * bucket and a read-only role only. Its config.json is written at deploy time from the API's stack output.
 */
const INSURER = { insurerAccountId: '210987654321' };
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';

/** CloudFormation JSON, as the assertions library types it. */
type Json = ReturnType<Template['toJSON']>;
type Resource = { Type: string; Properties: Json; DependsOn?: string[] };
const resources = (s: Synthesised) => s.consoleTemplate.toJSON().Resources as Record<string, Resource>;
const ofType = (s: Synthesised, type: string) =>
  Object.entries(resources(s)).filter(([, r]) => r.Type === type);
const one = (s: Synthesised, type: string): [string, Resource] => {
  const found = ofType(s, type);
  expect(found, type).toHaveLength(1);
  return found[0] as [string, Resource];
};
const consoleBucketId = (s: Synthesised) =>
  s.console.getLogicalId(s.console.bucket.node.defaultChild as never);
const deployments = (s: Synthesised) => ofType(s, 'Custom::CDKBucketDeployment').map(([, r]) => r.Properties);

/** The deployment that writes config.json, and config.json as staged in the cloud assembly. */
function configDeployment(s: Synthesised) {
  for (const props of deployments(s)) {
    const keys = props.SourceObjectKeys as string[];
    for (const [i, key] of keys.entries()) {
      const dir = path.join(s.app.outdir, `asset.${key.replace(/\.zip$/, '')}`);
      try {
        const text = readFileSync(path.join(dir, 'config.json'), 'utf8');
        return { props, markers: props.SourceMarkers[i] as Record<string, unknown>, text };
      } catch {}
    }
  }
  throw new Error('no deployment writes config.json');
}

function expectPrivateBucket(s: Synthesised) {
  const bucket = resources(s)[consoleBucketId(s)];
  expect(bucket?.Properties).toMatchObject({
    PublicAccessBlockConfiguration: {
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    },
    OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    BucketEncryption: {
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    },
  });
  expect(bucket?.Properties.WebsiteConfiguration).toBeUndefined();
  const policy = ofType(s, 'AWS::S3::BucketPolicy').find(
    ([, p]) => p.Properties.Bucket?.Ref === consoleBucketId(s),
  )?.[1];
  const statements = policy?.Properties.PolicyDocument.Statement as Json[];
  expect(statements).toContainEqual(
    expect.objectContaining({
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    }),
  );
  // Nothing is allowed to everyone: an Allow goes to CloudFront (OAC, conditioned on this distribution) or
  // to an origin access identity (aws-cn).
  const allows = statements.filter((st) => st.Effect === 'Allow');
  for (const st of allows) {
    expect(JSON.stringify(st.Principal)).not.toContain('"*"');
    if (st.Principal.Service) {
      expect(st.Principal).toEqual({ Service: 'cloudfront.amazonaws.com' });
      expect(st.Action).toBe('s3:GetObject');
      expect(st.Condition.StringEquals['AWS:SourceArn']).toBeDefined();
    } else {
      expect(Object.keys(st.Principal)).toEqual(['CanonicalUser']);
    }
  }
  return allows;
}

function expectConfigFromStackOutputs(s: Synthesised) {
  const { props, markers, text } = configDeployment(s);
  const config = JSON.parse(text);
  expect(config).toMatchObject({
    mode: 'oidc',
    oidc: { issuer: cdkJsonContext().jwtIssuer, clientId: 'relief-console', scope: 'openid profile' },
  });
  // The API URL is a deploy-time marker, replaced by the custom resource with the stateless stack's value.
  expect(config.apiUrl).toMatch(/^https:\/\/<<marker:0xbaba:\d+>>\.execute-api\./);
  expect(text).not.toMatch(/[a-z0-9]{10}\.execute-api/);
  // …and it is what the console itself accepts (web/src/config.ts; imported by a computed path because the
  // root tsconfig has no DOM types, which that module's browser half needs).
  const deployed = JSON.parse(text.replace(/<<marker:0xbaba:\d+>>/g, 'abcdefghij'));
  expect(consoleParseConfig(deployed, 'https://console.example')).toEqual({
    mode: 'oidc',
    apiUrl: expect.stringMatching(/^https:\/\/abcdefghij\.execute-api\.[a-z]{2}-[a-z]+-\d\.abcdefghij\/$/),
    oidc: config.oidc,
  });
  const stateless = s.stateless.stackName;
  expect(JSON.stringify(markers)).toContain(stateless);
  expect(props.DestinationBucketKeyPrefix).toBe(CONSOLE_KEY_PREFIX);
  expect(props.SystemMetadata).toEqual({ 'cache-control': 'no-cache' });
  expect(props.SourceMarkersConfig).toContainEqual({ jsonEscape: true });
}

const CONSOLE_CONFIG_MODULE = '../../web/src/config.ts';
let consoleParseConfig: (raw: unknown, origin: string) => unknown;
beforeAll(async () => {
  ({ parseConfig: consoleParseConfig } = await import(/* @vite-ignore */ CONSOLE_CONFIG_MODULE));
});

describe('the console in the aws partition (CloudFront, default domain)', () => {
  let s: Synthesised;
  beforeAll(async () => {
    s = await synth({ context: { region: 'us-east-1', stage: 'test' }, cfnValidation: false });
  }, 120_000);

  it('keeps the bucket private: public access blocked, TLS only, encrypted, no website hosting', () => {
    expect(s.console.hosting).toBe('cloudfront');
    expect(expectPrivateBucket(s)).toHaveLength(1);
  });

  it('reads the bucket through origin access control (SigV4), granted to this distribution only', () => {
    const [oacId, oac] = one(s, 'AWS::CloudFront::OriginAccessControl');
    expect(oac.Properties.OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
    const [distributionId, distribution] = one(s, 'AWS::CloudFront::Distribution');
    const [origin] = distribution.Properties.DistributionConfig.Origins;
    expect(origin.OriginAccessControlId).toEqual({ 'Fn::GetAtt': [oacId, 'Id'] });
    expect(origin.DomainName).toEqual({ 'Fn::GetAtt': [consoleBucketId(s), 'RegionalDomainName'] });
    expect(origin.S3OriginConfig.OriginAccessIdentity).toBe('');
    const [allow] = expectPrivateBucket(s);
    expect(JSON.stringify(allow?.Condition)).toContain(`{"Ref":"${distributionId}"}`);
    expect(ofType(s, 'AWS::CloudFront::CloudFrontOriginAccessIdentity')).toEqual([]);
  });

  it('answers page paths with index.html, but never config.json, assets or other files', () => {
    const [, distribution] = one(s, 'AWS::CloudFront::Distribution');
    const config = distribution.Properties.DistributionConfig;
    // No distribution-wide error page: it would turn a missing config.json or chunk into HTML.
    expect(config.CustomErrorResponses).toBeUndefined();
    expect(config.DefaultRootObject).toBe('index.html');
    const [fnId, fn] = one(s, 'AWS::CloudFront::Function');
    expect(config.DefaultCacheBehavior.FunctionAssociations).toEqual([
      { EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [fnId, 'FunctionARN'] } },
    ]);
    expect(fn.Properties.FunctionConfig.Runtime).toBe('cloudfront-js-2.0');
    // Run the deployed code itself.
    const handler = new Function(`${fn.Properties.FunctionCode}; return handler;`)() as (event: unknown) => {
      uri?: string;
      statusCode?: number;
      headers?: Record<string, { value: string }>;
    };
    const route = (uri: string) => handler({ request: { uri, headers: {} } });
    expect(route('/console/').uri).toBe('/console/index.html');
    expect(route('/console/applications/01JABCDEF/documents').uri).toBe('/console/index.html');
    expect(route('/console/callback').uri).toBe('/console/index.html');
    expect(route('/console/config.json').uri).toBe('/console/config.json');
    expect(route('/console/assets/index-Bx12.js').uri).toBe('/console/assets/index-Bx12.js');
    expect(route('/console/assets/missing').uri).toBe('/console/assets/missing');
    expect(route('/console/favicon.svg').uri).toBe('/console/favicon.svg');
    expect(route('/').uri).toBe('/');
    expect(route('/console')).toMatchObject({
      statusCode: 301,
      headers: { location: { value: '/console/' } },
    });
    // `/` is the default root object: a page that sends the browser on to /console/.
    const root = deployments(s).find((d) => d.DestinationBucketKeyPrefix === undefined);
    expect(root?.Include).toEqual(['index.html']);
    expect(root?.Prune).toBe(false);
  });

  it('writes config.json at deploy time from the API stack output, served uncached', () => {
    expectConfigFromStackOutputs(s);
    const behaviors = one(s, 'AWS::CloudFront::Distribution')[1].Properties.DistributionConfig.CacheBehaviors;
    expect(behaviors).toEqual([
      expect.objectContaining({ PathPattern: '/console/config.json', CachePolicyId: CACHING_DISABLED }),
    ]);
  });

  it('caches the hashed chunks for a year and keeps those of earlier releases', () => {
    const assets = deployments(s).find((d) => (d.Include as string[] | undefined)?.includes('assets/*'));
    expect(assets).toMatchObject({
      DestinationBucketKeyPrefix: 'console/',
      Exclude: ['*'],
      SystemMetadata: { 'cache-control': 'public, max-age=31536000, immutable' },
      Prune: false,
    });
  });

  it('sends the security headers: CSP naming the API, the issuer and the documents bucket; HSTS; nosniff; no framing', () => {
    const [policyId, policy] = one(s, 'AWS::CloudFront::ResponseHeadersPolicy');
    const headers = policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    expect(headers.StrictTransportSecurity).toMatchObject({ IncludeSubdomains: true, Override: true });
    expect(headers.StrictTransportSecurity.AccessControlMaxAgeSec).toBeGreaterThanOrEqual(31_536_000);
    expect(headers.ContentTypeOptions).toEqual({ Override: true });
    expect(headers.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
    const csp = JSON.stringify(s.console.resolve(headers.ContentSecurityPolicy.ContentSecurityPolicy));
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain(' https://idp.court.example ');
    expect(csp).toMatch(/connect-src 'self' https:\/\/".*relief-test-stateless.*\.execute-api\.us-east-1\./);
    expect(csp).toContain('https://relief-test-docs-');
    const config = one(s, 'AWS::CloudFront::Distribution')[1].Properties.DistributionConfig;
    for (const behavior of [config.DefaultCacheBehavior, ...config.CacheBehaviors]) {
      expect(behavior.ResponseHeadersPolicyId).toEqual({ Ref: policyId });
      expect(behavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    }
  });

  it('outputs the console URL and the redirect URI to register at the issuer', () => {
    const outputs = s.consoleTemplate.toJSON().Outputs;
    const url = JSON.stringify(outputs.ConsoleUrl.Value);
    expect(url).toContain('DomainName');
    expect(url).toContain('/console/');
    expect(JSON.stringify(outputs.OidcRedirectUri.Value)).toContain('/console/callback');
  });

  it('leaves no unacknowledged cdk-nag finding', () => {
    expect(s.report.pluginReports).toEqual([]);
  });
});

describe('the console in the aws partition with its own host name', () => {
  let s: Synthesised;
  const CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/0f0e0d0c-1111-2222-3333-444455556666';
  beforeAll(async () => {
    s = await synth({
      context: {
        region: 'us-east-1',
        stage: 'test',
        consoleDomainName: 'relief.court.example',
        consoleCertificateArn: CERT,
      },
      cfnValidation: false,
    });
  }, 120_000);

  it('serves the name with its ACM certificate and TLS 1.2 at least', () => {
    const config = one(s, 'AWS::CloudFront::Distribution')[1].Properties.DistributionConfig;
    expect(config.Aliases).toEqual(['relief.court.example']);
    expect(config.ViewerCertificate).toMatchObject({
      AcmCertificateArn: CERT,
      MinimumProtocolVersion: 'TLSv1.2_2021',
      SslSupportMethod: 'sni-only',
    });
    expect(s.consoleTemplate.toJSON().Outputs.OidcRedirectUri.Value).toBe(
      'https://relief.court.example/console/callback',
    );
  });

  it('lets that origin call the API and the presigned document URLs (CORS)', () => {
    const [api] = Object.values(s.statelessTemplate.findResources('AWS::ApiGatewayV2::Api'));
    expect(api?.Properties.CorsConfiguration.AllowOrigins).toContain('https://relief.court.example');
    const docs =
      s.statefulTemplate.toJSON().Resources[
        s.stateful.getLogicalId(s.stateful.documentsBucket.node.defaultChild as never)
      ];
    expect(docs.Properties.CorsConfiguration.CorsRules[0].AllowedOrigins).toContain(
      'https://relief.court.example',
    );
  });

  it('leaves no unacknowledged cdk-nag finding', () => {
    expect(s.report.pluginReports).toEqual([]);
  });
});

describe('the console in aws-cn without an ICP licence (the default): no public hosting', () => {
  let s: Synthesised;
  beforeAll(async () => {
    s = await synth({
      context: { region: 'cn-northwest-1', stage: 'test', ...INSURER },
      cfnValidation: false,
    });
  }, 120_000);

  it('creates no CloudFront resource, only the private bucket with the build and its config.json', () => {
    expect(s.console.hosting).toBe('private-bucket');
    expect(Object.values(resources(s)).filter((r) => r.Type.startsWith('AWS::CloudFront::'))).toEqual([]);
    expect(expectPrivateBucket(s)).toEqual([]);
    expectConfigFromStackOutputs(s);
  });

  it('gives the courts’ web server a read-only role on console/* and says how to serve it', () => {
    const roleId = s.console.getLogicalId(s.console.readerRole?.node.defaultChild as never);
    const role = resources(s)[roleId];
    expect(role?.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      expect.objectContaining({
        Action: 'sts:AssumeRole',
        Principal: {
          AWS: {
            'Fn::Join': [
              '',
              ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root'],
            ],
          },
        },
      }),
    ]);
    const statements = ofType(s, 'AWS::IAM::Policy')
      .filter(([, p]) => (p.Properties.Roles as { Ref?: string }[]).some((r) => r.Ref === roleId))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
    expect(statements.map((st: { Action: string }) => st.Action).sort()).toEqual([
      's3:GetObject',
      's3:ListBucket',
    ]);
    expect(JSON.stringify(statements)).toContain('/console/*');
    expect(JSON.stringify(statements)).toContain('"s3:prefix":["console/*"]');
    const outputs = s.consoleTemplate.toJSON().Outputs;
    expect(outputs.ConsoleReaderRoleArn.Value).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
    const note = JSON.stringify(outputs.ConsoleHosting.Value);
    expect(note).toContain('icpLicensed=true');
    expect(note).toContain('执行指挥管理平台');
    expect(JSON.stringify(outputs.ConsoleContentSecurityPolicy.Value)).toContain("frame-ancestors 'none'");
    expect(outputs.ConsoleUrl).toBeUndefined();
  });

  it('leaves no unacknowledged cdk-nag finding', () => {
    expect(s.report.pluginReports).toEqual([]);
  });
});

describe('the console in aws-cn with an ICP licence', () => {
  let s: Synthesised;
  beforeAll(async () => {
    s = await synth({
      context: { region: 'cn-northwest-1', stage: 'test', icpLicensed: 'true', ...CN_CONSOLE },
    });
  }, 120_000);

  it('serves the ICP-filed name through CloudFront with the IAM server certificate (no ACM there)', () => {
    const config = one(s, 'AWS::CloudFront::Distribution')[1].Properties.DistributionConfig;
    expect(config.Aliases).toEqual([CN_CONSOLE.consoleDomainName]);
    expect(config.ViewerCertificate).toEqual({
      IamCertificateId: CN_CONSOLE.consoleIamCertificateId,
      SslSupportMethod: 'sni-only',
      MinimumProtocolVersion: 'TLSv1.2_2021',
    });
    expect(JSON.stringify(config)).not.toContain('AcmCertificateArn');
    expect(s.consoleTemplate.toJSON().Outputs.ConsoleUrl.Value).toBe(
      `https://${CN_CONSOLE.consoleDomainName}/console/`,
    );
  });

  it('keeps the bucket private behind two origin access identities (aws-cn has no OAC nor CloudFront Functions)', () => {
    expect(ofType(s, 'AWS::CloudFront::OriginAccessControl')).toEqual([]);
    expect(ofType(s, 'AWS::CloudFront::Function')).toEqual([]);
    const identities = ofType(s, 'AWS::CloudFront::CloudFrontOriginAccessIdentity').map(([id]) => id);
    expect(identities).toHaveLength(2);
    const pages = identities.find((id) => id.startsWith('ConsolePagesIdentity')) as string;
    const files = identities.find((id) => id.startsWith('ConsoleFilesIdentity')) as string;
    const allows = expectPrivateBucket(s);
    const user = (id: string) => ({ 'Fn::GetAtt': [id, 'S3CanonicalUserId'] });
    const get = allows.find((st) => st.Action === 's3:GetObject');
    expect(get?.Principal.CanonicalUser).toEqual(expect.arrayContaining([user(pages), user(files)]));
    const list = allows.filter((st) => st.Action === 's3:ListBucket');
    expect(list.map((st) => st.Principal)).toEqual([{ CanonicalUser: user(pages) }]);
    expect(allows).toHaveLength(2);
    expectConfigFromStackOutputs(s);
  });

  it('answers page paths with index.html (404 of the listing identity), never config.json or assets (403)', () => {
    const config = one(s, 'AWS::CloudFront::Distribution')[1].Properties.DistributionConfig;
    expect(config.CustomErrorResponses).toEqual([
      { ErrorCode: 404, ResponseCode: 200, ResponsePagePath: '/console/index.html', ErrorCachingMinTTL: 0 },
    ]);
    const originOf = (targetId: string) =>
      JSON.stringify(config.Origins.find((o: { Id: string }) => o.Id === targetId).S3OriginConfig);
    expect(originOf(config.DefaultCacheBehavior.TargetOriginId)).toContain('ConsolePagesIdentity');
    const byPath = Object.fromEntries(
      config.CacheBehaviors.map((b: { PathPattern: string; TargetOriginId: string }) => [b.PathPattern, b]),
    );
    expect(Object.keys(byPath).sort()).toEqual(['/console/assets/*', '/console/config.json']);
    for (const b of Object.values(byPath) as { TargetOriginId: string }[])
      expect(originOf(b.TargetOriginId)).toContain('ConsoleFilesIdentity');
    expect(byPath['/console/config.json'].CachePolicyId).toBe(CACHING_DISABLED);
  });

  it('leaves no unacknowledged cdk-nag finding (CloudFormation validation on)', () => {
    expect(s.report.pluginReports).toEqual([]);
  });
});

describe('console settings', () => {
  const base = { jwtIssuer: 'https://idp.court.example/realms/relief', jwtAudience: 'relief-api' };
  const cn = { ...base, region: 'cn-northwest-1' };

  it('refuses aws-cn with icpLicensed but without the host name and IAM certificate, naming both', () => {
    expect(() => parseSettings({ ...cn, icpLicensed: 'true' })).toThrow(SettingsError);
    expect(() => parseSettings({ ...cn, icpLicensed: 'true' })).toThrow(
      /consoleDomainName, consoleIamCertificateId: required in aws-cn with icpLicensed=true/,
    );
    expect(() =>
      parseSettings({ ...cn, icpLicensed: 'true', consoleDomainName: CN_CONSOLE.consoleDomainName }),
    ).toThrow(/consoleIamCertificateId/);
    expect(() => parseSettings({ ...cn, icpLicensed: 'true', ...CN_CONSOLE })).not.toThrow();
  });

  it('refuses an ACM certificate in aws-cn, pointing to the IAM certificate', () => {
    expect(() =>
      parseSettings({
        ...cn,
        ...INSURER,
        consoleDomainName: 'relief.court.example.cn',
        consoleCertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc',
      }),
    ).toThrow(
      /consoleCertificateArn: CloudFront in aws-cn does not take ACM certificates.*consoleIamCertificateId/,
    );
  });

  it('needs a certificate with a host name, and a host name with a certificate', () => {
    const global = { ...base, region: 'us-east-1' };
    expect(() => parseSettings({ ...global, consoleDomainName: 'relief.court.example' })).toThrow(
      /consoleCertificateArn: required with consoleDomainName/,
    );
    expect(() => parseSettings({ ...global, consoleIamCertificateId: 'ASCAEXAMPLE1234567890' })).toThrow(
      /consoleDomainName: required with a console certificate/,
    );
    expect(() => parseSettings({ ...global, consoleDomainName: 'Not a host' })).toThrow(/consoleDomainName/);
  });

  it('needs nothing for the console in aws-cn without the licence, nor in aws by default', () => {
    expect(() => parseSettings({ ...cn, ...INSURER })).not.toThrow();
    expect(parseSettings({ ...base, region: 'us-east-1' })).toMatchObject({
      consoleClientId: 'relief-console',
      consoleOidcScope: 'openid profile',
    });
  });
});
