import type { ActivitySource, Candidate, CredentialRef } from '../commons/contracts/candidate';
import { subjectIdOf } from './credentials';
import type { UserFinding } from './inventory';

/** What the sweep makes of the findings: its candidates, and a dry run's answered questions. */

export interface Candidates {
  readonly users: Candidate[];
  readonly credentials: Candidate[];
}

/** The inactive users and the stale credentials of the findings, as the sweep hands them to cases. */
export function candidatesOf(found: readonly UserFinding[]): Candidates {
  const users: Candidate[] = found
    .filter((user) => user.verdict === 'inactive' && user.userId)
    .map((user) => ({
      userName: user.userName,
      userId: user.userId!,
      arn: user.arn,
      reason: user.reason,
      lastActivity: user.lastActivity,
      lastActivitySource: user.lastActivitySource,
      idleDays: user.idleDays,
      kind: 'user',
      subjectId: user.userId!,
    }));
  const credentials: Candidate[] = found.flatMap((user) =>
    (user.credentials ?? [])
      .filter((credential) => credential.verdict === 'stale' && user.userId)
      .map((credential) => ({
        userName: user.userName,
        userId: user.userId!,
        arn: user.arn,
        reason: credential.reason,
        lastActivity: credential.lastUsed,
        lastActivitySource: activitySourceOf(credential.ref),
        idleDays: credential.idleDays,
        kind: 'credential' as const,
        credential: credential.ref,
        subjectId: subjectIdOf(user.userId!, credential.ref),
      })),
  );
  return { users, credentials };
}

/** A dry run: whoever a remembered decision answered is snoozed with its reason, and is no candidate. */
export function forgetAnswered(
  found: readonly UserFinding[],
  asked: Candidates,
  remembered: ReadonlyMap<string, string>,
): { users: UserFinding[]; candidates: Candidates } {
  const users = found.map((user): UserFinding => {
    const reason = user.userId ? remembered.get(user.userId) : undefined;
    const credentials = user.credentials?.map((credential) => {
      const remembers = user.userId && remembered.get(subjectIdOf(user.userId, credential.ref));
      return credential.verdict === 'stale' && remembers
        ? { ...credential, verdict: 'snoozed' as const, reason: remembers }
        : credential;
    });
    return {
      ...user,
      ...(reason && user.verdict === 'inactive' ? { verdict: 'snoozed' as const, reason } : {}),
      ...(credentials ? { credentials } : {}),
    };
  });
  const keep = (candidate: Candidate) => !remembered.has(candidate.subjectId);
  return {
    users,
    candidates: { users: asked.users.filter(keep), credentials: asked.credentials.filter(keep) },
  };
}

function activitySourceOf(ref: CredentialRef): ActivitySource {
  return ref.kind === 'password' ? 'password' : `access_key_${ref.slot}`;
}
