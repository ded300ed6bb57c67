import {
  createCaseTicket,
  fitSummary,
  jiraClient,
  type JiraSettings,
} from '../../lambdas/commons/jira/tracker';
import { parseConfig } from '../../lambdas/commons/config/config';
import { resetConfigCache } from '../../lambdas/commons/config/env';
import { JiraStandin } from '../../lib/sim/standins/jira-standin';
import { aliceCase } from '../helpers/case-record';
import { VALID_CONFIG } from '../helpers/stack';

/**
 * Jira refuses a summary over 255 characters (400, `errors.summary`), and the stand-in does as Jira
 * does. A requester's name, a user name and an account name are outside words of any length: the
 * ticket of an offboarding is still opened, its summary cut to fit.
 */
let jira: JiraStandin;
const SETTINGS: JiraSettings = {
  baseUrl: 'https://example.atlassian.net',
  projectKey: 'SEC',
  issueType: 'Task',
  doneTransition: 'Done',
  email: 'janitor@example.com',
  apiToken: 'jira-token',
};

beforeEach(async () => {
  jira = new JiraStandin(SETTINGS.email, SETTINGS.apiToken);
  await jira.start();
  process.env.JIRA_API_URL = jira.url;
  process.env.JANITOR_CONFIG = JSON.stringify(parseConfig(VALID_CONFIG));
  resetConfigCache();
});
afterEach(async () => {
  await jira.stop();
  delete process.env.JIRA_API_URL;
  delete process.env.JANITOR_CONFIG;
  resetConfigCache();
});

describe('the Jira summary', () => {
  it('is refused by the stand-in past 255 characters, in Jira’s shape', async () => {
    const answer = await fetch(`${jira.url}/rest/api/3/issue`, {
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
    const summary = jira.issues.get(jiraKey)!.fields.summary;
    expect(summary).toHaveLength(255);
    expect(summary).toMatch(/^Offboarding of IAM user alice, requested by a-requester-name-.*…$/);
  });

  it('is cut between characters, never inside one', () => {
    const cut = fitSummary(`${'x'.repeat(253)}😀😀`);
    expect(cut).toBe(`${'x'.repeat(253)}…`);
    expect(fitSummary('short')).toBe('short');
  });
});
