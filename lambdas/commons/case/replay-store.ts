import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { errorName } from '../runtime/errors';
import { TableItems } from './table';

/** `replay#v0=…`: one item per signed Slack request the interactions handler has taken. */
export const replayKey = (signature: string) => `replay#${signature}`;

/**
 * The signed Slack requests already taken, each kept until its signature could no longer pass the
 * 5-minute check (DynamoDB's TTL removes it after): a request sent again inside that window,
 * byte for byte, is refused rather than counted a second time.
 */
export class ReplayStore extends TableItems {
  /**
   * Claims a request by its signature, which is Slack's HMAC over its timestamp and body: the same
   * signature is the same request. An update that creates the item, under a condition that it does
   * not exist, is a conditional put the role's UpdateItem already allows. True for the first claim.
   */
  async claim(signature: string, expiresAtSeconds: number, at: string): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: replayKey(signature) },
          UpdateExpression: 'SET #expiresAt = :expiresAt, #takenAt = :takenAt',
          ConditionExpression: 'attribute_not_exists(pk)',
          ExpressionAttributeNames: { '#expiresAt': 'expiresAt', '#takenAt': 'takenAt' },
          ExpressionAttributeValues: { ':expiresAt': expiresAtSeconds, ':takenAt': at },
        }),
      );
      return true;
    } catch (error) {
      if (errorName(error) === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }
}
