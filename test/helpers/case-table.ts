import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { caseKey, type CaseRecord } from '../../lambdas/commons/case/record';
import { setFields } from '../../lambdas/commons/case/table';
import { documentClient } from '../../lambdas/commons/runtime/clients';
import { CASE_TABLE } from '../../lib/sim/standins/dynamo';

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
