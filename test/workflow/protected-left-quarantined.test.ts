import { quarantineHeld } from '../../lambdas/commons/case/outcome';
import { main } from '../../lib/cli/main';
import { auditRow } from '../../lib/audit/rows';
import { CASE_TABLE } from '../../lib/sim/standins/dynamo';
import { summaryOf } from '../../lambdas/summary/summary';
import { CASE_ID } from '../helpers/sim';
import { jiraText, silentQuarantine } from '../helpers/quarantine-trip';

const DENY_ALL = 'arn:aws:iam::aws:policy/AWSDenyAll';

/**
 * An admin marks the quarantined user protected during its wait (the hand-set exemption THREATS.md
 * says is honoured). The deletion at the end is refused, rightly, and the case closes with the
 * user still denied everything (no automatic release: a person decides). Every text must say so
 * and name the one command that takes it off, the weekly summary lists it as left quarantined,
 * and that command does release it.
 */
describe('a user protected during its quarantine', () => {
  it('is told as left quarantined, listed in the summary, and released by the named command', async () => {
    let released!: { code: number; text: string };
    const { record, account, slack, jira } = await silentQuarantine(
      (acct, day) => {
        if (day === 1) acct.users.get('loaded')!.tags['iam-janitor:protected'] = 'break-glass';
      },
      {},
      async () => {
        const out: string[] = [];
        const code = await main(
          ['release', '--case', CASE_ID, '--table', CASE_TABLE, '--yes', '--by', 'alice'],
          {
            stdout: (text) => void out.push(text),
            stderr: (text) => void out.push(text),
          },
        );
        released = { code, text: out.join('\n') };
      },
    );
    expect(record.outcome).toBe('refused');
    expect(record.status).toBe('closed');
    expect(quarantineHeld(record)).toBe(true);
    const command = `iam-janitor release --case ${CASE_ID}`;
    const closing = slack.posts.map((post) => post.text).filter((text) => text.includes('refused'));
    expect(closing.length).toBeGreaterThan(0);
    for (const text of [...closing, jiraText(jira)]) {
      expect(text).not.toMatch(/never changes it|nothing changed/);
      expect(text).toMatch(/still quarantined[^.]*denied everything/);
      expect(text).toContain(command);
    }
    expect(auditRow(record).quarantine).toMatch(/denied everything/);
    expect(summaryOf([record], undefined, new Date(0)).leftQuarantined).toEqual(['loaded']);
    // The named command works on the protected user: it takes off only what iam-janitor put on.
    expect(released.code).toBe(0);
    const user = account.users.get('loaded')!;
    expect(user.managedPolicies).not.toContain(DENY_ALL);
    expect(user.tags['iam-janitor:protected']).toBe('break-glass');
    expect(Object.keys(user.tags).filter((key) => key.startsWith('iam-janitor:quarantine'))).toEqual([]);
  }, 120_000);
});
