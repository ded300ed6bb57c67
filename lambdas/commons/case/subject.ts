import { accountLabel } from '../iam/member-account';
import type { CaseRecord } from './record';

/** What a case is about, in words: a user, or one of its credentials, and how to undo a Deactivate. */

/** The credential of a credential case, in words: `console password`, `access key AKIA…`. */
export function credentialText(record: Pick<CaseRecord, 'candidate' | 'credentialId'>): string {
  const ref = record.candidate.credential;
  if (ref?.kind === 'password' || record.credentialId === 'password') return 'console password';
  if (record.credentialId) return `access key ${record.credentialId}`;
  return ref ? `access key in slot ${ref.slot}` : 'credential';
}

/** What the case is about, in words: `kim`, or `kim's access key AKIA…`. */
export function caseSubject(record: Pick<CaseRecord, 'userName' | 'candidate' | 'credentialId'>): string {
  const account = accountLabel(record.candidate);
  const subject =
    record.candidate.kind === 'credential'
      ? `${record.userName}'s ${credentialText(record)}`
      : record.userName;
  // Organization mode: the same name can exist in many accounts; every text says which one.
  return account ? `${subject} in ${account}` : subject;
}

/**
 * How to undo a credential case's Deactivate: the user was never removed, so `restore` (which
 * recreates a user) does not apply. A deleted password cannot come back; a new one can be set.
 */
export function credentialUndo(record: Pick<CaseRecord, 'userName' | 'credentialId'>): string {
  return record.credentialId === 'password'
    ? `aws iam create-login-profile --user-name ${record.userName} --password-reset-required --password <a new temporary password> (the old password cannot be restored)`
    : `aws iam update-access-key --user-name ${record.userName} --access-key-id ${record.credentialId} --status Active`;
}
