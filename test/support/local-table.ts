import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import {
  createLocalDynamoClients,
  type DynamoDbLocal,
  ensureTable,
  startDynamoDbLocal,
} from '../../infra/local/dynamodb.ts';

/** DynamoDB Local for one test file, as `useLocalTable` hands it out (read it inside hooks and tests). */
export interface LocalTable {
  readonly dynamo: DynamoDbLocal;
  readonly client: DynamoDBClient;
  readonly doc: DynamoDBDocumentClient;
  /** The table the tests write (TABLE_DESIGN, infra/table-design.ts): the current test's with `perTest`. */
  readonly table: string;
}

export interface LocalTableOptions {
  /** The table's name (default `relief`); `false`: create none, the file creates its own. */
  table?: string | false;
  /** A fresh table before every test, `<table>-<n>`, instead of one for the whole file. */
  perTest?: boolean;
}

/**
 * The DynamoDB Local set-up every integration file writes, once: registers hooks that start DynamoDB
 * Local (in memory, on a free port) and create the table before the file's tests (or, with `perTest`,
 * before each), and destroy the client and stop the JVM after them. Call it at the top of the file,
 * before the file's own hooks, which then see the table (vitest runs hooks in the order registered).
 */
export function useLocalTable(options: LocalTableOptions = {}): LocalTable {
  const base = options.table === undefined ? 'relief' : options.table;
  let state: { dynamo: DynamoDbLocal; client: DynamoDBClient; doc: DynamoDBDocumentClient } | undefined;
  let table = base === false ? '' : base;
  let tables = 0;
  const started = () => {
    if (!state)
      throw new Error('useLocalTable: DynamoDB Local is not started (read it inside a hook or test)');
    return state;
  };

  beforeAll(async () => {
    const dynamo = await startDynamoDbLocal();
    state = { dynamo, ...createLocalDynamoClients(dynamo.endpoint) };
    if (base !== false && !options.perTest) await ensureTable(state.client, base);
  }, 120_000);

  if (base !== false && options.perTest) {
    beforeEach(async () => {
      tables += 1;
      table = `${base}-${tables}`;
      await ensureTable(started().client, table);
    });
  }

  afterAll(async () => {
    state?.client.destroy();
    await state?.dynamo.stop();
    state = undefined;
  });

  return {
    get dynamo() {
      return started().dynamo;
    },
    get client() {
      return started().client;
    },
    get doc() {
      return started().doc;
    },
    get table() {
      if (base === false) throw new Error('useLocalTable: no table was asked for (table: false)');
      return table;
    },
  };
}
