import { GetAccountAuthorizationDetailsCommand, GetUserCommand, type IAMClient } from '@aws-sdk/client-iam';
import { mapWithConcurrency } from '../commons/concurrency';
import type { Candidate } from '../commons/contracts';
import { isNoSuchEntity } from '../commons/errors';
import { collectPages } from '../commons/pagination';
import { tagsOf } from '../commons/snapshot';
import {
  fetchCredentialReport,
  parseCredentialReport,
  type FetchReportOptions,
  type SkippedRow,
} from './credential-report';
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
  /** GetUser calls in flight at once; IAM throttling is account-wide. @default 8 */
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
  /** Report rows that could not be read; their users are neither judged nor candidates this run. */
  readonly skippedRows: SkippedRow[];
  readonly halted: boolean;
  readonly haltReason?: string;
}

/**
 * The one inventory routine, shared by the sweep's Lambda and `iam-janitor report`. It reads the
 * credential report once and calls IAM per user only for the users the report marks inactive.
 */
export async function runInventory(deps: InventoryDeps): Promise<InventoryResult> {
  const { iam, policy, now } = deps;
  const { rows, skipped } = parseCredentialReport(await fetchCredentialReport(iam, deps.report));
  for (const row of skipped)
    deps.warn?.(
      `credential report line ${row.line} skipped: ${row.reason}; that user is not judged this run`,
      {
        userName: row.userName ?? 'unknown',
      },
    );
  const rootRow = rows.find((row) => row.user === ROOT_USER);
  const userRows = rows.filter((row) => row.user !== ROOT_USER);

  const judged = userRows.map((row) => judgeActivity(row, policy.thresholdDays, now));
  const needFacts = judged.filter(
    (verdict) => verdict.verdict === 'inactive' && !exemptionByNameOrPath(verdict, policy),
  );
  const facts = await userFacts(
    iam,
    needFacts.map((verdict) => verdict.userName),
    userRows.length,
    deps.concurrency ?? 8,
  );

  const users = judged.map((verdict): UserFinding | undefined => {
    if (verdict.verdict !== 'inactive') return verdict;
    const exemption = exemptionByNameOrPath(verdict, policy);
    if (exemption) return { ...verdict, verdict: 'exempt', reason: exemption };
    const fact = facts.get(verdict.userName);
    // Deleted between the report and now: nothing left to judge.
    if (!fact) return undefined;
    const tagJudgement = judgeTags(fact.tags, policy, now);
    const withId = { ...verdict, userId: fact.userId };
    if (tagJudgement.verdict)
      return { ...withId, verdict: tagJudgement.verdict, reason: tagJudgement.reason };
    if (tagJudgement.warning) deps.warn?.(tagJudgement.warning, { userName: verdict.userName });
    if (deps.openCaseUserNames?.has(verdict.userName)) {
      return { ...withId, verdict: 'open-case', reason: 'a case is already open for this user' };
    }
    return withId;
  });
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
    skippedRows: skipped,
    halted: haltReason !== undefined,
    ...(haltReason ? { haltReason } : {}),
  };
}

interface UserFacts {
  readonly userId: string;
  readonly tags: Record<string, string>;
}

/** GetAccountAuthorizationDetails returns up to 1,000 users, with their tags and ids, per call. */
const USERS_PER_DETAILS_PAGE = 1000;

/**
 * The tags and stable id of the users the report marks inactive, by the cheaper of two routes:
 * one GetUser per user, or GetAccountAuthorizationDetails pages over the whole account (one call per
 * 1,000 users). A handful of idle users costs a handful of calls; 500 idle users in 5,000 cost 5.
 */
export async function userFacts(
  iam: IAMClient,
  userNames: string[],
  totalUsers: number,
  concurrency: number,
): Promise<Map<string, UserFacts>> {
  const facts = new Map<string, UserFacts>();
  if (userNames.length === 0) return facts;
  const pages = Math.ceil(totalUsers / USERS_PER_DETAILS_PAGE);
  if (userNames.length > pages) {
    const wanted = new Set(userNames);
    const details = await collectPages(async (Marker) => {
      const page = await iam.send(
        new GetAccountAuthorizationDetailsCommand({
          Filter: ['User'],
          MaxItems: USERS_PER_DETAILS_PAGE,
          Marker,
        }),
      );
      return { items: page.UserDetailList ?? [], marker: page.Marker, truncated: page.IsTruncated };
    });
    for (const user of details) {
      if (!user.UserName || !user.UserId || !wanted.has(user.UserName)) continue;
      facts.set(user.UserName, { userId: user.UserId, tags: tagsOf(user.Tags) });
    }
    return facts;
  }
  await mapWithConcurrency(userNames, concurrency, async (userName) => {
    try {
      const user = (await iam.send(new GetUserCommand({ UserName: userName }))).User;
      if (user?.UserId) facts.set(userName, { userId: user.UserId, tags: tagsOf(user.Tags) });
    } catch (error) {
      if (!isNoSuchEntity(error)) throw error;
    }
  });
  return facts;
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
