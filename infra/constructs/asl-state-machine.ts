import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ArnFormat, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

/**
 * A state machine from one `statemachines/*.asl.json` file (architecture: one definition, two
 * runtimes). The file holds `${Placeholder}` tokens only; each is resolved here into a
 * `definitionSubstitutions` entry, and an unknown token fails synthesis instead of deploying a
 * definition CloudFormation cannot complete.
 */

export interface ResolvedPlaceholder {
  value: string;
  /** IAM statements the state machine's role needs for this placeholder (e.g. invoke a function). */
  grants?: iam.PolicyStatement[];
}

export type PlaceholderResolver = (name: string) => ResolvedPlaceholder | undefined;

export interface AslStateMachineProps {
  /** Absolute path of the `.asl.json` file. */
  file: string;
  /** Physical name; also the basis of the ARN that task functions are given (see `arnOf`). */
  stateMachineName: string;
  resolve: PlaceholderResolver;
  logRetention: logs.RetentionDays;
  /** X-Ray tracing; false where the partition does not offer it (aws-cn). */
  tracing: boolean;
}

const token = (name: string) => `\${${name}}`;
const KNOWN_PLACEHOLDERS = `${['Partition', 'Region', 'AccountId', '<Name>Function'].map(token).join(', ')} (an exported <name> of functions/handlers/tasks/*.ts)`;

const PLACEHOLDER = /\$\{([A-Za-z][A-Za-z0-9_]*)\}/g;

export class PlaceholderError extends Error {
  override name = 'PlaceholderError';
}

/** The distinct `${Name}` tokens of a definition, in order of first appearance. */
export function placeholdersOf(definition: string): string[] {
  return [...new Set([...definition.matchAll(PLACEHOLDER)].map((m) => m[1] as string))];
}

export class AslStateMachine extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly logGroup: logs.LogGroup;
  readonly placeholders: string[];

  /** The ARN a state machine named `name` gets in `scope`'s stack, without referencing the resource. */
  static arnOf(scope: Construct, name: string): string {
    return Stack.of(scope).formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: name,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }

  /** The ARN pattern of every execution of the state machine named `name` (`…:execution:<name>:*`). */
  static executionArnsOf(scope: Construct, name: string): string {
    return Stack.of(scope).formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${name}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }

  constructor(scope: Construct, id: string, props: AslStateMachineProps) {
    super(scope, id);
    const definition = readFileSync(props.file, 'utf8');
    try {
      JSON.parse(definition);
    } catch (error) {
      throw new PlaceholderError(`${props.file} is not valid JSON: ${(error as Error).message}`);
    }
    this.placeholders = placeholdersOf(definition);
    const substitutions: Record<string, string> = {};
    const grants: iam.PolicyStatement[] = [];
    const unknown: string[] = [];
    for (const name of this.placeholders) {
      const resolved = props.resolve(name);
      if (!resolved) {
        unknown.push(name);
        continue;
      }
      substitutions[name] = resolved.value;
      grants.push(...(resolved.grants ?? []));
    }
    if (unknown.length > 0) {
      throw new PlaceholderError(
        `${path.basename(props.file)}: no value for placeholder(s) ${unknown.map(token).join(', ')}. ` +
          `Known: ${KNOWN_PLACEHOLDERS}.`,
      );
    }

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: props.stateMachineName,
      stateMachineType: sfn.StateMachineType.STANDARD,
      // Inline (not an S3 asset): the definition is reviewable in the template and in `cdk diff`.
      definitionBody: sfn.DefinitionBody.fromString(definition),
      definitionSubstitutions: substitutions,
      // ALL events, without execution data: inputs and outputs can carry personal data (domain rule: never in logs).
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
      tracingEnabled: props.tracing,
    });
    for (const statement of grants) this.stateMachine.addToRolePolicy(statement);

    const role = this.stateMachine.role;
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'CloudWatch Logs vended log delivery (logs:CreateLogDelivery, GetLogDelivery, UpdateLogDelivery, DeleteLogDelivery, ' +
        'ListLogDeliveries, PutResourcePolicy, DescribeResourcePolicies, DescribeLogGroups)' +
        (props.tracing
          ? ' and X-Ray (PutTraceSegments, PutTelemetryRecords, GetSamplingRules, GetSamplingTargets)'
          : '') +
        ' do not support resource-level permissions.',
    });
    if (!props.tracing) {
      Validations.of(this.stateMachine).acknowledge({
        id: 'AwsSolutions-SF2',
        reason:
          'Step Functions X-Ray tracing is not available in the aws-cn partition (architecture.md); execution logging is at level ALL.',
      });
    }
  }
}
