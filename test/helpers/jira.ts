import type { JiraSettings } from '../../lambdas/commons/jira/tracker';
import { parseConfig } from '../../lambdas/commons/config/config';
import { resetConfigCache } from '../../lambdas/commons/config/env';
import { JiraStandin } from '../../lib/sim/standins/jira-standin';
import { VALID_CONFIG } from './stack';

/** The Jira site of the tests that call Jira directly, through jira.js. */
export const JIRA_SETTINGS: JiraSettings = {
  baseUrl: 'https://example.atlassian.net',
  projectKey: 'SEC',
  issueType: 'Task',
  doneTransition: 'Done',
  email: 'janitor@example.com',
  apiToken: 'jira-token',
};

/**
 * A Jira stand-in started before each test and stopped after it, with the product's config in
 * place: the function returned gives the running one.
 */
export function useJiraStandin(): () => JiraStandin {
  let jira: JiraStandin;
  beforeEach(async () => {
    jira = new JiraStandin(JIRA_SETTINGS.email, JIRA_SETTINGS.apiToken);
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
  return () => jira;
}
