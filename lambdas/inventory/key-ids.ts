import { GetAccessKeyLastUsedCommand, ListAccessKeysCommand, type IAMClient } from '@aws-sdk/client-iam';
import { mapWithConcurrency } from '../commons/runtime/concurrency';
import type { CredentialRef } from '../commons/contracts/candidate';
import { datesTie, keysOfSlots, type LiveKey, type ReportSlot } from '../commons/iam/key-slots';
import { hasTagWithPrefix, type Tags } from '../commons/iam/tags';
import { wholeSeconds } from '../commons/runtime/text';
import type { CredentialVerdict } from './credentials';

/** A user's report findings the ids are wanted for: each active slot, with its last use. */
export interface SlotsOfUser {
  readonly userName: string;
  readonly credentials: readonly { readonly ref: CredentialRef; readonly lastUsed?: string | null }[];
}

/**
 * The ids of the access keys in report slots 1 and 2 (keysOfSlots pairs them one to one). One
 * ListAccessKeys per user, and a GetAccessKeyLastUsed per key only for a user whose two keys were
 * created in the same second.
 */
export async function accessKeyIds(
  iam: IAMClient,
  users: readonly SlotsOfUser[],
  concurrency = 4,
): Promise<Map<string, Map<number, string>>> {
  const ids = new Map<string, Map<number, string>>();
  await mapWithConcurrency([...users], concurrency, async ({ userName, credentials }) => {
    const slots: ReportSlot[] = credentials.flatMap(({ ref, lastUsed }) =>
      ref.kind === 'access-key'
        ? [{ slot: ref.slot, issuedAt: ref.issuedAt, active: true, lastUsed: lastUsed ?? null }]
        : [],
    );
    ids.set(userName, keysOfSlots(slots, await liveKeys(iam, userName)));
  });
  return ids;
}

async function liveKeys(iam: IAMClient, userName: string): Promise<LiveKey[]> {
  const listed = (await iam.send(new ListAccessKeysCommand({ UserName: userName }))).AccessKeyMetadata ?? [];
  const keys = listed.map((key) => ({
    id: key.AccessKeyId!,
    createDate: key.CreateDate ? key.CreateDate.toISOString() : null,
    status: key.Status ?? 'Active',
  }));
  if (!datesTie(keys)) return keys;
  return Promise.all(
    keys.map(async (key) => {
      const used = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.id }));
      return { ...key, lastUsed: used.AccessKeyLastUsed?.LastUsedDate?.toISOString() ?? null };
    }),
  );
}

/**
 * The key ids of the users with a stale key whose tags keep a key by its id (Keep on a credential
 * case writes `<keepUntilTagKey>:<AccessKeyId>`), or whose two keys the report dates to the same
 * second (only ids tell them apart: the case is then handed its key's id). One ListAccessKeys per
 * such user, none for anyone else.
 */
export async function keptKeyIds(
  iam: IAMClient,
  judged: readonly { verdict: { userName: string }; credentials?: readonly CredentialVerdict[] }[],
  facts: ReadonlyMap<string, { readonly tags: Tags }>,
  keepUntilTagKey: string,
): Promise<Map<string, Map<number, string>>> {
  const prefix = `${keepUntilTagKey}:AKIA`;
  const wanted = judged.filter(
    ({ verdict, credentials }) =>
      credentials?.some(
        (credential) => credential.verdict === 'stale' && credential.ref.kind === 'access-key',
      ) &&
      (hasTagWithPrefix(facts.get(verdict.userName)?.tags ?? {}, prefix) || slotsShareASecond(credentials)),
  );
  return accessKeyIds(
    iam,
    wanted.map(({ verdict, credentials }) => ({
      userName: verdict.userName,
      credentials: credentials ?? [],
    })),
  );
}

/** Both access-key slots dated to the same second: the report alone cannot say which key is which. */
function slotsShareASecond(credentials: readonly CredentialVerdict[]): boolean {
  const seconds = credentials.flatMap((credential) =>
    credential.ref.kind === 'access-key' && credential.ref.issuedAt
      ? [wholeSeconds(credential.ref.issuedAt)]
      : [],
  );
  return new Set(seconds).size < seconds.length;
}
