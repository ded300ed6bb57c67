/**
 * Organization mode: the role in each member account that a hub function assumes, and the
 * credentials it gets there.
 */
import type { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { clientSettings } from './client-settings';
import { memberCredentialsSdk } from './lazy';
import { onReset } from './per-container';

/**
 * Which member role a function assumes in organization mode: the reader (inventory, context,
 * report) or the remover (act), each trusted only by the hub functions that need it.
 */
export type MemberAccess = 'reader' | 'remover';

/** A member account, and the role to reach it as. */
export interface MemberTarget {
  readonly accountId: string;
  /** `<memberRoleName>-reader` or `-remover`. */
  readonly roleName: string;
  readonly externalId: string;
}

/** The member role of an account for an access, as the config names it. */
export function memberTarget(
  accountId: string,
  access: MemberAccess,
  config: { readonly memberRoleName: string; readonly memberExternalId: string },
): MemberTarget {
  return { accountId, roleName: `${config.memberRoleName}-${access}`, externalId: config.memberExternalId };
}

/** The member role of a candidate's account, or nothing in account mode. */
export function memberOf(
  candidate: { readonly accountId?: string },
  access: MemberAccess,
  config: { readonly memberRoleName: string; readonly memberExternalId: string },
): MemberTarget | undefined {
  return candidate.accountId === undefined ? undefined : memberTarget(candidate.accountId, access, config);
}

/**
 * Organization mode: a member role of one account, assumed from this function's own role
 * (`<memberRoleName>-reader` or `-remover`); the external id and the hub's role ARN are what the
 * member role's trust policy checks. The provider refreshes the session before it expires, and
 * each account and role gets its own.
 */
export function memberCredentials({ accountId, roleName, externalId }: MemberTarget): MemberCredentials {
  const key = `${roleName}/${accountId}`;
  let provider = memberCredentialsByAccount.get(key);
  if (!provider) {
    const settings = clientSettings();
    const stsEndpoint = settings.endpoints?.sts;
    // Loaded on first use: account mode, and the functions that never assume a role, skip it at cold start.
    provider = memberCredentialsSdk().fromTemporaryCredentials({
      params: {
        RoleArn: memberRoleArn(accountId, roleName),
        RoleSessionName: 'iam-janitor',
        ExternalId: externalId,
        DurationSeconds: 3600,
      },
      ...(settings.credentials ? { masterCredentials: settings.credentials } : {}),
      clientConfig: {
        region: settings.region ?? process.env.AWS_REGION ?? 'us-east-1',
        ...(stsEndpoint ? { endpoint: stsEndpoint } : {}),
      },
    });
    memberCredentialsByAccount.set(key, provider);
  }
  return provider;
}
type MemberCredentials = ReturnType<typeof fromTemporaryCredentials>;
const memberCredentialsByAccount = new Map<string, MemberCredentials>();
onReset(() => memberCredentialsByAccount.clear());

/**
 * The member role of an account, as the StackSet names it in every account, in the partition the
 * stack runs in (the stack sets JANITOR_PARTITION; the CLI runs where its credentials are: `aws`
 * unless told otherwise).
 */
export function memberRoleArn(accountId: string, roleName: string): string {
  const partition = process.env.JANITOR_PARTITION ?? 'aws';
  return `arn:${partition}:iam::${accountId}:role/${roleName}`;
}
