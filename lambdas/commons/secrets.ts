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
// Well-formed, not only present: a user token or a placeholder would fail at the first post.
const slackSecretSchema = z.object({
  slackBotToken: z.string().regex(/^xoxb-/, 'must be the bot token (xoxb-…) from OAuth & Permissions'),
  slackSigningSecret: z
    .string()
    .regex(/^[0-9a-z]{16,}$/i, "must be the app's signing secret from Basic Information"),
} satisfies Record<(typeof SLACK_SECRET_KEYS)[number], z.ZodString>);
const jiraSecretSchema = z.object({
  jiraEmail: z.string().regex(/^[^@\s]+@[^@\s]+$/, 'must be the e-mail of the Jira account'),
  jiraApiToken: z.string().min(1),
} satisfies Record<(typeof JIRA_SECRET_KEYS)[number], z.ZodString>);
export type SlackSecrets = z.infer<typeof slackSecretSchema>;
export type JiraSecrets = z.infer<typeof jiraSecretSchema>;

export class SecretNotConfiguredError extends Error {
  override name = 'SecretNotConfiguredError';
}

/** The Slack credentials, from SLACK_SECRET_ARN. */
export function slackSecrets(): Promise<SlackSecrets> {
  return readSecret('SLACK_SECRET_ARN', 'slack');
}

/** The Jira credentials, from JIRA_SECRET_ARN. */
export function jiraSecrets(): Promise<JiraSecrets> {
  return readSecret('JIRA_SECRET_ARN', 'jira');
}

const SCHEMAS = { slack: slackSecretSchema, jira: jiraSecretSchema };
type SecretKind = keyof typeof SCHEMAS;

/** Cached for 5 minutes, so that a rotation is picked up without a deploy. */
async function readSecret<K extends SecretKind>(
  variable: string,
  kind: K,
): Promise<z.infer<(typeof SCHEMAS)[K]>> {
  const arn = requireEnv(variable);
  return parseSecret(kind, arn, await (await secretsProvider()).get(arn, { transform: 'json', maxAge: 300 }));
}

/**
 * A secret's value as iam-janitor needs it (the Lambdas, and `iam-janitor doctor`). The error names
 * each missing or malformed key and its rule, never a value.
 */
export function parseSecret<K extends SecretKind>(
  kind: K,
  secretId: string,
  raw: unknown,
): z.infer<(typeof SCHEMAS)[K]> {
  const parsed = SCHEMAS[kind].safeParse(raw ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) =>
        issue.code === 'invalid_type'
          ? `${issue.path.join('.')} is missing`
          : `${issue.path.join('.')} ${issue.message}`,
      )
      .join('; ');
    throw new SecretNotConfiguredError(
      `The secret ${secretId} is not filled as iam-janitor needs: ${problems}. Fill it with: aws secretsmanager put-secret-value --secret-id ${secretId} --secret-string file://secret.json`,
    );
  }
  return parsed.data as z.infer<(typeof SCHEMAS)[K]>;
}
