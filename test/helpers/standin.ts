import { resetClients } from '../../lambdas/commons/clients';
import { AwsStandin, type AwsStandinOptions } from '../../lib/sim/aws-standin';
import type { SimAccount } from '../../lib/sim/account';

/** Starts a stand-in and points every iam-janitor client at it, as the real endpoint variables would. */
export async function startStandin(
  account: SimAccount,
  options: AwsStandinOptions = {},
): Promise<AwsStandin> {
  const standin = new AwsStandin(account, options);
  await standin.start();
  Object.assign(process.env, standin.endpointEnv());
  resetClients();
  return standin;
}

export const ago = (days: number, from = Date.now()) => new Date(from - days * 86_400_000);
