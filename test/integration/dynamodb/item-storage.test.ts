import { GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { dynamoItemSize } from '../../../bench/lib/item-size.ts';
import { DynamoApplicationRepository } from '../../../functions/adapters/dynamodb/applications.ts';
import {
  idempotencyKey,
  idempotencyPut,
  readIdempotency,
  replayOf,
} from '../../../functions/adapters/dynamodb/idempotency.ts';
import type {
  ApplicationRecord,
  AuditInput,
  DecisionEntry,
  EvidenceDocument,
} from '../../../functions/ports/applications.ts';
import { applicationRecord } from '../../support/application-record.ts';
import { useLocalTable } from '../../support/local-table.ts';

/**
 * How the application item stores its decisions' evidence sets (adapters/dynamodb/applications.ts
 * EVIDENCE_AS_SUBMITTED): a decision that saw exactly its submission's set names it instead of
 * repeating it; the record reads back with every decision's set in full, and items stored before
 * (each decision with its own copy) read as they were.
 */
const local = useLocalTable({ table: 'relief' });
const actor = { sub: 'clerk-1', court: 'JX0102', roles: ['clerk'] as const };
const audit: AuditInput = {
  actor: { ...actor, roles: [...actor.roles] },
  action: 'application.created',
  fromStatus: null,
  toStatus: 'pending_approval',
  detail: {},
};

let serial = 0;
const evidence = (mark: string): EvidenceDocument[] =>
  (['identity', 'enforcement-basis', 'bank-account'] as const).map((type, i) => ({
    documentId: `DOC${mark}${i}`,
    type,
    sha256: `${mark}${i}`.padEnd(64, '0'),
  }));

function decision(level: number, documents: EvidenceDocument[], submissionSeq = 1): DecisionEntry {
  return {
    submissionSeq,
    level,
    court: ['JX0102', 'JX01', 'JX'][level] as string,
    decision: 'approve',
    comment: '同意',
    decidedBy: `approver-${level}`,
    decidedAt: '2026-03-10T02:00:00.000Z',
    outcome: level === 2 ? 'approved' : 'next-level',
    documents,
  };
}

function decided(decisions: DecisionEntry[], submitted = evidence('a')): ApplicationRecord {
  return applicationRecord({
    id: `EVIDENCE${++serial}${Date.now()}`,
    status: 'pending_approval',
    level: decisions.length,
    pendingAt: 'JX',
    submission: {
      seq: 1,
      submittedAt: '2026-03-10T01:00:00.000Z',
      submittedBy: 'clerk-1',
      approvalForm: { reviewOpinion: '符合条件', reviewedBy: '李审查' },
      executionName: 'x-s1',
      documents: submitted,
    },
    decisions,
  });
}

async function raw(id: string): Promise<Record<string, unknown>> {
  const out = await local.doc.send(
    new GetCommand({ TableName: local.table, Key: { pk: `APP#${id}`, sk: 'APP' }, ConsistentRead: true }),
  );
  return out.Item as Record<string, unknown>;
}

describe('decisions’ evidence sets on the application item', () => {
  it('stores a set identical to the submission’s once, and reads every decision’s set back in full', async () => {
    const repo = new DynamoApplicationRepository(local.doc, local.table);
    const app = decided([decision(0, evidence('a')), decision(1, evidence('a'))]);
    const stored = await repo.create(app, audit);

    const item = await raw(app.id);
    const decisions = item.decisions as Record<string, unknown>[];
    expect(decisions.map((d) => d.documents)).toEqual([undefined, undefined]);
    expect(decisions.map((d) => d.evidence)).toEqual(['submission', 'submission']);
    expect((item.submission as { documents: unknown }).documents).toEqual(evidence('a'));

    const read = await repo.get(app.id);
    expect(read).toEqual(stored);
    expect(read?.decisions?.map((d) => d.documents)).toEqual([evidence('a'), evidence('a')]);
  });

  it('stores in full any set that differs from the submission’s (a document replaced or its hash changed)', async () => {
    const repo = new DynamoApplicationRepository(local.doc, local.table);
    const changed = evidence('a').map((d, i) => (i === 1 ? { ...d, sha256: 'f'.repeat(64) } : d));
    const app = decided([decision(0, evidence('a')), decision(1, changed), decision(2, [])]);
    await repo.create(app, audit);

    const decisions = (await raw(app.id)).decisions as Record<string, unknown>[];
    expect(decisions.map((d) => d.evidence)).toEqual(['submission', undefined, undefined]);
    expect(decisions[1]?.documents).toEqual(changed);
    expect(decisions[2]?.documents).toEqual([]);
    expect((await repo.get(app.id))?.decisions?.map((d) => d.documents)).toEqual([
      evidence('a'),
      changed,
      [],
    ]);
  });

  it('reads an item of the earlier shape (every decision with its own copy of the set) as it was stored', async () => {
    const repo = new DynamoApplicationRepository(local.doc, local.table);
    const app = decided([decision(0, evidence('a')), decision(1, evidence('a')), decision(2, evidence('a'))]);
    const old = { ...app, auditSeq: 3, auditHead: 'h'.repeat(64), status: 'awaiting_payout' as const };
    await local.doc.send(
      new PutCommand({
        TableName: local.table,
        Item: {
          pk: `APP#${app.id}`,
          sk: 'APP',
          entity: 'application',
          gsi1pk: `COURT#${app.courtCode}`,
          gsi1sk: `${app.createdAt}#${app.id}`,
          ...old,
        },
      }),
    );
    expect(await repo.get(app.id)).toEqual(old);
    expect((await repo.getMany([app.id])).get(app.id)).toEqual(old);
  });

  it('makes a three-level approval’s item smaller by the two sets it no longer repeats', async () => {
    const repo = new DynamoApplicationRepository(local.doc, local.table);
    const app = decided([decision(0, evidence('a')), decision(1, evidence('a')), decision(2, evidence('a'))]);
    await repo.create(app, audit);
    const compact = dynamoItemSize(await raw(app.id));
    const repeated = dynamoItemSize({ ...(await raw(app.id)), decisions: app.decisions });
    expect(repeated - compact).toBeGreaterThan(3 * 3 * 64);
  });
});

describe('idempotency records: a large response stored compressed', () => {
  const body = {
    status: 'awaiting_payout',
    pendingAt: null,
    decision: { ...decision(2, evidence('z')), comment: '同意。'.repeat(40) },
    zeta: 1,
    alpha: [1, 2.5, -3],
  };
  const response = { status: 200, body, headers: { etag: '"v5"' } };
  const write = (key: string, respond = () => response) => ({
    scope: '["JX","approver-2","decideApplication","{}"]',
    key,
    requestHash: 'h'.repeat(64),
    respond,
  });

  async function put(key: string, respond?: () => typeof response) {
    const item = idempotencyPut(local.table, write(key, respond), {}, new Date());
    await local.doc.send(new TransactWriteCommand({ TransactItems: [item] }));
    const out = await local.doc.send(
      new GetCommand({
        TableName: local.table,
        Key: idempotencyKey(write(key).scope, key),
        ConsistentRead: true,
      }),
    );
    return out.Item as Record<string, unknown>;
  }

  it('keeps a response above 512 bytes gzip-compressed and replays it exactly, key order included', async () => {
    const item = await put(`big-${Date.now()}`);
    expect(item.response).toBeUndefined();
    expect(item.responseGz).toBeInstanceOf(Uint8Array);
    // Over 1 KB as a map (4 WRU in a transaction), under it compressed (2 WRU).
    expect(dynamoItemSize({ ...item, responseGz: undefined, response })).toBeGreaterThan(1024);
    expect(dynamoItemSize(item)).toBeLessThan(1024);

    const read = await readIdempotency(local.doc, local.table, item.scope as string, item.key as string);
    expect(JSON.stringify(read?.response)).toBe(JSON.stringify(response));
    // From a cancelled transaction's item too (typed attributes: read again by key).
    const replay = await replayOf(local.doc, local.table, write(item.key as string), marshall(item));
    expect(JSON.stringify(replay?.record.response)).toBe(JSON.stringify(response));
  });

  it('keeps a small response as a map, and reads a record stored before compression as it is', async () => {
    const small = { status: 202, body: { id: 'A', status: 'pending_approval' }, headers: {} };
    const item = await put(`small-${Date.now()}`, () => small as never);
    expect(item.response).toEqual(small);
    expect(item.responseGz).toBeUndefined();

    const key = `old-${Date.now()}`;
    await local.doc.send(
      new PutCommand({
        TableName: local.table,
        Item: {
          ...idempotencyKey(write(key).scope, key),
          entity: 'idempotency',
          scope: write(key).scope,
          key,
          requestHash: 'h'.repeat(64),
          response,
          expiresAtEpoch: 1_900_000_000,
        },
      }),
    );
    expect((await readIdempotency(local.doc, local.table, write(key).scope, key))?.response).toEqual(
      response,
    );
  });
});
