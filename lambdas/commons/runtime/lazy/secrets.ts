// Loaded with `await import()` on the first secret read (see lazy/organizations.ts for why a file).
export { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
export { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
