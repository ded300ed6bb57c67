import type { IAMClient } from '@aws-sdk/client-iam';
import { UserBecameActiveError } from '../commons/runtime/errors';
import {
  getUser,
  isActiveCredential as isActive,
  readUser,
  tagsOf,
  type Snapshot,
} from '../commons/iam/snapshot';
import {
  recheckActivity,
  recheckNewCredentials,
  recheckQuarantine,
  refuseSelfDecision,
  verifyIdentity,
  type CaseExpectations,
  type Deciders,
} from './recheck';
import { type ProtectionPolicy } from '../commons/case/exemptions';
import { refuseIfProtected } from '../commons/case/exemptions';
import { hasTag } from '../commons/iam/tags';
import { formatTime } from '../commons/runtime/text';
import { leftoverVirtualMfa, runSteps, verifyDeleted, type RunStepsOptions } from './runner';
import { deletionSteps, disableSteps, keepStep } from './steps';

/**
 * The one removal routine, shared by the remover Lambda and `iam-janitor delete-user`:
 * read → identity → guard → re-check → snapshot → steps in a safe order → verify.
 * Each step treats NoSuchEntity as already done, so that a re-run finishes the job.
 */

export type Action = 'delete' | 'disable' | 'keep';

export interface ActInput {
  readonly iam: IAMClient;
  readonly action: Action;
  readonly userName: string;
  readonly policy: ProtectionPolicy & { readonly keepUntilTagKey: string; readonly keepDays: number };
  /**
   * What the approver saw; the live user must still match it. Undefined skips the re-check (the
   * CLI, where a human reads the live plan right before confirming).
   */
  readonly expected?: CaseExpectations;
  /**
   * The latest use since the case opened of the credentials the credential report cannot show (SSH
   * keys, service-specific credentials), read from CloudTrail. Called only when the user holds one.
   */
  readonly trailUseSince?: (userName: string, since: Date) => Promise<string | undefined>;
  /** Who decided: the live user's identity tag must name none of them. Undefined: the CLI. */
  readonly deciders?: Deciders;
  readonly dryRun: boolean;
  readonly now: Date;
  /**
   * The snapshot an interrupted earlier run stored. Once a virtual MFA device is deactivated, IAM
   * no longer lists it under the user, and only this record remembers it (see leftoverVirtualMfa).
   */
  readonly previousSnapshot?: Snapshot;
  /** What the case record says earlier runs did: a device's deactivated-for tag counts only where it is listed. */
  readonly previousSteps?: readonly string[];
  /**
   * Must store the snapshot durably; it is awaited before the first change. `planned` is exactly
   * the list of steps that will run, for a person to confirm.
   */
  readonly saveSnapshot: (snapshot: Snapshot, planned: string[]) => Promise<void>;
  readonly onStep?: RunStepsOptions['onStep'];
}

export interface ActResult {
  readonly outcome: 'deleted' | 'disabled' | 'kept' | 'dry-run';
  readonly planned: string[];
  readonly done: string[];
  readonly snapshot?: Snapshot;
}

/**
 * Carries out one decision. Nothing changes before the identity check, the guard, the re-check and
 * the stored snapshot; the steps IAM cannot guard are preceded by a fresh look at the user.
 */
export async function act(input: ActInput): Promise<ActResult> {
  const { iam, action, policy, now } = input;
  if (action === 'keep') return keep(input);
  const plan = await readAndCheck(input);
  const leftovers =
    action === 'delete'
      ? await leftoverVirtualMfa(iam, plan, input.previousSnapshot, input.previousSteps)
      : [];
  const steps = action === 'delete' ? deletionSteps(plan, leftovers) : disableSteps(plan, now);
  const planned = steps.map((step) => step.description);
  await input.saveSnapshot(plan, planned);
  if (input.dryRun) return { outcome: 'dry-run', planned, done: [], snapshot: plan };
  const done = await runSteps(iam, steps, {
    onStep: input.onStep,
    beforeUnguardedStep: () => guardLiveUser(iam, plan, policy),
  });
  if (action === 'delete') await verifyDeleted(iam, plan, leftovers);
  return { outcome: action === 'delete' ? 'deleted' : 'disabled', planned, done, snapshot: plan };
}

/**
 * The user read live, and every check before a change: the same person, not protected or exempt,
 * not one of the deciders, and (with a case) not used and holding no new credential since.
 */
export async function readAndCheck(
  input: Pick<ActInput, 'iam' | 'userName' | 'policy' | 'now' | 'expected' | 'deciders' | 'trailUseSince'>,
): Promise<Snapshot> {
  const plan = await readUser(input.iam, input.userName, input.now);
  if (input.expected) verifyIdentity(plan, input.expected.userId);
  refuseIfProtected(plan, input.policy);
  if (input.deciders) refuseSelfDecision(plan, input.deciders);
  if (input.expected) await recheck(input, plan, input.expected);
  return plan;
}

async function recheck(
  input: Pick<ActInput, 'trailUseSince'>,
  plan: Snapshot,
  expected: CaseExpectations,
): Promise<void> {
  recheckQuarantine(plan, expected);
  // Identity, protection and new credentials still hold for an offboarding; its user is active by request.
  if (expected.useApproved) return recheckNewCredentials(plan, expected);
  recheckActivity(plan, expected.lastActivity, expected.openedAt);
  const unreported = [...plan.sshPublicKeys, ...plan.serviceSpecificCredentials].some(isActive);
  if (unreported && input.trailUseSince) {
    const used = await input.trailUseSince(plan.userName, new Date(expected.openedAt));
    if (used) {
      throw new UserBecameActiveError(
        `${plan.userName} acted at ${formatTime(used)} (CloudTrail), after the case opened at ${formatTime(expected.openedAt)}; they hold an SSH key or service-specific credential the credential report does not show.`,
      );
    }
  }
  recheckNewCredentials(plan, expected);
}

/**
 * The code half of the protected-user rule, for the steps IAM authorizes against a group or an
 * MFA device: the user must still be the same person and still unprotected, read live.
 */
async function guardLiveUser(iam: IAMClient, plan: Snapshot, policy: ProtectionPolicy): Promise<void> {
  const user = await getUser(iam, plan.userName);
  verifyIdentity({ userName: plan.userName, userId: user.UserId }, plan.userId);
  refuseIfProtected({ ...plan, tags: tagsOf(user.Tags), path: user.Path ?? plan.path }, policy);
}

async function keep(input: ActInput): Promise<ActResult> {
  const { iam, userName, policy, now } = input;
  const step = keepStep(userName, policy.keepUntilTagKey, policy.keepDays, now);
  const user = await getUser(iam, userName);
  // The keep-until tag would snooze whoever holds the name now; a different person is not ours to snooze.
  if (input.expected) verifyIdentity({ userName, userId: user.UserId }, input.expected.userId);
  if (input.deciders) refuseSelfDecision({ userName, tags: tagsOf(user.Tags) }, input.deciders);
  if (input.dryRun) return { outcome: 'dry-run', planned: [step.description], done: [] };
  // A user protected since the case opened is kept by definition; the role's Deny would refuse the tag.
  if (hasTag(tagsOf(user.Tags), policy.protectedTagKey)) return { outcome: 'kept', planned: [], done: [] };
  return {
    outcome: 'kept',
    planned: [step.description],
    done: await runSteps(iam, [step], { onStep: input.onStep }),
  };
}
