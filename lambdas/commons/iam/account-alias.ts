import { ListAccountAliasesCommand, type IAMClient } from '@aws-sdk/client-iam';

/** An account has at most one alias; without one, the name it has in Organizations. */
export async function accountAliasOf(iam: IAMClient, fallback: string): Promise<string> {
  const { AccountAliases } = await iam.send(new ListAccountAliasesCommand({}));
  return AccountAliases?.[0] ?? fallback;
}
