import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '#lib/config';
import { putIf, queryPrefix, storeFor, updateIf } from '#lib/store/table';
import { startLocalDynamo } from '../../../local/dynamo.ts';

/**
 * The table's facade on a real table (dynalite): documents in and out as lib-dynamodb's
 * commands took and gave them, and a failed condition as an answer.
 */

const dynamo = await startLocalDynamo({ tableName: 'table-facade' });
afterAll(() => dynamo.close());
const store = storeFor(parseConfig({ DYNAMODB_ENDPOINT: dynamo.endpoint, TABLE_NAME: 'table-facade' }));

describe('the table facade', () => {
  it('stores documents as they are, dropping undefined attributes as the document client did', async () => {
    const item = { pk: 'T#1', sk: 'A', n: 3, flag: true, list: ['x', 1], map: { deep: null }, gone: undefined };
    await store.db.put({ TableName: store.table, Item: item });
    const { Item } = await store.db.get({ TableName: store.table, Key: { pk: 'T#1', sk: 'A' }, ConsistentRead: true });
    expect(Item).toEqual({ pk: 'T#1', sk: 'A', n: 3, flag: true, list: ['x', 1], map: { deep: null } });
    expect(Item && 'gone' in Item).toBe(false);
  });

  it('answers a failed condition with undefined, and a write that held with what it asked back', async () => {
    const key = { pk: 'T#2', sk: 'A' };
    expect(await putIf(store, { Item: { ...key, v: 1 }, ConditionExpression: 'attribute_not_exists(pk)' })).toEqual({});
    expect(await putIf(store, { Item: { ...key, v: 2 }, ConditionExpression: 'attribute_not_exists(pk)' })).toBe(
      undefined,
    );
    const updated = await updateIf(store, {
      Key: key,
      UpdateExpression: 'SET v = v + :one',
      ConditionExpression: 'v = :v',
      ExpressionAttributeValues: { ':one': 1, ':v': 1 },
      ReturnValues: 'ALL_NEW',
    });
    expect(updated).toEqual({ ...key, v: 2 });
  });

  it('queries a partition by sort-key prefix, answering documents', async () => {
    for (const sk of ['P#1', 'P#2', 'Q#1']) await store.db.put({ TableName: store.table, Item: { pk: 'T#3', sk } });
    expect(await queryPrefix(store, { pk: 'T#3', skPrefix: 'P#' })).toEqual([
      { pk: 'T#3', sk: 'P#1' },
      { pk: 'T#3', sk: 'P#2' },
    ]);
  });
});
