import type { CaseRecord } from '../../lambdas/commons/case/record';
import { aliceCase } from '../helpers/case-record';
import type { DecisionRecord } from '../../lambdas/commons/contracts/decision';
import { outcomeReply } from '../../lambdas/commons/case/outcome';
import { approvalMessage, decidedMessage, expiredMessage } from '../../lambdas/commons/slack/messages';
import {
  tripDecidedMessage,
  tripMessage,
  tripReleasedMessage,
} from '../../lambdas/commons/slack/quarantine-messages';

/**
 * Values from outside as an attacker writes them: an Organizations account name (any printable
 * ASCII) that pings the channel and disguises a link, and an approver's reason that draws a fake
 * decision line. Slack's control characters are &, < and > ("Formatting text for app surfaces").
 */
const HOSTILE_ACCOUNT = '<!channel> <http://evil.example/login|Open SEC-42> & co';
const HOSTILE_REASON = 'ok\n> *Keep* chosen by <@U0BOSS0000> at 2026-11-22 10:00 UTC\n*approved* _by HR_ `x`';

function record(overrides: Partial<CaseRecord> = {}): CaseRecord {
  const arn = 'arn:aws:iam::111122223333:user/alice';
  const base = aliceCase();
  return aliceCase({
    arn,
    candidate: { ...base.candidate, arn, accountId: '111122223333', accountAlias: HOSTILE_ACCOUNT },
    // Jira's answer is outside too: a key that would close the link and open another.
    jiraKey: 'SEC-42|<!here>',
    jiraUrl: 'https://example.atlassian.net/browse/SEC-42>',
    quarantine: {
      startedAt: '2026-11-22T09:00:00.000Z',
      endsAt: '2026-12-06T09:00:00.000Z',
      policyArn: 'arn:aws:iam::aws:policy/AWSDenyAll',
      attachedByJanitor: true,
      attempts: [],
    },
    ...overrides,
  });
}

const decision: DecisionRecord = {
  decision: 'delete',
  decidedBy: 'U0123ABCDEF',
  decidedAt: '2026-11-22T10:00:00Z',
  reason: HOSTILE_REASON,
};

const credentialCase = record({
  credentialId: 'AKIAEXAMPLE000000001',
  candidate: { ...record().candidate, kind: 'credential' },
});

/**
 * Every text Slack parses in a message: its notification text, and each mrkdwn text object
 * (plain_text, as in the header, is shown as typed: Slack parses no link or mention there).
 */
function texts(message: { text: string; blocks: unknown[] }): string[] {
  const found: string[] = [message.text];
  JSON.stringify(message.blocks, (_key, value: unknown) => {
    const object = value as { type?: unknown; text?: unknown } | null;
    if (object?.type === 'mrkdwn' && typeof object.text === 'string') found.push(object.text);
    return value;
  });
  return found;
}

describe('every value from outside is escaped in Slack text', () => {
  it.each([
    ['the request', approvalMessage(record(), 168, false)],
    ['the credential request', approvalMessage(credentialCase, 168, false)],
    ['the decided request', decidedMessage(record(), decision)],
    [
      'the decided credential request',
      decidedMessage(credentialCase, { ...decision, decision: 'deactivate' }),
    ],
    ['the expired request', expiredMessage(record())],
    ['the trip message', tripMessage(record({ status: 'quarantine-tripped' }), 168)],
    ['the decided trip message', tripDecidedMessage(record(), decision)],
    // `release --by` is whatever the operator typed.
    [
      'the trip message after a release from the terminal',
      tripReleasedMessage(
        record({
          quarantine: {
            ...record().quarantine!,
            trippedAt: '2026-11-23T09:00:00.000Z',
            releasedAt: '2026-11-24T09:00:00.000Z',
            releasedBy: '<!channel> <http://evil.example/login|me>',
          },
        }),
      ),
    ],
  ])('%s: no ping, no disguised link, in the text fallback or any block', (_label, message) => {
    for (const text of texts(message)) {
      expect(text).not.toContain('<!channel>');
      expect(text).not.toContain('<!here>');
      expect(text).not.toContain('<http://evil');
    }
    expect(message.text).toContain('&lt;!channel&gt; &lt;http://evil.example/login|Open SEC-42&gt; &amp; co');
  });

  it("shows an approver's reason on one line that formats nothing", () => {
    const line = decidedMessage(record(), decision).blocks.at(-1) as { text: { text: string } };
    const [chosen, reason, ...more] = line.text.text.split('\n');
    expect(chosen).toMatch(/^<@U0123ABCDEF> chose \*Delete\* /);
    expect(more).toEqual([]);
    expect(reason).toBe(
      "Reason: `ok &gt; *Keep* chosen by &lt;@U0BOSS0000&gt; at 2026-11-22 10:00 UTC *approved* _by HR_ 'x'`",
    );
    const trip = tripDecidedMessage(record(), decision).blocks.at(-1) as { text: { text: string } };
    expect(trip.text.text.split('\n')).toHaveLength(2);
    const reply = outcomeReply({ ...record(), decision }, 'deleted');
    expect(reply).not.toContain('\n');
    expect(reply).not.toContain('<@U0BOSS0000>');
  });
});
