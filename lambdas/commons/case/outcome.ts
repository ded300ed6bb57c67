import type { CaseRecord } from './record';
import type { Outcome } from '../contracts/outcome';
import { isActiveCredential } from '../iam/snapshot';
import { denyAllPolicyArn } from '../iam/tags';
import { count, deciderName, escapeMrkdwn, formatTime, sentence, slackLink } from '../runtime/text';
import { dryRunDetail } from './outcome-detail';
import { caseSubject, credentialUndo } from './subject';
import { denyTakenOff, endingReason, quarantineText, tripReason } from './quarantine-text';

/**
 * What the case record says happened, in words: the Jira comment and the Slack thread reply that
 * close a case. Pure functions of the record, so that every sentence an approver or auditor reads
 * is tested as such.
 */

const OUTCOME_WORDS: Record<Outcome, string> = {
  deleted: 'deleted',
  disabled:
    'disabled: every way to sign in is turned off, and AWSDenyAll refuses every session issued before from its next request on; the user and their own policies are kept',
  kept: 'kept',
  deactivated: 'deactivated: it can no longer be used, and the user and every other credential are kept',
  released: 'released from quarantine: the deny-all policy and the quarantine tags are removed',
  'quarantine-tripped':
    'left in quarantine: someone tried its credentials during the quarantine, and no approver chose Release or Delete now in time',
  expired: 'kept: no decision arrived in time',
  'aborted-active': 'kept, with nothing changed: they turned out to be active',
  'aborted-changed': 'kept, with nothing changed: the user is not the one the case was opened for',
  refused: 'kept, with nothing changed: iam-janitor refused to act on it',
  failed: 'not changed: the case failed',
  'dry-run': 'not changed: dry run',
};

/**
 * A user case that ends after its quarantine began, neither deleted nor released: the deny is still
 * on the user, so no sentence may say "nothing changed". These words replace the plain ones, and
 * quarantineLeft (below) says how to release it.
 */
const HELD_OUTCOME_WORDS: Partial<Record<Outcome, string>> = {
  'aborted-active': 'not deleted: they turned out to be active',
  'aborted-changed': 'not deleted: the user changed during its quarantine',
  refused: 'not deleted: iam-janitor refused to delete it',
  failed: 'not deleted: the case failed',
};

/**
 * The held words, by the choice that was refused: a Release chosen after the trip (or asked for as
 * the wait ended) is a refused release, not a refused deletion.
 */
function heldWords(record: Pick<CaseRecord, 'quarantine'>, outcome: Outcome): string | undefined {
  if (outcome === 'refused' && record.quarantine?.decision?.decision === 'release')
    return 'not released: iam-janitor refused to release it';
  return HELD_OUTCOME_WORDS[outcome];
}

/**
 * Whether the case ended with its user still quarantined: the quarantine was (at least in part)
 * applied, nobody released it, and the user was neither deleted nor lost (a user whose id no
 * longer exists holds nothing). The weekly summary, the texts and `release` read this one rule.
 */
export function quarantineHeld(
  record: Pick<CaseRecord, 'quarantine' | 'outcome' | 'interruptedSteps'>,
  outcome: Outcome | undefined = record.outcome,
): boolean {
  const quarantine = record.quarantine;
  if (!quarantine || quarantine.releasedAt || quarantine.userGoneAt) return false;
  if (outcome === 'deleted' || outcome === 'released' || outcome === 'dry-run') return false;
  if (denyOffByCutRun(record)) return false;
  return !(quarantine.verdict === 'changed' && !quarantine.renamedTo);
}

/** A run cut short after it took the deny off (a deletion's or a release's) left only the tags. */
function denyOffByCutRun(record: Pick<CaseRecord, 'quarantine' | 'interruptedSteps'>) {
  const arn = record.quarantine!.policyArn;
  return record.interruptedSteps?.some((step) =>
    [detachPolicyText(arn), releaseDetachText(arn)].includes(step),
  );
}

/** The words of the deletion's step that takes a managed policy off the user (the deny among them). */
export const detachPolicyText = (policyArn: string) => `detach managed policy ${policyArn}`;
/** The words of a release's step that takes the quarantine's deny off. */
export const releaseDetachText = (policyArn: string) => `detach the deny-all policy ${policyArn}`;

/** The changes a run made before it failed: a failed case with any is not "not changed". */
const interruptedCount = (record: Pick<CaseRecord, 'interruptedSteps'>) =>
  record.interruptedSteps?.length ?? 0;

/**
 * A run that stopped after it changed the user, failed or refused by a guard that looked again
 * midway (a protected tag added while a deletion runs): neither is "nothing changed".
 */
export function stoppedPartway(record: Pick<CaseRecord, 'interruptedSteps'>, outcome: Outcome): boolean {
  return (outcome === 'failed' || outcome === 'refused') && interruptedCount(record) > 0;
}

function interruptedWords(record: Pick<CaseRecord, 'interruptedSteps'>, outcome: Outcome) {
  if (!stoppedPartway(record, outcome)) return undefined;
  const changes = count(interruptedCount(record), 'change');
  return outcome === 'refused'
    ? `partly changed: iam-janitor refused to go on after ${changes}, listed in the ticket`
    : `partly changed: the case failed after ${changes}, listed in the ticket`;
}

/** What a release takes off and leaves, whoever put the deny on; never that a credential works (none is read). */
export function releaseText(record: Pick<CaseRecord, 'quarantine' | 'interruptedSteps'>): string {
  const quarantine = record.quarantine!;
  // Whether someone put the deny back since the watch saw it off, the release leaves it off.
  if (denyTakenOff(quarantine))
    return quarantine.attachedByJanitor
      ? `the quarantine tags are removed and ${quarantine.policyArn} is off the user (someone else took it off during the quarantine)`
      : `the quarantine tags are removed; ${quarantine.policyArn}, on the user before the quarantine and taken off by someone else during it, is left as it is`;
  if (denyOffByCutRun(record))
    return quarantine.attachedByJanitor
      ? 'the quarantine tags left by the run cut short are removed; that run had already taken the deny-all policy off (listed in the ticket)'
      : `the quarantine tags left by the run cut short are removed; ${quarantine.policyArn}, on the user before the quarantine, was taken off by that run (listed in the ticket) and is not put back`;
  const taken = quarantine.attachedByJanitor
    ? 'the deny-all policy and the quarantine tags are removed'
    : `the quarantine tags are removed; ${quarantine.policyArn} stays, as it was on the user before the quarantine`;
  if (interruptedCount(record) > 0)
    return `${taken}; what the interrupted run removed (listed in the ticket) is not brought back`;
  return taken;
}

/** The name the quarantined user holds now: the case's, or the one it was renamed to. */
export const quarantinedName = (record: Pick<CaseRecord, 'userName' | 'quarantine'>) =>
  record.quarantine?.renamedTo ?? record.userName;

/** Where a held quarantine leaves the user, and the one command that takes it off. */
function quarantineLeft(
  record: Pick<CaseRecord, 'caseId' | 'userName' | 'quarantine' | 'interruptedSteps'>,
  outcome?: Outcome,
): string {
  const quarantine = record.quarantine!;
  const name = quarantinedName(record);
  const renamed = name !== record.userName ? ` (renamed ${name})` : '';
  if (!quarantine.appliedAt)
    return ` Its quarantine did not complete; \`iam-janitor release --case ${record.caseId}\` takes off whatever of it was applied.`;
  const cut =
    interruptedCount(record) > 0
      ? ' The deletion was cut short after it removed part of the user; a release does not bring that back.'
      : '';
  if (denyTakenOff(quarantine))
    return ` Someone else took its deny policy ${quarantine.policyArn} off, so the user${renamed} is not denied anything; its quarantine tags stay until \`iam-janitor release --case ${record.caseId}\` takes them off.${cut}`;
  if (outcome === 'quarantine-tripped' && quarantine.trippedAt)
    return ` The user${renamed} was denied everything by ${quarantine.policyArn} when its quarantine tripped, at ${formatTime(quarantine.trippedAt)}, and is left quarantined: release it with \`iam-janitor release --case ${record.caseId}\`.${cut}`;
  return ` The user${renamed} is still quarantined, denied everything by ${quarantine.policyArn}: release it with \`iam-janitor release --case ${record.caseId}\`.${cut}`;
}

/**
 * A tripped quarantine nobody decided: why it tripped. Nothing looks at the user between the trip
 * and the end of the wait, so the words say what held at the trip, never what holds now.
 */
function trippedWords(quarantine: NonNullable<CaseRecord['quarantine']>): string {
  const held = denyTakenOff(quarantine) ? 'left in quarantine without its deny' : 'left in quarantine';
  return `${held}: ${tripReason(quarantine)} during the quarantine, and no approver chose Release or Delete now in time`;
}

/** A credential case is about one credential: its sentences name it, and it, not the user, is kept. */
const CREDENTIAL_OUTCOME_WORDS: Partial<Record<Outcome, string>> = {
  'aborted-active': 'kept, with nothing changed: it turned out to be in use',
  'aborted-changed': 'kept, with nothing changed: it or its user is not what the case was opened for',
};

/** The thread reply: one sentence of what happened, the reason, and the ticket. */
export function outcomeReply(
  record: Pick<
    CaseRecord,
    | 'caseId'
    | 'userName'
    | 'jiraUrl'
    | 'jiraKey'
    | 'candidate'
    | 'credentialId'
    | 'decision'
    | 'quarantine'
    | 'interruptedSteps'
  >,
  outcome: Outcome,
  detail?: string,
): string {
  const held = quarantineHeld(record, outcome);
  const reason = (detail ? ` ${escapeMrkdwn(sentence(detail))}` : '') + endingReason(record);
  const ticket = record.jiraUrl ? ` ${slackLink(record.jiraUrl, record.jiraKey ?? 'ticket')}` : '';
  const words =
    interruptedWords(record, outcome) ??
    (outcome === 'released' && record.quarantine
      ? `released from quarantine: ${releaseText(record)}`
      : undefined) ??
    (record.candidate.kind === 'credential' ? CREDENTIAL_OUTCOME_WORDS[outcome] : undefined) ??
    (outcome === 'quarantine-tripped' && record.quarantine ? trippedWords(record.quarantine) : undefined) ??
    (held ? heldWords(record, outcome) : undefined) ??
    OUTCOME_WORDS[outcome];
  const left = held ? escapeMrkdwn(quarantineLeft(record, outcome)) : '';
  return `${escapeMrkdwn(caseSubject(record))} was ${words}.${reason}${left}${ticket}`;
}

/** The closing Jira comment: outcome, decision, what changed, and where the snapshot is. */
export function outcomeComment(
  record: Pick<
    CaseRecord,
    | 'caseId'
    | 'removed'
    | 'planned'
    | 'decision'
    | 'snapshot'
    | 'deletionSnapshot'
    | 'userName'
    | 'candidate'
    | 'credentialId'
    | 'quarantine'
    | 'interruptedSteps'
  >,
  outcome: Outcome,
  detail: string | undefined,
  tableName: string,
): string[] {
  const removed = record.removed ?? [];
  const planned = record.planned ?? [];
  const decision = record.decision;
  return [
    `Outcome: ${outcome}${detail ? `. ${sentence(detail)}` : '.'}`,
    decision
      ? `Decision: ${decision.decision} by ${deciderName(decision.decidedBy)}${decision.firstApprover ? ` (second approver; first: ${deciderName(decision.firstApprover)})` : ''} at ${formatTime(decision.decidedAt)}.${decision.reason ? ` Reason: ${sentence(decision.reason)}` : ''}`
      : 'Decision: none.',
    outcome === 'dry-run' && planned.length > 0
      ? // The plan is said once: in the outcome's detail when that is where it is.
        `Nothing was changed in IAM (dry run).${detail === dryRunDetail(planned) ? '' : ` ${sentence(dryRunDetail(planned)!)}`}`
      : removed.length > 0
        ? `Done: ${removed.join('; ')}.`
        : 'Nothing was changed in IAM.',
    ...(record.quarantine
      ? [quarantineText(record.quarantine, quarantineHeld({ ...record, outcome }, outcome))]
      : []),
    record.snapshot
      ? `Snapshot${record.candidate.kind === 'credential' ? ' of the user before the change' : ''}: DynamoDB table ${tableName}, item pk "case#${record.caseId}", ${snapshotAttributes(record)}. ${undoAdvice(record, outcome, tableName)}`
      : 'Snapshot: none taken (nothing was removed).',
  ];
}

/** Where the case keeps its snapshots: after a quarantine, a second one taken right before the deletion. */
function snapshotAttributes(record: Pick<CaseRecord, 'deletionSnapshot'>): string {
  return record.deletionSnapshot
    ? 'attribute "snapshot" (before the quarantine) and attribute "deletionSnapshot" (right before the deletion, which restore reads)'
    : 'attribute "snapshot"';
}

/**
 * How to undo what the outcome did, true for that outcome: `restore` recreates a deleted user, and
 * undoes a Disable (also one that failed after its first change) on the user that still exists.
 */
export function undoAdvice(
  record: Pick<
    CaseRecord,
    | 'caseId'
    | 'userName'
    | 'credentialId'
    | 'candidate'
    | 'snapshot'
    | 'quarantine'
    | 'interruptedSteps'
    | 'decision'
    | 'removed'
  >,
  outcome: Outcome,
  tableName: string,
): string {
  if (outcome === 'dry-run') return 'Nothing to undo: the dry run changed nothing.';
  // A quarantine still in place (tripped and undecided, or a failure after it began) is undone by a release.
  const quarantine = record.quarantine;
  if (quarantine && quarantineHeld(record, outcome))
    return quarantine.appliedAt
      ? `The user${quarantine.renamedTo ? ` (renamed ${quarantine.renamedTo})` : ''} is still quarantined (${denyTakenOff(quarantine) ? 'its tags; someone else took the deny off' : outcome === 'quarantine-tripped' ? 'denied everything when it tripped' : 'denied everything'}). Release with: iam-janitor release --case ${record.caseId} --table ${tableName}`
      : `The quarantine did not complete; to take off whatever of it was applied: iam-janitor release --case ${record.caseId} --table ${tableName}`;
  // Organization mode: the member account each command must run in, with its credentials.
  const where = record.candidate.accountId
    ? `, with credentials of account ${record.candidate.accountId}`
    : '';
  if (record.candidate.kind === 'credential') return `Undo with${where}: ${credentialUndo(record)}`;
  if (stoppedPartway(record, outcome) && record.decision?.decision !== 'disable')
    return 'The deletion stopped partway and the user still exists, so restore (which recreates a deleted user) does not apply to it: the snapshot holds the user as it was, and the Done list above is what to bring back by hand.';
  if (outcome === 'deleted')
    return `Restore with: iam-janitor restore --case ${record.caseId} --table ${tableName}${where}`;
  const partlyDisabled =
    (outcome === 'failed' || stoppedPartway(record, outcome)) &&
    record.decision?.decision === 'disable' &&
    (record.removed ?? []).length > 0;
  if (outcome === 'disabled' || partlyDisabled) {
    const snapshot = record.snapshot;
    const user = `--user-name ${record.userName}`;
    const deny = snapshot ? denyAllPolicyArn(snapshot.arn) : undefined;
    const undo = [
      ...(deny && !snapshot?.managedPolicies.includes(deny)
        ? [`aws iam detach-user-policy ${user} --policy-arn ${deny}`]
        : []),
      ...(snapshot?.accessKeys ?? [])
        .filter(isActiveCredential)
        .map((key) => `aws iam update-access-key ${user} --access-key-id ${key.id} --status Active`),
      ...(snapshot?.sshPublicKeys ?? [])
        .filter(isActiveCredential)
        .map((key) => `aws iam update-ssh-public-key ${user} --ssh-public-key-id ${key.id} --status Active`),
      ...(snapshot?.serviceSpecificCredentials ?? [])
        .filter(isActiveCredential)
        .map(
          (credential) =>
            `aws iam update-service-specific-credential ${user} --service-specific-credential-id ${credential.id} --status Active`,
        ),
      ...(snapshot?.signingCertificates ?? [])
        .filter(isActiveCredential)
        .map(
          (cert) => `aws iam update-signing-certificate ${user} --certificate-id ${cert.id} --status Active`,
        ),
      ...(snapshot?.loginProfile
        ? [credentialUndo({ userName: record.userName, credentialId: 'password' })]
        : []),
    ];
    return `Undo with: iam-janitor restore --case ${record.caseId} --table ${tableName}${where}; or by hand${where}, taking off the deny and turning back on what Disable turned off: ${undo.join('; ') || 'nothing was active'}.`;
  }
  return 'Nothing was removed, so there is nothing to restore.';
}
