/** The keys of the two Secrets Manager secrets, filled by the operator with put-secret-value. */
export const SLACK_SECRET_KEYS = ['slackBotToken', 'slackSigningSecret'] as const;
export const JIRA_SECRET_KEYS = ['jiraEmail', 'jiraApiToken'] as const;
