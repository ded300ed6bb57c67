import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { caseKey, type CaseRecord } from '../../lambdas/commons/case/record';
import { setFields } from '../../lambdas/commons/case/table';
import { documentClient } from '../../lambdas/commons/runtime/clients';
import { CASE_TABLE, startDynamo } from '../../lib/sim/standins/dynamo';
import { pointClientsAt } from './standin';

/**
 * Rewrites fields of a stored case behind the case store's back, as an older release (or an
 * operator) may have left it: the store itself offers no such write.
 */
export async function rewriteCase(caseId: string, fields: Partial<Omit<CaseRecord, 'pk' | 'caseId'>>) {
  await documentClient().send(
    new UpdateCommand({
      TableName: CASE_TABLE,
      Key: { pk: caseKey(caseId) },
      ...setFields(fields)!,
      ConditionExpression: 'attribute_exists(pk)',
    }),
  );
}

/**
 * Writes the case of a Disable that tagged `userId` disabled-at `at`, as the remover records it
 * (its `removed` steps name the tag written): the decision a marker must be proven by.
 */
export async function putDisableCase(caseId: string, userId: string, userName: string, at: string) {
  await documentClient().send(
    new PutCommand({
      TableName: CASE_TABLE,
      Item: {
        pk: caseKey(caseId),
        caseId,
        userId,
        candidate: { kind: 'user', userName, userId },
        outcome: 'disabled',
        decision: { decision: 'disable', decidedBy: 'U0APPROVER1', decidedAt: at },
        removed: [`tag iam-janitor:disabled-at=${at}`],
      },
    }),
  );
}

/**
 * A case table on dynalite for the tests of one file: started before them, with every client and
 * CASE_TABLE_NAME pointed at it, and stopped after them.
 */
export function useCaseTable(): void {
  let dynamo: Awaited<ReturnType<typeof startDynamo>>;
  beforeAll(async () => {
    dynamo = await startDynamo();
    pointClientsAt({ dynamodb: dynamo.url });
    process.env.CASE_TABLE_NAME = CASE_TABLE;
  });
  afterAll(() => dynamo.stop());
}
