import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';

/**
 * The benchmark's yardstick for cold load: about the smallest useful Lambda (one DynamoDB GetItem,
 * the Powertools logger), bundled exactly as iam-janitor's are. Each function's require time is
 * reported as a ratio to this one, measured in the same rounds, so the figure holds on a loaded
 * machine as on an idle one.
 */
const logger = new Logger({ serviceName: 'reference' });
const db = new DynamoDBClient({});

export async function handler(): Promise<unknown> {
  const item = await db.send(new GetItemCommand({ TableName: 'reference', Key: { pk: { S: 'x' } } }));
  logger.info('read', { found: Boolean(item.Item) });
  return item.Item;
}
