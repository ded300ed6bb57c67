import { errorName } from '../../lambdas/commons/runtime/errors';

/** Turns the SDK's errors into what to do next; never a stack trace for a missing login. */
export function explainAwsError(error: unknown): string {
  const name = errorName(error);
  const message = error instanceof Error ? error.message : String(error);
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    return 'No AWS credentials found. Set AWS_PROFILE (and run `aws sso login` if it uses SSO), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, then try again.';
  }
  if ((name === 'AccessDenied' || name === 'AccessDeniedException') && message.includes('sts:AssumeRole')) {
    return `The member role could not be assumed: ${message}. Either the StackSet has not reached this account (check its stack instances), or the role does not trust you: add your role to reportPrincipalArns and deploy again.`;
  }
  if (name === 'AccessDenied' || name === 'AccessDeniedException') {
    return `AWS refused the call: ${message}. The report needs iam:GenerateCredentialReport, iam:GetCredentialReport, iam:GetUser, iam:GetAccountAuthorizationDetails and iam:ListAccessKeys (with --table, dynamodb:Query on the case table's casesByUser index).`;
  }
  if (name === 'InvalidClientTokenId' || name === 'ExpiredToken' || name === 'ExpiredTokenException') {
    return `Your AWS credentials were rejected (${name}): refresh them and try again.`;
  }
  if (/Region is missing/i.test(message)) {
    return 'No AWS region is set: set AWS_REGION (for example AWS_REGION=eu-west-1), or a region in your AWS profile (aws configure set region eu-west-1), then try again.';
  }
  const network = /\b(ECONNREFUSED|ENOTFOUND|ETIMEDOUT|ECONNRESET|EAI_AGAIN)\b\s*([\w.:[\]-]+)?/.exec(
    message,
  );
  if (network) {
    const [, code, address] = network;
    return `Could not reach ${address ?? 'the AWS endpoint'} (${code}). Check your network connection, your proxy settings (HTTPS_PROXY), and any AWS_ENDPOINT_URL or AWS_ENDPOINT_URL_<SERVICE> variable that points the CLI elsewhere.`;
  }
  if (name === 'Throttling' || name === 'ThrottlingException') {
    return 'IAM kept throttling after every retry: another tool is using the account-wide IAM quota. Try again in a few minutes.';
  }
  return `${name}: ${message}`;
}
