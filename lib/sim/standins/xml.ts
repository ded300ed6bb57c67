import type * as http from 'node:http';
import { stableId } from '../account';

/** The query protocol's lists, and the XML IAM answers in. */

/** Reads `Tags.member.1.Key=…&Tags.member.1.Value=…` from a query-protocol request. */
export function memberList(params: Record<string, string>, name: string): Record<string, string>[] {
  const members = new Map<number, Record<string, string>>();
  for (const [key, value] of Object.entries(params)) {
    const match = new RegExp(`^${name}\\.member\\.(\\d+)\\.(\\w+)$`).exec(key);
    if (!match) continue;
    const member = members.get(Number(match[1])) ?? {};
    member[match[2]!] = value;
    members.set(Number(match[1]), member);
  }
  return [...members.entries()].sort(([a], [b]) => a - b).map(([, member]) => member);
}

export function memberValues(params: Record<string, string>, name: string): string[] {
  return Object.entries(params)
    .filter(([key]) => new RegExp(`^${name}\\.member\\.\\d+$`).test(key))
    .sort(([a], [b]) => Number(a.split('.').pop()) - Number(b.split('.').pop()))
    .map(([, value]) => value);
}

export function toXml(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map((item) => `<member>${toXml(item)}</member>`).join('');
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .filter(([, child]) => child !== undefined)
      .map(([key, child]) => `<${key}>${toXml(child)}</${key}>`)
      .join('');
  }
  return escapeXml(String(value));
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function requestId(): string {
  return stableId('', String(Math.random()), 32).toLowerCase();
}

/**
 * A query-protocol answer (IAM, STS, CloudFormation, SNS): `<ActionResponse>` with its result (none
 * for an action that returns nothing) and the request id, in the service's namespace.
 */
export function sendQueryResult(
  response: http.ServerResponse,
  namespace: string,
  action: string,
  result: unknown,
): void {
  const inner = result === undefined ? '' : `<${action}Result>${toXml(result)}</${action}Result>`;
  response.writeHead(200, { 'content-type': 'text/xml' });
  response.end(
    `<${action}Response xmlns="${namespace}">${inner}<ResponseMetadata><RequestId>${requestId()}</RequestId></ResponseMetadata></${action}Response>`,
  );
}

/** A query-protocol error: `<ErrorResponse>` with the code and message the service would send. */
export function sendQueryError(
  response: http.ServerResponse,
  namespace: string,
  failure: { readonly status: number; readonly code: string; readonly message: string },
): void {
  response.writeHead(failure.status, { 'content-type': 'text/xml' });
  response.end(
    `<ErrorResponse xmlns="${namespace}"><Error><Type>Sender</Type><Code>${failure.code}</Code><Message>${escapeXml(failure.message)}</Message></Error><RequestId>${requestId()}</RequestId></ErrorResponse>`,
  );
}
