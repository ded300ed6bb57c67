import { DeleteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { OPEN_CASES_INDEX } from './indexes';
import { CaseAlreadyOpenError } from '../runtime/errors';
import { legacyOpenKey, openKey, type CaseRecord, type CaseSubject, type OpenCase } from './record';
import { TableItems } from './table';

/**
 * The open markers: one per user with an open case, by its IAM user id (`openKey`), which
 * CaseStore.open claims with a conditional write. Markers an earlier version wrote by name are
 * honoured and freed here until their cases end.
 */
export abstract class OpenMarkers extends TableItems {
  /** A case an earlier version opened holds the user's marker by name: it alone decides, as before. */
  protected async refuseLegacyMarker(record: Omit<CaseRecord, 'pk' | 'status'>): Promise<void> {
    const legacy = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: legacyOpenKey(record.candidate) } }),
    );
    const holder = legacy.Item?.caseId;
    if (holder !== undefined && holder !== record.caseId)
      throw new CaseAlreadyOpenError(
        `User ${record.userName} already has an open case (${String(holder)}); it alone decides.`,
      );
  }

  /** Frees the user's open marker if this case holds it. */
  async release(caseId: string, subject: CaseSubject): Promise<void> {
    for (const pk of [openKey(subject), legacyOpenKey(subject)])
      await this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { pk },
          // Only this case's marker: never free a user from someone else's case.
          ConditionExpression: 'attribute_not_exists(pk) OR caseId = :caseId',
          ExpressionAttributeValues: { ':caseId': caseId },
        }),
      );
  }

  /** The open cases, read from the sparse index: as cheap as the number of open cases. */
  async openCases(): Promise<OpenCase[]> {
    const markers = await this.scanAll({ IndexName: OPEN_CASES_INDEX });
    return markers.map((item) => ({
      userName: String(item.openUserName),
      ...(item.openUserId ? { userId: String(item.openUserId) } : {}),
      ...(item.accountId ? { accountId: String(item.accountId) } : {}),
      caseId: String(item.caseId),
      openedAt: String(item.openedAt),
    }));
  }
}
