import * as v from 'valibot';
import { secretsProvider } from '../runtime/clients';
import type { JIRA_SECRET_KEYS, SLACK_SECRET_KEYS } from './secret-keys';
import { requireEnv } from './env';

/**
 * Two secrets, so that each function can read only the credentials it uses: the internet-facing
 * interactions function holds the Slack signing secret and bot token, and can never read the Jira
 * API token.
 */
// `satisfies`: the key lists the stack documents (secret-keys.ts) name exactly these fields.
// Well-formed, not only present: a user token or a placeholder would fail at the first post.
type StringSchema = v.GenericSchema<unknown, string>;
/**
 * What an HTTP header value may hold (RFC 9110 field-value: visible ASCII, obs-text, space and tab),
 * as a whole line: no CR, LF, NUL or other control character, nothing beyond U+00FF.
 */
const HEADER_SAFE = /^[\t\x20-\x7e\x80-\xff]*$/;
const slackSecretSchema = v.object({
  slackBotToken: v.pipe(
    v.string(),
    v.regex(/^xoxb-/, 'must be the bot token (xoxb-…) from OAuth & Permissions'),
    // Checked here, before any client sends it: the HTTP stack refuses such a header and quotes it whole.
    v.regex(
      HEADER_SAFE,
      'holds a character not allowed in an HTTP header (a line break or another control character): copy the bot token (xoxb-…) again from OAuth & Permissions',
    ),
  ),
  slackSigningSecret: v.pipe(
    v.string(),
    v.regex(/^[0-9a-z]{16,}$/i, "must be the app's signing secret from Basic Information"),
  ),
} satisfies Record<(typeof SLACK_SECRET_KEYS)[number], StringSchema>);
const jiraSecretSchema = v.object({
  // A host name after the @: "name@example.com:token", a token pasted beside the e-mail, is refused.
  jiraEmail: v.pipe(
    v.string(),
    v.regex(/^[^@\s:]+@[a-z0-9-]+(\.[a-z0-9-]+)+$/i, 'must be the e-mail of the Jira account'),
  ),
  jiraApiToken: v.pipe(v.string(), v.minLength(1, 'is empty')),
} satisfies Record<(typeof JIRA_SECRET_KEYS)[number], StringSchema>);
export type SlackSecrets = v.InferOutput<typeof slackSecretSchema>;
export type JiraSecrets = v.InferOutput<typeof jiraSecretSchema>;

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
): Promise<v.InferOutput<(typeof SCHEMAS)[K]>> {
  const arn = requireEnv(variable);
  return parseSecret(kind, arn, await secretsProvider().get(arn, { transform: 'json', maxAge: 300 }));
}

/**
 * A secret's value as iam-janitor needs it (the Lambdas, and `iam-janitor doctor`). The error names
 * each missing or malformed key and its rule, never a value.
 */
export function parseSecret<K extends SecretKind>(
  kind: K,
  secretId: string,
  raw: unknown,
): v.InferOutput<(typeof SCHEMAS)[K]> {
  const parsed = v.safeParse(SCHEMAS[kind], raw ?? {});
  if (!parsed.success) {
    // A missing key and a non-string value are both "missing": a value is never echoed.
    const problems = parsed.issues
      .map((issue) =>
        issue.kind === 'schema'
          ? `${v.getDotPath(issue)} is missing`
          : `${v.getDotPath(issue)} ${issue.message}`,
      )
      .join('; ');
    throw new SecretNotConfiguredError(
      `The secret ${secretId} is not filled as iam-janitor needs: ${problems}. Fill it with: aws secretsmanager put-secret-value --secret-id ${secretId} --secret-string file://secret.json`,
    );
  }
  return parsed.output as v.InferOutput<(typeof SCHEMAS)[K]>;
}
