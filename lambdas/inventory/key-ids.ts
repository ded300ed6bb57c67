import { ListAccessKeysCommand, type IAMClient } from '@aws-sdk/client-iam';
import { mapWithConcurrency } from '../commons/runtime/concurrency';
import type { CredentialRef } from '../commons/contracts';
import { wholeSeconds } from '../commons/runtime/text';

/**
 * The ids of the access keys in report slots 1 and 2. The credential report has no key ids; a key's
 * creation date (the slot's last_rotated) ties the slot to its id. One ListAccessKeys per user.
 */
export async function accessKeyIds(
  iam: IAMClient,
  users: readonly { userName: string; credentials: readonly { ref: CredentialRef }[] }[],
  concurrency = 4,
): Promise<Map<string, Map<number, string>>> {
  const ids = new Map<string, Map<number, string>>();
  await mapWithConcurrency([...users], concurrency, async ({ userName, credentials }) => {
    const keys = (await iam.send(new ListAccessKeysCommand({ UserName: userName }))).AccessKeyMetadata ?? [];
    const slots = new Map<number, string>();
    for (const { ref } of credentials) {
      if (ref.kind !== 'access-key' || !ref.issuedAt) continue;
      const key = keys.find(
        (candidate) =>
          candidate.CreateDate && wholeSeconds(candidate.CreateDate) === wholeSeconds(ref.issuedAt!),
      );
      if (key?.AccessKeyId) slots.set(ref.slot, key.AccessKeyId);
    }
    ids.set(userName, slots);
  });
  return ids;
}
