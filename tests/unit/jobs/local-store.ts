import { afterAll } from 'vitest';
import { parseConfig } from '#lib/config';
import { type Store, storeFor } from '#lib/store/table';
import { startLocalDynamo } from '../../../local/dynamo.ts';

/**
 * A job store on the broker's table in a dynalite of the calling test file's own, started
 * now (await it at the top of the file) and stopped after the file's tests.
 */
export async function localStore(tableName: string): Promise<Store> {
  const dynamo = await startLocalDynamo({ tableName });
  afterAll(() => dynamo.close());
  return storeFor(parseConfig({ DYNAMODB_ENDPOINT: dynamo.endpoint, TABLE_NAME: tableName }));
}
