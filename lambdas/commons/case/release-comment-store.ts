import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { errorName } from '../runtime/errors';
import { caseKey, type QuarantineRecord } from './record';
import { TableItems } from './table';

export type ReleaseCommentClaim = NonNullable<QuarantineRecord['releaseCommentClaim']>;

/**
 * The claim on the ticket's comment of a release made after the case closed
 * (`quarantine.releaseCommentClaim`): the run that holds it is the one that comments, so that two
 * release runs at once, or a rerun after a comment whose recording failed, never comment twice.
 */
export class ReleaseCommentStore extends TableItems {
  /**
   * This run comments the release: only while the comment is not recorded and no other run holds
   * the claim, or holds the one `staleToken` names (a run that never finished). False otherwise.
   */
  async claim(caseId: string, claim: ReleaseCommentClaim, staleToken?: string): Promise<boolean> {
    const free = staleToken ? '#q.#claim.#token = :stale' : 'attribute_not_exists(#q.#claim)';
    return this.updateIf(
      caseId,
      'SET #q.#claim = :claim',
      `(attribute_exists(#q.#released) OR attribute_exists(#q.#gone)) AND attribute_not_exists(#q.#commented) AND ${free}`,
      {
        '#q': 'quarantine',
        '#claim': 'releaseCommentClaim',
        '#released': 'releasedAt',
        '#gone': 'userGoneAt',
        '#commented': 'releaseCommentedAt',
        ...(staleToken ? { '#token': 'token' } : {}),
      },
      { ':claim': claim, ...(staleToken ? { ':stale': staleToken } : {}) },
    );
  }

  /** Gives the claim back (Jira refused, or the comment could not be recorded): only this run's own. */
  async drop(caseId: string, token: string): Promise<void> {
    await this.updateIf(
      caseId,
      'REMOVE #q.#claim',
      '#q.#claim.#token = :token',
      { '#q': 'quarantine', '#claim': 'releaseCommentClaim', '#token': 'token' },
      { ':token': token },
    );
  }

  /** The write, or false when its condition did not hold. */
  private async updateIf(
    caseId: string,
    expression: string,
    condition: string,
    names: Record<string, string>,
    values: Record<string, unknown>,
  ): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: caseKey(caseId) },
          UpdateExpression: expression,
          ConditionExpression: `attribute_exists(pk) AND ${condition}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (errorName(error) !== 'ConditionalCheckFailedException') throw error;
      return false;
    }
  }
}
