import { LookupEventsCommand, type CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import {
  GetAccessKeyLastUsedCommand,
  GetLoginProfileCommand,
  GetUserCommand,
  ListAccessKeysCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupsForUserCommand,
  ListMFADevicesCommand,
  ListUserPoliciesCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { errorName, isNoSuchEntity } from '../commons/errors';
import type { SerialLimiter } from '../commons/rate-limiter';

/** CloudTrail's event history holds 90 days; LookupEvents can return no more. */
export const LOOKUP_WINDOW_DAYS = 90;
/** IAM and console sign-in events land in us-east-1 whatever region the user works in. */
export const HOME_REGION = 'us-east-1';
const RECENT_EVENTS = 20;

export interface TrailEvent {
  readonly eventTime: string;
  readonly eventName: string;
  readonly eventSource: string;
  readonly region: string;
  readonly sourceIPAddress: string;
  readonly userAgent: string;
}

export interface CloudTrailSummary {
  readonly regions: string[];
  readonly windowDays: number;
  readonly totalEvents: number;
  /** True when the event cap stopped the lookup before the 90 days were read. */
  readonly truncated: boolean;
  readonly lastEvent: TrailEvent | null;
  readonly countsByEventName: Record<string, number>;
  readonly sourceIps: string[];
  readonly userAgents: string[];
  readonly recentEvents: TrailEvent[];
}

export interface IamFacts {
  readonly groups: string[];
  readonly managedPolicies: string[];
  readonly inlinePolicies: string[];
  readonly accessKeys: {
    id: string;
    status: string;
    createDate: string | null;
    lastUsedDate: string | null;
    lastUsedService: string | null;
  }[];
  readonly mfaDevices: string[];
  readonly consoleAccess: boolean;
  readonly passwordLastUsed: string | null;
  readonly permissionsBoundary: string | null;
}

export interface CaseContext {
  readonly gatheredAt: string;
  readonly iam: IamFacts;
  readonly cloudTrail: CloudTrailSummary;
}

export interface LookupDeps {
  readonly clientFor: (region: string) => CloudTrailClient;
  readonly limiter: SerialLimiter;
  readonly maxEventsPerRegion: number;
  readonly now: Date;
}

/** Every event of the user in the last 90 days, region by region, within the account's lookup rate. */
export async function lookupUserEvents(
  userName: string,
  regions: string[],
  deps: LookupDeps,
): Promise<CloudTrailSummary> {
  const start = new Date(deps.now.getTime() - LOOKUP_WINDOW_DAYS * 86_400_000);
  const events: TrailEvent[] = [];
  let truncated = false;
  for (const region of regions) {
    const client = deps.clientFor(region);
    let nextToken: string | undefined;
    let read = 0;
    do {
      const command = new LookupEventsCommand({
        LookupAttributes: [{ AttributeKey: 'Username', AttributeValue: userName }],
        StartTime: start,
        EndTime: deps.now,
        MaxResults: 50,
        NextToken: nextToken,
      });
      const page = await throughLimiter(deps.limiter, region, () => client.send(command));
      for (const event of page.Events ?? []) {
        const detail = parseDetail(event.CloudTrailEvent);
        events.push({
          eventTime: (event.EventTime ?? deps.now).toISOString(),
          eventName: event.EventName ?? 'unknown',
          eventSource: event.EventSource ?? 'unknown',
          region,
          sourceIPAddress: detail.sourceIPAddress ?? 'unknown',
          userAgent: detail.userAgent ?? 'unknown',
        });
      }
      read += page.Events?.length ?? 0;
      nextToken = page.NextToken;
      if (nextToken && read >= deps.maxEventsPerRegion) {
        truncated = true;
        nextToken = undefined;
      }
    } while (nextToken);
  }
  return summarize(events, regions, truncated);
}

/**
 * Every attempt, retries included, waits for its turn at the limiter: an SDK-level retry would
 * bypass it and turn one throttled call into a burst.
 */
async function throughLimiter<T>(
  limiter: SerialLimiter,
  region: string,
  call: () => Promise<T>,
  attempts = 8,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await limiter.run(region, call);
    } catch (error) {
      if (!/Throttling/.test(errorName(error)) || attempt >= attempts) throw error;
    }
  }
}

function parseDetail(json: string | undefined): { sourceIPAddress?: string; userAgent?: string } {
  if (!json) return {};
  try {
    return JSON.parse(json) as { sourceIPAddress?: string; userAgent?: string };
  } catch {
    return {};
  }
}

export function summarize(events: TrailEvent[], regions: string[], truncated: boolean): CloudTrailSummary {
  const sorted = [...events].sort((a, b) => b.eventTime.localeCompare(a.eventTime));
  const countsByEventName: Record<string, number> = {};
  for (const event of sorted)
    countsByEventName[event.eventName] = (countsByEventName[event.eventName] ?? 0) + 1;
  return {
    regions,
    windowDays: LOOKUP_WINDOW_DAYS,
    totalEvents: sorted.length,
    truncated,
    lastEvent: sorted[0] ?? null,
    countsByEventName,
    sourceIps: [...new Set(sorted.map((event) => event.sourceIPAddress))].slice(0, 20),
    userAgents: [...new Set(sorted.map((event) => event.userAgent))].slice(0, 10),
    recentEvents: sorted.slice(0, RECENT_EVENTS),
  };
}

/** What the user can do and how they can sign in: the permissions half of the evidence. */
export async function gatherIamFacts(iam: IAMClient, userName: string): Promise<IamFacts> {
  const UserName = userName;
  const [user, groups, attached, inline, keys, mfa] = await Promise.all([
    iam.send(new GetUserCommand({ UserName })),
    iam.send(new ListGroupsForUserCommand({ UserName })),
    iam.send(new ListAttachedUserPoliciesCommand({ UserName })),
    iam.send(new ListUserPoliciesCommand({ UserName })),
    iam.send(new ListAccessKeysCommand({ UserName })),
    iam.send(new ListMFADevicesCommand({ UserName })),
  ]);
  let consoleAccess = true;
  try {
    await iam.send(new GetLoginProfileCommand({ UserName }));
  } catch (error) {
    if (!isNoSuchEntity(error)) throw error;
    consoleAccess = false;
  }
  const accessKeys = [];
  for (const key of keys.AccessKeyMetadata ?? []) {
    const used = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key.AccessKeyId! }));
    accessKeys.push({
      id: key.AccessKeyId!,
      status: key.Status ?? 'unknown',
      createDate: key.CreateDate?.toISOString() ?? null,
      lastUsedDate: used.AccessKeyLastUsed?.LastUsedDate?.toISOString() ?? null,
      lastUsedService: used.AccessKeyLastUsed?.LastUsedDate
        ? (used.AccessKeyLastUsed.ServiceName ?? null)
        : null,
    });
  }
  return {
    groups: (groups.Groups ?? []).map((group) => group.GroupName!),
    managedPolicies: (attached.AttachedPolicies ?? []).map((policy) => policy.PolicyArn!),
    inlinePolicies: inline.PolicyNames ?? [],
    accessKeys,
    mfaDevices: (mfa.MFADevices ?? []).map((device) => device.SerialNumber!),
    consoleAccess,
    passwordLastUsed: user.User?.PasswordLastUsed?.toISOString() ?? null,
    permissionsBoundary: user.User?.PermissionsBoundary?.PermissionsBoundaryArn ?? null,
  };
}
