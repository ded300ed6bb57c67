import * as os from 'node:os';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { sfnClient } from '../../lambdas/commons/runtime/clients';
import { errorName } from '../../lambdas/commons/runtime/errors';
import {
  OFFBOARD_REFUSALS,
  offboardExecutionName,
  offboardRequest,
} from '../../lambdas/commons/iam/offboard';
import { REQUESTER_MAX_LENGTH } from '../../lambdas/commons/contracts/candidate';
import { loadConfig } from './config-file';
import { UsageError, type CommandIo } from './io';
import { explainAwsError } from './aws-errors';

export interface OffboardFlags {
  readonly reason?: unknown;
  readonly by?: unknown;
  readonly 'state-machine'?: unknown;
  readonly account?: unknown;
}

/**
 * `iam-janitor offboard <userName>`: a leaver's case now, not 45 days later. It starts the case
 * machine for the named user, active or not: ticket, Slack approval (which says who asked and why,
 * and that the user may be active), snapshot, removal, record. Nothing changes without an approver's
 * decision; protected and exempt users are refused before any case starts.
 */
export async function runOffboard(
  flags: OffboardFlags,
  positionals: string[],
  io: CommandIo,
  now = new Date(),
): Promise<number> {
  const [userName, ...extra] = positionals;
  const stateMachineArn =
    typeof flags['state-machine'] === 'string' ? flags['state-machine'] : process.env.CASE_STATE_MACHINE_ARN;
  if (!userName || extra.length > 0)
    throw new UsageError(
      userName ? `takes one user name, not ${positionals.length}` : 'names the user to offboard',
    );
  if (!stateMachineArn)
    throw new UsageError(
      'needs --state-machine <CaseStateMachineArn output> (or CASE_STATE_MACHINE_ARN set)',
    );
  const reason = typeof flags.reason === 'string' && flags.reason.trim() ? flags.reason.trim() : undefined;
  if (reason && reason.length > 500) {
    io.stderr(`--reason is ${reason.length} characters; keep it to 500.`);
    return 2;
  }
  const by = typeof flags.by === 'string' && flags.by.trim() ? flags.by.trim() : os.userInfo().username;
  if (by.length > REQUESTER_MAX_LENGTH) {
    io.stderr(
      `--by is ${by.length} characters; keep it to ${REQUESTER_MAX_LENGTH}: your name or login, which goes into the Jira ticket's summary (Jira allows 255 characters). Put anything longer in --reason.`,
    );
    return 2;
  }
  const config = loadConfig({});
  // Organization mode: the user lives in a member account, read through its reader role.
  const accountId = typeof flags.account === 'string' ? flags.account : undefined;
  if (config.deploymentMode === 'organization' && !accountId) {
    io.stderr('In organization mode, name the member account the user lives in: --account <12-digit id>.');
    return 2;
  }
  if (accountId !== undefined && (config.deploymentMode !== 'organization' || !/^\d{12}$/.test(accountId))) {
    io.stderr(
      config.deploymentMode === 'organization'
        ? `--account must be a 12-digit AWS account id (got "${accountId}")`
        : '--account is for organization mode (deploymentMode "organization"); this deployment is one account.',
    );
    return 2;
  }
  let candidate;
  try {
    // An excluded, suspended or management account is refused before anything starts.
    candidate = await offboardRequest(
      { userName, by, ...(reason ? { reason } : {}) },
      accountId,
      config,
      now,
    );
  } catch (error) {
    if (OFFBOARD_REFUSALS.includes(errorName(error))) {
      io.stderr(`Refused: ${(error as Error).message} No case was started.`);
      return 1;
    }
    throw new Error(explainAwsError(error), { cause: error });
  }
  const name = offboardExecutionName(candidate, now);
  const started = await sfnClient()
    .send(
      new StartExecutionCommand({
        stateMachineArn,
        name,
        input: JSON.stringify({ candidate, sweepId: 'offboard' }),
      }),
    )
    .catch((error: unknown) => {
      throw new Error(explainAwsError(error), { cause: error });
    });
  io.stdout(
    `Offboarding case ${name} started for ${candidate.userName} (${candidate.userId}); an approver decides in Slack. Execution: ${started.executionArn}`,
  );
  return 0;
}
