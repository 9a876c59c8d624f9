import {
  Aws,
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  Token,
  Validations,
} from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import type { Construct } from 'constructs';
import { CONSOLE_PREFIX, consoleContentSecurityPolicy } from '../console/policy.ts';
import { type ConsoleHosting, consoleHosting, partitionOf, type Settings } from './settings.ts';

export interface ConsoleStackProps extends StackProps {
  settings: Settings;
  /** The API's base URL (a CloudFormation value of the stateless stack, resolved at deploy time). */
  apiUrl: string;
  /** The API's origin (`https://<id>.execute-api.<region>.<suffix>`), for the CSP's connect-src. */
  apiOrigin: string;
  /** Physical name of the documents bucket: the console PUTs and GETs scans there with presigned URLs. */
  documentsBucketName: string;
  /** The console build (web/dist: index.html and assets/). */
  assetsDir: string;
}

/** S3 key prefix of the console: the build's base (web/vite.config.ts) without its slashes. */
export const CONSOLE_KEY_PREFIX = CONSOLE_PREFIX.replace(/^\//, '');

/**
 * The CloudFront Function (cloudfront-js-2.0, viewer request) that makes deep links work: a page path
 * under /console/ (no file extension, e.g. /console/applications/01J…) is answered with the app's
 * index.html; /console/config.json, /console/assets/… and any other file name go to the bucket as asked,
 * so a missing file stays a 403/404 instead of an HTML page the browser would take for JSON or a script.
 * (CloudFront's custom error responses apply to the whole distribution and could not tell them apart.)
 * Plain ES5 text: exported so that tests run it.
 */
export const SPA_ROUTING_FUNCTION = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri === '${CONSOLE_PREFIX.replace(/\/$/, '')}') {
    return { statusCode: 301, statusDescription: 'Moved Permanently', headers: { location: { value: '${CONSOLE_PREFIX}' } } };
  }
  if (uri.indexOf('${CONSOLE_PREFIX}') !== 0) return request;
  var rest = uri.substring(${CONSOLE_PREFIX.length});
  var last = rest.split('/').pop();
  // A file name (config.json, index-Bx12.js, favicon.svg) or anything under assets/: as asked.
  if (rest.indexOf('assets/') === 0 || last.indexOf('.') !== -1) return request;
  request.uri = '${CONSOLE_PREFIX}index.html';
  return request;
}
`;

/** The bucket root's index.html (CloudFront's default root object): sends `/` on to the console. */
export const ROOT_REDIRECT_PAGE = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0; url=${CONSOLE_PREFIX}">
<title>执行救助</title></head><body><a href="${CONSOLE_PREFIX}">执行救助 控制台 / relief console</a></body></html>
`;

interface ConsoleRouting {
  /** Origin of the default behaviour (index.html and the page paths). */
  pages: cloudfront.IOrigin;
  /** Origin of config.json and assets/ (the same as `pages` where a function does the routing). */
  files: cloudfront.IOrigin;
  functionAssociations?: cloudfront.FunctionAssociation[];
  errorResponses?: cloudfront.ErrorResponse[];
}

const IMMUTABLE = s3deploy.CacheControl.fromString('public, max-age=31536000, immutable');
const NO_CACHE = s3deploy.CacheControl.fromString('no-cache');

/**
 * The console (web/) in a deployment: a private bucket (no public access, TLS only, SSE-S3, access logs)
 * holding the build under `console/` and its runtime `config.json`, written at deploy time from the API's
 * URL (a CloudFormation value, never baked into the build), the courts' issuer and the console's client id.
 *
 * Where the stage may serve public content (`consoleHosting`: the aws partition, or aws-cn with an ICP
 * licence) CloudFront serves the bucket through origin access control, with the security headers (CSP
 * naming the API, the issuer and the documents bucket; HSTS; nosniff; frame-ancestors 'none'). In aws-cn
 * without the licence nothing is public: the bucket and a read-only role are the outputs, for the courts'
 * own web server to pull (README, "The console in a deployment").
 */
export class ConsoleStack extends Stack {
  readonly hosting: ConsoleHosting;
  /** aws-cn: no CloudFront Functions, no origin access control (see chinaRouting). */
  readonly china: boolean;
  readonly bucket: s3.Bucket;
  readonly logsBucket: s3.Bucket;
  readonly contentSecurityPolicy: string;
  /** The runtime configuration as deployed (values may be CloudFormation tokens). */
  readonly config: Record<string, unknown>;
  readonly distribution: cloudfront.Distribution | undefined;
  readonly readerRole: iam.Role | undefined;
  /** The console's URL (`https://<host>/console`), when CloudFront serves it. */
  readonly consoleUrl: string | undefined;

  constructor(scope: Construct, id: string, props: ConsoleStackProps) {
    super(scope, id, props);
    const { settings } = props;
    this.hosting = consoleHosting(settings);
    this.china = partitionOf(settings.region) === 'aws-cn';
    const cloudFront = this.hosting === 'cloudfront';

    this.logsBucket = new s3.Bucket(this, 'ConsoleLogsBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      // CloudFront standard logs are written with an ACL grant (log delivery), which needs ACLs enabled.
      objectOwnership: cloudFront
        ? s3.ObjectOwnership.OBJECT_WRITER
        : s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(400) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.logsBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This is the access log bucket of the console bucket and distribution: it does not log into itself.',
    });

    this.bucket = new s3.Bucket(this, 'ConsoleBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.logsBucket,
      serverAccessLogsPrefix: 'console-bucket/',
      lifecycleRules: [
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const documentsOrigin = `https://${props.documentsBucketName}.s3.${this.region}.${Aws.URL_SUFFIX}`;
    this.contentSecurityPolicy = consoleContentSecurityPolicy([
      props.apiOrigin,
      new URL(settings.jwtIssuer).origin,
      documentsOrigin,
    ]);
    this.config = {
      mode: 'oidc',
      apiUrl: props.apiUrl,
      oidc: {
        issuer: settings.jwtIssuer,
        clientId: settings.consoleClientId,
        scope: settings.consoleOidcScope,
      },
    };

    if (cloudFront) {
      this.distribution = this.cloudFrontDistribution(settings);
      const host = settings.consoleDomainName ?? this.distribution.distributionDomainName;
      this.consoleUrl = `https://${host}${CONSOLE_PREFIX.replace(/\/$/, '')}`;
      new CfnOutput(this, 'ConsoleUrl', {
        description: 'The console (redirect URI of the OIDC client: this URL + /callback)',
        value: `${this.consoleUrl}/`,
      });
      new CfnOutput(this, 'OidcRedirectUri', {
        description:
          'Register as redirect URI of the console client at the courts’ issuer (and …/sign-in after logout)',
        value: `${this.consoleUrl}/callback`,
      });
      new CfnOutput(this, 'ConsoleOrigin', {
        description: 'Add to corsAllowedOrigins (API and documents bucket) unless consoleDomainName is set',
        value: `https://${host}`,
      });
    } else {
      this.readerRole = this.intranetReaderRole(settings);
      new CfnOutput(this, 'ConsoleHosting', {
        description: 'Why there is no public URL',
        value:
          `No public hosting in ${Aws.PARTITION} without icpLicensed=true (ICP 备案): serve s3://${this.bucket.bucketName}/${CONSOLE_KEY_PREFIX} ` +
          'from the courts’ intranet or the 执行指挥管理平台 web server (pull it with ConsoleReaderRoleArn, serve with ConsoleContentSecurityPolicy), ' +
          'or from an ICP-licensed reverse proxy; see README “The console in a deployment”.',
      });
      new CfnOutput(this, 'ConsoleReaderRoleArn', {
        description:
          'Read-only role (console/* of the console bucket) for the web server that serves the console',
        value: this.readerRole.roleArn,
      });
      new CfnOutput(this, 'ConsoleContentSecurityPolicy', {
        description: 'The Content-Security-Policy header the serving web server must send with the console',
        value: this.contentSecurityPolicy,
      });
    }
    new CfnOutput(this, 'ConsoleBucketName', { value: this.bucket.bucketName });

    this.deployAssets(props.assetsDir);
  }

  /** Three copies: hashed assets (immutable), then index.html + config.json (no-cache), and the root redirect. */
  private deployAssets(assetsDir: string): void {
    const assets = new s3deploy.BucketDeployment(this, 'ConsoleAssets', {
      destinationBucket: this.bucket,
      destinationKeyPrefix: CONSOLE_KEY_PREFIX,
      sources: [s3deploy.Source.asset(assetsDir, { exclude: ['.source-hash', 'index.html', 'config.json'] })],
      exclude: ['*'],
      include: ['assets/*'],
      cacheControl: [IMMUTABLE],
      // Keep the previous release's chunks: a page loaded before the deploy still fetches its own.
      prune: false,
      retainOnDelete: true,
    });
    const entry = new s3deploy.BucketDeployment(this, 'ConsoleEntry', {
      destinationBucket: this.bucket,
      destinationKeyPrefix: CONSOLE_KEY_PREFIX,
      sources: [
        s3deploy.Source.asset(assetsDir, { exclude: ['.source-hash', 'config.json', 'assets'] }),
        // Written at deploy time: the API URL is resolved by CloudFormation, not known to the build.
        s3deploy.Source.jsonData('config.json', this.config, { escape: true }),
      ],
      exclude: ['assets/*'],
      cacheControl: [NO_CACHE],
      prune: false,
      retainOnDelete: true,
    });
    // The new index.html names chunks the first copy must already have put in place.
    entry.node.addDependency(assets);
    new s3deploy.BucketDeployment(this, 'ConsoleRootRedirect', {
      destinationBucket: this.bucket,
      sources: [s3deploy.Source.data('index.html', ROOT_REDIRECT_PAGE)],
      include: ['index.html'],
      exclude: ['*'],
      contentType: 'text/html; charset=utf-8',
      cacheControl: [NO_CACHE],
      prune: false,
      retainOnDelete: true,
    });
    this.acknowledgeDeploymentHandler();
  }

  private cloudFrontDistribution(settings: Settings): cloudfront.Distribution {
    const headers = new cloudfront.ResponseHeadersPolicy(this, 'ConsoleHeaders', {
      comment: `relief ${settings.stage}: console security headers`,
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: this.contentSecurityPolicy, override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365),
          includeSubdomains: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
    });
    const acmCertificate = settings.consoleCertificateArn
      ? acm.Certificate.fromCertificateArn(this, 'ConsoleCertificate', settings.consoleCertificateArn)
      : undefined;
    const behavior = (origin: cloudfront.IOrigin, cachePolicy: cloudfront.ICachePolicy) => ({
      origin,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
      cachePolicy,
      responseHeadersPolicy: headers,
      compress: true,
    });
    const routing = this.china ? this.chinaRouting() : this.globalRouting(settings);
    const distribution = new cloudfront.Distribution(this, 'ConsoleDistribution', {
      comment: `relief ${settings.stage}: console`,
      defaultRootObject: 'index.html',
      defaultBehavior: {
        ...behavior(routing.pages, cloudfront.CachePolicy.CACHING_OPTIMIZED),
        ...(routing.functionAssociations ? { functionAssociations: routing.functionAssociations } : {}),
      },
      additionalBehaviors: {
        ...(routing.files === routing.pages
          ? {}
          : {
              [`${CONSOLE_PREFIX}assets/*`]: behavior(
                routing.files,
                cloudfront.CachePolicy.CACHING_OPTIMIZED,
              ),
            }),
        // The runtime configuration changes with every deploy: never served from the edge cache.
        [`${CONSOLE_PREFIX}config.json`]: behavior(routing.files, cloudfront.CachePolicy.CACHING_DISABLED),
      },
      ...(routing.errorResponses ? { errorResponses: routing.errorResponses } : {}),
      ...(acmCertificate && settings.consoleDomainName
        ? {
            certificate: acmCertificate,
            domainNames: [settings.consoleDomainName],
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
      enableLogging: true,
      logBucket: this.logsBucket,
      logFilePrefix: 'cloudfront/',
    });
    const cfn = distribution.node.defaultChild as cloudfront.CfnDistribution;
    if (settings.consoleIamCertificateId && settings.consoleDomainName) {
      // CloudFront in aws-cn takes no ACM certificate: an IAM server certificate for the ICP-filed name.
      cfn.addPropertyOverride('DistributionConfig.Aliases', [settings.consoleDomainName]);
      cfn.addPropertyOverride('DistributionConfig.ViewerCertificate', {
        IamCertificateId: settings.consoleIamCertificateId,
        SslSupportMethod: 'sni-only',
        MinimumProtocolVersion: 'TLSv1.2_2021',
      });
    }
    Validations.of(distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason:
        'No geo restriction: the console is reached by courts nationwide and by their staff travelling; every API call it makes needs a court token.',
    });
    Validations.of(distribution).acknowledge({
      id: 'AwsSolutions-CFR2',
      reason:
        'No WAF web ACL: the distribution serves static files only (GET/HEAD), and every data request goes to the API behind the JWT authorizer and its throttling.',
    });
    if (!settings.consoleDomainName) {
      Validations.of(distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason:
          'The default *.cloudfront.net certificate, whose security policy CloudFront fixes; a stage with its own host name (consoleDomainName + certificate) gets TLSv1.2_2021.',
      });
    } else if (settings.consoleIamCertificateId) {
      Validations.of(distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason:
          'The IAM server certificate is set by a property override (ViewerCertificate with MinimumProtocolVersion TLSv1.2_2021, asserted in test/infra/console.test.ts), which cdk-nag does not read.',
      });
    }
    if (this.china) {
      Validations.of(distribution).acknowledge({
        id: 'AwsSolutions-CFR7',
        reason:
          'aws-cn offers no origin access control (no AWS::CloudFront::OriginAccessControl there): the bucket is read through origin access identities, and stays private.',
      });
    }
    return distribution;
  }

  /**
   * The aws partition: origin access control, and deep links by the viewer-request function
   * (SPA_ROUTING_FUNCTION), so a missing file is never answered with index.html.
   */
  private globalRouting(settings: Settings): ConsoleRouting {
    const spaRouting = new cloudfront.Function(this, 'ConsoleSpaRouting', {
      comment: `relief ${settings.stage}: console page paths -> index.html`,
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(SPA_ROUTING_FUNCTION),
    });
    const origin = origins.S3BucketOrigin.withOriginAccessControl(this.bucket);
    return {
      pages: origin,
      files: origin,
      functionAssociations: [
        { function: spaRouting, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST },
      ],
    };
  }

  /**
   * aws-cn has neither CloudFront Functions nor origin access control (CloudFormation offers neither type
   * there), and a custom error response applies to the whole distribution. So two origin access identities
   * read the one bucket: the page paths' identity may also list it, so a page path (no such key) comes back
   * 404, which the error response answers with index.html; config.json and assets/ go through the other
   * identity, which may not list, so a missing file stays a 403 and is never turned into HTML.
   */
  private chinaRouting(): ConsoleRouting {
    const pagesIdentity = new cloudfront.OriginAccessIdentity(this, 'ConsolePagesIdentity', {
      comment: 'relief console: page paths (may list: a missing key is a 404, answered with index.html)',
    });
    const filesIdentity = new cloudfront.OriginAccessIdentity(this, 'ConsoleFilesIdentity', {
      comment: 'relief console: config.json and assets (may not list: a missing key stays a 403)',
    });
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'ConsolePagePathsAre404',
        actions: ['s3:ListBucket'],
        resources: [this.bucket.bucketArn],
        principals: [pagesIdentity.grantPrincipal],
      }),
    );
    return {
      pages: origins.S3BucketOrigin.withOriginAccessIdentity(this.bucket, {
        originAccessIdentity: pagesIdentity,
      }),
      files: origins.S3BucketOrigin.withOriginAccessIdentity(this.bucket, {
        originAccessIdentity: filesIdentity,
      }),
      errorResponses: [
        {
          httpStatus: 404,
          responseHttpStatus: 200,
          responsePagePath: `${CONSOLE_PREFIX}index.html`,
          ttl: Duration.seconds(0),
        },
      ],
    };
  }

  /** Read-only access to the console files, for the web server that serves them where CloudFront may not. */
  private intranetReaderRole(settings: Settings): iam.Role {
    const role = new iam.Role(this, 'ConsoleReaderRole', {
      description: `relief ${settings.stage}: read the console build (console/*) to serve it from the courts' own web server`,
      assumedBy: new iam.AccountRootPrincipal(),
      maxSessionDuration: Duration.hours(1),
    });
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [this.bucket.arnForObjects(`${CONSOLE_KEY_PREFIX}*`)],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [this.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${CONSOLE_KEY_PREFIX}*`] } },
      }),
    );
    const bucketId = this.getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket);
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${CONSOLE_KEY_PREFIX}*]`,
      reason:
        'Read-only on exactly the console prefix (console/*) of the console bucket: the files of one build.',
    });
    return role;
  }

  /** The CDK-managed singleton Lambda behind BucketDeployment (not our code). */
  private acknowledgeDeploymentHandler(): void {
    const handler = this.node
      .findAll()
      .find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment') && c.node.scope === this);
    if (!handler) return;
    Validations.of(handler).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason:
        'CDK-managed BucketDeployment handler: its role and managed policy (basic execution) are fixed by aws-cdk-lib.',
    });
    Validations.of(handler).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'CDK-managed BucketDeployment handler: aws-cdk-lib chooses its runtime.',
    });
    // The grants aws-cdk-lib gives it: read the CDK asset bucket (bootstrap qualifier hnb659fds), write this bucket.
    const account = Token.isUnresolved(this.account) ? '<AWS::AccountId>' : this.account;
    const bucketId = this.getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket);
    for (const appliesTo of [
      'Action::s3:GetBucket*',
      'Action::s3:GetObject*',
      'Action::s3:List*',
      'Action::s3:Abort*',
      'Action::s3:DeleteObject*',
      `Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-${account}-${this.region}/*`,
      `Resource::<${bucketId}.Arn>/*`,
    ]) {
      Validations.of(handler).acknowledge({
        id: `AwsSolutions-IAM5[${appliesTo}]`,
        reason:
          'CDK-managed BucketDeployment handler: it copies the console build from the CDK asset bucket into the console bucket, with the grants aws-cdk-lib gives it.',
      });
    }
  }
}
