import { GetUserCommand, type IAMClient } from '@aws-sdk/client-iam';
import { mapWithConcurrency } from '../commons/concurrency';
import type { Candidate } from '../commons/contracts';
import { errorName } from '../commons/errors';
import { fetchCredentialReport, parseCredentialReport, type FetchReportOptions } from './credential-report';
import {
  exemptionByNameOrPath,
  judgeActivity,
  judgeTags,
  ROOT_USER,
  rootWarnings as warningsForRoot,
  type UserVerdict,
  type VerdictPolicy,
} from './verdict';

export interface InventoryPolicy extends VerdictPolicy {
  readonly maxCasesPerRun: number;
  readonly maxCandidateFraction: number;
}

export interface InventoryDeps {
  readonly iam: IAMClient;
  readonly policy: InventoryPolicy;
  readonly now: Date;
  /** Users with a case still open; they get the verdict open-case. */
  readonly openCaseUserNames?: ReadonlySet<string>;
  /** Per-user calls in flight at once; IAM throttling is account-wide. @default 8 */
  readonly concurrency?: number;
  readonly report?: FetchReportOptions;
  readonly warn?: (message: string, details: Record<string, unknown>) => void;
}

export interface UserFinding extends UserVerdict {
  readonly userId?: string;
}

export interface InventoryResult {
  readonly usersScanned: number;
  readonly users: UserFinding[];
  readonly candidates: Candidate[];
  readonly rootWarnings: string[];
  readonly halted: boolean;
  readonly haltReason?: string;
}

/**
 * The one inventory routine, shared by the sweep's Lambda and `iam-janitor report`. It reads the
 * credential report once and calls IAM per user only for the users the report marks inactive.
 */
export async function runInventory(deps: InventoryDeps): Promise<InventoryResult> {
  const { iam, policy, now } = deps;
  const rows = parseCredentialReport(await fetchCredentialReport(iam, deps.report));
  const rootRow = rows.find((row) => row.user === ROOT_USER);
  const userRows = rows.filter((row) => row.user !== ROOT_USER);

  const judged = userRows.map((row) => judgeActivity(row, policy.thresholdDays, now));
  const users = await mapWithConcurrency(
    judged,
    deps.concurrency ?? 8,
    async (verdict): Promise<UserFinding | undefined> => {
      if (verdict.verdict !== 'inactive') return verdict;
      const exemption = exemptionByNameOrPath(verdict, policy);
      if (exemption) return { ...verdict, verdict: 'exempt', reason: exemption };

      // GetUser returns the tags and the stable user id in one call.
      let user;
      try {
        user = (await iam.send(new GetUserCommand({ UserName: verdict.userName }))).User;
      } catch (error) {
        if (errorName(error) === 'NoSuchEntityException' || errorName(error) === 'NoSuchEntity')
          return undefined;
        throw error;
      }
      const tags = Object.fromEntries((user?.Tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? '']));
      const tagJudgement = judgeTags(tags, policy, now);
      const withId = { ...verdict, userId: user?.UserId };
      if (tagJudgement.verdict)
        return { ...withId, verdict: tagJudgement.verdict, reason: tagJudgement.reason };
      if (tagJudgement.warning) deps.warn?.(tagJudgement.warning, { userName: verdict.userName });
      if (deps.openCaseUserNames?.has(verdict.userName)) {
        return { ...withId, verdict: 'open-case', reason: 'a case is already open for this user' };
      }
      return withId;
    },
  );
  const found = users.filter((user): user is UserFinding => user !== undefined);

  const candidates: Candidate[] = found
    .filter((user) => user.verdict === 'inactive' && user.userId)
    .map((user) => ({
      userName: user.userName,
      userId: user.userId!,
      arn: user.arn,
      reason: user.reason,
      lastActivity: user.lastActivity,
      lastActivitySource: user.lastActivitySource,
      idleDays: user.idleDays,
    }));
  const haltReason = blastRadius(candidates.length, found.length, policy);
  return {
    usersScanned: found.length,
    users: found,
    candidates,
    rootWarnings: rootRow ? warningsForRoot(rootRow) : [],
    halted: haltReason !== undefined,
    ...(haltReason ? { haltReason } : {}),
  };
}

/**
 * Too many candidates at once points at a broken report, a restored account or a mass outage,
 * not at idle users: the sweep halts before any case opens.
 */
export function blastRadius(candidates: number, users: number, policy: InventoryPolicy): string | undefined {
  if (candidates > policy.maxCasesPerRun) {
    return `${candidates} candidates exceed maxCasesPerRun (${policy.maxCasesPerRun})`;
  }
  if (users > 0 && candidates / users > policy.maxCandidateFraction) {
    const percent = (fraction: number) => `${Math.round(fraction * 1000) / 10}%`;
    return `${candidates} of ${users} users (${percent(candidates / users)}) are candidates, above maxCandidateFraction (${percent(policy.maxCandidateFraction)})`;
  }
  return undefined;
}
