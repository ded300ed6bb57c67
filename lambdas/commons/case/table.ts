import {
  GetCommand,
  paginateScan,
  PutCommand,
  type DynamoDBDocumentClient,
  type ScanCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { allItems } from '../runtime/pagination';

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
