import type { CredentialReportRow } from '../../lambdas/inventory/credential-report';

export const NOW = new Date('2026-11-22T09:00:00Z');
export const daysAgo = (days: number) =>
  new Date(NOW.getTime() - days * 86_400_000).toISOString().replace(/\.\d{3}Z$/, '+00:00');

/** A credential-report row for a user with nothing: no password, no keys, created 400 days ago. */
export function row(overrides: Partial<CredentialReportRow> = {}): CredentialReportRow {
  return {
    user: 'alice',
    arn: 'arn:aws:iam::123456789012:user/alice',
    user_creation_time: daysAgo(400),
    password_enabled: 'false',
    password_last_used: 'N/A',
    password_last_changed: 'N/A',
    mfa_active: 'false',
    access_key_1_active: 'false',
    access_key_1_last_rotated: 'N/A',
    access_key_1_last_used_date: 'N/A',
    access_key_2_active: 'false',
    access_key_2_last_rotated: 'N/A',
    access_key_2_last_used_date: 'N/A',
    ...overrides,
  };
}

export const POLICY = {
  thresholdDays: 45,
  protectedTagKey: 'iam-janitor:protected',
  keepUntilTagKey: 'iam-janitor:keep-until',
  maxKeepDays: 365,
  exemptUserNames: ['break-glass-admin'],
  exemptPathPrefixes: ['/service-accounts/'],
  maxCasesPerRun: 25,
  maxCandidateFraction: 0.2,
  credentialCases: true,
};
