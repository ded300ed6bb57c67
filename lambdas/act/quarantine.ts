import {
  AttachUserPolicyCommand,
  DetachUserPolicyCommand,
  TagUserCommand,
  UntagUserCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import type { QuarantineRecord } from '../commons/case/record';
import { releaseDetachText } from '../commons/case/outcome';
import { getUser, tagsOf, type Snapshot } from '../commons/iam/snapshot';
import { locateUser } from '../commons/iam/user-by-id';
import { UnknownUserError } from '../commons/runtime/errors';
import { denyAllPolicyArn, QUARANTINE_ENDS_TAG_KEY, QUARANTINE_STARTED_TAG_KEY } from '../commons/iam/tags';
import { DAY_MS } from '../commons/runtime/time';
import { readAndCheck, type ActInput } from './act';
import { refuseSelfDecision, type Deciders } from './recheck';
import { runSteps } from './runner';
import type { RemovalStep } from './steps';

/**
 * The quarantine before a deletion: the user is denied everything by AWSDenyAll and tagged with
 * the quarantine's start and end, and keeps every credential, so that any attempt to use one shows
 * in IAM and CloudTrail. Nothing is deactivated or deleted; a release takes back exactly these
 * changes.
 */

export interface QuarantineInput extends Pick<
  ActInput,
  | 'iam'
  | 'userName'
  | 'policy'
  | 'now'
  | 'expected'
  | 'deciders'
  | 'trailUseSince'
  | 'saveSnapshot'
  | 'onStep'
> {
  readonly days: number;
  /** Stores the quarantine once, before the deny policy is attached; returns the one stored. */
  readonly start: (quarantine: QuarantineRecord) => Promise<QuarantineRecord>;
  /** Records that the deny policy and the tags are in place. */
  readonly applied: () => Promise<void>;
}

export interface QuarantineResult {
  readonly outcome: 'quarantined';
  readonly planned: string[];
  readonly done: string[];
  readonly quarantine: QuarantineRecord;
}

/** Every check of a deletion, the snapshot, then the deny policy and the tags. */
export async function quarantineUser(input: QuarantineInput): Promise<QuarantineResult> {
  const plan = await readAndCheck(input);
  const policyArn = denyAllPolicyArn(plan.arn);
  const proposed: QuarantineRecord = {
    startedAt: input.now.toISOString(),
    endsAt: new Date(input.now.getTime() + input.days * DAY_MS).toISOString(),
    policyArn,
    attachedByJanitor: !plan.managedPolicies.includes(policyArn),
    attempts: [],
  };
  const planned = quarantineSteps(plan, proposed).map((step) => step.description);
  // The snapshot is of the user before the quarantine: a restore brings it back without the deny.
  await input.saveSnapshot(plan, planned);
  const quarantine = await input.start(proposed);
  const done = await runSteps(input.iam, quarantineSteps(plan, quarantine), { onStep: input.onStep });
  await input.applied();
  return { outcome: 'quarantined', planned, done, quarantine };
}

export function quarantineSteps(
  plan: Pick<Snapshot, 'userName'>,
  quarantine: QuarantineRecord,
): RemovalStep[] {
  const UserName = plan.userName;
  const PolicyArn = quarantine.policyArn;
  return [
    ...(quarantine.attachedByJanitor
      ? [
          {
            description: `attach the deny-all policy ${PolicyArn}`,
            run: (iam: IAMClient) => iam.send(new AttachUserPolicyCommand({ UserName, PolicyArn })),
          },
        ]
      : []),
    {
      description: `tag ${QUARANTINE_STARTED_TAG_KEY}=${quarantine.startedAt} and ${QUARANTINE_ENDS_TAG_KEY}=${quarantine.endsAt}`,
      run: (iam: IAMClient) =>
        iam.send(
          new TagUserCommand({
            UserName,
            Tags: [
              { Key: QUARANTINE_STARTED_TAG_KEY, Value: quarantine.startedAt },
              { Key: QUARANTINE_ENDS_TAG_KEY, Value: quarantine.endsAt },
            ],
          }),
        ),
    },
  ];
}

/**
 * The user read right before a deletion after its quarantine, as a restore should bring it back:
 * without the deny the quarantine attached (a user who held it before keeps it) and without the
 * quarantine's two tags (IAM matches tag keys without regard to case, so neither does this).
 * Everything else stays, a group, policy or tag someone added during the wait included.
 */
export function withoutQuarantineMarks(snapshot: Snapshot, quarantine: QuarantineRecord): Snapshot {
  const marks = new Set(
    [QUARANTINE_STARTED_TAG_KEY, QUARANTINE_ENDS_TAG_KEY].map((key) => key.toLowerCase()),
  );
  return {
    ...snapshot,
    managedPolicies: quarantine.attachedByJanitor
      ? snapshot.managedPolicies.filter((arn) => arn !== quarantine.policyArn)
      : snapshot.managedPolicies,
    tags: Object.fromEntries(Object.entries(snapshot.tags).filter(([key]) => !marks.has(key.toLowerCase()))),
  };
}

/** What a release undoes: the deny policy, if the quarantine attached it, and the two tags. */
export function releaseSteps(userName: string, quarantine: QuarantineRecord): RemovalStep[] {
  const PolicyArn = quarantine.policyArn;
  return [
    ...(quarantine.attachedByJanitor
      ? [
          {
            description: releaseDetachText(PolicyArn),
            run: (iam: IAMClient) => iam.send(new DetachUserPolicyCommand({ UserName: userName, PolicyArn })),
          },
        ]
      : []),
    {
      description: `untag ${QUARANTINE_STARTED_TAG_KEY} and ${QUARANTINE_ENDS_TAG_KEY}`,
      run: (iam: IAMClient) =>
        iam.send(
          new UntagUserCommand({
            UserName: userName,
            TagKeys: [QUARANTINE_STARTED_TAG_KEY, QUARANTINE_ENDS_TAG_KEY],
          }),
        ),
    },
  ];
}

/**
 * Releases a quarantined user: the same person, found by id through a rename, not one of the
 * deciders (its identity tag read live: a tag added during the quarantine names an approver who
 * would be releasing themselves), then the deny policy and the tags go. The credentials were never
 * touched, so the user works again at once. A user deleted since has nothing left to release.
 */
export async function releaseUser(input: {
  readonly iam: IAMClient;
  readonly userName: string;
  readonly userId: string;
  readonly quarantine: QuarantineRecord;
  readonly deciders?: Deciders;
  readonly onStep?: ActInput['onStep'];
}): Promise<{ outcome: 'released'; planned: string[]; done: string[]; userName: string }> {
  const where = await locateUser(input.iam, input.userName, input.userId);
  if (where.state === 'gone')
    throw new UnknownUserError(
      `IAM user ${input.userId} (${input.userName} when the case opened) no longer exists under any name.`,
    );
  const userName = where.userName;
  if (input.deciders) {
    const user = await getUser(input.iam, userName);
    refuseSelfDecision({ userName, tags: tagsOf(user.Tags) }, input.deciders);
  }
  const steps = releaseSteps(userName, input.quarantine);
  const done = await runSteps(input.iam, steps, { onStep: input.onStep });
  return { outcome: 'released', planned: steps.map((step) => step.description), done, userName };
}
