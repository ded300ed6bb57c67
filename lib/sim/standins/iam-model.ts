import { USER_MUTATING_ACTIONS } from '../../infra/iam-actions';
import { findUser, policyExists, type SimAccount, type SimUser } from '../account';
import { StandinError, type AwsStandinOptions } from './standin-types';
import { type Handler, type IamState } from './iam-shapes';
import { readHandlers } from './iam-reads';
import { writeHandlers } from './iam-writes';

/**
 * IAM as the stand-in serves it: one table from action to handler, over the emulated account.
 * Faithful where iam-janitor's safety depends on it: DeleteUser fails with DeleteConflict while any
 * dependent item remains, names are found without regard to case, GetUserPolicy returns URL-encoded
 * documents, lists paginate, groups and policies must exist to be granted, and the credential
 * report is STARTED before it is COMPLETE.
 */

/** The actions the remover's Deny names, without the `iam:` prefix. */
export const DENIED_ON_PROTECTED = new Set<string>(USER_MUTATING_ACTIONS.map((action) => action.slice(4)));

export class IamModel implements IamState {
  reportCalls = 0;
  reportReady = false;
  readonly handlers: Record<string, Handler>;
  readonly account: SimAccount;

  constructor(
    account: SimAccount,
    readonly options: AwsStandinOptions,
  ) {
    this.account = account;
    this.handlers = {
      ...readHandlers(this),
      ...writeHandlers(this),
    };
  }

  run(action: string, params: Record<string, string>): unknown {
    const handler = this.handlers[action];
    if (!handler) throw new StandinError('InvalidAction', `The stand-in does not implement ${action}`, 400);
    return handler(params);
  }

  user(params: Record<string, string>): SimUser {
    const user = findUser(this.account, params.UserName ?? '');
    if (!user)
      throw new StandinError('NoSuchEntity', `The user with name ${params.UserName} cannot be found.`, 404);
    return user;
  }

  setStatus(
    item: { status: 'Active' | 'Inactive' } | undefined,
    status: string | undefined,
    what: string,
  ): undefined {
    if (!item) throw new StandinError('NoSuchEntity', `${what} cannot be found.`, 404);
    if (status !== 'Active' && status !== 'Inactive')
      throw new StandinError('ValidationError', `Status must be Active or Inactive, not ${status}.`, 400);
    item.status = status;
    return undefined;
  }

  requirePolicy(policyArn: string | undefined): void {
    if (!policyArn || !policyExists(this.account, policyArn))
      throw new StandinError('NoSuchEntity', `Policy ${policyArn} does not exist or is not attachable.`, 404);
  }

  removeFrom<T>(items: T[], match: (item: T) => boolean, what: string): undefined {
    const index = items.findIndex(match);
    if (index < 0) throw new StandinError('NoSuchEntity', `${what} cannot be found.`, 404);
    items.splice(index, 1);
    return undefined;
  }

  page<T>(params: Record<string, string>, key: string, items: T[]): Record<string, unknown> {
    const start = Number(params.Marker ?? 0);
    const size = Number(params.MaxItems ?? 100);
    const slice = items.slice(start, start + size);
    const truncated = start + size < items.length;
    return { [key]: slice, IsTruncated: truncated, ...(truncated ? { Marker: String(start + size) } : {}) };
  }
}
