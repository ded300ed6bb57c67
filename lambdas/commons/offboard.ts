import type { IAMClient } from '@aws-sdk/client-iam';
import type { Candidate } from './contracts';
import { refuseIfProtected, type ExemptionPolicy } from './exemptions';
import { latestUse, readUser, type Snapshot } from './snapshot';

const DAY_MS = 86_400_000;

export interface OffboardRequest {
  readonly userName: string;
  /** Who asks: a Slack user id or a person's name. */
  readonly by: string;
  readonly reason?: string;
}

/**
 * The candidate of an offboarding: a named user, read live, active or not. A protected or exempt
 * user is refused here, before any case starts, with the same rule the remover applies.
 */
export async function offboardCandidate(
  iam: IAMClient,
  request: OffboardRequest,
  policy: ExemptionPolicy & { readonly protectedTagKey: string },
  now: Date,
): Promise<Candidate> {
  const user = await readUser(iam, request.userName, now);
  refuseIfProtected(user, policy);
  const lastUse = latestUse(user);
  const since = new Date(lastUse ?? user.createDate);
  return {
    userName: user.userName,
    userId: user.userId,
    arn: user.arn,
    reason: `offboarding requested by ${request.by}${request.reason ? `: ${request.reason}` : ''}`,
    lastActivity: lastUse,
    lastActivitySource: sourceOf(user, lastUse),
    idleDays: Math.max(0, Math.floor((now.getTime() - since.getTime()) / DAY_MS)),
    kind: 'user',
    subjectId: user.userId,
    requested: {
      by: request.by,
      at: now.toISOString(),
      ...(request.reason ? { reason: request.reason } : {}),
    },
  };
}

function sourceOf(user: Snapshot, lastUse: string | null): Candidate['lastActivitySource'] {
  if (lastUse === null) return 'user_creation_time';
  if (lastUse === user.passwordLastUsed) return 'password';
  return user.accessKeys.findIndex((key) => key.lastUsedDate === lastUse) === 1
    ? 'access_key_2'
    : 'access_key_1';
}

/** The execution name of an offboarding: unique per request, and never a sweep's. */
export function offboardExecutionName(candidate: Candidate, now: Date): string {
  return `${candidate.subjectId}-offboard-${now.toISOString().replace(/\D/g, '').slice(0, 14)}`;
}
