import { findUser, storedTagKey, type SimAccount } from '../account';
import { DENIED_ON_PROTECTED } from './iam-model';
import { StandinError, type AwsStandinOptions } from './standin-types';

/** Who signed an IAM request: its access key id, and the member role it came through, if any. */
export interface IamCaller {
  readonly accessKeyId?: string;
  readonly roleName?: string;
}

/**
 * The remover role's explicit Deny, as IAM evaluates it (`DenyChangesToProtectedUsers` in
 * lib/infra/account-grants.ts): the actions IAM authorizes against the user itself
 * (USER_MUTATING_ACTIONS) are refused on a user carrying the protected tag, in any letter case
 * (IAM matches tag keys in conditions without regard to case), whatever its value. An explicit
 * Deny wins over any Allow, so it is checked before the call runs. `denyOnlyFor` limits it to the
 * identities that hold it, as the role does; without it, every caller is denied (unit tests).
 */
export function refuseByRemoverDeny(
  options: AwsStandinOptions,
  account: SimAccount,
  action: string,
  params: Record<string, string>,
  caller: IamCaller,
): void {
  const tag = options.denyMutationsOnTag;
  if (!tag || !DENIED_ON_PROTECTED.has(action) || !heldBy(options.denyOnlyFor, caller)) return;
  const target = params.UserName ? findUser(account, params.UserName) : undefined;
  if (!target || !storedTagKey(target.tags, tag)) return;
  throw new StandinError(
    'AccessDenied',
    `User: ${callerArn(account, caller)} is not authorized to perform: iam:${action} on resource: ${target.arn} with an explicit deny in an identity-based policy`,
    403,
  );
}

function heldBy(holders: AwsStandinOptions['denyOnlyFor'], caller: IamCaller): boolean {
  if (!holders) return true;
  if (caller.roleName && holders.memberRoleSuffix && caller.roleName.endsWith(holders.memberRoleSuffix))
    return true;
  return !caller.roleName && !!caller.accessKeyId && holders.accessKeyIds.includes(caller.accessKeyId);
}

const callerArn = (account: SimAccount, caller: IamCaller) =>
  `arn:aws:sts::${account.accountId}:assumed-role/${caller.roleName ?? 'iam-janitor-act'}/iam-janitor`;
