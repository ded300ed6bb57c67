import {
  AddUserToGroupCommand,
  AttachUserPolicyCommand,
  CreateUserCommand,
  GetUserCommand,
  PutUserPolicyCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { isNoSuchEntity } from '../commons/errors';
import { runSteps, type RemovalStep, type Snapshot } from './removal';

export const NOT_RESTORED =
  'Passwords, access keys, MFA devices, signing certificates, SSH keys and service-specific credentials are not recreated: ' +
  'their secrets were never stored. Issue new ones to the user if they need them.';

export class UserExistsError extends Error {
  override name = 'UserExistsError';
}

/** Recreates the user with the same path, tags, boundary, groups and policies. Refuses if the name is taken. */
export async function restoreUser(iam: IAMClient, snapshot: Snapshot): Promise<string[]> {
  try {
    await iam.send(new GetUserCommand({ UserName: snapshot.userName }));
    throw new UserExistsError(
      `A user named ${snapshot.userName} already exists; restore creates users and never overwrites one.`,
    );
  } catch (error) {
    if (!isNoSuchEntity(error)) throw error;
  }
  const UserName = snapshot.userName;
  const steps: RemovalStep[] = [
    {
      description: `create user ${UserName} at path ${snapshot.path}`,
      run: (client) =>
        client.send(
          new CreateUserCommand({
            UserName,
            Path: snapshot.path,
            PermissionsBoundary: snapshot.permissionsBoundary ?? undefined,
            Tags: Object.entries(snapshot.tags).map(([Key, Value]) => ({ Key, Value })),
          }),
        ),
    },
    ...snapshot.groups.map((GroupName) => ({
      description: `add to group ${GroupName}`,
      run: (client: IAMClient) => client.send(new AddUserToGroupCommand({ UserName, GroupName })),
    })),
    ...snapshot.managedPolicies.map((PolicyArn) => ({
      description: `attach managed policy ${PolicyArn}`,
      run: (client: IAMClient) => client.send(new AttachUserPolicyCommand({ UserName, PolicyArn })),
    })),
    ...Object.entries(snapshot.inlinePolicies).map(([PolicyName, document]) => ({
      description: `put inline policy ${PolicyName}`,
      run: (client: IAMClient) =>
        client.send(
          new PutUserPolicyCommand({ UserName, PolicyName, PolicyDocument: JSON.stringify(document) }),
        ),
    })),
  ];
  return runSteps(iam, steps);
}
