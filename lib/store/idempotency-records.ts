import {
  IdempotencyItemAlreadyExistsError,
  IdempotencyItemNotFoundError,
  IdempotencyRecordStatus,
  PERSISTENCE_ATTRIBUTE_KEY_MAPPINGS,
} from '@aws-lambda-powertools/idempotency';
import { BasePersistenceLayer, IdempotencyRecord } from '@aws-lambda-powertools/idempotency/persistence';
import { type Doc, isConditionFailure, itemOfConditionFailure, keys, type Store, TABLE_ATTRIBUTES } from './table.ts';

// Powertools' own attribute names, except the expiry: the table's `ttl`, so DynamoDB deletes old records.
const ATTRIBUTE = { ...PERSISTENCE_ATTRIBUTE_KEY_MAPPINGS, expiryAttr: TABLE_ATTRIBUTES.ttl };
const { partition: PK, sort: SK } = TABLE_ATTRIBUTES;

/**
 * Powertools idempotency's records in the broker's table, through the table's facade
 * ("bring your own persistence layer", BasePersistenceLayer), so sending once needs no AWS
 * SDK client. The items, keys and conditions are those of Powertools' own
 * DynamoDBPersistenceLayer as the broker configured it (`pk` = `IDEMPOTENCY#<operation>`,
 * `sk` = the hashed key, expiry in `ttl`): records written by either read the same.
 */
export class TableIdempotencyRecords extends BasePersistenceLayer {
  readonly #store: Store;
  readonly #operation: string;

  constructor(store: Store, operation: string) {
    super();
    this.#store = store;
    this.#operation = operation;
  }

  #key(idempotencyKey: string) {
    return keys.idempotency(this.#operation, idempotencyKey);
  }

  #record(item: Doc): IdempotencyRecord {
    return new IdempotencyRecord({
      idempotencyKey: item[SK],
      sortKey: item[SK],
      status: item[ATTRIBUTE.statusAttr],
      expiryTimestamp: item[ATTRIBUTE.expiryAttr],
      inProgressExpiryTimestamp: item[ATTRIBUTE.inProgressExpiryAttr],
      responseData: item[ATTRIBUTE.dataAttr],
      payloadHash: item[ATTRIBUTE.validationKeyAttr],
    });
  }

  protected async _getRecord(idempotencyKey: string): Promise<IdempotencyRecord> {
    const { Item } = await this.#store.db.get({
      TableName: this.#store.table,
      Key: this.#key(idempotencyKey),
      ConsistentRead: true,
    });
    if (!Item) throw new IdempotencyItemNotFoundError();
    return this.#record(Item);
  }

  /**
   * Writes the in-progress record unless a live one is there: none, or it has expired, or
   * it is in progress past its in-progress expiry (an attempt that timed out). Otherwise
   * the record found comes with the error, and Powertools answers from it.
   */
  protected async _putRecord(record: IdempotencyRecord): Promise<void> {
    const now = Date.now();
    try {
      await this.#store.db.put({
        TableName: this.#store.table,
        Item: {
          ...this.#key(record.idempotencyKey),
          [ATTRIBUTE.expiryAttr]: record.expiryTimestamp,
          [ATTRIBUTE.statusAttr]: record.getStatus(),
          [ATTRIBUTE.inProgressExpiryAttr]: record.inProgressExpiryTimestamp,
          ...(this.isPayloadValidationEnabled() ? { [ATTRIBUTE.validationKeyAttr]: record.payloadHash } : {}),
        },
        ConditionExpression:
          'attribute_not_exists(#id) OR #expiry < :now OR ' +
          '(#status = :inprogress AND attribute_exists(#in_progress_expiry) AND #in_progress_expiry < :now_in_millis)',
        ExpressionAttributeNames: {
          '#id': PK,
          '#expiry': ATTRIBUTE.expiryAttr,
          '#in_progress_expiry': ATTRIBUTE.inProgressExpiryAttr,
          '#status': ATTRIBUTE.statusAttr,
        },
        ExpressionAttributeValues: {
          ':now': now / 1000,
          ':now_in_millis': now,
          ':inprogress': IdempotencyRecordStatus.INPROGRESS,
        },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      });
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const existing = itemOfConditionFailure(error);
      throw new IdempotencyItemAlreadyExistsError(
        `Failed to put record for already existing idempotency key: ${record.idempotencyKey}`,
        existing && this.#record(existing),
      );
    }
  }

  protected async _updateRecord(record: IdempotencyRecord): Promise<void> {
    const fields: Record<string, [attribute: string, value: unknown]> = {
      '#expiry': [ATTRIBUTE.expiryAttr, record.expiryTimestamp],
      '#status': [ATTRIBUTE.statusAttr, record.getStatus()],
      ...(record.responseData === undefined ? {} : { '#response_data': [ATTRIBUTE.dataAttr, record.responseData] }),
      ...(this.isPayloadValidationEnabled()
        ? { '#validation_key': [ATTRIBUTE.validationKeyAttr, record.payloadHash] }
        : {}),
    };
    const entries = Object.entries(fields);
    await this.#store.db.update({
      TableName: this.#store.table,
      Key: this.#key(record.idempotencyKey),
      UpdateExpression: `SET ${entries.map(([name]) => `${name} = :${name.slice(1)}`).join(', ')}`,
      ExpressionAttributeNames: Object.fromEntries(entries.map(([name, [attribute]]) => [name, attribute])),
      ExpressionAttributeValues: Object.fromEntries(entries.map(([name, [, value]]) => [`:${name.slice(1)}`, value])),
    });
  }

  protected async _deleteRecord(record: IdempotencyRecord): Promise<void> {
    await this.#store.db.delete({ TableName: this.#store.table, Key: this.#key(record.idempotencyKey) });
  }
}
