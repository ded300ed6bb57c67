import type { CaseRecord } from '../../lambdas/commons/case/record';

/** A user case waiting for its decision: alice, idle 120 days, with its ticket (the message tests' fixture). */
export function aliceCase(overrides: Partial<CaseRecord> = {}): CaseRecord {
  return {
    pk: 'case#AIDAX-2026-11-22',
    caseId: 'AIDAX-2026-11-22',
    userName: 'alice',
    userId: 'AIDAX',
    arn: 'arn:aws:iam::123456789012:user/alice',
    candidate: {
      userName: 'alice',
      userId: 'AIDAX',
      arn: 'arn:aws:iam::123456789012:user/alice',
      reason: 'password last used 120 days ago (threshold 45)',
      lastActivity: '2026-07-25T10:00:00.000Z',
      lastActivitySource: 'password',
      idleDays: 120,
      kind: 'user',
      subjectId: 'AIDAX',
    },
    executionArn: 'arn:aws:states:eu-west-1:123456789012:execution:case:AIDAX-2026-11-22',
    openedAt: '2026-11-22T09:00:00.000Z',
    status: 'awaiting-decision',
    jiraKey: 'SEC-42',
    jiraUrl: 'https://example.atlassian.net/browse/SEC-42',
    ...overrides,
  };
}
