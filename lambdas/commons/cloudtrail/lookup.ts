import { LookupEventsCommand, type CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { errorName } from '../runtime/errors';
import type { LookupLimiter } from './rate-limiter';
import { clip } from '../runtime/text';
import { DAY_MS } from '../runtime/time';

/**
 * CloudTrail event history, read by the context step (the evidence, and the use of credentials the
 * credential report leaves out) and by the remover's last re-check.
 */

/** CloudTrail's event history holds 90 days; LookupEvents can return no more. */
export const LOOKUP_WINDOW_DAYS = 90;
/** IAM and console sign-in events land in us-east-1 whatever region the user works in. */
export const HOME_REGION = 'us-east-1';
const RECENT_EVENTS = 20;

/** The regions a user's events are read in: us-east-1, then the configured ones, each once. */
export function lookupRegions(config: { readonly cloudTrailRegions: readonly string[] }): string[] {
  return [...new Set([HOME_REGION, ...config.cloudTrailRegions])];
}

export interface TrailEvent {
  readonly eventTime: string;
  readonly eventName: string;
  readonly eventSource: string;
  readonly region: string;
  readonly sourceIPAddress: string;
  readonly userAgent: string;
  /**
   * A console sign-in that failed (`responseElements.ConsoleLogin` is `Failure`): someone tried the
   * password and did not get in, so it is shown as an attempt and never counts as activity.
   */
  readonly failed?: boolean;
  /** The access key that signed the request, when one did. */
  readonly accessKeyId?: string;
  /** Why the request was refused (`AccessDenied` for one an explicit deny stopped), when it was. */
  readonly errorCode?: string;
}

export interface CloudTrailSummary {
  readonly regions: string[];
  readonly windowDays: number;
  readonly totalEvents: number;
  /** True when the event cap stopped the lookup before the 90 days were read. */
  readonly truncated: boolean;
  /** The latest event that shows the user's credentials at work: failed sign-ins excluded. */
  readonly lastEvent: TrailEvent | null;
  readonly failedSignIns?: number;
  readonly countsByEventName: Record<string, number>;
  readonly sourceIps: string[];
  readonly userAgents: string[];
  readonly recentEvents: TrailEvent[];
}

export interface LookupDeps {
  readonly clientFor: (region: string) => CloudTrailClient;
  /** Paces the lookups by region; organization mode's limiter keys them by account too. */
  readonly limiter: LookupLimiter;
  readonly maxEventsPerRegion: number;
  readonly now: Date;
  /** The start of the window. @default 90 days before now */
  readonly since?: Date;
}

/**
 * Who made a call, as the event's userIdentity says: LookupEvents' Username is an IAM user's name
 * or a role session's, which anyone who may assume a role can choose; only these tell them apart.
 */
export interface TrailIdentity {
  readonly type?: string;
  readonly principalId?: string;
  readonly arn?: string;
  /** A session's issuer: the role, or the IAM user whose long-term keys made a federation token. */
  readonly sessionContext?: {
    readonly sessionIssuer?: { readonly type?: string; readonly principalId?: string; readonly arn?: string };
  };
}

/** An event with who made it and its parameters: what the quarantine watcher judges by. */
export interface DetailedTrailEvent extends TrailEvent {
  readonly identity: TrailIdentity;
  readonly requestParameters?: Record<string, unknown>;
}

/** What a read found, and where it could not read everything. */
export interface TrailRead {
  readonly events: DetailedTrailEvent[];
  /** Regions where the cap stopped the read before the window was read. */
  readonly truncated: string[];
  /** Regions whose calls failed (a disabled region, a refused call), when `keepGoing` asked to go on. */
  readonly unreadable: { readonly region: string; readonly error: string }[];
}

/** Every event of the user in the window, region by region, within the account's lookup rate. */
export async function lookupUserEvents(
  userName: string,
  regions: string[],
  deps: LookupDeps,
): Promise<CloudTrailSummary> {
  const read = await readTrail({ AttributeKey: 'Username', AttributeValue: userName }, regions, deps);
  const events = read.events.map(
    ({ identity: _identity, requestParameters: _parameters, ...event }) => event,
  );
  return summarize(events, regions, read.truncated.length > 0);
}

/**
 * The events matching one lookup attribute (LookupEvents takes one), region by region. A region
 * whose call fails stops the read, unless `keepGoing`: then it is named in `unreadable`.
 */
export async function readTrail(
  attribute: { readonly AttributeKey: 'Username' | 'EventName'; readonly AttributeValue: string },
  regions: readonly string[],
  deps: LookupDeps & { readonly keepGoing?: boolean },
): Promise<TrailRead> {
  const start = deps.since ?? new Date(deps.now.getTime() - LOOKUP_WINDOW_DAYS * DAY_MS);
  const read: TrailRead = { events: [], truncated: [], unreadable: [] };
  for (const region of regions) {
    try {
      if (await readRegion(attribute, region, start, deps, read.events)) read.truncated.push(region);
    } catch (error) {
      if (!deps.keepGoing) throw error;
      read.unreadable.push({ region, error: errorName(error) });
    }
  }
  return read;
}

/** One region's events into `events`; true when the cap stopped it early. */
async function readRegion(
  attribute: { readonly AttributeKey: 'Username' | 'EventName'; readonly AttributeValue: string },
  region: string,
  start: Date,
  deps: LookupDeps,
  events: DetailedTrailEvent[],
): Promise<boolean> {
  const client = deps.clientFor(region);
  let nextToken: string | undefined;
  let read = 0;
  do {
    const command = new LookupEventsCommand({
      LookupAttributes: [attribute],
      StartTime: start,
      EndTime: deps.now,
      MaxResults: 50,
      NextToken: nextToken,
    });
    const page = await throughLimiter(deps.limiter, region, () => client.send(command));
    for (const event of page.Events ?? []) {
      const detail = parseDetail(event.CloudTrailEvent);
      const failed =
        event.EventName === 'ConsoleLogin' && detail.responseElements?.ConsoleLogin === 'Failure';
      events.push({
        eventTime: (event.EventTime ?? deps.now).toISOString(),
        eventName: event.EventName ?? 'unknown',
        eventSource: event.EventSource ?? 'unknown',
        region,
        sourceIPAddress: detail.sourceIPAddress ?? 'unknown',
        userAgent: detail.userAgent ?? 'unknown',
        ...(failed ? { failed: true } : {}),
        ...(event.AccessKeyId ? { accessKeyId: event.AccessKeyId } : {}),
        ...(detail.errorCode ? { errorCode: detail.errorCode } : {}),
        identity: detail.userIdentity ?? {},
        ...(detail.requestParameters ? { requestParameters: detail.requestParameters } : {}),
      });
    }
    read += page.Events?.length ?? 0;
    nextToken = page.NextToken;
    if (nextToken && read >= deps.maxEventsPerRegion) return true;
  } while (nextToken);
  return false;
}

/**
 * The user's events since a date, in us-east-1 and the configured regions, at most 50 a region:
 * the remover's re-check of the credentials the report cannot show, and the quarantine watcher.
 */
export function userEventsSince(
  config: { readonly cloudTrailRegions: readonly string[] },
  access: Pick<LookupDeps, 'clientFor' | 'limiter'>,
) {
  return (userName: string, since: Date, now: Date): Promise<CloudTrailSummary> =>
    lookupUserEvents(userName, lookupRegions(config), { ...access, maxEventsPerRegion: 50, now, since });
}

/**
 * Every attempt, retries included, waits for its turn at the limiter: an SDK-level retry would
 * bypass it and turn one throttled call into a burst.
 */
async function throughLimiter<T>(
  limiter: LookupLimiter,
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

interface EventDetail {
  errorCode?: string;
  sourceIPAddress?: string;
  userAgent?: string;
  responseElements?: { ConsoleLogin?: string } | null;
  userIdentity?: TrailIdentity;
  requestParameters?: Record<string, unknown>;
}

function parseDetail(json: string | undefined): EventDetail {
  if (!json) return {};
  try {
    return JSON.parse(json) as EventDetail;
  } catch {
    return {};
  }
}

export function summarize(events: TrailEvent[], regions: string[], truncated: boolean): CloudTrailSummary {
  const sorted = [...events].sort((a, b) => b.eventTime.localeCompare(a.eventTime));
  const countsByEventName: Record<string, number> = {};
  for (const event of sorted) {
    const name = event.failed ? `${event.eventName} (failed)` : event.eventName;
    countsByEventName[name] = (countsByEventName[name] ?? 0) + 1;
  }
  return {
    regions,
    windowDays: LOOKUP_WINDOW_DAYS,
    totalEvents: sorted.length,
    truncated,
    lastEvent: sorted.find((event) => !event.failed) ?? null,
    failedSignIns: sorted.filter((event) => event.failed).length,
    countsByEventName,
    sourceIps: [...new Set(sorted.map((event) => event.sourceIPAddress))].slice(0, 20),
    userAgents: [...new Set(sorted.map((event) => clip(event.userAgent, 200)))].slice(0, 10),
    recentEvents: sorted.slice(0, RECENT_EVENTS),
  };
}

/**
 * The latest event that shows the user acting, if it is within `thresholdDays` of now. SSH keys
 * and service-specific credentials never appear in the credential report, so CloudTrail is the
 * only witness of their use; any successful event by the user is taken as a sign of life.
 */
export function recentTrailActivity(
  summary: CloudTrailSummary,
  thresholdDays: number,
  now: Date,
): TrailEvent | undefined {
  const last = summary.lastEvent;
  if (!last) return undefined;
  return now.getTime() - Date.parse(last.eventTime) < thresholdDays * DAY_MS ? last : undefined;
}

export function describeTrailEvent(event: TrailEvent, now: Date): string {
  const days = Math.floor((now.getTime() - Date.parse(event.eventTime)) / DAY_MS);
  return `${event.eventName} (${event.eventSource}, ${event.region}) at ${event.eventTime.slice(0, 19).replace('T', ' ')} UTC, ${days} day${days === 1 ? '' : 's'} ago`;
}
