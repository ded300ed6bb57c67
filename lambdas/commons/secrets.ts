import * as z from 'zod';
import { secretsProvider } from './clients';
import type { JIRA_SECRET_KEYS, SLACK_SECRET_KEYS } from './contracts';
import { requireEnv } from './env';

/**
 * Two secrets, so that each function can read only the credentials it uses: the internet-facing
 * interactions function holds the Slack signing secret and bot token, and can never read the Jira
 * API token.
 */
// `satisfies`: the key lists the stack documents (contracts.ts) name exactly these fields.
const slackSecretSchema = z.object({
  slackBotToken: z.string().min(1),
  slackSigningSecret: z.string().min(1),
} satisfies Record<(typeof SLACK_SECRET_KEYS)[number], z.ZodString>);
const jiraSecretSchema = z.object({
  jiraEmail: z.string().min(1),
  jiraApiToken: z.string().min(1),
} satisfies Record<(typeof JIRA_SECRET_KEYS)[number], z.ZodString>);
export type SlackSecrets = z.infer<typeof slackSecretSchema>;
export type JiraSecrets = z.infer<typeof jiraSecretSchema>;

export class SecretNotConfiguredError extends Error {
  override name = 'SecretNotConfiguredError';
}

/** The Slack credentials, from SLACK_SECRET_ARN. */
export function slackSecrets(): Promise<SlackSecrets> {
  return readSecret('SLACK_SECRET_ARN', slackSecretSchema);
}

/** The Jira credentials, from JIRA_SECRET_ARN. */
export function jiraSecrets(): Promise<JiraSecrets> {
  return readSecret('JIRA_SECRET_ARN', jiraSecretSchema);
}

/**
 * Cached for 5 minutes, so that a rotation is picked up without a deploy. Errors name the missing
 * keys, never a value.
 */
async function readSecret<T>(variable: string, schema: z.ZodType<T>): Promise<T> {
  const arn = requireEnv(variable);
  const raw = await (await secretsProvider()).get(arn, { transform: 'json', maxAge: 300 });
  const parsed = schema.safeParse(raw ?? {});
  if (!parsed.success) {
    const missing = parsed.error.issues.map((issue) => issue.path.join('.')).join(', ');
    throw new SecretNotConfiguredError(
      `The secret ${arn} lacks ${missing}. Fill it with: aws secretsmanager put-secret-value --secret-id ${arn} --secret-string file://secret.json`,
    );
  }
  return parsed.data;
}
