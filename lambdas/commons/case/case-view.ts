import { count, deciderName } from '../runtime/text';
import { accountLabel } from '../iam/member-account';
import type { CaseContext } from './evidence';
import type { CaseRecord } from './record';
import { credentialText } from './subject';

/**
 * The evidence of a case as label/value pairs, shared by the Jira ticket and the Slack message so
 * that both show an approver the same facts in the same words.
 */
export interface CaseFacts {
  readonly rows: [label: string, value: string][];
  readonly permissions: [label: string, values: string[]][];
  readonly context: CaseContext | undefined;
  readonly executionUrl: string;
}

export function executionConsoleUrl(executionArn: string): string {
  const region = executionArn.split(':')[3] || 'us-east-1';
  return `https://${region}.console.aws.amazon.com/states/home?region=${region}#/v2/executions/details/${executionArn}`;
}

export function caseFacts(record: CaseRecord): CaseFacts {
  const context = record.context;
  const candidate = record.candidate;
  const iam = context?.iam;
  const lastActivity = candidate.lastActivity
    ? `${candidate.lastActivity.slice(0, 10)} (${candidate.lastActivitySource.replace(/_/g, ' ')})`
    : 'none recorded';
  const account = accountLabel(candidate);
  const rows: [string, string][] = [
    ['User', record.userName],
    ...(account ? ([['AWS account', account]] as [string, string][]) : []),
    ...(candidate.requested
      ? ([
          [
            'Offboarding',
            `requested by ${deciderName(candidate.requested.by)} at ${candidate.requested.at.slice(0, 16).replace('T', ' ')} UTC${candidate.requested.reason ? `: ${candidate.requested.reason}` : ''}; the user may be active`,
          ],
        ] as [string, string][])
      : []),
    ...(candidate.kind === 'credential'
      ? ([['Credential', credentialText(record)]] as [string, string][])
      : []),
    ['ARN', record.arn],
    ['Why', candidate.reason],
    ['Last activity', lastActivity],
    ['Idle days', String(candidate.idleDays)],
  ];
  if (iam) rows.push(...credentialRows(iam));
  if (context) rows.push(['CloudTrail (90 days)', trailText(context.cloudTrail)]);
  rows.push(['Case', record.caseId]);
  const permissions: [string, string[]][] = iam
    ? [
        ['Groups', iam.groups],
        ['Managed policies', iam.managedPolicies],
        ['Inline policies', iam.inlinePolicies],
        ['Permissions boundary', iam.permissionsBoundary ? [iam.permissionsBoundary] : []],
      ]
    : [];
  return { rows, permissions, context, executionUrl: executionConsoleUrl(record.executionArn) };
}

/** How the user can sign in and call AWS, as the context step read it. */
function credentialRows(iam: NonNullable<CaseContext['iam']>): [string, string][] {
  return [
    [
      'Console access',
      iam.consoleAccess ? `yes, password last used ${iam.passwordLastUsed?.slice(0, 10) ?? 'never'}` : 'no',
    ],
    [
      'Access keys',
      iam.accessKeys.length === 0
        ? 'none'
        : iam.accessKeys
            .map((key) => `${key.id} ${key.status}, last used ${key.lastUsedDate?.slice(0, 10) ?? 'never'}`)
            .join('; '),
    ],
    [
      // Not in the credential report: only CloudTrail shows their use (GitPull, Bedrock, Keyspaces calls).
      'SSH and service keys',
      [
        ...(iam.sshPublicKeys ?? []).map((key) => `SSH key ${key.id} ${key.status}`),
        ...(iam.serviceSpecificCredentials ?? []).map(
          (credential) => `${credential.serviceName} credential ${credential.id} ${credential.status}`,
        ),
      ].join('; ') || 'none',
    ],
    ['MFA', iam.mfaDevices.length === 0 ? 'none' : count(iam.mfaDevices.length, 'device')],
  ];
}

/** `12 events, last GetObject on 2026-09-01, 2 failed sign-in attempts` */
function trailText(trail: CaseContext['cloudTrail']): string {
  if (trail.totalEvents === 0) return `no events in ${trail.regions.join(', ')}`;
  return [
    `${trail.totalEvents}${trail.truncated ? '+' : ''} event${trail.totalEvents === 1 ? '' : 's'}`,
    trail.lastEvent
      ? `last ${trail.lastEvent.eventName} on ${trail.lastEvent.eventTime.slice(0, 10)}`
      : 'none of them a successful action',
    ...(trail.failedSignIns
      ? [`${trail.failedSignIns} failed sign-in attempt${trail.failedSignIns === 1 ? '' : 's'}`]
      : []),
  ].join(', ');
}
