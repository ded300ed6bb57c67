import * as fs from 'node:fs';
import * as v from 'valibot';
import { CaseStore } from '../../lambdas/commons/case/case-store';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { documentClient, iamClient, stsClient } from '../../lambdas/commons/runtime/clients';
import { snapshotSchema, type Snapshot } from '../../lambdas/commons/iam/snapshot';
import {
  disabledUserName,
  PASSWORD_NOT_RESTORED,
  undoDisable,
  undoDisableSteps,
} from '../../lambdas/act/undo-disable';
import { credentialUndo } from '../../lambdas/commons/case/subject';
import { NOT_RESTORED, restoredContents, restorePlan, restoreUser } from '../../lambdas/act/restore';
import type { CaseRecord } from '../../lambdas/commons/case/record';
import { formatTime } from '../../lambdas/commons/runtime/text';
import { UsageError, type CommandIo } from './io';
import { refusalWithoutConfirmation, terminalPrompt, type Prompt } from './prompt';
import { explainAwsError } from './aws-errors';

export interface RestoreFlags {
  readonly case?: unknown;
  readonly table?: unknown;
  readonly yes?: unknown;
}

/**
 * `iam-janitor restore <snapshot.json>` or `restore --case <case id> --table <CaseTableName>`:
 * recreates a removed user from the snapshot written before the removal.
 */
export async function runRestore(
  positionals: string[],
  io: CommandIo,
  flags: RestoreFlags = {},
  prompt: Prompt = terminalPrompt,
): Promise<number> {
  const [file, ...extra] = positionals;
  const caseId = typeof flags.case === 'string' ? flags.case : undefined;
  if ((file === undefined) === (caseId === undefined) || extra.length > 0) {
    throw new UsageError('restores from one snapshot file or one --case, not both or neither');
  }
  const source = file ?? `case ${caseId}`;
  const loaded = caseId ? await loadFromCase(caseId, flags, io) : loadFromFile(file!, io);
  if ('code' in loaded) return loaded.code;
  const raw = loaded.raw;
  const parsed = v.safeParse(snapshotSchema, raw);
  if (!parsed.success) {
    io.stderr(`${source} is not a valid iam-janitor snapshot: ${snapshotProblems(parsed.issues)}.`);
    return 2;
  }
  const snapshot = parsed.output;
  // A snapshot names its account: restoring it anywhere else would create the user in the wrong account.
  if (snapshot.accountId) {
    const caller = await callerAccount();
    if (caller !== snapshot.accountId) {
      io.stderr(
        `${snapshot.userName} lived in AWS account ${snapshot.accountId}, and these credentials are of account ${caller}: nothing was changed. Run restore with credentials of ${snapshot.accountId}.`,
      );
      return 1;
    }
  }
  if (!flags.yes && !prompt.interactive) {
    io.stderr(refusalWithoutConfirmation(`restore ${snapshot.userName}`, false));
    return 2;
  }
  if (loaded.disabled) return undoDisabledCase(snapshot, io, flags, prompt);
  const into = snapshot.accountId ? ` into AWS account ${snapshot.accountId}` : '';
  io.stdout(
    `Restore ${snapshot.userName}${into} (was ${snapshot.userId}; from ${loaded.origin}, read at ${formatTime(snapshot.takenAt)}):`,
  );
  if (snapshot.accountId)
    io.stdout(
      `  (run this with credentials of account ${snapshot.accountId}: restore acts in the account it is run in)`,
    );
  for (const step of restorePlan(snapshot)) io.stdout(`  - ${step}`);
  for (const note of loaded.notes ?? []) io.stdout(note);
  io.stdout(NOT_RESTORED);
  if (!flags.yes && !(await prompt.confirm(`Restore ${snapshot.userName} as listed above?`))) {
    io.stderr('Nothing was changed: restore not confirmed.');
    return 1;
  }
  try {
    const result = await restoreUser(iamClient(), snapshot, (step, status, reason) =>
      io.stdout(status === 'done' ? `  ✓ ${step}` : `  ✗ ${step}: ${reason}`),
    );
    if (result.failed.length > 0) {
      io.stderr(
        `${snapshot.userName} is restored only in part: ${result.failed.length} of ${result.failed.length + result.done.length} steps did not happen.\n` +
          result.failed.map((failure) => `  ✗ ${failure.step}: ${failure.reason}`).join('\n') +
          '\nRecreate what is missing (or pick a replacement), then grant it by hand.',
      );
      return 1;
    }
    io.stdout(
      `${snapshot.userName} is restored ${restoredContents(snapshot)}, as ${loaded.origin} held it; it is a new IAM user with a new user id, and none of its credentials.`,
    );
    if (loaded.missing) io.stdout(loaded.missing);
    return 0;
  } catch (error) {
    io.stderr(
      error instanceof Error && error.name === 'UserExistsError' ? error.message : explainAwsError(error),
    );
    return 1;
  }
}

/**
 * A snapshot's raw JSON, and whether its case disabled the user (who still exists, and whose
 * restore is the undo of the Disable), or the exit code after saying why there is none.
 */
type Loaded = LoadedSnapshot | { readonly code: number };

interface LoadedSnapshot {
  readonly raw: unknown;
  readonly disabled?: boolean;
  /** Which snapshot it is, in words: "the snapshot taken right before its deletion". */
  readonly origin: string;
  /** What to know of it before confirming: what it leaves out, and why. */
  readonly notes?: string[];
  /** What it cannot bring back, said again once the restore is done. */
  readonly missing?: string;
}

/** The snapshot a case stored before its removal. */
async function loadFromCase(caseId: string, flags: RestoreFlags, io: CommandIo): Promise<Loaded> {
  const table = typeof flags.table === 'string' ? flags.table : process.env.CASE_TABLE_NAME;
  if (!table) {
    io.stderr('--case needs --table <CaseTableName output> (or CASE_TABLE_NAME set).');
    return { code: 2 };
  }
  const record = await new CaseStore(documentClient(), table).get(caseId).catch((error: unknown) => {
    throw new Error(explainAwsError(error), { cause: error });
  });
  if (!record?.snapshot) {
    io.stderr(
      record
        ? `Case ${caseId} holds no snapshot: nothing was removed in it.`
        : `There is no case ${caseId} in ${table}.`,
    );
    return { code: 1 };
  }
  if (record.candidate.kind === 'credential') {
    io.stderr(
      `Case ${caseId} deactivated one credential of ${record.userName}, who was never removed: restore recreates removed users only. Undo it with:\n  ${credentialUndo(record)}`,
    );
    return { code: 1 };
  }
  // The decision, not the outcome: a Disable that failed halfway may have attached the deny already.
  if (record.decision?.decision === 'disable')
    return { raw: record.snapshot, disabled: true, origin: 'the snapshot taken before the Disable' };
  return snapshotOfCase(record);
}

/**
 * The snapshot a restore of the case recreates the user from: the one taken right before the
 * deletion when there is one (a quarantine came first, and anything added during it is in it),
 * else the one before the first change, with what that leaves out said plainly.
 */
function snapshotOfCase(record: CaseRecord): LoadedSnapshot {
  const quarantine = record.quarantine;
  if (quarantine && record.deletionSnapshot) {
    const deny = quarantine.attachedByJanitor ? `the deny-all policy ${quarantine.policyArn} and ` : '';
    return {
      raw: record.deletionSnapshot,
      origin: 'the snapshot taken right before its deletion',
      notes: [
        `Left out: ${deny}the quarantine's two tags, which were the quarantine's, not the user's; what was added to ${record.userName} during the quarantine is in it.`,
      ],
    };
  }
  if (quarantine) {
    const missing = `This case holds no snapshot taken at the deletion, only the one from before the quarantine began: a group, policy or tag given to ${record.userName} during the quarantine is not in it, and restore cannot bring it back.`;
    return {
      raw: record.snapshot,
      origin: 'the snapshot taken before its quarantine',
      notes: [missing],
      missing,
    };
  }
  return { raw: record.snapshot, origin: 'the snapshot taken before its deletion' };
}

/**
 * `restore --case` of a disabled user: the user was never removed, so nothing is created; the
 * Disable is undone on the same user (by id, through a rename), after the plan is confirmed.
 */
async function undoDisabledCase(
  snapshot: Snapshot,
  io: CommandIo,
  flags: RestoreFlags,
  prompt: Prompt,
): Promise<number> {
  const iam = iamClient();
  try {
    const userName = await disabledUserName(iam, snapshot);
    const renamed = userName === snapshot.userName ? '' : ` (now named ${userName})`;
    io.stdout(`Undo the Disable of ${snapshot.userName}${renamed}, the same IAM user ${snapshot.userId}:`);
    for (const step of undoDisableSteps(snapshot, userName)) io.stdout(`  - ${step.description}`);
    if (snapshot.loginProfile)
      io.stdout(`${PASSWORD_NOT_RESTORED}
  ${credentialUndo({ userName, credentialId: 'password' })}`);
    if (!flags.yes && !(await prompt.confirm(`Undo the Disable of ${userName} as listed above?`))) {
      io.stderr('Nothing was changed: restore not confirmed.');
      return 1;
    }
    const result = await undoDisable(iam, snapshot, userName, (step, status, reason) =>
      io.stdout(status === 'done' ? `  ✓ ${step}` : `  ✗ ${step}: ${reason}`),
    );
    if (result.failed.length > 0) {
      io.stderr(
        `The Disable of ${userName} is undone only in part: ${result.failed.length} of ${result.failed.length + result.done.length} steps did not happen.\n` +
          result.failed.map((failure) => `  ✗ ${failure.step}: ${failure.reason}`).join('\n'),
      );
      return 1;
    }
    const password = snapshot.loginProfile ? ' (all but the console password, see above)' : '';
    io.stdout(
      `The Disable of ${userName} is undone: no deny-all policy of Disable's is left, and every credential it turned off is on again${password}.`,
    );
    return 0;
  } catch (error) {
    io.stderr(
      error instanceof Error && error.name === 'UnknownUserError' ? error.message : explainAwsError(error),
    );
    return 1;
  }
}

function loadFromFile(file: string, io: CommandIo): Loaded {
  try {
    return { raw: JSON.parse(fs.readFileSync(file, 'utf8')), origin: `the snapshot in ${file}` };
  } catch (error) {
    io.stderr(`Cannot read ${file}: ${(error as Error).message}`);
    return { code: 2 };
  }
}

/** The account these credentials are of: STS GetCallerIdentity, which needs no permission. */
export async function callerAccount(): Promise<string> {
  try {
    const { Account } = await stsClient().send(new GetCallerIdentityCommand({}));
    return Account ?? 'unknown';
  } catch (error) {
    throw new Error(explainAwsError(error), { cause: error });
  }
}

/** `missing takenAt, userId; userName: not an IAM user name`: one line, however much of the file is missing. */
function snapshotProblems(issues: readonly v.BaseIssue<unknown>[]): string {
  const missing = issues.filter((issue) => issue.kind === 'schema' && issue.input === undefined);
  return [
    ...(missing.length > 0
      ? [`missing ${missing.map((issue) => v.getDotPath(issue) ?? '(root)').join(', ')}`]
      : []),
    ...issues
      .filter((issue) => !missing.includes(issue))
      .map((issue) => `${v.getDotPath(issue) ?? '(root)'}: ${issue.message}`),
  ].join('; ');
}
