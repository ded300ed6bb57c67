import type { SimAccount, SimCloudTrailEvent } from '../account';
import { findUser, stableId } from '../account';
import { defaultRegions } from './account-regions';
import { StandinError } from './standin-types';

/**
 * One page of LookupEvents over the account's events, as CloudTrail answers it: the region's events
 * matching the one lookup attribute (Username or EventName), newest first, within StartTime and
 * EndTime, 50 at most a page. A region the account has not enabled refuses the call, as AWS
 * refuses any call to a disabled opt-in region's endpoint.
 */
export function lookupEventsPage(
  account: SimAccount,
  region: string,
  body: Record<string, unknown>,
): { readonly username: string; readonly answer: unknown } {
  const status = (account.regions ?? defaultRegions()).find((known) => known.name === region)?.status;
  if (status !== 'ENABLED' && status !== 'ENABLED_BY_DEFAULT')
    throw new StandinError(
      'UnrecognizedClientException',
      'The security token included in the request is invalid.',
      400,
    );
  const attributes =
    (body.LookupAttributes as { AttributeKey: string; AttributeValue: string }[] | undefined) ?? [];
  if (attributes.length > 1)
    throw new StandinError(
      'InvalidLookupAttributesException',
      'You cannot specify more than one lookup attribute.',
      400,
    );
  const username = attributes.find((attribute) => attribute.AttributeKey === 'Username')?.AttributeValue;
  const eventName = attributes.find((attribute) => attribute.AttributeKey === 'EventName')?.AttributeValue;
  const start = typeof body.StartTime === 'number' ? body.StartTime * 1000 : 0;
  const end = typeof body.EndTime === 'number' ? body.EndTime * 1000 : Number.MAX_SAFE_INTEGER;
  const events = account.cloudTrail
    .filter((event) => event.region === region && (!username || event.username === username))
    .filter((event) => !eventName || event.eventName === eventName)
    .filter((event) => event.eventTime.getTime() >= start && event.eventTime.getTime() <= end)
    .sort((a, b) => b.eventTime.getTime() - a.eventTime.getTime());
  const offset = Number(body.NextToken ?? 0);
  const size = Math.min(Number(body.MaxResults ?? 50), 50);
  const page = events.slice(offset, offset + size);
  return {
    username: username ?? '',
    answer: {
      Events: page.map((event, index) => ({
        EventId: stableId(
          '',
          `${event.username}/${event.eventTime.toISOString()}/${index}`,
          32,
        ).toLowerCase(),
        EventName: event.eventName,
        EventSource: event.eventSource,
        EventTime: event.eventTime.getTime() / 1000,
        Username: event.username,
        AccessKeyId: event.accessKeyId,
        ReadOnly: String(/^(Get|List|Describe|Lookup)/.test(event.eventName)),
        CloudTrailEvent: JSON.stringify({
          eventTime: event.eventTime.toISOString(),
          eventName: event.eventName,
          eventSource: event.eventSource,
          awsRegion: region,
          sourceIPAddress: event.sourceIPAddress ?? '198.51.100.7',
          userAgent: event.userAgent ?? 'aws-cli/2.15.0',
          userIdentity: {
            ...identityOf(account, event),
            accountId: account.accountId,
            ...(event.accessKeyId ? { accessKeyId: event.accessKeyId } : {}),
          },
          ...(event.requestParameters ? { requestParameters: event.requestParameters } : {}),
          ...(event.responseElements ? { responseElements: event.responseElements } : {}),
          ...(event.errorCode ? { errorCode: event.errorCode } : {}),
          ...(event.errorMessage ? { errorMessage: event.errorMessage } : {}),
        }),
      })),
      ...(offset + size < events.length ? { NextToken: String(offset + size) } : {}),
    },
  };
}

/** The event's userIdentity: as written, or the IAM user its Username names (with its id). */
function identityOf(account: SimAccount, event: SimCloudTrailEvent): Record<string, string> {
  if (event.userIdentity)
    return {
      ...event.userIdentity,
      ...(event.userIdentity.type === 'IAMUser' ? { userName: event.username } : {}),
    };
  const user = findUser(account, event.username);
  return {
    type: 'IAMUser',
    userName: event.username,
    ...(user ? { principalId: user.userId, arn: user.arn } : {}),
  };
}
