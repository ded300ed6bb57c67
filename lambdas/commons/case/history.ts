import type { CaseRecord } from './record';
import { TableItems } from './table';

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
      { ':since': since.toISOString(), ':closed': 'closed', ':deleted': 'deleted' },
    );
  }

  /** Every case, or those opened since a date, oldest first: the audit export. */
  async listCases(since?: Date): Promise<CaseRecord[]> {
    const cases = since
      ? await this.scanCases('openedAt >= :since', {}, { ':since': since.toISOString() })
      : await this.scanCases();
    return cases.sort((a, b) => a.openedAt.localeCompare(b.openedAt) || a.caseId.localeCompare(b.caseId));
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
