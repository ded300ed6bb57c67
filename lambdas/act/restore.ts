import {
  AddUserToGroupCommand,
  AttachUserPolicyCommand,
  CreateUserCommand,
  GetUserCommand,
  PutUserPermissionsBoundaryCommand,
  PutUserPolicyCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { errorMessage, errorName, isNoSuchEntity } from '../commons/runtime/errors';
import type { Snapshot } from '../commons/iam/snapshot';
import { count } from '../commons/runtime/text';

export const NOT_RESTORED =
  'Passwords, access keys, MFA devices, signing certificates, SSH keys and service-specific credentials are not recreated: ' +
  'their secrets were never stored. Issue new ones to the user if they need them.';

export class UserExistsError extends Error {
  override name = 'UserExistsError';
}

export interface RestoreStep {
  readonly description: string;
  /** What the step restores, in words for a failure: "group developers". */
  readonly subject: string;
  /** A boundary limits what every later grant allows: without it, no grant may be made. */
  readonly isBoundary?: boolean;
  readonly run: (iam: IAMClient) => Promise<unknown>;
}

export interface RestoreResult {
  readonly done: string[];
  /** Steps that did not happen, each with the reason; restore reports them and never ticks them. */
  readonly failed: { step: string; reason: string }[];
}

/** The restore as a list of steps, for the plan a person confirms and for the run itself. */
function restoreSteps(snapshot: Snapshot): { create: RestoreStep; rest: RestoreStep[] } {
  const UserName = snapshot.userName;
  const create: RestoreStep = {
    description: `create user ${UserName} at path ${snapshot.path} with ${count(Object.keys(snapshot.tags).length, 'tag')}`,
    subject: `user ${UserName}`,
    run: (iam) =>
      iam.send(
        new CreateUserCommand({
          UserName,
          Path: snapshot.path,
          Tags: Object.entries(snapshot.tags).map(([Key, Value]) => ({ Key, Value })),
        }),
      ),
  };
  const boundary = snapshot.permissionsBoundary;
  const rest: RestoreStep[] = [
    ...(boundary
      ? [
          {
            description: `set permissions boundary ${boundary}`,
            subject: `permissions boundary ${boundary}`,
            isBoundary: true,
            run: (iam: IAMClient) =>
              iam.send(new PutUserPermissionsBoundaryCommand({ UserName, PermissionsBoundary: boundary })),
          },
        ]
      : []),
    ...snapshot.groups.map((GroupName) => ({
      description: `add to group ${GroupName}`,
      subject: `group ${GroupName}`,
      run: (iam: IAMClient) => iam.send(new AddUserToGroupCommand({ UserName, GroupName })),
    })),
    ...snapshot.managedPolicies.map((PolicyArn) => ({
      description: `attach managed policy ${PolicyArn}`,
      subject: `managed policy ${PolicyArn}`,
      run: (iam: IAMClient) => iam.send(new AttachUserPolicyCommand({ UserName, PolicyArn })),
    })),
    ...Object.entries(snapshot.inlinePolicies).map(([PolicyName, document]) => ({
      description: `put inline policy ${PolicyName}`,
      subject: `inline policy ${PolicyName}`,
      run: (iam: IAMClient) =>
        iam.send(
          new PutUserPolicyCommand({ UserName, PolicyName, PolicyDocument: JSON.stringify(document) }),
        ),
    })),
  ];
  return { create, rest };
}

/**
 * Everything a complete restore of this snapshot gave the new user, by name: what the closing
 * line says was restored. `at path /team/, with 2 tags (team, owner), 1 group (ops), …`.
 */
export function restoredContents(snapshot: Snapshot): string {
  const named = (items: readonly string[], singular: string, plural?: string) =>
    items.length === 0
      ? `no ${plural ?? `${singular}s`}`
      : `${count(items.length, singular, plural)} (${items.join(', ')})`;
  return [
    `at path ${snapshot.path}`,
    `with ${named(Object.keys(snapshot.tags), 'tag')}`,
    named(snapshot.groups, 'group'),
    named(snapshot.managedPolicies, 'managed policy', 'managed policies'),
    named(Object.keys(snapshot.inlinePolicies), 'inline policy', 'inline policies'),
    snapshot.permissionsBoundary
      ? `permissions boundary ${snapshot.permissionsBoundary}`
      : 'no permissions boundary',
  ].join(', ');
}

/** What restore will do, step by step, before it does anything. */
export function restorePlan(snapshot: Snapshot): string[] {
  const { create, rest } = restoreSteps(snapshot);
  return [create, ...rest].map((step) => step.description);
}

/**
 * Recreates the user with the same path, tags, boundary, groups and policies, and refuses if the
 * name is taken. A group, policy or boundary that no longer exists is a failure, reported with the
 * rest carried on; if the boundary cannot be set, no permission is granted at all, because the
 * grants were only ever safe inside it.
 */
export async function restoreUser(
  iam: IAMClient,
  snapshot: Snapshot,
  onStep?: (step: string, result: 'done' | 'failed', reason?: string) => void,
): Promise<RestoreResult> {
  try {
    await iam.send(new GetUserCommand({ UserName: snapshot.userName }));
    throw new UserExistsError(
      `A user named ${snapshot.userName} already exists; restore creates users and never overwrites one.`,
    );
  } catch (error) {
    if (!isNoSuchEntity(error)) throw error;
  }
  const { create, rest } = restoreSteps(snapshot);
  await create.run(iam);
  onStep?.(create.description, 'done');
  const result = await runRestoreSteps(iam, rest, onStep);
  return { done: [create.description, ...result.done], failed: result.failed };
}

/**
 * Runs each step and carries on past a failure, which it reports (never ticks); once a boundary
 * cannot be set, no later grant is made.
 */
export async function runRestoreSteps(
  iam: IAMClient,
  rest: readonly RestoreStep[],
  onStep?: (step: string, result: 'done' | 'failed', reason?: string) => void,
): Promise<RestoreResult> {
  const done: string[] = [];
  const failed: RestoreResult['failed'] = [];
  let boundaryMissing = false;
  for (const step of rest) {
    if (boundaryMissing) {
      const reason = 'not granted: the permissions boundary that limited it could not be set';
      failed.push({ step: step.description, reason });
      onStep?.(step.description, 'failed', reason);
      continue;
    }
    try {
      await step.run(iam);
      done.push(step.description);
      onStep?.(step.description, 'done');
    } catch (error) {
      const reason = isNoSuchEntity(error)
        ? `${step.subject} no longer exists in this account`
        : `${errorName(error)}: ${errorMessage(error)}`;
      failed.push({ step: step.description, reason });
      onStep?.(step.description, 'failed', reason);
      if (step.isBoundary) boundaryMissing = true;
    }
  }
  return { done, failed };
}
