import type { SimUser } from '../account';
import { iso, type IamState } from './iam-shapes';
import { StandinError } from './standin-types';

/**
 * ListServiceSpecificCredentials as IAM answers it: every kind when no ServiceName is given, one
 * kind otherwise; a named user, or with AllUsers every user (never both); paged with Marker and
 * IsTruncated. IAM "might return fewer results, even when there are more results available", and
 * this stand-in always does: two a page at most, so that every caller is made to follow the Marker.
 */
export const SERVICE_CREDENTIALS_PER_PAGE = 2;

/** The kinds IAM issues (CreateServiceSpecificCredential): an API key is named by an alias, the others by a user name. */
const API_KEY_SERVICES = new Set(['bedrock.amazonaws.com', 'logs.amazonaws.com']);

export function listServiceSpecificCredentials(
  model: IamState,
  params: Record<string, string>,
): Record<string, unknown> {
  const allUsers = params.AllUsers === 'true';
  if (allUsers && params.UserName)
    throw new StandinError('ValidationError', 'AllUsers cannot be specified together with UserName.', 400);
  const maxItems = Number(params.MaxItems ?? 100);
  if (!Number.isInteger(maxItems) || maxItems < 1 || maxItems > 1000)
    throw new StandinError(
      'ValidationError',
      `MaxItems must be between 1 and 1000, not ${params.MaxItems}.`,
      400,
    );
  const users = allUsers ? [...model.account.users.values()] : [model.user(params)];
  const credentials = users.flatMap((user) =>
    user.serviceSpecificCredentials
      .filter((credential) => !params.ServiceName || credential.serviceName === params.ServiceName)
      .map((credential) => credentialShape(model, user, credential)),
  );
  return model.page(
    { ...params, MaxItems: String(Math.min(maxItems, SERVICE_CREDENTIALS_PER_PAGE)) },
    'ServiceSpecificCredentials',
    credentials,
  );
}

function credentialShape(
  model: IamState,
  user: SimUser,
  credential: SimUser['serviceSpecificCredentials'][number],
) {
  const apiKey = API_KEY_SERVICES.has(credential.serviceName);
  return {
    UserName: user.userName,
    ServiceSpecificCredentialId: credential.id,
    ServiceName: credential.serviceName,
    ...(apiKey
      ? {
          ServiceCredentialAlias: `${user.userName}+${credential.id.slice(-4)}-at-${model.account.accountId}`,
        }
      : { ServiceUserName: `${user.userName}-at-${model.account.accountId}` }),
    Status: credential.status,
    CreateDate: iso(credential.createDate ?? user.createDate),
  };
}
