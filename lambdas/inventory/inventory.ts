import { GetUserCommand, paginateGetAccountAuthorizationDetails, type IAMClient } from '@aws-sdk/client-iam';
import { mapWithConcurrency } from '../commons/runtime/concurrency';
import type { Candidate } from '../commons/contracts/candidate';
import type { OpenCase } from '../commons/case/record';
import { isNoSuchEntity } from '../commons/runtime/errors';
import { allItems } from '../commons/runtime/pagination';
import { tagsOf } from '../commons/iam/snapshot';
import {
  fetchCredentialReport,
  parseCredentialReport,
  type FetchReportOptions,
  type SkippedRow,
} from './credential-report';
import { judgeCredentials, type CredentialVerdict, type CredentialVerdictName } from './credentials';
import { keptKeyIds } from './key-ids';
import { candidatesOf, forgetAnswered } from './candidates';
import { NO_MARKERS, type MarkerReading, type UserCases } from './markers';
import { tagReadings, type ExemptionMemory } from './exemptions';
import type { ExemptionSeen } from '../commons/case/exemption-record';
import { applyGuard, batchOf, type GuardPolicy, type Population } from '../commons/case/guard';
import { type GuardAcknowledgement } from '../commons/case/guard-acknowledgement';
import {
  exemptionByNameOrPath,
  judgeActivity,
  judgeKeep,
  judgeTags,
  ROOT_USER,
  rootWarnings as warningsForRoot,
  type UserVerdict,
  type VerdictPolicy,
} from './verdict';

export interface InventoryPolicy extends VerdictPolicy, GuardPolicy {
  /** Judge each credential of active users, and open credential cases for the stale ones. */
  readonly credentialCases: boolean;
  /** The threshold for credentials; thresholdDays when unset. */
  readonly credentialThresholdDays?: number;
}

export interface InventoryDeps {
  readonly iam: IAMClient;
  readonly policy: InventoryPolicy;
  readonly now: Date;
  /** Users with a case still open, by IAM user id (a rename keeps it); they get the verdict open-case. */
  readonly openCaseUserIds?: ReadonlySet<string>;
  /** The same by name: markers an earlier version wrote, and a scenario's `openCases`. */
  readonly openCaseUserNames?: ReadonlySet<string>;
  /** An operator's acknowledgement of the fraction guard, for this run. */
  readonly acknowledgement?: GuardAcknowledgement;
  /** GetUser calls in flight at once; IAM throttling is account-wide. @default 8 */
  readonly concurrency?: number;
  readonly report?: FetchReportOptions;
  readonly warn?: (message: string, details: Record<string, unknown>) => void;
  /**
   * In a dry run: the candidates a dry-run decision already answered, by subject id, with the
   * reason; they are snoozed, not asked again (a dry-run decision writes nothing to IAM).
   */
  readonly rememberedDecisions?: (candidates: readonly Candidate[]) => Promise<ReadonlyMap<string, string>>;
  /**
   * The cases of users carrying a marker tag (the case table's cases-by-user index). Without it no
   * marker is proven, so none counts: a marker alone decides nothing.
   */
  readonly userCases?: UserCases;
  /** The first sightings of exemptions (the sweep store); without it each is first seen today. */
  readonly exemptions?: ExemptionMemory;
}

/** A marker tag that counts for nothing, and why: the sweep and `report` show each one. */
export interface MarkerWarning {
  readonly userName: string;
  readonly warning: string;
}

export type CredentialFindingVerdict =
  CredentialVerdictName | 'exempt' | 'snoozed' | 'disabled' | 'open-case';

export interface CredentialFinding extends Omit<CredentialVerdict, 'verdict'> {
  readonly verdict: CredentialFindingVerdict;
}

export interface UserFinding extends UserVerdict {
  readonly userId?: string;
  /** Each active credential of an active user, judged on its own (CIS AWS Foundations v3.0.0 1.12). */
  readonly credentials?: CredentialFinding[];
}

/** An active user's credentials that are not in use: the CIS AWS Foundations v3.0.0 1.12 (v5.0.0 1.11) findings. */
export function credentialFindings(user: UserFinding): CredentialFinding[] {
  return (user.credentials ?? []).filter((credential) => credential.verdict !== 'active');
}

export interface InventoryResult {
  readonly usersScanned: number;
  readonly users: UserFinding[];
  /** What the fraction guard weighed: the organization guard adds these up over the accounts. */
  readonly population: Population;
  /** The cases this run opens: the longest-idle first, at most maxCasesPerRun. */
  readonly candidates: Candidate[];
  /** Candidates left for the next sweeps. */
  readonly backlog: Candidate[];
  readonly rootWarnings: string[];
  /** Report rows that could not be read; their users are neither judged nor candidates this run. */
  readonly skippedRows: SkippedRow[];
  /** Marker tags ignored this run: no decision in the case table wrote them, or the user disagrees. */
  readonly markerWarnings: MarkerWarning[];
  /** The exemptions (protected, keep-until) of the users judged on their tags, each with its origin. */
  readonly exemptions: ExemptionSeen[];
  readonly halted: boolean;
  readonly haltReason?: string;
  /** The acknowledgement this run used to pass the fraction guard; the sweep consumes it. */
  readonly acknowledged?: GuardAcknowledgement;
}

/**
 * The one inventory routine, shared by the sweep's Lambda and `iam-janitor report`. It reads the
 * credential report once and calls IAM per user only for the users the report marks inactive or
 * holding a stale credential.
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

  const credentialThreshold = policy.credentialThresholdDays ?? policy.thresholdDays;
  const judged = userRows.map((row): Judged => {
    const verdict = judgeActivity(row, policy.thresholdDays, now);
    const credentials =
      policy.credentialCases && verdict.verdict === 'active'
        ? judgeCredentials(row, credentialThreshold, now)
        : undefined;
    return { verdict, credentials };
  });
  const needFacts = judged.filter(
    ({ verdict, credentials }) =>
      (verdict.verdict === 'inactive' || credentials?.some((credential) => credential.verdict === 'stale')) &&
      !exemptionByNameOrPath(verdict, policy),
  );
  const facts = await userFacts(
    iam,
    needFacts.map(({ verdict }) => verdict.userName),
    userRows.length,
    deps.concurrency ?? 8,
  );
  const keyIds = await keptKeyIds(iam, needFacts, facts, policy.keepUntilTagKey);
  const rowsByName = new Map(userRows.map((row) => [row.user, row]));
  const markers = await tagReadings(iam, rowsByName, facts, deps);
  const markerWarnings = [...markers].flatMap(([userName, reading]) =>
    reading.warnings.map((warning) => ({ userName, warning })),
  );
  for (const { userName, warning } of markerWarnings) deps.warn?.(warning, { userName });
  const found = judged
    .map(({ verdict, credentials }) => {
      const fact = facts.get(verdict.userName);
      const reading = markers.get(verdict.userName) ?? NO_MARKERS;
      return credentials
        ? withCredentials(deps, verdict, credentials, fact, keyIds, reading)
        : inactiveFinding(deps, verdict, fact, reading);
    })
    .filter((user): user is UserFinding => user !== undefined);

  // A dry run's decisions are remembered as real ones would act: nobody is asked twice.
  const asked = candidatesOf(found);
  const remembered = (await deps.rememberedDecisions?.([...asked.users, ...asked.credentials])) ?? new Map();
  const { users, candidates } =
    remembered.size > 0 ? forgetAnswered(found, asked, remembered) : { users: found, candidates: asked };
  const population = {
    users: users.length,
    userCandidates: candidates.users.length,
    credentials: users.reduce((count, user) => count + (user.credentials?.length ?? 0), 0),
    credentialCandidates: candidates.credentials.length,
  };
  const guard = applyGuard(population, policy, now, deps.acknowledgement);
  const { batch, backlog } = batchOf([...candidates.users, ...candidates.credentials], policy.maxCasesPerRun);
  return {
    usersScanned: users.length,
    users,
    population,
    candidates: batch,
    backlog,
    rootWarnings: rootRow ? warningsForRoot(rootRow) : [],
    skippedRows: skipped,
    markerWarnings,
    exemptions: [...markers.values()].flatMap((reading) => reading.exemptions ?? []),
    halted: guard.halted,
    ...(guard.halted ? { haltReason: guard.haltReason } : {}),
    ...(!guard.halted && guard.acknowledged ? { acknowledged: guard.acknowledged } : {}),
  };
}

interface Judged {
  readonly verdict: UserVerdict;
  readonly credentials?: CredentialVerdict[];
}

/** A user judged on the report alone, then on its tags and open case, or undefined if it is gone. */
function inactiveFinding(
  deps: InventoryDeps,
  verdict: UserVerdict,
  fact: UserFacts | undefined,
  markers: MarkerReading,
) {
  const { policy, now } = deps;
  if (verdict.verdict !== 'inactive') return verdict;
  const exemption = exemptionByNameOrPath(verdict, policy);
  if (exemption) return { ...verdict, verdict: 'exempt' as const, reason: exemption };
  // Deleted between the report and now: nothing left to judge.
  if (!fact) return undefined;
  const tagJudgement = judgeTags(fact.tags, policy, now, markers);
  const withId = { ...verdict, userId: fact.userId };
  if (tagJudgement.verdict) return { ...withId, verdict: tagJudgement.verdict, reason: tagJudgement.reason };
  if (tagJudgement.warning) deps.warn?.(tagJudgement.warning, { userName: verdict.userName });
  if (hasOpenCase(deps, verdict.userName, fact.userId))
    return { ...withId, verdict: 'open-case' as const, reason: 'a case is already open for this user' };
  return withId;
}

/** The user's judgement applies to each stale credential: exempt, snoozed and open cases hold. */
function withCredentials(
  deps: InventoryDeps,
  verdict: UserVerdict,
  credentials: CredentialVerdict[],
  fact: UserFacts | undefined,
  ids: Map<string, Map<number, string>>,
  markers: MarkerReading,
): UserFinding {
  const { policy, now } = deps;
  const exemption = exemptionByNameOrPath(verdict, policy);
  const userJudgement = fact ? judgeTags(fact.tags, policy, now, markers) : undefined;
  const findings = credentials.map((credential): CredentialFinding => {
    if (credential.verdict !== 'stale') return credential;
    if (exemption) return { ...credential, verdict: 'exempt', reason: exemption };
    if (userJudgement?.verdict)
      return { ...credential, verdict: userJudgement.verdict, reason: userJudgement.reason };
    const keyId =
      credential.ref.kind === 'access-key' ? ids.get(verdict.userName)?.get(credential.ref.slot) : 'password';
    const kept =
      fact && keyId
        ? judgeKeep(fact.tags, `${policy.keepUntilTagKey}:${keyId}`, policy, now, markers)
        : undefined;
    if (kept?.verdict === 'snoozed') return { ...credential, verdict: 'snoozed', reason: kept.reason };
    if (hasOpenCase(deps, verdict.userName, fact?.userId))
      return { ...credential, verdict: 'open-case', reason: 'a case is already open for this user' };
    // The case acts on this key id, never on the first key of the slot's creation second.
    return credential.ref.kind === 'access-key' && keyId
      ? { ...credential, ref: { ...credential.ref, accessKeyId: keyId } }
      : credential;
  });
  return { ...verdict, ...(fact ? { userId: fact.userId } : {}), credentials: findings };
}

/** The users that open cases hold: by id, and by name where an earlier version wrote the marker. */
export function openCaseUsers(openCases: readonly OpenCase[]) {
  return {
    openCaseUserIds: new Set(openCases.flatMap((open) => (open.userId ? [open.userId] : []))),
    openCaseUserNames: new Set(openCases.filter((open) => !open.userId).map((open) => open.userName)),
  };
}

/** An open case holds the user: by its id, or by name where the marker is an earlier version's. */
function hasOpenCase(deps: InventoryDeps, userName: string, userId: string | undefined): boolean {
  return (
    (userId !== undefined && deps.openCaseUserIds?.has(userId) === true) ||
    deps.openCaseUserNames?.has(userName) === true
  );
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
    const details = await allItems(
      paginateGetAccountAuthorizationDetails(
        { client: iam, pageSize: USERS_PER_DETAILS_PAGE },
        { Filter: ['User'] },
      ),
      (page) => page.UserDetailList,
    );
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
