import {
  IdempotencyConfig,
  IdempotencyItemAlreadyExistsError,
  IdempotencyRecordStatus,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '#lib/config';
import { TableIdempotencyRecords } from '#lib/store/idempotency-records';
import { storeFor, TABLE_ATTRIBUTES } from '#lib/store/table';
import { startLocalDynamo } from '../../../local/dynamo.ts';

/**
 * Sending once's records (lib/store/idempotency-records.ts) on a real table (dynalite):
 * the conditional put that lets one attempt run, and the same items Powertools' own
 * DynamoDBPersistenceLayer writes and reads (the test keeps the SDK as a devDependency for that).
 */

const dynamo = await startLocalDynamo({ tableName: 'idempotency-records' });
afterAll(() => dynamo.close());
const store = storeFor(parseConfig({ DYNAMODB_ENDPOINT: dynamo.endpoint, TABLE_NAME: 'idempotency-records' }));

function configured<T extends BasePersistenceLayer>(layer: T): T {
  layer.configure({
    config: new IdempotencyConfig({ eventKeyJmesPath: 'key', payloadValidationJmesPath: 'payload' }),
    keyPrefix: 'send_email',
  });
  return layer;
}

const ours = () => configured(new TableIdempotencyRecords(store, 'send_email'));
const powertools = () =>
  configured(
    new DynamoDBPersistenceLayer({
      tableName: store.table,
      awsSdkV3Client: new DynamoDBClient({
        endpoint: dynamo.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }),
      keyAttr: TABLE_ATTRIBUTES.partition,
      sortKeyAttr: TABLE_ATTRIBUTES.sort,
      staticPkValue: 'IDEMPOTENCY#send_email',
      expiryAttr: TABLE_ATTRIBUTES.ttl,
    }),
  );

const request = () => ({ key: { person: 'p', call: crypto.randomUUID() }, payload: { to: 'a@example.com' } });

/** One attempt run to completion through `writer`: `reader` finds its result and lets no other attempt start. */
async function expectCompleted(writer: BasePersistenceLayer, reader: BasePersistenceLayer, result: { id: string }) {
  const data = request();
  await writer.saveInProgress(data, 10_000);
  await writer.saveSuccess(data, result);
  const record = await reader.getRecord(data);
  expect(record.getStatus()).toBe(IdempotencyRecordStatus.COMPLETED);
  expect(record.responseData).toEqual(result);
  await expect(reader.saveInProgress(data, 10_000)).rejects.toBeInstanceOf(IdempotencyItemAlreadyExistsError);
}

describe('idempotency records on the table', () => {
  it('lets one attempt start: a second in-progress put finds the first and fails', async () => {
    const layer = ours();
    const data = request();
    await layer.saveInProgress(data, 10_000);
    await expect(layer.saveInProgress(data, 10_000)).rejects.toBeInstanceOf(IdempotencyItemAlreadyExistsError);
  });

  it('lets a new attempt start once the first one ran past its in-progress expiry', async () => {
    const layer = ours();
    const data = request();
    await layer.saveInProgress(data, 1);
    await vi.waitFor(() => layer.saveInProgress(data, 10_000), { timeout: 2_000, interval: 20 });
    expect((await layer.getRecord(data)).getStatus()).toBe(IdempotencyRecordStatus.INPROGRESS);
  });

  it('keeps the result of a completed attempt, and forgets a failed one', async () => {
    const layer = ours();
    await expectCompleted(layer, layer, { id: 'm1' });
    const failed = request();
    await layer.saveInProgress(failed, 10_000);
    await layer.deleteRecord(failed);
    await layer.saveInProgress(failed, 10_000);
  });

  it("writes the items Powertools' DynamoDBPersistenceLayer writes: each reads the other's", async () => {
    const theirs = powertools();
    const mine = ours();
    await expectCompleted(mine, theirs, { id: 'm2' });

    const second = request();
    await theirs.saveInProgress(second, 10_000);
    await expect(mine.saveInProgress(second, 10_000)).rejects.toBeInstanceOf(IdempotencyItemAlreadyExistsError);
    expect((await mine.getRecord(second)).getStatus()).toBe(IdempotencyRecordStatus.INPROGRESS);
  });
});
