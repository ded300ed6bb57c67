import { paginateListUsers, type IAMClient } from '@aws-sdk/client-iam';
import { allItems } from '../runtime/pagination';
import { errorName } from '../runtime/errors';
import { getUser } from './snapshot';

/**
 * Where the user a case is about is now. IAM identifies a user by its id, and any admin can rename
 * one (UpdateUser NewUserName keeps the id, the credentials and the policies, and changes the name
 * and the ARN) or delete it and create another under the same name. So a case that finds its name
 * gone, or held by another id, looks the id up among all users before it says the user is gone:
 * a renamed user still holds whatever iam-janitor attached to it.
 * - `same`: the name still belongs to the id;
 * - `renamed`: the id lives on under another name (the name may now be someone else's);
 * - `gone`: no user has the id any more.
 * ListUsers is paged (1,000 a page at most), so this costs five calls at IAM's 5,000-user quota, and
 * runs only when the name no longer matches.
 */
export type UserWhereabouts =
  | { readonly state: 'same'; readonly userName: string }
  | { readonly state: 'renamed'; readonly userName: string }
  | { readonly state: 'gone' };

export async function locateUser(iam: IAMClient, userName: string, userId: string): Promise<UserWhereabouts> {
  try {
    const user = await getUser(iam, userName);
    if (user.UserId === userId) return { state: 'same', userName: user.UserName };
  } catch (error) {
    if (errorName(error) !== 'UnknownUserError') throw error;
  }
  const users = await allItems(paginateListUsers({ client: iam }, { MaxItems: 1000 }), (page) => page.Users);
  const found = users.find((user) => user.UserId === userId);
  return found?.UserName ? { state: 'renamed', userName: found.UserName } : { state: 'gone' };
}
