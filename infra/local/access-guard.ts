import { AsyncLocalStorage } from 'node:async_hooks';
import { appendFileSync } from 'node:fs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  type Access,
  type KeyFamily,
  keyFamilyOf,
  readableFamilies,
  type TableIndex,
} from '../../functions/lib/access.ts';

/**
 * The deployed grants, enforced locally: each function's role may touch only the partitions its spec's
 * `access.table` names (dynamodb:LeadingKeys, infra/constructs/relief-function.ts). The local runner runs
 * every entry in one process with one document client, so without this a use case that starts writing a
 * new key family passes every local test and fails in AWS with AccessDenied. The guard runs each entry
 * under its spec's access (runUnder) and checks every DynamoDB request against it with the same patterns
 * IAM uses; a request outside the grant fails as AWS would (AccessDeniedException), so the e2e tier fails.
 *
 * RELIEF_ACCESS_GUARD: `enforce` (the local stack's default), `record` (allow, and append each request
 * as a JSON line to RELIEF_ACCESS_GUARD_FILE: what a spec needs), `off`.
 */

export interface TableRequest {
  action: 'read' | 'write';
  /** The partition key (table requests). */
  pk?: string;
  /** The index queried (index requests carry no table partition key). */
  index?: string;
  /** Scan: never granted to a function. */
  scan?: true;
}

interface Scope {
  /** operationId or task name. */
  name: string;
  access: Access;
}

const scopes = new AsyncLocalStorage<Scope>();

/** Runs `fn` (an entry's handler) with `access` as the grant its DynamoDB requests are checked against. */
export function runUnder<T>(name: string, access: Access, fn: () => T): T {
  return scopes.run({ name, access }, fn);
}

const stringOf = (v: unknown): string | undefined =>
  typeof v === 'string'
    ? v
    : v && typeof v === 'object' && typeof (v as { S?: unknown }).S === 'string'
      ? (v as { S: string }).S
      : undefined;

const pkOf = (key: unknown): string | undefined => stringOf((key as Record<string, unknown> | undefined)?.pk);

/** The partition key a Query's key condition names (`pk = :v`, or through an attribute-name alias). */
function queryPk(input: Record<string, unknown>): string | undefined {
  const expression = String(input.KeyConditionExpression ?? '');
  const names = (input.ExpressionAttributeNames ?? {}) as Record<string, string>;
  const values = (input.ExpressionAttributeValues ?? {}) as Record<string, unknown>;
  for (const m of expression.matchAll(/([#\w]+)\s*=\s*(:\w+)/g)) {
    const [, name = '', value = ''] = m;
    if ((names[name] ?? name) === 'pk') return stringOf(values[value]);
  }
  return undefined;
}

/** What a DynamoDB request touches, as IAM authorises it (per item for batches and transactions). */
export function tableRequestsOf(commandName: string, input: Record<string, unknown>): TableRequest[] {
  const command = commandName.replace(/Command$/, '').replace(/Item$/, '');
  const read = (key: unknown): TableRequest => ({ action: 'read', pk: pkOf(key) });
  const write = (key: unknown): TableRequest => ({ action: 'write', pk: pkOf(key) });
  switch (command) {
    case 'Get':
      return [read(input.Key)];
    case 'Put':
      return [write(input.Item)];
    case 'Update':
    case 'Delete':
      return [write(input.Key)];
    case 'Query':
      return typeof input.IndexName === 'string'
        ? [{ action: 'read', index: input.IndexName }]
        : [{ action: 'read', pk: queryPk(input) }];
    case 'Scan':
      return [{ action: 'read', scan: true }];
    case 'BatchGet':
      return Object.values((input.RequestItems ?? {}) as Record<string, { Keys?: unknown[] }>).flatMap((r) =>
        (r.Keys ?? []).map(read),
      );
    case 'BatchWrite':
      return Object.values((input.RequestItems ?? {}) as Record<string, Record<string, unknown>[]>).flatMap(
        (requests) =>
          requests.map((r) =>
            write(
              (r.PutRequest as { Item?: unknown } | undefined)?.Item ??
                (r.DeleteRequest as { Key?: unknown } | undefined)?.Key,
            ),
          ),
      );
    case 'TransactWrite':
    case 'TransactWriteItems':
      return ((input.TransactItems ?? []) as Record<string, { Key?: unknown; Item?: unknown }>[]).map((t) =>
        t.Put
          ? write(t.Put.Item)
          : t.Update
            ? write(t.Update.Key)
            : t.Delete
              ? write(t.Delete.Key)
              : read(t.ConditionCheck?.Key),
      );
    case 'TransactGet':
    case 'TransactGetItems':
      return ((input.TransactItems ?? []) as { Get?: { Key?: unknown } }[]).map((t) => read(t.Get?.Key));
    default:
      return [];
  }
}

/** Why `request` falls outside `access`, or undefined when the grant covers it. */
export function refusalOf(access: Access, request: TableRequest): string | undefined {
  const table = access.table;
  if (!table) return 'no table access';
  if (request.scan) return 'Scan is not granted to functions';
  if (request.index !== undefined) {
    return (table.indexes ?? []).includes(request.index as TableIndex)
      ? undefined
      : `index ${request.index} not in access.table.indexes`;
  }
  const family = request.pk === undefined ? undefined : keyFamilyOf(request.pk);
  if (!family) return `partition ${request.pk} belongs to no key family`;
  const granted: readonly KeyFamily[] = request.action === 'write' ? (table.write ?? []) : readableOf(table);
  return granted.includes(family) ? undefined : `${request.action} ${family} not in access.table`;
}

/** A spec's access is fixed: its readable families are worked out once, not on every request. */
const readable = new WeakMap<NonNullable<Access['table']>, readonly KeyFamily[]>();
function readableOf(table: NonNullable<Access['table']>): readonly KeyFamily[] {
  let families = readable.get(table);
  if (!families) {
    families = readableFamilies(table);
    readable.set(table, families);
  }
  return families;
}

export class AccessDeniedException extends Error {
  override name = 'AccessDeniedException';
  readonly $fault = 'client';
}

type Mode = 'enforce' | 'record' | 'off';

/** Puts the guard on the entries' document client (the factories' one), once. */
export function installAccessGuard(doc: DynamoDBDocumentClient, mode: Mode, recordFile?: string): void {
  if (mode === 'off') return;
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      const scope = scopes.getStore();
      // Outside an entry (the local runner's own seeding and dev routes): not a function's grant.
      if (scope) {
        const requests = tableRequestsOf(
          String(context.commandName ?? ''),
          args.input as Record<string, unknown>,
        );
        if (mode === 'record' && recordFile) {
          for (const r of requests) {
            const family = r.pk === undefined ? undefined : keyFamilyOf(r.pk);
            appendFileSync(recordFile, `${JSON.stringify({ name: scope.name, ...r, family })}\n`);
          }
        }
        if (mode === 'enforce') {
          for (const r of requests) {
            const why = refusalOf(scope.access, r);
            if (why) {
              throw new AccessDeniedException(
                `${scope.name} is not authorized to perform ${context.commandName} on ${
                  r.pk ?? r.index ?? 'the table'
                }: ${why} (its spec's access; functions/lib/access.ts)`,
              );
            }
          }
        }
      }
      return next(args);
    },
    { step: 'initialize', name: 'reliefAccessGuard', priority: 'high', override: true },
  );
}
