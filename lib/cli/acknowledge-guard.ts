import * as os from 'node:os';
import { SweepStore } from '../../lambdas/commons/case/sweep-store';
import { documentClient } from '../../lambdas/commons/runtime/clients';
import type { CommandIo } from './io';
import { refusalWithoutConfirmation, terminalPrompt, type Prompt } from './prompt';
import { explainAwsError } from './aws-errors';
import { HOUR_MS } from '../../lambdas/commons/runtime/time';

/** How long an acknowledgement waits for the sweep it lets through, without --hours. */
export const ACKNOWLEDGE_HOURS = 72;

export interface AcknowledgeFlags {
  readonly table?: unknown;
  readonly hours?: unknown;
  readonly by?: unknown;
  readonly yes?: unknown;
  readonly account?: unknown;
}

/**
 * `iam-janitor acknowledge-guard --table NAME`: lets the next sweep pass the fraction guard once,
 * for at most as many candidates as the halted sweep found. For the first clean-up of an account
 * that is genuinely messy; the acknowledgement is used up by the next sweep, or expires.
 */
export async function runAcknowledgeGuard(
  flags: AcknowledgeFlags,
  io: CommandIo,
  prompt: Prompt = terminalPrompt,
  now = new Date(),
): Promise<number> {
  const table = typeof flags.table === 'string' ? flags.table : process.env.CASE_TABLE_NAME;
  if (!table) {
    io.stderr('acknowledge-guard needs --table <CaseTableName output> (or CASE_TABLE_NAME set).');
    return 2;
  }
  const hours = flags.hours === undefined ? ACKNOWLEDGE_HOURS : Number(flags.hours);
  if (!Number.isInteger(hours) || hours < 1 || hours > 720) {
    io.stderr(`--hours must be a whole number from 1 to 720 (got "${String(flags.hours)}")`);
    return 2;
  }
  const by = typeof flags.by === 'string' && flags.by.trim() ? flags.by.trim() : os.userInfo().username;
  // Organization mode: one member account's own halt; without --account, the organization's.
  const account = typeof flags.account === 'string' ? flags.account : undefined;
  if (account !== undefined && !/^\d{12}$/.test(account)) {
    io.stderr(`--account must be a 12-digit AWS account id (got "${account}")`);
    return 2;
  }
  const scope = account === undefined ? undefined : { accountId: account };
  const store = new SweepStore(documentClient(), table);
  const sweep = await store.latestSweep(scope).catch((error: unknown) => {
    throw new Error(explainAwsError(error), { cause: error });
  });
  if (!sweep) {
    io.stderr(
      account
        ? `${table} holds no sweep of account ${account}: check the id, and acknowledge only a halt you have seen.`
        : `${table} holds no sweep yet: run the sweep first, and acknowledge only a halt you have seen.`,
    );
    return 1;
  }
  if (!sweep.halted) {
    io.stderr(
      `The latest sweep (${sweep.sweepId}, ${sweep.finishedAt}) did not halt: there is nothing to acknowledge.`,
    );
    return 1;
  }
  io.stdout(
    `The latest sweep${account ? ` of account ${account}` : ''} (${sweep.sweepId}, ${sweep.finishedAt}) halted: ${sweep.haltReason}.`,
  );
  io.stdout(
    `Acknowledging lets the next sweep within ${hours} h open cases for up to ${sweep.candidateCount} candidates, ` +
      'maxCasesPerRun at a time; every case still waits for an approver. More candidates than that halt again.',
  );
  if (!flags.yes && !prompt.interactive) {
    io.stderr(refusalWithoutConfirmation('acknowledge the guard', false));
    return 2;
  }
  if (!flags.yes && !(await prompt.confirm('Acknowledge the guard for the next sweep?'))) {
    io.stderr('Nothing was changed: not confirmed.');
    return 1;
  }
  await store.acknowledgeGuard(
    {
      acknowledgedBy: by,
      acknowledgedAt: now.toISOString(),
      maxCandidates: sweep.candidateCount,
      expiresAt: new Date(now.getTime() + hours * HOUR_MS).toISOString(),
    },
    scope,
  );
  io.stdout(`Acknowledged by ${by}; the next sweep uses it up.`);
  return 0;
}
