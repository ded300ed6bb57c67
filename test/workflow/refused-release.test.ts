import { APPROVER, CASE_ID } from '../helpers/sim';
import { SECOND, jiraText, trippedCase } from '../helpers/quarantine-trip';

/**
 * A Release chosen after a trip, refused by the remover because an admin tagged the user, during
 * the quarantine, with the releaser's Slack id (the interactions Lambda reads the tags of the
 * case's opening, so it let the click through). The refusal is of the release, and the case is
 * closed with no button left: every text says the release was refused and points to
 * `iam-janitor release`, never to another approver.
 */
describe('a refused Release', () => {
  it('is told as a refused release, with the command that can still release it', async () => {
    const { record, slack, jira } = await trippedCase(async (sim, account) => {
      account.users.get('loaded')!.tags['iam-janitor:slack-user-id'] = SECOND;
      await sim.click(CASE_ID, 'release', SECOND);
    });
    const texts = [
      ...slack.posts.map((post) => `${post.text} ${JSON.stringify(post.blocks ?? [])}`),
      jiraText(jira),
      record.outcomeDetail ?? '',
    ];
    expect(record.outcome).toBe('refused');
    expect(record.quarantine?.decision).toMatchObject({ decision: 'release', decidedBy: SECOND });
    expect(record.decision?.decidedBy).toBe(APPROVER);
    expect(jiraText(jira)).not.toContain('never carried out');
    expect(record.status).toBe('closed');
    expect(slack.withButtons()).toEqual([]);
    for (const text of texts) {
      expect(text).not.toMatch(/refused to delete|not deleted|Another approver must decide/);
    }
    const closing = slack.posts.map((post) => post.text).filter((text) => text.includes('refused'));
    expect(closing.length).toBeGreaterThan(0);
    for (const text of closing) {
      expect(text).toContain('was not released: iam-janitor refused to release it');
      expect(text).toContain(`iam-janitor release --case ${CASE_ID}`);
    }
    expect(jiraText(jira)).toContain(`iam-janitor release --case ${CASE_ID}`);
  }, 120_000);
});
