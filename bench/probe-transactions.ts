// What a transaction costs on DynamoDB Local (bench/RESULTS.md section 3): 40 concurrent writers per burst, by item count and shared vs own items.
// Run: npx tsx bench/probe-transactions.ts (starts its own DynamoDB Local; not part of npm run bench).
import {
  PutItemCommand,
  type TransactWriteItem,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { createLocalDynamoClients, ensureTable, startDynamoDbLocal } from '../infra/local/dynamodb.ts';

const dynamo = await startDynamoDbLocal();
const { client } = createLocalDynamoClients(dynamo.endpoint);
await ensureTable(client, 'relief');
const N = 40;
const K = 20;
const A = 1_000_000;
let conflicts = 0;
async function burst(kind: string, tag: string): Promise<number> {
  const key = { pk: { S: 'P' }, sk: { S: tag } };
  await client.send(
    new PutItemCommand({ TableName: 'relief', Item: { ...key, availableFen: { N: String(K * A) } } }),
  );
  const dec = {
    TableName: 'relief',
    Key: key,
    UpdateExpression: 'SET availableFen = availableFen - :a',
    ConditionExpression: 'availableFen >= :a',
    ExpressionAttributeValues: { ':a': { N: String(A) } },
  };
  const extra = (i: number, shared: boolean): TransactWriteItem[] =>
    [0, 1, 2, 3].map((j) => ({
      Update: {
        TableName: 'relief',
        Key: { pk: { S: `X#${tag}#${shared ? 's' : i}` }, sk: { S: String(j) } },
        UpdateExpression: 'ADD n :one',
        ExpressionAttributeValues: { ':one': { N: '1' } },
      },
    }));
  const own = (i: number): TransactWriteItem => ({
    Put: { TableName: 'relief', Item: { pk: { S: `O#${tag}#${i}` }, sk: { S: 'A' } } },
  });
  const one = async (i: number) => {
    if (kind === 'raw') {
      try {
        await client.send(new UpdateItemCommand(dec));
      } catch {}
      return;
    }
    const items: TransactWriteItem[] =
      kind === 'own+4distinct'
        ? [own(i), ...extra(i, false)]
        : [
            { Update: dec },
            own(i),
            ...(kind === 'q+own+4distinct'
              ? extra(i, false)
              : kind === 'q+own+4shared'
                ? extra(i, true)
                : []),
          ];
    for (let a = 0; a < 10; a++) {
      try {
        await client.send(new TransactWriteItemsCommand({ TransactItems: items }));
        return;
      } catch (e) {
        const r = (e as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
        if (!r.some((x) => x.Code === 'TransactionConflict')) return;
        conflicts++;
        await new Promise((res) => setTimeout(res, 2 + Math.random() * Math.min(400, 10 * 2 ** a)));
      }
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: N }, (_, i) => one(i)));
  return N / ((performance.now() - t0) / 1000);
}
const kinds = ['raw', 'q+own', 'q+own+4distinct', 'q+own+4shared', 'own+4distinct'];
for (let w = 0; w < 2; w++) for (const k of kinds) await burst(k, `warm${w}${k}`);
const res: Record<string, number[]> = Object.fromEntries(kinds.map((k) => [k, []]));
for (let r = 0; r < 5; r++) for (const k of kinds) res[k]?.push(Math.round(await burst(k, `r${r}${k}`)));
for (const k of kinds) {
  const s = [...(res[k] as number[])].sort((a, b) => a - b);
  console.log(k, 'median/s', s[2], 'all', res[k]?.join(' '));
}
console.log('conflicts', conflicts);
await dynamo.stop?.();
process.exit(0);
