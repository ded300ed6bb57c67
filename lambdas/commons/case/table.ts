import {
  GetCommand,
  UpdateCommand,
  paginateScan,
  PutCommand,
  type DynamoDBDocumentClient,
  type ScanCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { allItems } from '../runtime/pagination';
import { errorName } from '../runtime/errors';
import { caseKey, type CaseRecord } from './record';

/**
 * The one DynamoDB table iam-janitor keeps, shared by the case store (the cases and their open
 * markers) and the sweep store (what one sweep leaves for the next step or the next sweep).
 */
export abstract class TableItems {
  constructor(
    protected readonly db: DynamoDBDocumentClient,
    protected readonly tableName: string,
  ) {}

  /** A single item beside the cases (the latest sweep, an acknowledgement, a stash). */
  protected async putItem(pk: string, fields: object): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { ...fields, pk } }));
  }

  protected async getItem<T>(pk: string): Promise<T | undefined> {
    const result = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { pk }, ConsistentRead: true }),
    );
    if (!result.Item) return undefined;
    const fields: Record<string, unknown> = { ...result.Item };
    delete fields.pk;
    return fields as T;
  }

  /** The same write, or undefined when its condition did not hold (the case has moved on). */
  protected async updateIf(...args: Parameters<TableItems['update']>): Promise<CaseRecord | undefined> {
    try {
      return await this.update(...args);
    } catch (error) {
      if (errorName(error) !== 'ConditionalCheckFailedException') throw error;
      return undefined;
    }
  }

  /** One case's update, only while the case exists and `condition` holds; the case as written. */
  protected async update(
    caseId: string,
    expression: string,
    condition: string,
    names: Record<string, string>,
    values: Record<string, unknown>,
  ): Promise<CaseRecord> {
    const result = await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: caseKey(caseId) },
        UpdateExpression: expression,
        ConditionExpression: `attribute_exists(pk) AND ${condition}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    return result.Attributes as CaseRecord;
  }

  /** Every item a scan finds, page after page, through the SDK's paginator. */
  protected scanAll(input: Omit<ScanCommandInput, 'TableName'>): Promise<Record<string, unknown>[]> {
    return allItems(
      paginateScan({ client: this.db }, { TableName: this.tableName, ...input }),
      (page) => page.Items,
    );
  }
}

/** `SET #f0 = :v0, …` for the fields that are defined, or undefined when none is. */
export function setFields(fields: object) {
  const entries = Object.entries(fields).filter(([, value]) => value !== undefined);
  if (entries.length === 0) return undefined;
  return {
    UpdateExpression: `SET ${entries.map((_, index) => `#f${index} = :v${index}`).join(', ')}`,
    ExpressionAttributeNames: Object.fromEntries(entries.map(([key], index) => [`#f${index}`, key])),
    ExpressionAttributeValues: Object.fromEntries(entries.map(([, value], index) => [`:v${index}`, value])),
  };
}
