/**
 * AWS list prices (USD, us-east-1) the cost per case is priced at, each with where it comes from. China
 * regions (cn-northwest-1) bill in CNY at other rates; storage, logs, KMS and data transfer are not priced.
 */
export interface Prices {
  asOf: string;
  stepFunctionsStandardPerTransition: number;
  dynamoWritePerWru: number;
  dynamoReadPerRru: number;
  lambdaArmPerGbSecond: number;
  lambdaPerRequest: number;
  httpApiPerRequest: number;
  s3PutPerRequest: number;
  s3GetPerRequest: number;
  lambdaMemoryGb: number;
}

/** Today's: DynamoDB on-demand at the rates AWS cut to in November 2024 (half the earlier ones). */
export const PRICES: Prices = {
  asOf: '2026-12, us-east-1 on-demand list prices',
  stepFunctionsStandardPerTransition: 0.025 / 1000,
  dynamoWritePerWru: 0.625 / 1e6,
  dynamoReadPerRru: 0.125 / 1e6,
  lambdaArmPerGbSecond: 0.0000133334,
  lambdaPerRequest: 0.2 / 1e6,
  httpApiPerRequest: 1.0 / 1e6,
  s3PutPerRequest: 0.005 / 1000,
  s3GetPerRequest: 0.0004 / 1000,
  lambdaMemoryGb: 0.25,
};

/**
 * The basis of every earlier run's cost (bench/RESULTS.md before 2026-12): DynamoDB on-demand at the
 * pre-November-2024 $1.25 / $0.25 per million, everything else as today. Shown beside today's total so
 * a figure stays comparable with the runs before it.
 */
export const PRICES_OLD_BASIS: Prices = {
  ...PRICES,
  asOf: 'the earlier runs’ basis (DynamoDB on-demand before November 2024)',
  dynamoWritePerWru: 1.25 / 1e6,
  dynamoReadPerRru: 0.25 / 1e6,
};

/** Where each line's price comes from (the output names it). */
export const PRICE_SOURCES = {
  stepFunctions: 'aws.amazon.com/step-functions/pricing (Standard workflows, per state transition)',
  dynamo:
    'aws.amazon.com/dynamodb/pricing/on-demand (write / read request units; lowered 50 % on 2024-11-01, AWS What’s New)',
  lambda: 'aws.amazon.com/lambda/pricing (Arm, first duration tier; requests)',
  httpApi: 'aws.amazon.com/api-gateway/pricing (HTTP APIs, first 300 million requests a month)',
  s3: 'aws.amazon.com/s3/pricing (S3 Standard PUT and GET requests)',
} as const;

/** What one case uses of each billed thing. */
export interface CaseUsage {
  stateTransitions: number;
  wru: number;
  rru: number;
  invocations: number;
  gbSeconds: number;
  httpApiRequests: number;
  s3Puts: number;
  s3Gets: number;
}

export interface CaseCost {
  stepFunctions: number;
  dynamoWrite: number;
  dynamoRead: number;
  lambda: number;
  httpApi: number;
  s3: number;
  total: number;
}

export function costOf(u: CaseUsage, p: Prices = PRICES): CaseCost {
  const cost: CaseCost = {
    stepFunctions: u.stateTransitions * p.stepFunctionsStandardPerTransition,
    dynamoWrite: u.wru * p.dynamoWritePerWru,
    dynamoRead: u.rru * p.dynamoReadPerRru,
    lambda: u.invocations * p.lambdaPerRequest + u.gbSeconds * p.lambdaArmPerGbSecond,
    httpApi: u.httpApiRequests * p.httpApiPerRequest,
    s3: u.s3Puts * p.s3PutPerRequest + u.s3Gets * p.s3GetPerRequest,
    total: 0,
  };
  cost.total = cost.stepFunctions + cost.dynamoWrite + cost.dynamoRead + cost.lambda + cost.httpApi + cost.s3;
  return cost;
}
