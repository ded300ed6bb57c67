import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PatientRetryStrategy } from '../../lambdas/commons/runtime/retry';
import { serviceClientConfig } from '../../lambdas/commons/runtime/clients';
import { parseSecret } from '../../lambdas/commons/config/secrets';
import { explainAwsError } from './aws-errors';

/**
 * One of the stack's two secrets, read with the operator's own credentials (`doctor`, and
 * `release` for the Slack bot token): secretsmanager:GetSecretValue on that secret, and nothing
 * more. A failure names the secret and the reason, never a value.
 */
export async function readStoredSecret<K extends 'slack' | 'jira'>(kind: K, secretId: string) {
  const client = new SecretsManagerClient({
    retryStrategy: new PatientRetryStrategy(3),
    ...serviceClientConfig('secretsmanager'),
  });
  let text: string | undefined;
  try {
    text = (await client.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;
  } catch (error) {
    throw new Error(`cannot read ${secretId}: ${explainAwsError(error)}`, { cause: error });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text ?? '');
  } catch {
    raw = {};
  }
  // Names each missing or malformed key and how to fill it, never a value.
  return parseSecret(kind, secretId, raw);
}
