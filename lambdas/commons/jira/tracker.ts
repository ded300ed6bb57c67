import { deciderName } from '../runtime/text';
import { configForAccount } from '../config/config';
import type { JiraClient } from './client';
import { caseSubject } from '../case/subject';
import type { CaseRecord } from '../case/record';
import { JiraUnavailableError } from '../runtime/errors';
import { janitorConfig } from '../config/env';
import { jiraSecrets } from '../config/secrets';
import { caseDescription, commentDoc } from './adf';
import { setTimeout as sleep } from 'node:timers/promises';
import { jiraSdk } from '../runtime/lazy';

export interface JiraSettings {
  readonly baseUrl: string;
  readonly projectKey: string;
  readonly issueType: string;
  readonly doneTransition: string;
  readonly email: string;
  readonly apiToken: string;
}

export async function jiraClient(settings: JiraSettings): Promise<JiraClient> {
  // Loaded on first use: jira.js and its HTTP stack are a large share of a cold start.
  const { JiraClient } = jiraSdk();
  return new JiraClient({
    // JIRA_API_URL points the client at a stand-in (tests, the simulator); links keep the site's URL.
    host: process.env.JIRA_API_URL ?? settings.baseUrl,
    authentication: { basic: { email: settings.email, apiToken: settings.apiToken } },
  });
}

/**
 * Runs one Jira call. Outages (no answer, 5xx, 429) become JiraUnavailableError, which the state
 * machine retries; a refusal (4xx) is a configuration problem and fails at once. Messages carry the
 * status and Jira's own words, never the request and its credentials.
 */
export async function callJira<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const status = (error as { status?: number }).status;
    const detail = describeJiraError(error);
    if (status === undefined || status >= 500 || status === 429) {
      throw new JiraUnavailableError(`Jira did not answer "${what}" (${status ?? 'no response'}): ${detail}`);
    }
    // No { cause }: the HTTP client's error holds the request, Authorization header included.
    // eslint-disable-next-line preserve-caught-error
    throw new Error(`Jira refused "${what}" with HTTP ${status}: ${detail}`);
  }
}

function describeJiraError(error: unknown): string {
  const data = (
    error as { response?: { data?: { errorMessages?: string[]; errors?: Record<string, string> } } }
  ).response?.data;
  const messages = [
    ...(data?.errorMessages ?? []),
    ...Object.entries(data?.errors ?? {}).map(([field, message]) => `${field}: ${message}`),
  ];
  return messages.length > 0 ? messages.join('; ') : 'no detail';
}

export const caseLabel = (caseId: string) => `iam-janitor-case-${caseId.replace(/[^\w.-]/g, '_')}`;

/**
 * The case's ticket, found by its case label. Jira's search is eventually consistent: a ticket
 * created moments ago may be missing from it. With `waitsMs`, a search that finds nothing is
 * repeated after each wait, for the attempt that follows a create whose answer was lost.
 */
export async function findCaseTicket(
  client: JiraClient,
  settings: JiraSettings,
  caseId: string,
  waitsMs: readonly number[] = [],
): Promise<{ jiraKey: string; jiraUrl: string } | undefined> {
  for (const wait of [0, ...waitsMs]) {
    if (wait > 0) await sleep(wait);
    const found = await callJira('search for the case ticket', () =>
      client.issueSearch.searchForIssuesUsingJqlEnhancedSearch({
        jql: `project = "${settings.projectKey}" AND labels = "${caseLabel(caseId)}" ORDER BY created ASC`,
        fields: ['key'],
        maxResults: 1,
      }),
    );
    const key = found.issues?.[0]?.key;
    if (key) return { jiraKey: key, jiraUrl: browseUrl(settings, key) };
  }
  return undefined;
}

/** Creates the case's ticket, labelled with its case so that a later attempt can find it. */
export async function createCaseTicket(
  client: JiraClient,
  settings: JiraSettings,
  record: CaseRecord,
): Promise<{ jiraKey: string; jiraUrl: string }> {
  const created = await callJira('create the case ticket', () =>
    client.issues.createIssue({
      fields: {
        project: { key: settings.projectKey },
        issuetype: { name: settings.issueType },
        summary: fitSummary(
          record.candidate.kind === 'credential'
            ? `Stale credential: ${caseSubject(record)}: review for deactivation`
            : record.candidate.requested
              ? `Offboarding of IAM user ${caseSubject(record)}, requested by ${deciderName(record.candidate.requested.by)}`
              : `Inactive IAM user ${caseSubject(record)}: review for removal`,
        ),
        description: caseDescription(
          record,
          configForAccount(janitorConfig(), record.candidate.accountId).quarantineDays,
        ) as never,
        // Organization mode: one label per account, so that a team filters its own account's tickets.
        labels: [
          'iam-janitor',
          caseLabel(record.caseId),
          ...(record.candidate.accountId ? [`aws-account-${record.candidate.accountId}`] : []),
        ],
      },
    }),
  );
  return { jiraKey: created.key, jiraUrl: browseUrl(settings, created.key) };
}

/** Jira refuses a summary over 255 characters (UTF-16 units, as Java counts them). */
export const JIRA_SUMMARY_MAX_LENGTH = 255;

/**
 * The summary as Jira takes it: cut with "…" when longer, never inside a surrogate pair. The
 * description holds every word in full.
 */
export function fitSummary(summary: string): string {
  if (summary.length <= JIRA_SUMMARY_MAX_LENGTH) return summary;
  let end = JIRA_SUMMARY_MAX_LENGTH - 1;
  if (/[\uD800-\uDBFF]/.test(summary.charAt(end - 1))) end--;
  return `${summary.slice(0, end)}…`;
}

export const browseUrl = (settings: Pick<JiraSettings, 'baseUrl'>, key: string) =>
  `${settings.baseUrl}/browse/${key}`;

/** Comments the outcome, then moves the ticket. A missing transition is said in a comment, not failed. */
export async function recordOutcomeInJira(
  client: JiraClient,
  settings: JiraSettings,
  jiraKey: string,
  lines: string[],
): Promise<{ transitioned: boolean }> {
  await callJira('comment the outcome', () =>
    client.issueComments.addComment({ issueIdOrKey: jiraKey, comment: commentDoc(lines) as never }),
  );
  const { transitions = [] } = await callJira('list transitions', () =>
    client.issues.getTransitions({ issueIdOrKey: jiraKey }),
  );
  const transition = transitions.find(
    (candidate) => candidate.name?.toLowerCase() === settings.doneTransition.toLowerCase(),
  );
  if (!transition?.id) {
    const available = transitions.map((candidate) => candidate.name).join(', ') || 'none';
    await callJira('comment the missing transition', () =>
      client.issueComments.addComment({
        issueIdOrKey: jiraKey,
        comment: commentDoc([
          `iam-janitor could not move this ticket: the transition "${settings.doneTransition}" (jiraDoneTransition) is not available from its status. Available: ${available}.`,
        ]) as never,
      }),
    );
    return { transitioned: false };
  }
  await callJira('move the ticket', () =>
    client.issues.doTransition({ issueIdOrKey: jiraKey, transition: { id: transition.id! } }),
  );
  return { transitioned: true };
}

/** The Jira site and project from the config, and the credentials from the Jira secret. */
export async function jiraSettings(): Promise<JiraSettings> {
  const config = janitorConfig();
  const secrets = await jiraSecrets();
  return {
    baseUrl: config.jiraBaseUrl,
    projectKey: config.jiraProjectKey,
    issueType: config.jiraIssueType,
    doneTransition: config.jiraDoneTransition,
    email: secrets.jiraEmail,
    apiToken: secrets.jiraApiToken,
  };
}
