/**
 * Least privilege by key (issue 18 item 3): each function's DynamoDB grant names the partitions its spec's
 * `access.table` names, with dynamodb:LeadingKeys (ForAllValues:StringLike) on the table, and index Query
 * on exactly the indexes it names (no LeadingKeys there: the key names the table's partition key).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes } from '../../functions/http/routes.ts';
import {
  type Access,
  KEY_FAMILIES,
  type KeyFamily,
  readableFamilies,
  stringLike,
  TABLE_INDEXES,
} from '../../functions/lib/access.ts';
import { taskSpecs } from '../../functions/tasks/specs.ts';
import type { ReliefFunction } from '../../infra/constructs/relief-function.ts';
import { TABLE_DESIGN } from '../../infra/table-design.ts';
import { type Statement, type Synthesised, statementsOf, synth } from './synth.ts';

interface Grant extends Statement {
  Condition?: Record<string, Record<string, string | string[]>>;
}

const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : [v].flat());

/**
 * IAM's answer for one item request of `action` on the table (not an index) with partition key `pk`:
 * some Allow statement names the action and the table, and its LeadingKeys patterns match `pk`.
 */
function allows(statements: Grant[], action: string, pk: string): boolean {
  return statements.some((st) => {
    if (st.Effect !== 'Allow' || !list(st.Action).includes(action)) return false;
    const resources = JSON.stringify(st.Resource);
    if (!resources.includes('TableArn') && !resources.includes('Table')) return false;
    if (resources.includes('/index/')) return false;
    const leading = st.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'];
    if (leading === undefined) return true;
    return list(leading).some((p) => stringLike(p, pk));
  });
}

const dynamo = (statements: Grant[]) =>
  statements.filter((st) => list(st.Action).some((a) => a.startsWith('dynamodb:')));

const patternsOf = (families: readonly KeyFamily[]) => families.flatMap((f) => KEY_FAMILIES[f]).sort();

describe('key families', () => {
  it('names the indexes of the table design, and each family’s patterns match none of another’s keys', () => {
    expect([...TABLE_INDEXES].sort()).toEqual(
      TABLE_DESIGN.globalSecondaryIndexes.map((i) => i.indexName).sort(),
    );
    const samples: Record<KeyFamily, string> = {
      APP: 'APP#a1',
      DUP: 'DUP#c#p',
      IDEMP: 'IDEMP#d',
      REPORT: 'REPORT#demo',
      QUOTA: 'QUOTA#demo',
      QUOTA_AUDIT: 'QUOTA_AUDIT#demo#BJ',
      CAMPAIGNS: 'CAMPAIGNS',
      CAMPAIGN_AUDIT: 'CAMPAIGN_AUDIT#demo',
      CAMPAIGN_APPROVALS: 'CAMPAIGN_APPROVALS#demo',
      COURTS: 'COURTS',
      COURTS_AUDIT: 'COURTS#AUDIT',
      FUND: 'FUND#demo',
      INSURER_EVENT: 'INSURER_EVENT#e1',
      RECON: 'RECON#demo',
      SEALQ: 'SEALQ#03',
      SWEEP: 'SWEEP#workflows',
    };
    for (const [family, patterns] of Object.entries(KEY_FAMILIES)) {
      for (const [other, pk] of Object.entries(samples)) {
        expect(
          patterns.some((p) => stringLike(p, pk)),
          `${family} ~ ${pk}`,
        ).toBe(family === other);
      }
    }
  });
});

describe('DynamoDB grants by key family', () => {
  let s: Synthesised;
  beforeAll(async () => {
    s = await synth({ context: { stage: 'test', insurerAccountId: '210987654321' }, cfnValidation: false });
  }, 120_000);

  const functions = (): { name: string; fn: ReliefFunction; access: Access }[] => [
    ...apiRoutes
      .filter((r) => r.spec.auth !== 'local-only')
      .map((r) => ({
        name: r.spec.operationId,
        fn: s.stateless.httpFunctions.get(r.spec.operationId) as ReliefFunction,
        access: r.spec.access,
      })),
    ...taskSpecs.map((t) => ({
      name: t.name,
      fn:
        t.trigger === 'object-created'
          ? s.stateless.documentUploaded
          : (s.stateless.taskFunctions.get(t.name) as ReliefFunction),
      access: t.access,
    })),
  ];

  const isStreamConsumer = (name: string) =>
    taskSpecs.some((t) => t.name === name && t.trigger === 'outbox-stream');

  it('limits every table statement of every function to the partitions its spec names, and indexes to Query', () => {
    const all = functions();
    expect(all.length).toBeGreaterThan(50);
    for (const { name, fn, access } of all) {
      expect(fn, name).toBeDefined();
      const granted = dynamo(statementsOf(s, fn) as Grant[]);
      // The outbox stream's consumer (handOff) reads the table's stream, nothing else of it: its own
      // statement, on the stream ARN, with the four stream actions only.
      const stream = granted.filter((st) => st.Sid === 'TableStream');
      expect(stream.length, name).toBe(isStreamConsumer(name) ? 1 : 0);
      for (const st of stream) {
        expect(list(st.Action).sort(), name).toEqual([
          'dynamodb:DescribeStream',
          'dynamodb:GetRecords',
          'dynamodb:GetShardIterator',
          'dynamodb:ListStreams',
        ]);
        expect(JSON.stringify(st.Resource), name).toContain('StreamArn');
      }
      const statements = granted.filter((st) => st.Sid !== 'TableStream');
      const table = access.table;
      if (!table) {
        expect(statements, name).toEqual([]);
        continue;
      }
      const bySid = new Map(statements.map((st) => [st.Sid, st]));
      expect([...bySid.keys()].sort(), name).toEqual(
        [
          ...(readableFamilies(table).length > 0 ? ['TableRead'] : []),
          ...((table.write ?? []).length > 0 ? ['TableWrite'] : []),
          ...((table.indexes ?? []).length > 0 ? ['TableIndexes'] : []),
        ].sort(),
      );
      const leading = (sid: string) =>
        list(bySid.get(sid)?.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys']).sort();
      if (bySid.has('TableRead'))
        expect(leading('TableRead'), name).toEqual(patternsOf(readableFamilies(table)));
      if (bySid.has('TableWrite')) {
        expect(leading('TableWrite'), name).toEqual(patternsOf(table.write ?? []));
        expect(list(bySid.get('TableWrite')?.Action).sort(), name).toEqual([
          'dynamodb:BatchWriteItem',
          'dynamodb:DeleteItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
        ]);
      }
      for (const st of statements) {
        // Every statement on the table itself carries the condition; only the index statement has none.
        if (st.Sid !== 'TableIndexes') expect(st.Condition, `${name} ${st.Sid}`).toBeDefined();
        expect(list(st.Action), name).not.toContain('dynamodb:Scan');
        expect(JSON.stringify(st.Resource), name).not.toContain('*');
      }
      const index = bySid.get('TableIndexes');
      if (index) {
        expect(index.Action, name).toBe('dynamodb:Query');
        const resources = JSON.stringify(index.Resource);
        for (const i of TABLE_INDEXES) {
          expect(resources.includes(`/index/${i}"`), `${name} ${i}`).toBe((table.indexes ?? []).includes(i));
        }
      }
    }
  });

  it('lets the unauthenticated webhook write only what a payout outcome writes: never a campaign, a court or a quota trail', () => {
    const webhook = statementsOf(
      s,
      s.stateless.httpFunctions.get('insurerWebhook') as ReliefFunction,
    ) as Grant[];
    for (const action of ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem']) {
      expect(allows(webhook, action, 'CAMPAIGNS'), action).toBe(false);
      expect(allows(webhook, action, 'CAMPAIGN_AUDIT#demo'), action).toBe(false);
      expect(allows(webhook, action, 'COURTS'), action).toBe(false);
      expect(allows(webhook, action, 'QUOTA_AUDIT#demo#BJ'), action).toBe(false);
      expect(allows(webhook, action, 'IDEMP#x'), action).toBe(false);
      expect(allows(webhook, action, 'FUND#demo'), action).toBe(false);
    }
    // handleInsurerEvent commits or releases the reservation and counts the payout, in one transaction.
    expect(allows(webhook, 'dynamodb:UpdateItem', 'QUOTA#demo')).toBe(true);
    expect(allows(webhook, 'dynamodb:UpdateItem', 'REPORT#demo')).toBe(true);
    expect(allows(webhook, 'dynamodb:PutItem', 'APP#a1')).toBe(true);
    expect(allows(webhook, 'dynamodb:PutItem', 'INSURER_EVENT#e1')).toBe(true);
  });

  it('lets a reading route write nothing and the quota administration no application', () => {
    const read = statementsOf(
      s,
      s.stateless.httpFunctions.get('getApplication') as ReliefFunction,
    ) as Grant[];
    expect(allows(read, 'dynamodb:GetItem', 'APP#a1')).toBe(true);
    expect(allows(read, 'dynamodb:GetItem', 'QUOTA#demo')).toBe(false);
    expect(allows(read, 'dynamodb:PutItem', 'APP#a1')).toBe(false);
    const quota = statementsOf(s, s.stateless.httpFunctions.get('putQuota') as ReliefFunction) as Grant[];
    expect(allows(quota, 'dynamodb:PutItem', 'QUOTA#demo')).toBe(true);
    expect(allows(quota, 'dynamodb:PutItem', 'APP#a1')).toBe(false);
    expect(allows(quota, 'dynamodb:PutItem', 'CAMPAIGNS')).toBe(false);
    const campaigns = statementsOf(
      s,
      s.stateless.httpFunctions.get('patchCampaign') as ReliefFunction,
    ) as Grant[];
    expect(allows(campaigns, 'dynamodb:PutItem', 'CAMPAIGNS')).toBe(true);
    expect(allows(campaigns, 'dynamodb:UpdateItem', 'QUOTA#demo')).toBe(false);
  });
});
