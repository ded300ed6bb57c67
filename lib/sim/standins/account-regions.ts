import type * as http from 'node:http';
import type { RegionOptStatus, SimAccount } from '../account';
import { StandinError, type CallRecord } from './standin-types';

/**
 * The Account API's ListRegions (REST-JSON, `POST /listRegions`), as AWS answers it for the
 * caller's own account: every region with its opt-in status, filtered by RegionOptStatusContains,
 * at most MaxResults (1 to 50) a page, continued with NextToken.
 */

/** Regions AWS enables in every account, and opt-in ones an account has to enable itself. */
const ENABLED_BY_DEFAULT = [
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ca-central-1',
  'eu-central-1',
  'eu-north-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'sa-east-1',
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
];
const OPT_IN = ['af-south-1', 'ap-east-1', 'eu-south-1', 'me-south-1'];
const STATUSES = new Set<RegionOptStatus>([
  'ENABLED',
  'ENABLING',
  'DISABLING',
  'DISABLED',
  'ENABLED_BY_DEFAULT',
]);

/** An account's regions when its scenario names none. */
export function defaultRegions(): { name: string; status: RegionOptStatus }[] {
  return [
    ...ENABLED_BY_DEFAULT.map((name) => ({ name, status: 'ENABLED_BY_DEFAULT' as const })),
    ...OPT_IN.map((name) => ({ name, status: 'DISABLED' as const })),
  ];
}

export function listRegions(account: SimAccount, body: Record<string, unknown>): unknown {
  if (body.AccountId !== undefined && body.AccountId !== account.accountId)
    throw new StandinError(
      'AccessDeniedException',
      'The caller is not the management account or a delegated administrator',
      403,
    );
  const wanted = (body.RegionOptStatusContains as string[] | undefined) ?? [];
  for (const status of wanted)
    if (!STATUSES.has(status as RegionOptStatus))
      throw new StandinError('ValidationException', `Invalid RegionOptStatus: ${status}`, 400);
  const size = body.MaxResults === undefined ? 20 : Number(body.MaxResults);
  if (!Number.isInteger(size) || size < 1 || size > 50)
    throw new StandinError('ValidationException', 'MaxResults must be between 1 and 50', 400);
  const regions = (account.regions ?? defaultRegions())
    .filter((region) => wanted.length === 0 || wanted.includes(region.status))
    .sort((a, b) => a.name.localeCompare(b.name));
  const offset = body.NextToken === undefined ? 0 : Number(body.NextToken);
  if (!Number.isInteger(offset) || offset < 0 || offset > regions.length)
    throw new StandinError('ValidationException', 'The NextToken is not valid', 400);
  const page = regions.slice(offset, offset + size);
  return {
    Regions: page.map((region) => ({ RegionName: region.name, RegionOptStatus: region.status })),
    ...(offset + size < regions.length ? { NextToken: String(offset + size) } : {}),
  };
}

/** One Account API request: recorded in `calls`, answered in REST-JSON (errors by x-amzn-errortype). */
export function serveAccountApi(
  { account, calls }: { readonly account: SimAccount; readonly calls: CallRecord[] },
  request: http.IncomingMessage,
  body: string,
  response: http.ServerResponse,
): void {
  const record: CallRecord = { service: 'account', action: 'ListRegions', params: {}, at: Date.now() };
  calls.push(record);
  try {
    const path = request.url ?? '';
    if (path !== '/listRegions')
      throw new StandinError('UnknownOperationException', `${path} is not served`, 404);
    const input = JSON.parse(body || '{}') as Record<string, unknown>;
    record.params = { RegionOptStatusContains: String(input.RegionOptStatusContains ?? '') };
    const answer = JSON.stringify(listRegions(account, input));
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(answer);
  } catch (error) {
    const failure =
      error instanceof StandinError ? error : new StandinError('InternalServerException', String(error), 500);
    record.error = failure.code;
    response.writeHead(failure.status, {
      'content-type': 'application/json',
      'x-amzn-errortype': failure.code,
    });
    response.end(JSON.stringify({ message: failure.message }));
  }
}
