import { paginateQuery } from '@aws-sdk/lib-dynamodb';
import { CASES_BY_USER_INDEX } from './indexes';
import { mapWithConcurrency } from '../runtime/concurrency';
import { allItems } from '../runtime/pagination';
import { CaseStatus } from './lifecycle';
import type { CaseRecord } from './record';
import { TableItems } from './table';

/** A case as the cases-by-user index holds it: the decision and what it wrote, no snapshot. */
export type UserCase = Pick<
  CaseRecord,
  'caseId' | 'userId' | 'candidate' | 'outcome' | 'decision' | 'removed' | 'quarantine'
>;

/** The cases as the weekly summary and the audit export read them: scans, filtered on the server. */
export class CaseHistory extends TableItems {
  /**
   * The cases opened, closed or still open since the date, and those that left their user
   * quarantined, however long ago: a scan, once a week, filtered on the server.
   */
  casesSince(since: Date): Promise<CaseRecord[]> {
    return this.scanCases(
      'openedAt >= :since OR closedAt >= :since OR #status <> :closed OR ' +
        '(attribute_exists(#q.#applied) AND attribute_not_exists(#q.#released) AND #outcome <> :deleted)',
      {
        '#status': 'status',
        '#q': 'quarantine',
        '#applied': 'appliedAt',
        '#released': 'releasedAt',
        '#outcome': 'outcome',
      },
      { ':since': since.toISOString(), ':closed': CaseStatus.closed, ':deleted': 'deleted' },
    );
  }

  /** Every case, or those opened since a date, oldest first: the audit export. */
  async listCases(since?: Date): Promise<CaseRecord[]> {
    const cases = since
      ? await this.scanCases('openedAt >= :since', {}, { ':since': since.toISOString() })
      : await this.scanCases();
    return cases.sort((a, b) => a.openedAt.localeCompare(b.openedAt) || a.caseId.localeCompare(b.caseId));
  }

  /**
   * The cases of each user, by user id: one Query of the cases-by-user index per user, so that the
   * cost follows the users asked about (those carrying a marker tag), never the table's history.
   */
  async casesOfUsers(userIds: readonly string[], accountId?: string): Promise<Map<string, UserCase[]>> {
    const unique = [...new Set(userIds)];
    const found = await mapWithConcurrency(unique, 8, (userId) =>
      allItems(
        paginateQuery(
          { client: this.db },
          {
            TableName: this.tableName,
            IndexName: CASES_BY_USER_INDEX,
            KeyConditionExpression: 'userId = :userId',
            ExpressionAttributeValues: { ':userId': userId },
          },
        ),
        (page) => page.Items,
      ),
    );
    // Organization mode: a member account's cases only (each carries its account in the candidate).
    const ofAccount = (items: Record<string, unknown>[] = []) =>
      (items as unknown as UserCase[]).filter((userCase) => userCase.candidate?.accountId === accountId);
    return new Map(unique.map((userId, index) => [userId, ofAccount(found[index])]));
  }

  private async scanCases(
    filter?: string,
    names: Record<string, string> = {},
    values: Record<string, unknown> = {},
  ): Promise<CaseRecord[]> {
    const items = await this.scanAll({
      FilterExpression: `begins_with(pk, :case)${filter ? ` AND (${filter})` : ''}`,
      ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
      ExpressionAttributeValues: { ':case': 'case#', ...values },
    });
    return items as unknown as CaseRecord[];
  }
}
