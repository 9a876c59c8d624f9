import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnRole } from 'aws-cdk-lib/aws-iam';
import type { ReliefFunction } from '../../infra/constructs/relief-function.ts';
import { REPO_ROOT } from '../../infra/stacks/catalog.ts';
import { buildReliefApp, type ReliefApp, type ReliefAppOptions } from '../../infra/stacks/relief-app.ts';

/** The context of cdk.json (feature flags and default settings), so tests synthesise what the CLI does. */
export function cdkJsonContext(): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8')).context;
}

/**
 * What aws-cn with an ICP licence needs to serve the console on CloudFront: the ICP-filed host name and
 * its certificate in IAM (*.cloudfront.cn cannot serve; CloudFront in China takes no ACM certificate).
 */
export const CN_CONSOLE = {
  consoleDomainName: 'relief.court.example.cn',
  consoleIamCertificateId: 'ASCAEXAMPLE1234567890',
} as const;

export const FIXTURES = path.join(REPO_ROOT, 'test/infra/fixtures');

export interface Synthesised extends ReliefApp {
  app: App;
  stateful: ReliefApp['stateful'];
  statefulTemplate: Template;
  statelessTemplate: Template;
  consoleTemplate: Template;
  /** Both templates as JSON text, for literal searches. */
  text: string;
  /** Parsed validation-report.json of the cloud assembly (cdk-nag and CloudFormation validation). */
  report: { pluginReports: { pluginName?: string; violations?: unknown[] }[] };
}

export interface SynthOptions extends Omit<ReliefAppOptions, 'settings'> {
  context?: Record<string, unknown>;
  /** The built-in CloudFormation schema validation costs seconds per synth; fixtures may skip it. */
  cfnValidation?: boolean;
  /** Last changes to the construct tree before synthesis (e.g. a deliberate violation). */
  beforeSynth?: (relief: ReliefApp) => void;
}

/** Builds and synthesises the app in process (stub code unless told otherwise); throws what synth throws. */
export async function synth(options: SynthOptions = {}): Promise<Synthesised> {
  const { context, cfnValidation = true, beforeSynth, ...appOptions } = options;
  const app = new App({
    context: { ...cdkJsonContext(), ...context },
    outdir: mkdtempSync(path.join(tmpdir(), 'relief-cdk-')),
    stackTraces: false,
    builtinCloudFormationValidation: cfnValidation,
  });
  const relief = await buildReliefApp(app, { code: 'stub', ...appOptions });
  beforeSynth?.(relief);
  const assembly = app.synth();
  const stateful = assembly.getStackArtifact(relief.stateful.artifactId).template;
  const stateless = assembly.getStackArtifact(relief.stateless.artifactId).template;
  const consoleStack = assembly.getStackArtifact(relief.console.artifactId).template;
  return {
    ...relief,
    app,
    statefulTemplate: Template.fromJSON(stateful),
    statelessTemplate: Template.fromJSON(stateless),
    consoleTemplate: Template.fromJSON(consoleStack),
    text: JSON.stringify([stateful, stateless]),
    report: JSON.parse(readFileSync(path.join(assembly.directory, 'validation-report.json'), 'utf8')),
  };
}

export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Sid?: string;
}

/** Every IAM statement attached to a function's role (its identity policies). */
export function statementsOf(s: Synthesised, fn: ReliefFunction): Statement[] {
  const roleId = s.stateless.getLogicalId(fn.role.node.defaultChild as CfnRole);
  const policies = s.statelessTemplate.findResources('AWS::IAM::Policy');
  return Object.values(policies)
    .filter((p) => (p.Properties.Roles as unknown[]).some((r) => (r as { Ref?: string }).Ref === roleId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}

export function actionsOf(statements: Statement[]): string[] {
  return statements.flatMap((st) => (Array.isArray(st.Action) ? st.Action : [st.Action])).sort();
}

/** Paths of strings containing `amazonaws.com` that are not an IAM / Lambda-permission service principal. */
export function amazonawsOutsidePrincipals(node: unknown, at: string[] = [], inPrincipal = false): string[] {
  if (typeof node === 'string') {
    if (!node.includes('amazonaws.com')) return [];
    return inPrincipal && /^[a-z0-9-]+(\.[a-z0-9-]+)*\.amazonaws\.com$/.test(node)
      ? []
      : [`${at.join('.')}: ${node}`];
  }
  if (Array.isArray(node))
    return node.flatMap((v, i) => amazonawsOutsidePrincipals(v, [...at, String(i)], inPrincipal));
  if (node && typeof node === 'object') {
    return Object.entries(node).flatMap(([k, v]) =>
      amazonawsOutsidePrincipals(v, [...at, k], inPrincipal || k === 'Principal'),
    );
  }
  return [];
}

/** `${Name}` tokens of an ASL string. */
export function tokensOf(definition: string): string[] {
  return [...definition.matchAll(/\$\{([^}]+)\}/g)].map((m) => m[1] as string);
}
