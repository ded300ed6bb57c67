import * as fs from 'node:fs';
import * as v from 'valibot';
import * as path from 'node:path';
import { iamClient } from '../../lambdas/commons/runtime/clients';
import { act } from '../../lambdas/act/act';
import { latestUse, snapshotSchema, type Snapshot } from '../../lambdas/commons/iam/snapshot';
import { count } from '../../lambdas/commons/runtime/text';
import { loadConfig } from './config-file';
import { UsageError, type CommandIo } from './io';
import { DeclinedError, refusalWithoutConfirmation, terminalPrompt, type Prompt } from './prompt';
import { explainAwsError } from './aws-errors';
import { DAY_MS } from '../../lambdas/commons/runtime/time';

export interface DeleteUserFlags {
  readonly 'dry-run'?: unknown;
  readonly snapshot?: unknown;
  readonly yes?: unknown;
}

/** `iam-janitor delete-user`: the remover's routine, run by hand. Exit 0 only when the user is gone. */
export async function runDeleteUser(
  flags: DeleteUserFlags,
  positionals: string[],
  io: CommandIo,
  prompt: Prompt = terminalPrompt,
): Promise<number> {
  const [userName, ...extra] = positionals;
  if (!userName || extra.length > 0) {
    throw new UsageError(
      userName ? `takes one user name, not ${positionals.length}` : 'names the user to delete',
    );
  }
  const dryRun = Boolean(flags['dry-run']);
  if (!dryRun && !flags.yes && !prompt.interactive) {
    io.stderr(refusalWithoutConfirmation('delete'));
    return 2;
  }
  const config = loadConfig();
  let snapshotFile = String(flags.snapshot ?? path.join('snapshots', `${userName}.json`));
  // A snapshot already at that path may be the record of an earlier, interrupted run. It is used only
  // if it is of the same user id, and then only to find the virtual MFA devices that run deactivated.
  const earlier = readEarlierSnapshot(snapshotFile);
  let snapshotWritten = false;

  try {
    const result = await act({
      iam: iamClient(),
      action: 'delete',
      userName,
      policy: config,
      dryRun,
      now: new Date(),
      previousSnapshot: earlier,
      saveSnapshot: async (snapshot, planned) => {
        // The steps shown are exactly the steps that run: nothing joins the plan after this.
        io.stdout(describePlan(snapshot));
        io.stdout(`${dryRun ? 'A real run would take' : 'Steps'} (${planned.length}):`);
        for (const step of planned) io.stdout(`  - ${step}`);
        warnIfActive(snapshot, config.thresholdDays, io);
        // A dry run leaves nothing behind that a later run could take for an interrupted one.
        if (dryRun) return;
        if (!flags.yes && !(await prompt.confirm(`Delete ${userName} and everything listed above?`))) {
          throw new DeclinedError('Nothing was changed: deletion not confirmed.');
        }
        snapshotFile = writeSnapshot(snapshot, snapshotFile, earlier, io);
        snapshotWritten = true;
      },
      onStep: (step, result) =>
        io.stdout(
          `  ${result === 'done' ? '✓' : '·'} ${step.description}${result === 'done' ? '' : ' (already done)'}`,
        ),
    });
    if (result.outcome === 'dry-run') {
      io.stdout('Dry run: nothing was changed and no snapshot was written.');
      return 0;
    }
    io.stdout(`${userName} is deleted; no virtual MFA device of theirs is left.`);
    return 0;
  } catch (error) {
    if (error instanceof DeclinedError) {
      io.stderr(error.message);
      return 1;
    }
    const name = error instanceof Error ? error.name : '';
    if (name === 'UnknownUserError' || name === 'ProtectedUserError' || name === 'UserChangedError') {
      io.stderr((error as Error).message);
      return 1;
    }
    // The snapshot is written before the first change: without it, nothing was changed.
    io.stderr(
      `${explainAwsError(error)}\n${
        snapshotWritten
          ? `The snapshot is at ${snapshotFile}; run the same command again to finish: every step is safe to repeat.`
          : `Nothing was changed${dryRun ? '' : ' and no snapshot was written'}.`
      }`,
    );
    return 1;
  }
}

/** delete-user takes any user, active or not: it says so when this one is in use. */
function warnIfActive(snapshot: Snapshot, thresholdDays: number, io: CommandIo): void {
  const lastUse = latestUse(snapshot);
  const idleDays = lastUse ? Math.floor((Date.now() - Date.parse(lastUse)) / DAY_MS) : undefined;
  if (idleDays !== undefined && idleDays < thresholdDays)
    io.stderr(
      `⚠ ${snapshot.userName} is active: a credential was used ${idleDays === 0 ? 'today' : `${count(idleDays, 'day')} ago`} (${lastUse}), within thresholdDays (${thresholdDays}). Deleting it cuts off whoever uses it.`,
    );
}

/**
 * Writes the snapshot before anything changes, and says where: never over an earlier file, which
 * may be the only full record of a user. An interrupted run's snapshot of the same user is kept.
 */
function writeSnapshot(
  snapshot: Snapshot,
  file: string,
  earlier: Snapshot | undefined,
  io: CommandIo,
): string {
  let snapshotFile = file;
  if (earlier?.userId === snapshot.userId) {
    io.stdout(
      `Keeping the earlier snapshot ${snapshotFile}: it holds ${snapshot.userName} (${snapshot.userId}) as they were before the interrupted run.`,
    );
    return snapshotFile;
  }
  if (fs.existsSync(snapshotFile)) {
    const other = snapshotFile;
    snapshotFile = snapshotFile.replace(/(\.json)?$/, `-${Date.now()}.json`);
    io.stdout(
      `${other} is not a snapshot of ${snapshot.userName} (${snapshot.userId}); it is left as it is.`,
    );
  }
  fs.mkdirSync(path.dirname(path.resolve(snapshotFile)), { recursive: true });
  // wx: never overwrite an earlier snapshot, which may be the only full record of a user.
  fs.writeFileSync(snapshotFile, JSON.stringify(snapshot, null, 2) + '\n', { flag: 'wx' });
  io.stdout(`Snapshot written to ${snapshotFile} (restore with: iam-janitor restore ${snapshotFile})`);
  return snapshotFile;
}

export function describePlan(snapshot: Snapshot): string {
  const lines = [
    `Plan for ${snapshot.userName} (${snapshot.arn})`,
    `  last activity: ${latestUse(snapshot) ?? 'none recorded'}`,
    `  console password: ${snapshot.loginProfile ? 'yes' : 'no'}`,
    `  access keys: ${snapshot.accessKeys.map((key) => `${key.id} (${key.status})`).join(', ') || 'none'}`,
    `  signing certificates: ${snapshot.signingCertificates.length}, SSH keys: ${snapshot.sshPublicKeys.length}, service credentials: ${snapshot.serviceSpecificCredentials.length}`,
    `  MFA devices: ${snapshot.mfaDevices.map((device) => `${device.serialNumber}${device.virtual ? ' (virtual)' : ''}`).join(', ') || 'none'}`,
    `  inline policies: ${Object.keys(snapshot.inlinePolicies).join(', ') || 'none'}`,
    `  managed policies: ${snapshot.managedPolicies.join(', ') || 'none'}`,
    `  groups: ${snapshot.groups.join(', ') || 'none'}`,
    `  permissions boundary: ${snapshot.permissionsBoundary ?? 'none'}, tags: ${Object.keys(snapshot.tags).length}`,
  ];
  return lines.join('\n');
}

function readEarlierSnapshot(file: string): Snapshot | undefined {
  if (!fs.existsSync(file)) return undefined;
  try {
    const parsed = v.safeParse(snapshotSchema, JSON.parse(fs.readFileSync(file, 'utf8')));
    return parsed.success ? parsed.output : undefined;
  } catch {
    return undefined;
  }
}
