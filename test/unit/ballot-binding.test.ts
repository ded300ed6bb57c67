import type { CaseRecord } from '../../lambdas/commons/case/record';
import { ballotAction, readAction } from '../../lambdas/commons/slack/ballots';
import { bindClick } from '../../lambdas/slack-interactions/ballot-binding';

const CHANNEL = 'C0123456789';
const REQUEST = '1763802000.000001';
const TRIP = '1763802000.000005';

function record(status: CaseRecord['status'], trip = true): CaseRecord {
  return {
    pk: 'case#c-1',
    caseId: 'c-1',
    userName: 'idle',
    status,
    slackChannel: CHANNEL,
    slackTs: REQUEST,
    candidate: { userName: 'idle', kind: 'user' },
    ...(trip ? { quarantine: { tripMessageTs: TRIP, tripMessageChannel: CHANNEL } } : {}),
  } as unknown as CaseRecord;
}

describe('bindClick', () => {
  it('counts a click on the trip message as the after-trip choice', () => {
    expect(
      bindClick(record('quarantine-tripped'), readAction('after-trip:delete')!, {
        channel: CHANNEL,
        ts: TRIP,
      }),
    ).toEqual({
      ballot: 'after-trip',
      decision: 'delete',
    });
  });

  it("refuses the approval request's Delete after a trip, named or bare (older messages)", () => {
    for (const actionId of [ballotAction('approval', 'delete'), 'delete'])
      expect(
        bindClick(record('quarantine-tripped'), readAction(actionId)!, { channel: CHANNEL, ts: REQUEST }),
      ).toMatchObject({ reason: 'click on the approval request after a trip' });
  });

  it("refuses a button of another ballot than its message's, and a message the case did not post", () => {
    const tripped = record('quarantine-tripped');
    expect(bindClick(tripped, readAction('approval:delete')!, { channel: CHANNEL, ts: TRIP })).toMatchObject({
      reason: 'click on a button of another ballot',
    });
    expect(
      bindClick(tripped, readAction('after-trip:delete')!, { channel: CHANNEL, ts: '1.2' }),
    ).toMatchObject({
      reason: 'click on a message the case no longer uses',
    });
    // The same ts in another channel is another message.
    expect(
      bindClick(tripped, readAction('after-trip:delete')!, { channel: 'C0OTHER0000', ts: TRIP }),
    ).toMatchObject({
      reason: 'click on a message the case no longer uses',
    });
  });

  it('takes a click on a request whose posting answer was lost, before any message is recorded', () => {
    const unposted = { ...record('awaiting-decision', false), slackTs: undefined } as CaseRecord;
    expect(bindClick(unposted, readAction('approval:keep')!, { channel: CHANNEL, ts: '9.9' })).toEqual({
      ballot: 'approval',
      decision: 'keep',
    });
  });

  it('reads only ballot actions it knows', () => {
    expect(readAction('purge')).toBeUndefined();
    expect(readAction('after-trip:purge')).toBeUndefined();
    expect(readAction('other:delete')).toBeUndefined();
    expect(readAction('after-trip:delete:x')).toBeUndefined();
  });
});
