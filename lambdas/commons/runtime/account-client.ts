import { AccountClient } from '@aws-sdk/client-account';
import { onReset } from './per-container';
import { PatientRetryStrategy } from './retry';
import { serviceClientConfig } from './clients';
import { type MemberTarget } from './member-role';

const accountByMember = new Map<string, AccountClient>();
onReset(() => accountByMember.clear());

/**
 * The Account API (the regions and their opt-in status) of this account, or of a member account
 * through its role. Global: its one endpoint is in us-east-1.
 */
export function accountClient(member?: MemberTarget): AccountClient {
  const key = member ? `${member.roleName}/${member.accountId}` : '';
  let client = accountByMember.get(key);
  if (!client) {
    client = new AccountClient({
      region: 'us-east-1',
      retryStrategy: new PatientRetryStrategy(4),
      ...serviceClientConfig('account', member),
    });
    accountByMember.set(key, client);
  }
  return client;
}
