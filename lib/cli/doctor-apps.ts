import { jiraClient, type JiraSettings } from '../../lambdas/commons/jira/tracker';
import { slackClient, slackFailure } from '../../lambdas/commons/slack/client';
import { count } from '../../lambdas/commons/runtime/text';
import type { JanitorConfig } from '../../lambdas/commons/config/config';
import type { Checkup, Finding } from './doctor-checkup';

/**
 * `iam-janitor doctor`'s Slack and Jira checks: each reads, none posts or writes. None prints a value
 * read from a secret, not even the Jira e-mail: a token pasted into the wrong field would be echoed.
 */

export async function checkSlack(token: string, config: JanitorConfig, checkup: Checkup): Promise<void> {
  const client = await slackClient(token);
  const signedIn = await checkup.run('slackToken', async () => {
    try {
      const identity = await client.auth.test();
      return { value: true, detail: `the bot ${identity.user ?? ''} of ${identity.team ?? 'the workspace'}` };
    } catch (error) {
      if ((error as { code?: string }).code !== 'slack_webapi_platform_error')
        throw new Error(
          `Slack gave no verdict on the bot token (auth.test: ${slackFailure(error)}): check the network and Slack's status, and run doctor again.`,
          { cause: error },
        );
      throw new Error(
        `Slack refused the bot token (${slackFailure(error)}). Copy the Bot User OAuth Token (xoxb-…) from the app's OAuth & Permissions page into the Slack secret.`,
        { cause: error },
      );
    }
  });
  if (!signedIn) return checkup.skip(['slackChannel', 'slackApprovers'], 'a bot token Slack accepts');
  await checkup.run('slackChannel', () => checkChannel(client, config.slackChannelId));
  await checkup.run('slackApprovers', () => checkApprovers(client, config.approverSlackUserIds));
}

type Slack = Awaited<ReturnType<typeof slackClient>>;

async function checkChannel(client: Slack, channelId: string): Promise<Finding<boolean>> {
  let channel;
  try {
    channel = (await client.conversations.info({ channel: channelId })).channel;
  } catch (error) {
    const code = slackFailure(error);
    // The manifest asks for no read scope on channels (iam-janitor only posts): say so, not ✗.
    if (code === 'missing_scope')
      return {
        value: false,
        notChecked: true,
        detail: `the app may not read channels (no channels:read or groups:read scope, which iam-janitor itself never needs): check by hand that the bot is in ${channelId} (/invite @your-app there).`,
      };
    throw new Error(
      code === 'channel_not_found'
        ? `the bot cannot see ${channelId} (channel_not_found): check slackChannelId, and for a private channel invite the app (/invite @your-app) first.`
        : `Slack refused conversations.info for ${channelId} (${code}).`,
      { cause: error },
    );
  }
  if (!channel?.is_member)
    throw new Error(
      `the bot is not a member of #${channel?.name ?? channelId}: type /invite @your-app in that channel, or it cannot post a request.`,
    );
  return { value: true, detail: `the bot is in #${channel.name ?? channelId}` };
}

async function checkApprovers(client: Slack, approverIds: readonly string[]) {
  const problems: string[] = [];
  for (const id of approverIds) {
    try {
      const { user } = await client.users.info({ user: id });
      if (user?.deleted) problems.push(`${id} is deactivated`);
      else if (user?.is_bot) problems.push(`${id} is a bot, not a person`);
    } catch (error) {
      problems.push(
        `${id} ${slackFailure(error) === 'user_not_found' ? 'does not exist' : `(${slackFailure(error)})`}`,
      );
    }
  }
  if (problems.length > 0)
    throw new Error(
      `${problems.join('; ')}. Fix approverSlackUserIds in cdk.json (a member's id is under their profile, "Copy member ID") and deploy again.`,
    );
  return { value: true, detail: `${count(approverIds.length, 'approver')}, each an active person` };
}

export function jiraSettingsOf(config: JanitorConfig): Omit<JiraSettings, 'email' | 'apiToken'> {
  return {
    baseUrl: config.jiraBaseUrl,
    projectKey: config.jiraProjectKey,
    issueType: config.jiraIssueType,
    doneTransition: config.jiraDoneTransition,
  };
}

/** Jira's HTTP status and own words, never the request (it holds the credentials). */
function jiraProblem(error: unknown): string {
  const status = (error as { status?: number }).status;
  const data = (error as { response?: { data?: { errorMessages?: string[] } } }).response?.data;
  return `HTTP ${status ?? 'no answer'}${data?.errorMessages?.length ? `: ${data.errorMessages.join('; ')}` : ''}`;
}

export async function checkJira(settings: JiraSettings, checkup: Checkup): Promise<void> {
  const client = await jiraClient(settings);
  const signedIn = await checkup.run('jiraCredentials', async () => {
    try {
      await client.myself.getCurrentUser();
      return { value: true, detail: `the account in the Jira secret, at ${settings.baseUrl}` };
    } catch (error) {
      throw new Error(
        `Jira at ${settings.baseUrl} refused the account in the Jira secret (${jiraProblem(error)}). Check jiraBaseUrl, and put a current API token (id.atlassian.com, Security, API tokens) in the Jira secret.`,
        { cause: error },
      );
    }
  });
  if (!signedIn) return checkup.skip(['jiraProject', 'jiraTransition'], 'Jira credentials that work');
  await checkup.run('jiraProject', async () => {
    let types;
    try {
      types = await client.projects.getAllStatuses({ projectIdOrKey: settings.projectKey });
    } catch (error) {
      throw new Error(
        `no project ${settings.projectKey} that the account in the Jira secret can browse (${jiraProblem(error)}). Check jiraProjectKey, and give the account Browse and Create permissions there.`,
        { cause: error },
      );
    }
    const names = types.map((type) => type.name);
    if (!names.includes(settings.issueType))
      throw new Error(
        `project ${settings.projectKey} has no issue type "${settings.issueType}" (it has ${names.join(', ')}). Set jiraIssueType to one of them.`,
      );
    return { value: true, detail: `${settings.projectKey} offers "${settings.issueType}"` };
  });
  await checkup.run('jiraTransition', () => checkTransition(client, settings));
}

/**
 * Jira lists transitions per issue, from its status: the newest open iam-janitor ticket is read, and
 * before the first one exists the check says so rather than guessing.
 */
async function checkTransition(
  client: Awaited<ReturnType<typeof jiraClient>>,
  settings: JiraSettings,
): Promise<Finding<boolean>> {
  const found = await client.issueSearch.searchForIssuesUsingJqlEnhancedSearch({
    jql: `project = "${settings.projectKey}" AND labels = "iam-janitor" AND statusCategory != Done ORDER BY created DESC`,
    fields: ['key'],
    maxResults: 1,
  });
  const key = found.issues?.[0]?.key;
  if (!key)
    return {
      value: false,
      notChecked: true,
      detail:
        'no open iam-janitor ticket yet to read its transitions: run doctor again after the first sweep opens one',
    };
  const { transitions = [] } = await client.issues.getTransitions({ issueIdOrKey: key });
  const names = transitions.map((transition) => transition.name ?? '');
  if (!names.some((name) => name.toLowerCase() === settings.doneTransition.toLowerCase()))
    throw new Error(
      `${key} offers no transition "${settings.doneTransition}" (it offers ${names.join(', ') || 'none'}). Set jiraDoneTransition to the one that closes a ticket.`,
    );
  return { value: true, detail: `${key} offers "${settings.doneTransition}"` };
}
