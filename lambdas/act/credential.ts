import { hasTag } from '../commons/iam/tags';
import { DeleteLoginProfileCommand, UpdateAccessKeyCommand, type IAMClient } from '@aws-sdk/client-iam';
import { UserBecameActiveError, UserChangedError } from '../commons/runtime/errors';
import { readUser, type Snapshot } from '../commons/iam/snapshot';
import { formatTime, wholeSeconds } from '../commons/runtime/text';
import { refuseIfProtected } from '../commons/case/exemptions';
import { refuseSelfDecision, usedAfter, verifyIdentity, type Deciders } from './recheck';
import { type ProtectionPolicy } from '../commons/case/exemptions';
import { runSteps, type RunStepsOptions } from './runner';
import { keepStep, type RemovalStep } from './steps';

/**
 * A credential case's decision: Deactivate sets the access key Inactive or deletes the console
 * password (after a snapshot of the user, login profile included); Keep tags the user with the
 * credential's own keep-until. The user and every other credential stay as they are.
 */

export interface CredentialActInput {
  readonly iam: IAMClient;
  readonly action: 'deactivate' | 'keep';
  readonly userName: string;
  /** The case's user id: the same name under another id is another person. */
  readonly userId: string;
  /** The access key id, or `password`: what the approver was shown. */
  readonly credentialId: string;
  /** The credential's last use the case was opened on (null: never used). */
  readonly lastUsed: string | null;
  readonly openedAt: string;
  readonly policy: ProtectionPolicy & { readonly keepUntilTagKey: string; readonly keepDays: number };
  /** Who decided: the live user's identity tag must name none of them. */
  readonly deciders?: Deciders;
  readonly dryRun: boolean;
  readonly now: Date;
  readonly saveSnapshot: (snapshot: Snapshot, planned: string[]) => Promise<void>;
  readonly onStep?: RunStepsOptions['onStep'];
}

export interface CredentialActResult {
  readonly outcome: 'deactivated' | 'kept' | 'dry-run';
  readonly planned: string[];
  readonly done: string[];
}

/** The tag Keep writes for one credential: `<keepUntilTagKey>:<AccessKeyId>` or `…:password`. */
export const credentialKeepTagKey = (keepUntilTagKey: string, credentialId: string) =>
  `${keepUntilTagKey}:${credentialId}`;

export async function actOnCredential(input: CredentialActInput): Promise<CredentialActResult> {
  const { iam, userName, policy, now } = input;
  // Read live, right before acting: the report lags by up to 4 hours, GetAccessKeyLastUsed does not.
  const plan = await readUser(iam, userName, now);
  verifyIdentity(plan, input.userId);
  if (input.deciders) refuseSelfDecision(plan, input.deciders);
  // A user protected since the case opened is kept by definition; the role's Deny would refuse the tag.
  if (input.action === 'keep' && hasTag(plan.tags, policy.protectedTagKey))
    return { outcome: 'kept', planned: [], done: [] };
  refuseIfProtected(plan, policy);
  const step =
    input.action === 'keep'
      ? keepStep(
          userName,
          credentialKeepTagKey(policy.keepUntilTagKey, input.credentialId),
          policy.keepDays,
          now,
        )
      : deactivationStep(plan, input);
  const planned = step ? [step.description] : [];
  if (input.action === 'deactivate') await input.saveSnapshot(plan, planned);
  if (input.dryRun) return { outcome: 'dry-run', planned, done: [] };
  const done = step ? await runSteps(iam, [step], { onStep: input.onStep }) : [];
  return { outcome: input.action === 'keep' ? 'kept' : 'deactivated', planned, done };
}

/** The one change Deactivate makes, after the live re-check; undefined when it is already inactive. */
function deactivationStep(plan: Snapshot, input: CredentialActInput): RemovalStep | undefined {
  const { userName, credentialId } = input;
  if (credentialId === 'password') {
    if (!plan.loginProfile) return undefined;
    if (
      plan.loginProfile.createDate &&
      wholeSeconds(plan.loginProfile.createDate) > wholeSeconds(input.openedAt)
    ) {
      throw new UserChangedError(
        `${userName}'s console password was set again at ${formatTime(plan.loginProfile.createDate)}, after the case opened: the approver decided about the old one.`,
      );
    }
    assertUnusedSince(userName, 'console password', plan.passwordLastUsed, input.lastUsed);
    return {
      description: 'delete the console password (login profile)',
      run: (iam) => iam.send(new DeleteLoginProfileCommand({ UserName: userName })),
    };
  }
  const key = plan.accessKeys.find((candidate) => candidate.id === credentialId);
  if (!key) {
    throw new UserChangedError(
      `${userName} no longer has access key ${credentialId}: it was deleted since the case opened, nothing to deactivate.`,
    );
  }
  if (key.status !== 'Active') return undefined;
  assertUnusedSince(userName, `access key ${credentialId}`, key.lastUsedDate, input.lastUsed);
  return {
    description: `set access key ${credentialId} Inactive`,
    run: (iam) =>
      iam.send(
        new UpdateAccessKeyCommand({ UserName: userName, AccessKeyId: credentialId, Status: 'Inactive' }),
      ),
  };
}

function assertUnusedSince(
  userName: string,
  label: string,
  liveLastUsed: string | null,
  openedOn: string | null,
): void {
  if (liveLastUsed !== null && usedAfter(liveLastUsed, openedOn)) {
    throw new UserBecameActiveError(
      `${userName}'s ${label} was used at ${formatTime(liveLastUsed)}; the case knew of no use of it ${openedOn ? `after ${formatTime(openedOn)}` : 'at all'}. It is in use, so it was not deactivated.`,
    );
  }
}
