import {
  clientSettings,
  configureClients,
  type ClientService,
} from '../../lambdas/commons/runtime/client-settings';
import { AwsStandin } from '../../lib/sim/standins/aws-standin';
import { type AwsStandinOptions } from '../../lib/sim/standins/standin-types';
import type { SimAccount } from '../../lib/sim/account';

/** Never a real key: a test that reached AWS with these would be refused. */
const TEST_CREDENTIALS = { accessKeyId: 'AKIATESTSTANDIN00000', secretAccessKey: 'test' };

/**
 * Points iam-janitor's clients at local stand-ins, added to what is already pointed. Explicitly,
 * never through AWS_ENDPOINT_URL_*: AWS_IGNORE_CONFIGURED_ENDPOINT_URLS turns those off, and the
 * tests would then call real AWS (test/setup.ts sets it, so that any such test fails).
 */
export function pointClientsAt(endpoints: Partial<Record<ClientService, string>>): void {
  const current = clientSettings();
  configureClients({
    endpoints: { ...current.endpoints, ...endpoints },
    credentials: TEST_CREDENTIALS,
    region: 'us-east-1',
  });
}

/** Starts a stand-in and points every iam-janitor client that talks to AWS at it. */
export async function startStandin(
  account: SimAccount,
  options: AwsStandinOptions = {},
): Promise<AwsStandin> {
  const standin = new AwsStandin(account, options);
  await standin.start();
  pointClientsAt({
    iam: standin.url,
    account: standin.url,
    cloudtrail: standin.url,
    sfn: standin.url,
    secretsmanager: standin.url,
    sts: standin.url,
  });
  return standin;
}

export const ago = (days: number, from = Date.now()) => new Date(from - days * 86_400_000);
