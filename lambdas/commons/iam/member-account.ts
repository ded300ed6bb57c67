import type { Candidate } from '../contracts/candidate';

/** Organization mode: the member account a case is about, as people read it. */
export interface AccountRef {
  readonly accountId: string;
  /** The IAM account alias, or the account's name in Organizations when it has none. */
  readonly accountAlias: string;
}

/**
 * A candidate of one member account: it carries the account, and its subject id (the case id's and
 * the execution name's stem) starts with the account id, so that two accounts' users never share a
 * case, a marker or an execution.
 */
export function inAccount(candidate: Candidate, account: AccountRef): Candidate {
  return {
    ...candidate,
    accountId: account.accountId,
    accountAlias: account.accountAlias,
    subjectId: accountSubjectId(account.accountId, candidate.subjectId),
  };
}

/** A subject id as its case carries it: with `<accountId>-` in front in organization mode. */
export const accountSubjectId = (accountId: string | undefined, subjectId: string) =>
  accountId === undefined ? subjectId : `${accountId}-${subjectId}`;

/** `prod-payments (111122223333)`, or nothing for an account-mode case. */
export function accountLabel(candidate: Pick<Candidate, 'accountId' | 'accountAlias'>): string | undefined {
  if (candidate.accountId === undefined) return undefined;
  return candidate.accountAlias && candidate.accountAlias !== candidate.accountId
    ? `${candidate.accountAlias} (${candidate.accountId})`
    : candidate.accountId;
}
