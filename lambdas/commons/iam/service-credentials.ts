import {
  ListServiceSpecificCredentialsCommand,
  type IAMClient,
  type ServiceSpecificCredentialMetadata,
} from '@aws-sdk/client-iam';
import { allItems } from '../runtime/pagination';

/**
 * The one reader of a user's service-specific credentials: CodeCommit HTTPS Git credentials,
 * Amazon Keyspaces passwords, and the long-term API keys of Amazon Bedrock and CloudWatch Logs.
 * With no ServiceName, IAM lists every kind. The list is paged (Marker, IsTruncated), and IAM may
 * answer fewer items than asked for while more remain, so a single call is never the whole list.
 * The SDK has no paginator for this call: this one follows IAM's Marker as the SDK's do.
 */
export async function* paginateServiceSpecificCredentials(
  iam: IAMClient,
  userName: string,
): AsyncGenerator<ServiceSpecificCredentialMetadata[]> {
  let marker: string | undefined;
  do {
    const page = await iam.send(
      new ListServiceSpecificCredentialsCommand({
        UserName: userName,
        ...(marker ? { Marker: marker } : {}),
      }),
    );
    yield page.ServiceSpecificCredentials ?? [];
    if (page.IsTruncated && !page.Marker)
      // Stopping here would pass a partial list off as the whole: a credential left out is never removed.
      throw new Error(
        `IAM answered a truncated list of ${userName}'s service-specific credentials with no Marker`,
      );
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
}

/** Every service-specific credential of the user, of every kind, in every page. */
export function listServiceSpecificCredentials(
  iam: IAMClient,
  userName: string,
): Promise<ServiceSpecificCredentialMetadata[]> {
  return allItems(paginateServiceSpecificCredentials(iam, userName), (page) => page);
}
