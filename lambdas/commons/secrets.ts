import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import * as z from 'zod';
import { requireEnv } from './env';

const secretSchema = z.object({
  slackBotToken: z.string().min(1),
  slackSigningSecret: z.string().min(1),
  jiraEmail: z.string().min(1),
  jiraApiToken: z.string().min(1),
});
export type JanitorSecrets = z.infer<typeof secretSchema>;

export class SecretNotConfiguredError extends Error {
  override name = 'SecretNotConfiguredError';
}

/**
 * The Slack and Jira credentials, cached for 5 minutes so that a rotation is picked up without a
 * deploy. Errors name the missing keys, never a value.
 */
export async function janitorSecrets(): Promise<JanitorSecrets> {
  const arn = requireEnv('SECRET_ARN');
  const raw = await getSecret(arn, { transform: 'json', maxAge: 300 });
  const parsed = secretSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const missing = parsed.error.issues.map((issue) => issue.path.join('.')).join(', ');
    throw new SecretNotConfiguredError(
      `The secret ${arn} lacks ${missing}. Fill it with: aws secretsmanager put-secret-value --secret-id ${arn} --secret-string file://secret.json`,
    );
  }
  return parsed.data;
}
