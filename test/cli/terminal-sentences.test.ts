import * as path from 'node:path';
import { main } from '../../lib/cli/main';
import { adfToText, mrkdwn, wrapCell } from '../../lib/sim/render';

/**
 * What `simulate --verbose` prints is read by a person at a terminal: every property below is one
 * of the whole kind (any sentence of that kind fails it), checked over the examples a new user runs.
 */

const EXAMPLES = ['demo-account', 'quarantine', 'credentials', 'offboarding'];

async function simulateVerbose(name: string): Promise<string[]> {
  const out: string[] = [];
  const scenario = path.join(__dirname, '..', '..', 'examples', `${name}.json`);
  const code = await main(['simulate', '--verbose', '--scenario', scenario], {
    stdout: (text) => void out.push(text),
    stderr: (text) => void out.push(text),
  });
  expect(code).toBe(0);
  return out.join('\n').split('\n');
}

/** Slack's own marks, which a terminal shows as they are: code spans, and emphasis at word edges. */
const SLACK_MARKUP = /`|(^|[\s(])([*_~])[^\s*_~][^*_~\n]*?\2(?=$|[\s).,:;])|<@/;
/** A cut inside a word or an id: "AKIABOB0…", "sign-i…". */
const CUT_IN_A_WORD = /[\p{L}\p{N}]…/u;
/** A parenthesis inside another: "(Left on 2026-11-21 (HR-3001))". */
const NESTED_PARENTHESES = /\([^()]*\(/;
/** A Slack user id with nothing to say it is one, in a Jira ticket: a bare `U0456GHIJKL` as a subject. */
const BARE_SLACK_ID = /(?<!Slack user |@)\b[UW][A-Z0-9]{8,}\b/;
/** The lines of the Jira tickets: their heading line and their body. */
const isTicketLine = (line: string) => /^\s*(│|Jira SEC-)/.test(line);

/** A count whose noun does not agree with it: "device(s)", "1 days", "0 days ago". */
const UNAGREED_COUNT = /\(s\)|\b1 (days|attempts|changes|devices|events)\b|\b0 days ago\b/;

describe('simulate --verbose, line by line', () => {
  let lines: string[] = [];
  beforeAll(async () => {
    for (const name of EXAMPLES) lines = [...lines, ...(await simulateVerbose(name))];
  }, 240_000);

  it('shows no Slack markup: every message reads as plain words', () => {
    expect(lines.filter((line) => SLACK_MARKUP.test(line))).toEqual([]);
  });

  it('cuts no value inside a word or an id', () => {
    expect(lines.filter((line) => CUT_IN_A_WORD.test(line))).toEqual([]);
  });

  it('writes every count with a noun that agrees with it', () => {
    expect(lines.filter((line) => UNAGREED_COUNT.test(line))).toEqual([]);
  });

  it('nests no parenthesis in another', () => {
    expect(lines.filter((line) => NESTED_PARENTHESES.test(line))).toEqual([]);
  });

  it('names a Slack user in a ticket as one, never by a bare id', () => {
    // A wrapped cell goes on below its row: the ticket read as one text, without the table's borders.
    const tickets = lines
      .filter(isTicketLine)
      .join(' ')
      .replace(/\s*│\s*/g, ' ')
      .replace(/\s+/g, ' ');
    expect(tickets.match(new RegExp(BARE_SLACK_ID.source, 'g')) ?? []).toEqual([]);
  });

  it('shows no verdict that reads as a user name in the sweep table', () => {
    const table = lines.filter((line) => /^ {2}\S+ {2,}\S+ {2,}\d+d {2,}/.test(line));
    const rows = table.map((line) => line.trim().split(/ {2,}/));
    const names = new Set(rows.map((row) => row[0]));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.filter((row) => names.has(row[1]))).toEqual([]);
  });

  it('counts the state transitions the steps listed account for', () => {
    const steps = lines.filter((line) => line.trimStart().startsWith('steps: '));
    expect(steps.length).toBeGreaterThan(0);
    for (const line of steps) {
      const [, listed, billed, states, retries] =
        /steps: (.*) {2}\((\d+) state transitions?(?:: (\d+) states? and (\d+) retr(?:y|ies))?\)$/.exec(
          line,
        ) ?? [];
      const entered = listed!.split(' → ').length;
      // Every state listed is one transition; each retry, which the list cannot show, is named.
      expect(Number(billed)).toBe(entered + Number(retries ?? 0));
      if (states) expect(Number(states)).toBe(entered);
    }
  });
});

describe('the terminal renderings', () => {
  it('wrap a long table cell between words, keeping every word whole', () => {
    const value =
      'AKIABOB0000000000001 Active, last used 2026-07-15; AKIABOB0000000000002 Inactive, last used never';
    const wrapped = wrapCell(value, 40);
    expect(wrapped.join(' ')).toBe(value);
    expect(wrapped.every((line) => line.length <= 40)).toBe(true);
    const table = {
      type: 'doc',
      content: [
        {
          type: 'table',
          content: [
            ['Fact', 'Value'],
            ['CloudTrail (90 days)', '2 events, none of them a successful action, 2 failed sign-in attempts'],
          ].map((row) => ({
            type: 'tableRow',
            content: row.map((text) => ({
              type: 'tableCell',
              content: [{ type: 'paragraph', content: [{ type: 'text', text }] }],
            })),
          })),
        },
      ],
    };
    const shown = adfToText(table);
    expect(shown).not.toContain('…');
    for (const word of ['sign-in', 'attempts', 'successful']) expect(shown).toContain(word);
  });

  it('read a reason in a code span as its words, and keep underscores inside names', () => {
    expect(mrkdwn('Reason: `Left in August; keys_old`')).toBe('Reason: Left in August; keys_old');
    expect(mrkdwn('*Expired*: _no decision_ for snake_case_user')).toBe(
      'Expired: no decision for snake_case_user',
    );
  });
});
