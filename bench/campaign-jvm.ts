/**
 * `npx tsx bench/campaign-jvm.ts 'OPTIONS|file' 'OPTIONS|mem' …`: DynamoDB Local's CPU per request under
 * different JVM options and storage, compared side by side. One JVM per argument (JVM options split on
 * spaces; `mem` = `-inMemory`, `file` = a SQLite file on /dev/shm), all started at once and given the
 * same request groups in alternation (one TransactWriteItems of an application-sized item, its audit
 * entry and a report counter; a consistent GetItem; a Query of the partition), 16 in flight, 400 groups
 * per turn, ROUNDS turns (default 8; the first two warm the JIT and are not counted). The machine's load
 * falls on all of them alike, which one run after another on a shared machine cannot give. Prints the
 * CPU ms (user + system, /proc) per request group of each. Used for DYNAMODB_JVM_OPTIONS and the
 * campaign's `-inMemory` default (bench/README.md).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  createLocalDynamoClients,
  type DynamoDbLocal,
  ensureTable,
  startDynamoDbLocal,
} from '../infra/local/dynamodb.ts';

const TABLE = 'relief';
const PER_TURN = 400;
const rounds = Number(process.env.ROUNDS ?? 8);

const cpuSeconds = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
};

interface Subject {
  label: string;
  ddb: DynamoDbLocal;
  doc: DynamoDBDocumentClient;
  dir: string | undefined;
  seq: number;
  cpu: number;
  groups: number;
}

const pad = 'x'.repeat(1500);
async function group(s: Subject): Promise<void> {
  const i = s.seq++;
  const pk = `APP#A${i}`;
  await s.doc.send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName: TABLE,
            Item: {
              pk,
              sk: 'APP',
              status: 'draft',
              campaignId: 'demo',
              courtCode: 'C1',
              ancestors: ['X', 'Y'],
              gsi1pk: `COURT#C${i % 50}`,
              gsi1sk: `${i}`,
              gsi2pk: `HIGH#H${i % 32}`,
              gsi2sk: `${i}`,
              gsi3pk: 'CAMPAIGN#demo',
              gsi3sk: `${i}`,
              pad,
              version: 1,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        { Put: { TableName: TABLE, Item: { pk, sk: 'AUDIT#0000000001', pad: pad.slice(0, 400) } } },
        {
          Update: {
            TableName: TABLE,
            Key: { pk: 'REPORT#demo', sk: `HIGH#H${i % 32}` },
            UpdateExpression: 'ADD n :one',
            ExpressionAttributeValues: { ':one': 1 },
          },
        },
      ],
    }),
  );
  await s.doc.send(new GetCommand({ TableName: TABLE, Key: { pk, sk: 'APP' }, ConsistentRead: true }));
  await s.doc.send(
    new QueryCommand({
      TableName: TABLE,
      KeyConditionExpression: 'pk = :p',
      ExpressionAttributeValues: { ':p': pk },
    }),
  );
}

async function turn(s: Subject, counted: boolean): Promise<void> {
  const before = cpuSeconds(s.ddb.pid);
  let left = PER_TURN;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (left-- > 0) await group(s);
    }),
  );
  if (counted) {
    s.cpu += cpuSeconds(s.ddb.pid) - before;
    s.groups += PER_TURN;
  }
}

const subjects: Subject[] = [];
try {
  for (const arg of process.argv.slice(2)) {
    const [options = '', storage = 'file'] = arg.split('|');
    const dir = storage === 'mem' ? undefined : mkdtempSync('/dev/shm/relief-jvm-');
    const ddb = await startDynamoDbLocal({
      ...(dir ? { dataDir: dir } : {}),
      jvmOptions: options.split(' ').filter(Boolean),
    });
    const { client, doc } = createLocalDynamoClients(ddb.endpoint);
    await ensureTable(client, TABLE);
    subjects.push({ label: arg, ddb, doc, dir, seq: 0, cpu: 0, groups: 0 });
  }
  for (let r = 0; r < rounds; r++)
    for (const s of r % 2 ? [...subjects].reverse() : subjects) await turn(s, r >= 2);
  for (const s of subjects)
    console.log(
      `${((s.cpu * 1000) / s.groups).toFixed(2).padStart(7)} ms per group  ${s.label} (${s.groups} groups)`,
    );
  console.log(`load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
} finally {
  for (const s of subjects) {
    await s.ddb.stop();
    if (s.dir) rmSync(s.dir, { recursive: true, force: true });
  }
}
