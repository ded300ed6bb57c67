import { IAMClient } from '@aws-sdk/client-iam';
import type { ActInput } from '../../lambdas/act/act';
import type { CaseExpectations } from '../../lambdas/act/recheck';
import { PatientRetryStrategy } from '../../lambdas/commons/runtime/retry';
import { emptyAccount, type SimAccount } from '../../lib/sim/account';
import type { AwsStandin } from '../../lib/sim/standins/aws-standin';
import type { AwsStandinOptions } from '../../lib/sim/standins/standin-types';
import { addLoadedUser } from './loaded-user';
import { startStandin } from './standin';

/** A user with every kind of dependent item, in a stand-in of IAM, and the remover's input for it. */

export const POLICY = {
  protectedTagKey: 'iam-janitor:protected',
  exemptUserNames: ['break-glass-admin'],
  exemptPathPrefixes: ['/service-accounts/'],
  keepUntilTagKey: 'iam-janitor:keep-until',
  keepDays: 90,
};

/** The stand-in of the last setUp (a live binding: tests read its calls). */
export let standin!: AwsStandin;

/** Every test's afterEach: the stand-in of the last setUp stops. */
export async function stopStandin(): Promise<void> {
  await standin?.stop();
}

export async function setUp(
  options: AwsStandinOptions = {},
  build: (account: SimAccount) => void = (account) => addLoadedUser(account),
) {
  const account = emptyAccount();
  build(account);
  standin = await startStandin(account, options);
  const iam = new IAMClient({
    endpoint: standin.url,
    region: 'us-east-1',
    retryStrategy: new PatientRetryStrategy(15, 2),
  });
  return { account, iam };
}

export function deleteInput(iam: IAMClient, overrides: Partial<ActInput> = {}): ActInput {
  return {
    iam,
    action: 'delete',
    userName: 'loaded',
    policy: POLICY,
    dryRun: false,
    now: new Date(),
    saveSnapshot: async () => undefined,
    ...overrides,
  };
}

/** What a case opened now on the loaded user's last use would expect. */
export function expectationsOf(
  account: SimAccount,
  overrides: Partial<CaseExpectations> = {},
): CaseExpectations {
  const user = account.users.get('loaded')!;
  return {
    userId: user.userId,
    openedAt: new Date().toISOString(),
    lastActivity: user.accessKeys[0]!.lastUsedDate!.toISOString(),
    ...overrides,
  };
}

export function expectGone(account: SimAccount, userName = 'loaded') {
  expect(account.users.has(userName)).toBe(false);
  expect([...account.virtualMfaDevices.keys()].filter((serial) => serial.includes(userName))).toEqual([]);
}
