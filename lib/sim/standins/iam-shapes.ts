import type { SimAccount, SimUser } from '../account';
import { StandinError, type AwsStandinOptions } from './standin-types';

/** What the IAM action handlers share: the model's state and helpers, and IAM's response shapes. */

export type Handler = (params: Record<string, string>) => unknown;

/** The part of the IAM model the handlers read and change. */
export interface IamState {
  readonly account: SimAccount;
  readonly options: AwsStandinOptions;
  reportCalls: number;
  reportReady: boolean;
  user(params: Record<string, string>): SimUser;
  setStatus(
    item: { status: 'Active' | 'Inactive' } | undefined,
    status: string | undefined,
    what: string,
  ): undefined;
  requirePolicy(policyArn: string | undefined): void;
  removeFrom<T>(items: T[], match: (item: T) => boolean, what: string): undefined;
  page<T>(params: Record<string, string>, key: string, items: T[]): Record<string, unknown>;
}

/** What still blocks DeleteUser, in the words IAM uses. */
export function dependentItems(user: SimUser): string[] {
  const blocking: string[] = [];
  if (user.password) blocking.push('delete login profile');
  if (user.accessKeys.length) blocking.push('delete access keys');
  if (user.signingCertificates.length) blocking.push('delete signing certificates');
  if (user.sshPublicKeys.length) blocking.push('delete SSH public keys');
  if (user.serviceSpecificCredentials.length) blocking.push('delete service-specific credentials');
  if (user.mfaDevices.length) blocking.push('remove MFA devices');
  if (Object.keys(user.inlinePolicies).length) blocking.push('delete policies');
  if (user.managedPolicies.length) blocking.push('detach all policies');
  if (user.groups.length) blocking.push('remove user from all groups');
  return blocking;
}

export function userShape(user: SimUser) {
  return {
    UserName: user.userName,
    UserId: user.userId,
    Arn: user.arn,
    Path: user.path,
    CreateDate: iso(user.createDate),
    ...(user.password?.lastUsed ? { PasswordLastUsed: iso(user.password.lastUsed) } : {}),
  };
}

export function boundaryShape(user: SimUser) {
  return user.permissionsBoundary
    ? {
        PermissionsBoundaryType: 'PermissionsBoundaryPolicy',
        PermissionsBoundaryArn: user.permissionsBoundary,
      }
    : undefined;
}

export function tagList(tags: Record<string, string>) {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

export function iso(date: Date): string {
  return date.toISOString();
}

/** A user's console password, or IAM's NoSuchEntity for a user who has none. */
export function requireLoginProfile(user: SimUser): NonNullable<SimUser['password']> {
  if (!user.password)
    throw new StandinError('NoSuchEntity', `Login Profile for User ${user.userName} cannot be found.`, 404);
  return user.password;
}
