import { APPROVER, CASE_ID, loadedAccount, startWaitingCase } from '../helpers/sim';
import { VALID_CONFIG } from '../helpers/stack';

/** Two approvers, and the two-person rule on. */
const TWO_PERSON = {
  config: {
    ...VALID_CONFIG,
    approverSlackUserIds: [APPROVER, 'U0456GHIJKL'],
    cloudTrailRegions: ['eu-west-1'],
    twoPersonDelete: true,
  },
};

describe('who decides: two approvers for what cannot be undone, and never the user themselves', () => {
  it('with twoPersonDelete, deletes only after a second, different approver also clicks Delete', async () => {
    const { sim, finished, account } = await startWaitingCase(TWO_PERSON);
    const told = () =>
      sim.slack.posts.filter((post) => post.method === 'chat.postEphemeral').map((post) => post.text);
    await sim.click(CASE_ID, 'delete', APPROVER);
    // The same approver twice is still one approver.
    await sim.click(CASE_ID, 'delete', APPROVER);
    expect(sim.aws.callsOf('SendTaskSuccess')).toHaveLength(0);
    expect(told()).toEqual([
      'Your *Delete* for loaded is recorded. It cannot be fully undone, so a second approver must also click *Delete* before anything changes.',
      'You already approved this Delete: a different approver must click *Delete* too.',
    ]);
    expect((await sim.caseRecord(CASE_ID))?.decision).toBeUndefined();
    await sim.click(CASE_ID, 'delete', 'U0456GHIJKL');
    expect(sim.aws.callsOf('SendTaskSuccess')).toHaveLength(1);
    expect((await sim.caseRecord(CASE_ID))?.decision).toMatchObject({
      decision: 'delete',
      decidedBy: 'U0456GHIJKL',
      firstApprover: APPROVER,
    });
    expect((await finished).states).toContain('Act');
    expect(account.users.has('loaded')).toBe(false);
    await sim.stop();
  });

  it('with twoPersonDelete, Disable also needs a second approver of the same decision (it deletes the console password)', async () => {
    const { sim, finished, account } = await startWaitingCase(TWO_PERSON);
    await sim.click(CASE_ID, 'disable', APPROVER);
    // A second approver's other irreversible decision is not a confirmation of the first.
    await sim.click(CASE_ID, 'delete', 'U0456GHIJKL');
    expect(sim.aws.callsOf('SendTaskSuccess')).toHaveLength(0);
    expect(
      sim.slack.posts.filter((post) => post.method === 'chat.postEphemeral').map((post) => post.text),
    ).toEqual([
      'Your *Disable* for loaded is recorded. It cannot be fully undone, so a second approver must also click *Disable* before anything changes.',
      `<@${APPROVER}> approved *Disable*; a second approval counts only for the same decision, so nothing changed. Click *Disable* to confirm it, or *Keep*.`,
    ]);
    await sim.click(CASE_ID, 'disable', 'U0456GHIJKL');
    expect((await finished).states).toContain('Act');
    expect(account.users.get('loaded')!.password).toBeNull();
    expect((await sim.caseRecord(CASE_ID))?.outcome).toBe('disabled');
    await sim.stop();
  });

  it('with twoPersonDelete, the remover itself refuses an irreversible decision that carries one approver', async () => {
    const { sim, finished, account } = await startWaitingCase(TWO_PERSON);
    // GIVEN a decision that reached the workflow without passing the two-person click path
    const record = await sim.caseRecord(CASE_ID);
    const { SFNClient, SendTaskSuccessCommand } = await import('@aws-sdk/client-sfn');
    const sfn = new SFNClient({
      endpoint: sim.aws.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIATEST', secretAccessKey: 'test' },
    });
    await sfn.send(
      new SendTaskSuccessCommand({
        taskToken: record!.taskToken!,
        output: JSON.stringify({
          decision: 'delete',
          decidedBy: APPROVER,
          decidedAt: new Date().toISOString(),
        }),
      }),
    );
    // THEN nothing changed
    expect((await finished).states).toContain('Act');
    expect(account.users.has('loaded')).toBe(true);
    expect(sim.aws.mutatingCalls()).toEqual([]);
    expect(await sim.caseRecord(CASE_ID)).toMatchObject({
      outcome: 'refused',
      outcomeDetail: expect.stringMatching(
        /^A delete cannot be fully undone and twoPersonDelete is on, but it carries one approver/,
      ),
    });
    await sim.stop();
  });

  it('never lets a user decide their own case, tagged with their Slack id', async () => {
    const account = loadedAccount();
    account.users.get('loaded')!.tags['iam-janitor:slack-user-id'] = APPROVER;
    const { sim, finished } = await startWaitingCase({ account });
    expect((await sim.click(CASE_ID, 'keep', APPROVER)).statusCode).toBe(200);
    expect(
      sim.slack.posts.filter((post) => post.method === 'chat.postEphemeral').map((post) => post.text),
    ).toEqual([
      'You cannot decide a case about yourself (loaded is tagged with your Slack id); another approver must.',
    ]);
    expect(sim.aws.callsOf('SendTaskSuccess')).toHaveLength(0);
    // Another approver may.
    await sim.click(CASE_ID, 'keep', 'U0456GHIJKL');
    expect(sim.aws.callsOf('SendTaskSuccess')).toHaveLength(1);
    await finished;
    await sim.stop();
  });

  it('never lets a user decide their own case, tagged with their e-mail (read from Slack, in any case)', async () => {
    const account = loadedAccount();
    // The Slack stand-in gives every person the e-mail <id in lower case>@example.com.
    account.users.get('loaded')!.tags['iam-janitor:slack-user-id'] = 'U0123ABCDEF@Example.com';
    const { sim, finished } = await startWaitingCase({ account });
    await sim.click(CASE_ID, 'delete', APPROVER);
    expect(
      sim.slack.posts.filter((post) => post.method === 'chat.postEphemeral').map((post) => post.text),
    ).toEqual([
      'You cannot decide a case about yourself (loaded is tagged with your e-mail); another approver must.',
    ]);
    expect(sim.aws.callsOf('SendTaskSuccess')).toHaveLength(0);
    await sim.click(CASE_ID, 'keep', 'U0456GHIJKL');
    expect(sim.aws.callsOf('SendTaskSuccess')).toHaveLength(1);
    await finished;
    await sim.stop();
  });
});
