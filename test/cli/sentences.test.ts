import * as path from 'node:path';
import type { CaseRecord } from '../../lambdas/commons/case/record';
import { openingSentence } from '../../lambdas/commons/jira/adf';
import { outcomeComment } from '../../lambdas/commons/case/outcome';
import { outcomeDetail } from '../../lambdas/commons/case/outcome-detail';
import type { Snapshot } from '../../lambdas/commons/iam/snapshot';
import { count } from '../../lambdas/commons/runtime/text';
import { main } from '../../lib/cli/main';

/**
 * Every sentence the product writes is a function of the record, tried here on the cases where a
 * careless version of it would be false.
 */
const TABLE = 'iam-janitor-cases';
const snapshot = {
  arn: 'arn:aws:iam::123456789012:user/frank',
  managedPolicies: [],
  accessKeys: [{ id: 'AKIAFRANK0000000001A', status: 'Active', createDate: '', lastUsedDate: null }],
  sshPublicKeys: [{ id: 'APKAFRANK000000000001', status: 'Active' }],
  serviceSpecificCredentials: [],
  signingCertificates: [],
  loginProfile: { createDate: '2024-01-01T00:00:00Z' },
} as unknown as Snapshot;
const record = (overrides: Partial<CaseRecord> = {}) =>
  ({
    caseId: 'AIDAFRANK-2026-11-22',
    userName: 'frank',
    candidate: { kind: 'user', userName: 'frank' },
    snapshot,
    removed: [],
    ...overrides,
  }) as unknown as CaseRecord;

/** What `iam-janitor simulate --scenario examples/<name>.json` prints, as one text. */
async function simulateText(example: string): Promise<string> {
  const out: string[] = [];
  const collect = (text: string) => void out.push(text);
  await main(['simulate', '--scenario', path.join(__dirname, '..', '..', 'examples', `${example}.json`)], {
    stdout: collect,
    stderr: collect,
    style: undefined as never,
    progress: undefined as never,
  });
  return out.join('\n');
}

describe('every sentence true', () => {
  it('an offboarding ticket says who asked, never that the user looks inactive', () => {
    const asked = openingSentence({
      ...record(),
      candidate: {
        kind: 'user',
        userName: 'frank',
        requested: { by: 'U0456GHIJKL', at: '2026-11-22T09:00:00Z', reason: 'left on 2026-11-21' },
      },
    } as never);
    expect(asked).toMatch(
      /^Slack user U0456GHIJKL asked iam-janitor to offboard an IAM user, whether or not it is in use\. Their reason: left on 2026-11-21\./,
    );
    expect(asked).not.toMatch(/inactive/);
  });

  it('a credential ticket names the CIS version with the control number', () => {
    expect(
      openingSentence({ ...record(), candidate: { kind: 'credential', userName: 'frank' } } as never),
    ).toMatch(/CIS AWS Foundations v5\.0\.0 1\.11, v3\.0\.0 1\.12/);
  });

  it.each([
    [
      'disabled',
      /Undo with: iam-janitor restore --case AIDAFRANK-2026-11-22 --table iam-janitor-cases; or by hand, taking off the deny and turning back on what Disable turned off: aws iam detach-user-policy --user-name frank --policy-arn arn:aws:iam::aws:policy\/AWSDenyAll; aws iam update-access-key .*AKIAFRANK0000000001A --status Active; aws iam update-ssh-public-key .*; aws iam create-login-profile/,
    ],
    ['dry-run', /Nothing to undo: the dry run changed nothing\./],
    ['deleted', /Restore with: iam-janitor restore --case AIDAFRANK-2026-11-22 --table iam-janitor-cases/],
  ] as const)('after %s, the snapshot line gives advice that works for that outcome', (outcome, advice) => {
    const line = outcomeComment(record(), outcome, undefined, TABLE).find((text) =>
      text.startsWith('Snapshot'),
    )!;
    expect(line).toMatch(advice);
    // restore recreates a deleted user and undoes a Disable; a dry run has nothing to undo.
    if (outcome === 'dry-run') expect(line).not.toContain('iam-janitor restore');
  });

  it('tells an approver what Jira or Slack said, without an internal class name', () => {
    const detail = outcomeDetail('failed', {
      Error: 'JiraUnavailableError',
      Cause: JSON.stringify({
        errorMessage: 'Jira did not answer "open the ticket" (503): down for maintenance',
      }),
    });
    expect(detail).toBe('Jira did not answer "open the ticket" (503): down for maintenance');
  });

  it('counts in the right number', () => {
    expect([count(0, 'day'), count(1, 'day'), count(2, 'day'), count(1, 'case')]).toEqual([
      '0 days',
      '1 day',
      '2 days',
      '1 case',
    ]);
  });

  it('a halted sweep says no case was opened, and never counts its preview as opened cases', async () => {
    const out = await simulateText('guard-trip');
    const text = out;
    expect(text).toMatch(/Sweep: \d+ users, halted by the guard: no case opened, \d+ candidates waiting/);
    expect(text).not.toMatch(/\d+ cases opened/);
  }, 60_000);

  it('names the account of each case in an organization summary, so two users of one name are told apart', async () => {
    const out = await simulateText('organization');
    const after = out.split('── Summary')[1]!.split('\n').slice(1);
    // The table: up to the blank line before the notes.
    const summary = after.slice(
      0,
      after.findIndex((line) => line.trim() === '' || line.startsWith('──')),
    );
    expect(summary[0]).toMatch(/^\s+ACCOUNT\s+USER\s+DECISION/);
    expect(
      summary.filter((line) => /\balice\b/.test(line)).map((line) => line.trim().split(/\s+/)[0]),
    ).toEqual(['111111111111', '222222222222']);
  }, 60_000);

  it('explains a missing region and an unreachable endpoint instead of printing the raw error', async () => {
    const { explainAwsError } = await import('../../lib/cli/aws-errors');
    expect(explainAwsError(new Error('Region is missing'))).toMatch(/^No AWS region is set: set AWS_REGION/);
    const refused = explainAwsError(new Error('connect ECONNREFUSED 127.0.0.1:4566'));
    expect(refused).toMatch(
      /^Could not reach 127\.0\.0\.1:4566 \(ECONNREFUSED\)\. Check your network connection/,
    );
    expect(explainAwsError(new Error('getaddrinfo ENOTFOUND iam.amazonaws.com'))).toMatch(
      /^Could not reach iam\.amazonaws\.com \(ENOTFOUND\)/,
    );
  });

  it('gives up on an address that refuses connections after 2 attempts at a terminal, not after 10', async () => {
    const { PatientRetryStrategy } = await import('../../lambdas/commons/runtime/retry');
    const { configureClients, clientSettings } =
      await import('../../lambdas/commons/runtime/client-settings');
    const net = await import('node:net');
    // A port nobody listens on: bound, then closed.
    const port = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = server.address() as { port: number };
        server.close(() => resolve(free));
      });
    });
    const previous = clientSettings();
    let attempts = 0;
    const strategy = new PatientRetryStrategy(10, 1);
    const counting = {
      mode: strategy.mode,
      acquireInitialRetryToken: async () => {
        attempts++;
        return strategy.acquireInitialRetryToken();
      },
      refreshRetryTokenForRetry: async (...args: Parameters<typeof strategy.refreshRetryTokenForRetry>) => {
        const token = await strategy.refreshRetryTokenForRetry(...args);
        attempts++;
        return token;
      },
      recordSuccess: () => {},
    };
    const { IAMClient, ListUsersCommand } = await import('@aws-sdk/client-iam');
    const iam = (unreachableAttempts?: number) => {
      configureClients({ ...previous, unreachableAttempts });
      attempts = 0;
      return new IAMClient({
        endpoint: `http://127.0.0.1:${port}`,
        region: 'us-east-1',
        credentials: { accessKeyId: 'AKIATESTSTANDIN00000', secretAccessKey: 'test' },
        retryStrategy: counting as never,
      });
    };
    try {
      const atTerminal = await iam(2)
        .send(new ListUsersCommand({}))
        .catch((error: Error) => error);
      expect(String(atTerminal)).toContain('ECONNREFUSED');
      expect(attempts).toBe(2);
      // Inside AWS (no setting) the same error gets the full patience.
      await iam(undefined)
        .send(new ListUsersCommand({}))
        .catch(() => undefined);
      expect(attempts).toBe(10);
    } finally {
      configureClients(previous);
    }
    // And the CLI sets the terminal's patience for every command it runs.
    await main(['report', '--threshold-days', 'x'], { stdout: () => {}, stderr: () => {} });
    expect(clientSettings().unreachableAttempts).toBe(2);
    configureClients(previous);
  });
});
