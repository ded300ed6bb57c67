import { deciderName } from '../runtime/text';
import type { IAMClient } from '@aws-sdk/client-iam';
import { accountAliasOf } from './account-alias';
import { refuseOutOfScope } from './account-scope';
import { iamClient, iamClientFor, organizationsClient } from '../runtime/clients';
import { memberTarget } from '../runtime/member-role';
import { configForAccount, type JanitorConfig } from '../config/config';
import type { Candidate } from '../contracts/candidate';
import { inAccount } from './member-account';
import { refuseIfProtected, type ExemptionPolicy } from '../case/exemptions';
import { latestUse, readUser, type Snapshot } from './snapshot';
import { DAY_MS } from '../runtime/time';

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
    reason: `offboarding requested by ${deciderName(request.by)}${request.reason ? `: ${request.reason}` : ''}`,
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

/**
 * The offboarding `iam-janitor offboard` starts, and the simulator likewise: in organization mode
 * the account is checked first (excluded, suspended and management accounts are refused before
 * anything is read there), then the user is read through that account's reader role.
 */
export async function offboardRequest(
  request: OffboardRequest,
  accountId: string | undefined,
  config: JanitorConfig,
  now: Date,
): Promise<Candidate> {
  if (accountId === undefined) return offboardCandidate(iamClient(), request, config, now);
  await refuseOutOfScope(organizationsClient(), accountId, config);
  const iam = iamClientFor(memberTarget(accountId, 'reader', config));
  const candidate = await offboardCandidate(iam, request, configForAccount(config, accountId), now);
  return inAccount(candidate, { accountId, accountAlias: await accountAliasOf(iam, accountId) });
}

/** The refusals an offboarding answers with a sentence, not a failure: nothing was started. */
export const OFFBOARD_REFUSALS = ['ProtectedUserError', 'UnknownUserError', 'AccountOutOfScopeError'];

/** The execution name of an offboarding: unique per request, and never a sweep's. */
export function offboardExecutionName(candidate: Candidate, now: Date): string {
  return `${candidate.subjectId}-offboard-${now.toISOString().replace(/\D/g, '').slice(0, 14)}`;
}
