import { createCaseTicket, fitSummary, jiraClient } from '../../lambdas/commons/jira/tracker';
import { aliceCase } from '../helpers/case-record';
import { JIRA_SETTINGS, useJiraStandin } from '../helpers/jira';

/**
 * Jira refuses a summary over 255 characters (400, `errors.summary`), and the stand-in does as Jira
 * does. A requester's name, a user name and an account name are outside words of any length: the
 * ticket of an offboarding is still opened, its summary cut to fit.
 */
const standin = useJiraStandin();
const SETTINGS = JIRA_SETTINGS;

describe('the Jira summary', () => {
  it('is refused by the stand-in past 255 characters, in Jira’s shape', async () => {
    const answer = await fetch(`${standin().url}/rest/api/3/issue`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from(`${SETTINGS.email}:${SETTINGS.apiToken}`).toString('base64')}`,
      },
      body: JSON.stringify({
        fields: { project: { key: 'SEC' }, issuetype: { name: 'Task' }, summary: 'x'.repeat(256) },
      }),
    });
    expect(answer.status).toBe(400);
    expect(await answer.json()).toEqual({
      errorMessages: [],
      errors: { summary: 'Summary must be less than 255 characters.' },
    });
  });

  it('of an offboarding requested by a very long name is cut to 255 and the ticket opens', async () => {
    // GIVEN a request whose `by` is far past any name (an execution started before --by was limited)
    const by = 'a-requester-name-'.repeat(20);
    const record = aliceCase({
      jiraKey: undefined,
      jiraUrl: undefined,
      candidate: { ...aliceCase().candidate, requested: { by, at: '2026-11-22T09:00:00.000Z' } },
    });
    const { jiraKey } = await createCaseTicket(await jiraClient(SETTINGS), SETTINGS, record);
    const summary = standin().issues.get(jiraKey)!.fields.summary;
    expect(summary).toHaveLength(255);
    expect(summary).toMatch(/^Offboarding of IAM user alice, requested by a-requester-name-.*…$/);
  });

  it('is cut between characters, never inside one', () => {
    const cut = fitSummary(`${'x'.repeat(253)}😀😀`);
    expect(cut).toBe(`${'x'.repeat(253)}…`);
    expect(fitSummary('short')).toBe('short');
  });
});
