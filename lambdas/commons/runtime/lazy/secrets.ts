// Loaded on first use through lazy/index.ts, which says why a file of our own.
export { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
export { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
