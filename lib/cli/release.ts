import type { CaseRecord } from '../../lambdas/commons/case/record';
import { quarantinedName, quarantineHeld, releaseText } from '../../lambdas/commons/case/outcome';
import { quarantineText, tripChoiceWord } from '../../lambdas/commons/case/quarantine-text';
import { CaseStore } from '../../lambdas/commons/case/case-store';
import { QuarantineStore } from '../../lambdas/commons/case/quarantine-store';
import { choiceDelivered, inQuarantineWait, isClosed, isWatched } from '../../lambdas/commons/case/lifecycle';
import { resumeCase } from '../../lambdas/commons/case/resumer';
import type { DecisionRecord } from '../../lambdas/commons/contracts/decision';
import { documentClient, iamClient, sfnClient } from '../../lambdas/commons/runtime/clients';
import { clock } from '../../lambdas/commons/runtime/clock';
import { errorName } from '../../lambdas/commons/runtime/errors';
import { deciderName, formatTime } from '../../lambdas/commons/runtime/text';
import { releaseSteps, releaseUser } from '../../lambdas/act/quarantine';
import { operatorDecider } from '../../lambdas/act/recheck';
import { UsageError, type CommandIo } from './io';
import { refusalWithoutConfirmation, terminalPrompt, type Prompt } from './prompt';
import { explainAwsError } from './aws-errors';
import { callerAccount } from './restore';
import { loadConfig } from './config-file';
import { showRelease } from './release-notices';
import { type ReleaseNoticeSources } from './release-comment';

export interface ReleaseFlags {
  readonly case?: unknown;
  readonly table?: unknown;
  readonly by?: unknown;
  readonly yes?: unknown;
  readonly 'slack-secret'?: unknown;
  readonly 'jira-secret'?: unknown;
}

/**
 * `iam-janitor release --case ID`: takes a quarantined user out of quarantine (the deny-all policy
 * and the two tags), after a confirmation. A case still open is released through its workflow, so
 * that the case ends `released` and its record says who asked; a closed one (tripped and left,
 * refused or failed, while quarantineHeld) is released here, with these credentials, and the release is written to its record;
 * then its trip message in Slack and its ticket in Jira are made to say so (with the Slack and
 * Jira secrets, when named).
 */
export async function runRelease(
  io: CommandIo,
  flags: ReleaseFlags = {},
  prompt: Prompt = terminalPrompt,
): Promise<number> {
  const caseId = typeof flags.case === 'string' ? flags.case : undefined;
  const table = typeof flags.table === 'string' ? flags.table : process.env.CASE_TABLE_NAME;
  const missing = [caseId ? '' : '--case ID', table ? '' : '--table NAME (or CASE_TABLE_NAME set)'];
  if (!caseId || !table) throw new UsageError(`needs ${missing.filter(Boolean).join(' and ')}`);
  const by = typeof flags.by === 'string' && flags.by.trim() ? flags.by.trim() : process.env.USER || 'cli';
  const named = (flag: 'slack-secret' | 'jira-secret', variable: string) =>
    typeof flags[flag] === 'string' ? flags[flag] : process.env[variable];
  const sources: ReleaseNoticeSources = {
    table,
    by,
    slackSecret: named('slack-secret', 'SLACK_SECRET_ARN'),
    jiraSecret: named('jira-secret', 'JIRA_SECRET_ARN'),
  };
  try {
    const record = await new CaseStore(documentClient(), table).get(caseId);
    const refusal = refuse(record, caseId, table);
    if (refusal) {
      // Already done is the answer, not an error: it goes where the command's results go.
      (refusal.code === 0 ? io.stdout : io.stderr)(refusal.message);
      // Released (or found gone) before, its trip message or ticket perhaps not told then (Slack or
      // Jira down): told now.
      if (record?.quarantine?.releasedAt || record?.quarantine?.userGoneAt)
        return await showRelease(record, sources, io);
      return refusal.code;
    }
    const quarantine = record!.quarantine!;
    const open = inQuarantineWait(record!);
    if (!open && record!.candidate.accountId) {
      const caller = await callerAccount();
      if (caller !== record!.candidate.accountId) {
        io.stderr(
          `${record!.userName} lives in AWS account ${record!.candidate.accountId}, and these credentials are of account ${caller}: nothing was changed. Run release with credentials of ${record!.candidate.accountId}.`,
        );
        return 1;
      }
    }
    if (!flags.yes && !prompt.interactive) {
      io.stderr(refusalWithoutConfirmation(`release ${record!.userName}`, false));
      return 2;
    }
    io.stdout(`Release ${record!.userName} from quarantine (case ${caseId}):`);
    // As the case left it: a run cut short after it took the deny off left only the tags.
    io.stdout(`  ${quarantineText(quarantine, quarantineHeld(record!))}`);
    for (const step of releaseSteps(record!.userName, quarantine)) io.stdout(`  - ${step.description}`);
    if (open) io.stdout(`  The case is still open: ${workflowRelease(record!)}`);
    if (!flags.yes && !(await prompt.confirm(`Release ${record!.userName} as listed above?`))) {
      io.stderr('Nothing was changed: release not confirmed.');
      return 1;
    }
    return open
      ? await releaseThroughWorkflow(record!, table, by, io)
      : await releaseHere(record!, by, sources, io);
  } catch (error) {
    io.stderr(explainAwsError(error));
    return 1;
  }
}

/**
 * What the waiting case does with a release, as its remover does it: the user is found by its id,
 * so a user deleted or recreated under the name meanwhile is not the case's, and is left alone.
 */
const workflowRelease = (record: CaseRecord) =>
  `its workflow removes the deny and the tags from IAM user ${record.userId} (under whatever name it has now), and the case ends released; if no user holds that id any more (deleted, or recreated under the name), nothing is released and the case ends aborted-changed.`;

function refuse(record: CaseRecord | undefined, caseId: string, table: string) {
  if (!record) return { code: 1, message: `There is no case ${caseId} in ${table}.` };
  const quarantine = record.quarantine;
  if (!quarantine)
    return {
      code: 1,
      message: `Case ${caseId} never quarantined ${record.userName}: there is nothing to release.`,
    };
  if (quarantine.releasedAt)
    return {
      code: 0,
      message: `${record.userName} was already released at ${quarantine.releasedAt} by ${quarantine.releasedBy ?? 'unknown'}; nothing was changed.`,
    };
  if (quarantine.userGoneAt)
    return {
      code: 0,
      message: `IAM user ${record.userId} (${record.userName}) was found deleted at ${quarantine.userGoneAt}: nothing is left to release; nothing was changed.`,
    };
  if (record.outcome === 'deleted')
    return {
      code: 1,
      message: `${record.userName} was deleted when its quarantine ended; nothing to release. Bring it back with: iam-janitor restore --case ${caseId} --table ${table}`,
    };
  if (isClosed(record)) return undefined;
  // A case is open while its quarantine waits for the watcher or for a choice. Before that, Act is
  // still applying the quarantine: a release now would be undone by the deny attached next.
  if (!inQuarantineWait(record))
    return {
      code: 1,
      message: `Case ${caseId} is still applying ${record.userName}'s quarantine (status ${record.status}); nothing was changed. Run release again once the case shows quarantined.`,
    };
  if (quarantine.verdict)
    return {
      code: 1,
      message: `The watch of ${record.userName}'s quarantine ended (${quarantine.verdict === 'silent' ? 'in silence: the deletion is under way' : 'the user changed: the case is closing'}); nothing was changed. Run release again once the case has closed, if it leaves the user quarantined.`,
    };
  const chosen = quarantine.decision;
  if (chosen && (choiceDelivered(quarantine) || chosen.decision !== 'release'))
    return {
      code: 1,
      message: `${chosen.decidedBy} already chose ${tripChoiceWord(chosen.decision)} for ${record.userName}${choiceDelivered(quarantine) ? '; the case carries it out' : ', and it has not reached the workflow yet: the one who chose it delivers it by clicking again'}. Nothing was changed.`,
    };
  return undefined;
}

/**
 * The release as a decision the waiting case carries out: recorded first (first wins), then
 * delivered to the token the case waits on. A release stored earlier and never delivered is
 * delivered now. One that no workflow can receive (the wait ended as it was written) is taken back.
 */
async function releaseThroughWorkflow(record: CaseRecord, table: string, by: string, io: CommandIo) {
  const quarantines = new QuarantineStore(documentClient(), table);
  const stored = record.quarantine?.decision;
  const decision: DecisionRecord = stored ?? {
    decision: 'release',
    decidedBy: by,
    decidedAt: clock.now().toISOString(),
    reason: 'iam-janitor release',
  };
  if (!stored) {
    const claim = await quarantines.recordTripDecision(record.caseId, decision, true);
    if (!claim.won) {
      io.stderr(
        `The case changed meanwhile (${claim.existing?.status ?? 'gone'}); nothing was changed. Run release again to see where it stands.`,
      );
      return 1;
    }
  }
  const cases = new CaseStore(documentClient(), table);
  const current = await cases.get(record.caseId);
  const watched = current !== undefined && isWatched(current);
  const resumed = await resumeCase(
    { sfn: sfnClient(), cases, quarantines },
    { caseId: record.caseId, taskToken: current?.taskToken },
    watched
      ? { wait: 'quarantine', verdict: { verdict: 'released', decision } }
      : { wait: 'after-trip', decision },
  );
  if (!resumed.resumed) {
    const name = resumed.reason;
    // Step Functions refuses alike a wait that ended and a token already answered: a release this
    // run did not write may be the one the workflow carries out (its stamp not yet written), so
    // only this run's own release is taken back.
    if (resumed.notWaiting && stored) {
      io.stderr(
        `The workflow refused the release stored earlier (${name}): either it already received it and carries it out, or its wait ended. The release stays recorded and nothing else was changed; run release again once the case has moved on to see where it stands.`,
      );
      return 1;
    }
    if (resumed.notWaiting) {
      await quarantines.retractTripDecision(record.caseId, decision);
      io.stderr(
        `The case's wait ended as the release was written (${name}), so no workflow will carry it out: it is taken back and nothing was changed. Run release again: a case that has closed with the user quarantined is released then.`,
      );
      return 1;
    }
    io.stderr(
      `The release is recorded with the case, but its workflow did not take it (${name}); nothing was changed yet. Run release again to deliver it${watched ? ', or the daily watcher delivers it on its next run' : ''}.`,
    );
    return 1;
  }
  io.stdout(`The release reached case ${record.caseId}: ${workflowRelease(record)}`);
  return 0;
}

/**
 * A closed case: released here, with these credentials, and the release written to the record. The
 * user is found by id (renamed since, it is released under its new name), and the one releasing
 * must not be the user (its identity tag, read live).
 */
async function releaseHere(record: CaseRecord, by: string, sources: ReleaseNoticeSources, io: CommandIo) {
  const { table } = sources;
  const quarantines = new QuarantineStore(documentClient(), table);
  // The case kept the user's open marker while the quarantine held; the user is free now.
  const freeUser = () => new CaseStore(documentClient(), table).release(record.caseId, record.candidate);
  try {
    const result = await releaseUser({
      iam: iamClient(),
      userName: record.userName,
      userId: record.userId,
      quarantine: record.quarantine!,
      // The operator named by --by: never the user it releases.
      deciders: { identityTagKey: loadConfig().approverIdentityTagKey, people: [operatorDecider(by)] },
      onStep: (step, status) =>
        io.stdout(`  ✓ ${step.description}${status === 'already done' ? ' (already done)' : ''}`),
    });
    const first = await quarantines.recordRelease(record.caseId, by, clock.now().toISOString());
    // Renamed since: the ticket and the trip message name it as IAM does now.
    if (result.userName !== quarantinedName(record))
      await quarantines.noteRenamed(record.caseId, result.userName);
    await freeUser();
    const renamed = result.userName !== record.userName ? ` (now named ${result.userName})` : '';
    // The message says what the record holds: who released, and the time the record gave it.
    const released = (await new CaseStore(documentClient(), table).get(record.caseId))!;
    const quarantine = released.quarantine!;
    io.stdout(
      first
        ? `${record.userName}${renamed} is released: ${releaseText(record)}.`
        : `${record.userName}${renamed} is released, by another release run that finished first: ${deciderName(quarantine.releasedBy ?? 'someone unrecorded')}'s, recorded at ${formatTime(quarantine.releasedAt!)}.`,
    );
    return await showRelease(released, sources, io);
  } catch (error) {
    if (errorName(error) === 'SelfDecisionError') {
      io.stderr((error as Error).message);
      return 1;
    }
    if (errorName(error) !== 'UnknownUserError') throw error;
    // Deleted by someone else since (no user holds its id): nothing is left to release, and the
    // record says so rather than that somebody released it.
    await quarantines.recordUserGone(record.caseId, clock.now().toISOString());
    await freeUser();
    io.stdout(
      `${record.userName} (IAM user ${record.userId}) no longer exists under any name: nothing to release. The case now records the user as gone.`,
    );
    // The trip message and the ticket said it stays quarantined: they are told it is gone.
    return await showRelease((await new CaseStore(documentClient(), table).get(record.caseId))!, sources, io);
  }
}
