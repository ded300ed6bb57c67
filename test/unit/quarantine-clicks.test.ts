import type { QuarantineRecord } from '../../lambdas/commons/case/record';
import { mention } from '../../lambdas/commons/runtime/text';
import { refuseDecision } from '../../lambdas/slack-interactions/authorize';
import { afterTripBallot } from '../../lambdas/slack-interactions/after-trip';
import { tripDecidedMessage, tripEndedMessage } from '../../lambdas/commons/slack/quarantine-messages';
import { aliceCase } from '../helpers/case-record';

/**
 * A click on a quarantined case counts for nothing, and its answer says where the quarantine
 * stands: "watched until" only while a watch goes on. Every name in those answers is one Slack can
 * show: a Slack user id as a mention, any other name (a terminal's `--by`) as text.
 */

const BASE: QuarantineRecord = {
  startedAt: '2026-11-22T09:00:00.000Z',
  endsAt: '2026-12-06T09:00:00.000Z',
  policyArn: 'arn:aws:iam::aws:policy/AWSDenyAll',
  attachedByJanitor: true,
  attempts: [],
  appliedAt: '2026-11-22T09:00:00.000Z',
};

const release = { decision: 'release' as const, decidedBy: 'oncall', decidedAt: '2026-11-24T09:00:00.000Z' };

/** The quarantine's phases while the case's status is still `quarantined`, and whether a watch goes on. */
const PHASES: [string, QuarantineRecord, boolean][] = [
  ['watched', BASE, true],
  ['tripped, its message not yet posted', { ...BASE, trippedAt: '2026-11-23T09:00:00.000Z' }, false],
  ['a release asked from the terminal', { ...BASE, decision: release }, false],
  ['handed to the deletion', { ...BASE, verdict: 'silent' }, false],
  ['ended with the user changed', { ...BASE, verdict: 'changed' }, false],
];

/** A mention of anything but a Slack user id. */
const BROKEN_MENTION = /<@(?![UW][A-Z0-9]{8,}>)/;

describe('a click during a quarantine', () => {
  it.each(PHASES)('is answered as the quarantine stands: %s', (_phase, quarantine, watching) => {
    const record = aliceCase({ status: 'quarantined', quarantine });
    const refusal = refuseDecision(record, 'approval', 'delete')!;
    expect(refusal.message).toContain('changed nothing');
    expect(/watched until/.test(refusal.message)).toBe(watching);
    // The planned end is a watch's, printed as people read times.
    if (watching) expect(refusal.message).toContain('2026-12-06 09:00 UTC');
    expect(refusal.message).not.toMatch(BROKEN_MENTION);
  });
});

describe('names in Slack text', () => {
  it('mentions a Slack user id, and writes any other name as escaped text', () => {
    expect(mention('U0123ABCDEF')).toBe('<@U0123ABCDEF>');
    expect(mention('W0123ABCDEF')).toBe('<@W0123ABCDEF>');
    expect(mention('alice')).toBe('alice');
    expect(mention('<!channel>')).toBe('&lt;!channel&gt;');
  });

  it('never mentions a terminal name on the trip message or in the answer to a late click', () => {
    const quarantine = {
      ...BASE,
      trippedAt: '2026-11-23T09:00:00.000Z',
      decision: release,
      decisionDeliveredAt: '2026-11-24T09:00:00.000Z',
    };
    const record = aliceCase({ status: 'quarantine-tripped', quarantine });
    const texts = [
      afterTripBallot(record.caseId).taken(record),
      JSON.stringify(tripDecidedMessage(record, release)),
      JSON.stringify(tripEndedMessage(record, 'alice was released.')),
    ];
    expect(texts.filter((text) => BROKEN_MENTION.test(text))).toEqual([]);
    expect(texts[0]).toContain('by oncall');
  });
});
