import type { SimAccount } from '../account';
import { stableId } from '../account';

/**
 * One page of LookupEvents over the account's events, as CloudTrail answers it: the region's events
 * of the user (the Username attribute), newest first, within StartTime and EndTime, 50 at most a page.
 */
export function lookupEventsPage(
  account: SimAccount,
  region: string,
  body: Record<string, unknown>,
): { readonly username: string; readonly answer: unknown } {
  const attributes =
    (body.LookupAttributes as { AttributeKey: string; AttributeValue: string }[] | undefined) ?? [];
  const username = attributes.find((attribute) => attribute.AttributeKey === 'Username')?.AttributeValue;
  const start = typeof body.StartTime === 'number' ? body.StartTime * 1000 : 0;
  const end = typeof body.EndTime === 'number' ? body.EndTime * 1000 : Number.MAX_SAFE_INTEGER;
  const events = account.cloudTrail
    .filter((event) => event.region === region && (!username || event.username === username))
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
            type: 'IAMUser',
            userName: event.username,
            ...(event.accessKeyId ? { accessKeyId: event.accessKeyId } : {}),
          },
          ...(event.responseElements ? { responseElements: event.responseElements } : {}),
          ...(event.errorCode ? { errorCode: event.errorCode } : {}),
          ...(event.errorMessage ? { errorMessage: event.errorMessage } : {}),
        }),
      })),
      ...(offset + size < events.length ? { NextToken: String(offset + size) } : {}),
    },
  };
}
